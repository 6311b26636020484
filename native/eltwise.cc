// Elementwise unary kernels on flat float32 arrays: Relu, its gradient, and Step, with TF.js's NaN semantics
// (oneDNN's eltwise ReLU maps NaN to 0; these plain loops run at memory speed all the same).
// Shapes do not matter to these kernels: every TF.js tensor is a dense array, so they see one dimension.
#include <omp.h>

#include <cmath>

#include "runtime.h"

namespace nin {
namespace {

size_t length_of(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray()) throw Napi::TypeError::New(info.Env(), "x must be a Float32Array");
  return v.As<Napi::TypedArray>().ElementLength();
}

// relu(x, y (written)): y = x < 0 ? 0 : x (NaN stays NaN)
Napi::Value Relu(const Napi::CallbackInfo& info) {
  return run_kernel(info, "Relu", [&] {
    const int64_t n = length_of(info, 0);
    const float* x = f32_array(info, 0, n, "x");
    float* y = f32_array(info, 1, n, "y");
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : x[i];
  });
}

// reluGrad(dy, y, dx (written)): dx = dy * step(y), y being the ReLU's output (y > 0 exactly where its input was),
// with the stock gradient's NaN behaviour (a NaN in y or dy gives NaN).
Napi::Value ReluGrad(const Napi::CallbackInfo& info) {
  return run_kernel(info, "ReluGrad", [&] {
    const int64_t n = length_of(info, 0);
    const float* dy = f32_array(info, 0, n, "dy");
    const float* y = f32_array(info, 1, n, "y");
    float* dx = f32_array(info, 2, n, "dx");
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      // a select, not a branch, so that the loop vectorises (the signs of y are random: a branch mispredicts)
      const float mask = y[i] > 0.f ? 1.f : (y[i] == y[i] ? 0.f : y[i]);
      dx[i] = dy[i] * mask;
    }
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
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? 1.f : (x[i] == x[i] ? alpha : x[i]);
  });
}

}  // namespace

void init_eltwise(Napi::Env env, Napi::Object exports) {
  exports.Set("relu", Napi::Function::New(env, Relu));
  exports.Set("reluGrad", Napi::Function::New(env, ReluGrad));
  exports.Set("step", Napi::Function::New(env, Step));
}

}  // namespace nin
