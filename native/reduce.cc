// Reductions (Sum, Mean, Max, Min) of float32 tensors over any set of axes.
// Contract: yShape has x's rank, with 1 on every reduced axis (TF.js's side reshapes to keepDims=false after).
#include "runtime.h"

namespace nin {
namespace {

using namespace dnnl;

algorithm algorithm_of(const std::string& op, const Napi::Env& env) {
  if (op == "sum") return algorithm::reduction_sum;
  if (op == "mean") return algorithm::reduction_mean;
  if (op == "max") return algorithm::reduction_max;
  if (op == "min") return algorithm::reduction_min;
  throw Napi::TypeError::New(env, "unknown reduction '" + op + "'");
}

struct Reduction {
  reduction::primitive_desc pd;
  reduction prim;
  Reduction(algorithm alg, const memory::desc& x, const memory::desc& y)
      : pd(reduction::desc(alg, x, y, 0.f, 0.f), user_scratchpad_attr(), cpu_engine()), prim(pd) {}
};

// reduce(op, x, xShape, y (written), yShape)
Napi::Value ReduceKernel(const Napi::CallbackInfo& info) {
  return run_kernel(info, "reduce", [&] {
    const std::string op = info[0].ToString();
    const algorithm alg = algorithm_of(op, info.Env());
    auto x_shape = int_list(info, 2, 0, "xShape");
    auto y_shape = int_list(info, 4, x_shape.size(), "yShape");
    float* x = f32_array(info, 1, product(x_shape), "x");
    float* y = f32_array(info, 3, product(y_shape), "y");
    memory::desc x_md = plain_desc(x_shape), y_md = plain_desc(y_shape);
    std::vector<int64_t> key = x_shape;
    key.insert(key.end(), y_shape.begin(), y_shape.end());
    key.push_back(static_cast<int64_t>(alg));
    Reduction& r = cached<Reduction>(key_of("reduce", key), [&] { return std::make_unique<Reduction>(alg, x_md, y_md); });
    r.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(x_md, cpu_engine(), x)},
                                  {DNNL_ARG_DST, memory(y_md, cpu_engine(), y)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(r.pd)}});
    cpu_stream().wait();
  });
}

}  // namespace

void init_reduce(Napi::Env env, Napi::Object exports) { exports.Set("reduce", Napi::Function::New(env, ReduceKernel)); }

}  // namespace nin
