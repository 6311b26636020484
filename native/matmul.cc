// BatchMatMul and _FusedMatMul (bias + ReLU as a post-op): C[b] = op(A[b]) · op(B[b]) on row-major float32,
// where op transposes when asked; a batch of 1 broadcasts. Transposes are expressed as strides, never copied.
// dims = {batchA, batchB, m, k, n, transposeA, transposeB}. In bf16 (see precision.h) A and B are rounded to
// bfloat16 inside the kernel; the bias and C stay float32.
#include "precision.h"

namespace nin {
namespace {

using namespace dnnl;

struct Dims {
  int64_t ba, bb, m, k, n;
  bool ta, tb;
  static Dims from_arg(const Napi::CallbackInfo& info, size_t index) {
    const Napi::Object o = object_arg(info, index, "dims");
    auto field = [&](const char* name) { return int_field(o, name, "dims"); };
    auto flag = [&](const char* name) { return bool_field(o, name, "dims"); };
    return Dims{field("batchA"), field("batchB"),    field("m"),        field("k"),
                field("n"),      flag("transposeA"), flag("transposeB")};
  }
  std::vector<int64_t> key() const { return {ba, bb, m, k, n, ta, tb}; }
  int64_t batch() const { return std::max(ba, bb); }
  memory::desc a(dt t = dt::f32) const { return {{ba, m, k}, t, ta ? dims{m * k, 1, m} : dims{m * k, k, 1}}; }
  memory::desc b(dt t = dt::f32) const { return {{bb, k, n}, t, tb ? dims{k * n, 1, k} : dims{k * n, n, 1}}; }
  memory::desc c() const { return {{batch(), m, n}, dt::f32, dims{m * n, n, 1}}; }
  memory::desc bias() const { return {{1, 1, n}, dt::f32, dims{n, n, 1}}; }
};

struct MatMul {
  matmul::primitive_desc pd;
  matmul prim;
  static matmul::primitive_desc make(const Dims& d, bool with_bias, bool relu, Precision p) {
    primitive_attr attr = user_scratchpad_attr();
    if (relu) {
      post_ops ops;
      ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    const dt t = compute_type(p);
    matmul::desc desc = with_bias ? matmul::desc(d.a(t), d.b(t), d.bias(), d.c()) : matmul::desc(d.a(t), d.b(t), d.c());
    return matmul::primitive_desc(desc, attr, cpu_engine());
  }
  MatMul(const Dims& d, bool with_bias, bool relu, Precision p) : pd(make(d, with_bias, relu, p)), prim(pd) {}
};

// matmul(a, b, bias: [N] | null, c (written), dims, relu, bf16)
Napi::Value MatMulKernel(const Napi::CallbackInfo& info) {
  return run_kernel(info, "BatchMatMul", [&] {
    const Dims d = Dims::from_arg(info, 4);
    std::vector<int64_t> dv = d.key();
    if (d.ba != d.bb && d.ba != 1 && d.bb != 1) {
      throw Napi::RangeError::New(
          info.Env(), "batch sizes " + std::to_string(d.ba) + " and " + std::to_string(d.bb) + " do not broadcast");
    }
    const Precision p = precision_arg(info, 6);
    void* a = compute_input_arg(info, 0, d.ba * d.m * d.k, p, 0, "a");
    void* b = compute_input_arg(info, 1, d.bb * d.k * d.n, p, 1, "b");
    float* bias = f32_array_or_null(info, 2, d.n, "bias");
    float* c = f32_array(info, 3, d.batch() * d.m * d.n, "c");
    const bool relu = info[5].ToBoolean();
    dv.insert(dv.end(), {bias != nullptr, relu, static_cast<int64_t>(p)});
    MatMul& mm =
        cached<MatMul>(key_of("matmul", dv), [&] { return std::make_unique<MatMul>(d, bias != nullptr, relu, p); });
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(mm.pd.src_desc(), cpu_engine(), a)},
                                         {DNNL_ARG_WEIGHTS, memory(mm.pd.weights_desc(), cpu_engine(), b)},
                                         {DNNL_ARG_DST, memory(d.c(), cpu_engine(), c)},
                                         {DNNL_ARG_SCRATCHPAD, scratchpad_for(mm.pd)}};
    if (bias != nullptr) args.emplace(DNNL_ARG_BIAS, memory(d.bias(), cpu_engine(), bias));
    mm.prim.execute(cpu_stream(), args);
    cpu_stream().wait();
  });
}

}  // namespace

NIN_ENTRY_POINT("matmul", MatMulKernel);

}  // namespace nin
