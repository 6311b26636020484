// Elementwise unary kernels on flat float32 arrays: Relu (oneDNN eltwise), its gradient, and Step.
// Shapes do not matter to these kernels: every TF.js tensor is a dense array, so they see one dimension.
#include <omp.h>

#include <cmath>

#include "runtime.h"

namespace nin {
namespace {

using namespace dnnl;

memory::desc flat(int64_t n) { return {{n}, dt::f32, tag::a}; }

struct ReluForward {
  eltwise_forward::primitive_desc pd;
  eltwise_forward prim;
  explicit ReluForward(int64_t n)
      : pd(eltwise_forward::desc(prop_kind::forward_training, algorithm::eltwise_relu, flat(n), 0.f, 0.f),
           user_scratchpad_attr(), cpu_engine()),
        prim(pd) {}
};

struct ReluBackward {
  ReluForward forward;
  eltwise_backward::primitive_desc pd;
  eltwise_backward prim;
  explicit ReluBackward(int64_t n)
      : forward(n),
        pd(eltwise_backward::desc(algorithm::eltwise_relu, flat(n), flat(n), 0.f, 0.f), user_scratchpad_attr(),
           cpu_engine(), forward.pd),
        prim(pd) {}
};

size_t length_of(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray()) throw Napi::TypeError::New(info.Env(), "x must be a Float32Array");
  return v.As<Napi::TypedArray>().ElementLength();
}

// relu(x, y (written))
Napi::Value Relu(const Napi::CallbackInfo& info) {
  return run_kernel(info, "Relu", [&] {
    const size_t n = length_of(info, 0);
    float* x = f32_array(info, 0, n, "x");
    float* y = f32_array(info, 1, n, "y");
    ReluForward& f = cached<ReluForward>(key_of("relu", {int64_t(n)}), [&] { return std::make_unique<ReluForward>(n); });
    f.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(flat(n), cpu_engine(), x)},
                                  {DNNL_ARG_DST, memory(flat(n), cpu_engine(), y)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(f.pd)}});
    cpu_stream().wait();
  });
}

// reluGrad(dy, x, dx (written)): dx = x > 0 ? dy : 0
Napi::Value ReluGrad(const Napi::CallbackInfo& info) {
  return run_kernel(info, "ReluGrad", [&] {
    const size_t n = length_of(info, 0);
    float* dy = f32_array(info, 0, n, "dy");
    float* x = f32_array(info, 1, n, "x");
    float* dx = f32_array(info, 2, n, "dx");
    ReluBackward& b =
        cached<ReluBackward>(key_of("relu_bwd", {int64_t(n)}), [&] { return std::make_unique<ReluBackward>(n); });
    b.prim.execute(cpu_stream(), {{DNNL_ARG_DIFF_DST, memory(flat(n), cpu_engine(), dy)},
                                  {DNNL_ARG_SRC, memory(flat(n), cpu_engine(), x)},
                                  {DNNL_ARG_DIFF_SRC, memory(flat(n), cpu_engine(), dx)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(b.pd)}});
    cpu_stream().wait();
  });
}

// step(x, y (written), alpha): y = x > 0 ? 1 : alpha, NaN stays NaN (TF.js's Step).
Napi::Value Step(const Napi::CallbackInfo& info) {
  return run_kernel(info, "Step", [&] {
    const int64_t n = length_of(info, 0);
    const float* x = f32_array(info, 0, n, "x");
    float* y = f32_array(info, 1, n, "y");
    const float alpha = info[2].As<Napi::Number>().FloatValue();
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; ++i) y[i] = std::isnan(x[i]) ? x[i] : (x[i] > 0.f ? 1.f : alpha);
  });
}

}  // namespace

void init_eltwise(Napi::Env env, Napi::Object exports) {
  exports.Set("relu", Napi::Function::New(env, Relu));
  exports.Set("reluGrad", Napi::Function::New(env, ReluGrad));
  exports.Set("step", Napi::Function::New(env, Step));
}

}  // namespace nin
