// Elementwise binary ops with broadcasting (Add, Sub, Multiply, RealDiv) on float32.
// Contract: both shapes have the output's rank; `a` has the output's shape and each dim of `b` equals it or is 1
// (TF.js's side swaps commutative operands to get there). Outputs may not alias inputs.
#include "runtime.h"

namespace nin {
namespace {

using namespace dnnl;

algorithm algorithm_of(const std::string& op, const Napi::Env& env) {
  if (op == "add") return algorithm::binary_add;
  if (op == "sub") return algorithm::binary_sub;
  if (op == "mul") return algorithm::binary_mul;
  if (op == "div") return algorithm::binary_div;
  throw Napi::TypeError::New(env, "unknown binary op '" + op + "'");
}

struct Binary {
  binary::primitive_desc pd;
  binary prim;
  Binary(algorithm alg, const memory::desc& a, const memory::desc& b)
      : pd(binary::desc(alg, a, b, a), user_scratchpad_attr(), cpu_engine()), prim(pd) {}
};

// binary(op, a, aShape, b, bShape, out)
Napi::Value BinaryKernel(const Napi::CallbackInfo& info) {
  return run_kernel(info, "binary", [&] {
    const std::string op = info[0].ToString();
    const algorithm alg = algorithm_of(op, info.Env());
    auto a_shape = int_list(info, 2, 0, "aShape");
    auto b_shape = int_list(info, 4, a_shape.size(), "bShape");
    for (size_t i = 0; i < a_shape.size(); ++i) {
      if (b_shape[i] != a_shape[i] && b_shape[i] != 1) {
        throw Napi::RangeError::New(info.Env(), "binary " + op + ": shape of b does not broadcast to shape of a");
      }
    }
    float* a = f32_array(info, 1, product(a_shape), "a");
    float* b = f32_array(info, 3, product(b_shape), "b");
    float* out = f32_array(info, 5, product(a_shape), "out");
    memory::desc a_md = plain_desc(a_shape), b_md = plain_desc(b_shape);
    std::vector<int64_t> key = a_shape;
    key.insert(key.end(), b_shape.begin(), b_shape.end());
    key.push_back(static_cast<int64_t>(alg));
    Binary& k = cached<Binary>(key_of("binary", key), [&] { return std::make_unique<Binary>(alg, a_md, b_md); });
    k.prim.execute(cpu_stream(), {{DNNL_ARG_SRC_0, memory(a_md, cpu_engine(), a)},
                                  {DNNL_ARG_SRC_1, memory(b_md, cpu_engine(), b)},
                                  {DNNL_ARG_DST, memory(a_md, cpu_engine(), out)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(k.pd)}});
    cpu_stream().wait();
  });
}

}  // namespace

NIN_ENTRY_POINT("binary", BinaryKernel);

}  // namespace nin
