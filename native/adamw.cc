// AdamW's update of one weight (Adam with decoupled weight decay): w, its gradient g and its moments m, v in, the
// new w, m and v out, in one pass. The arithmetic is src/engine/cpu_kernels.ts' in the same order and in double
// precision, as JavaScript computes it, each result rounded to float32 as it is stored: both backends give the same
// bits (binding.gyp compiles without floating-point contraction, so no FMA fuses what the JS rounds twice).
#include <cmath>

#include "runtime.h"

namespace nin {
namespace {

struct AdamStep {
  double beta1, beta2, epsilon, lr;
  double keep;  // 1 − lr·wd for a decayed weight, 1 for the others
  double correction1, correction2;

  static AdamStep from_arg(const Napi::CallbackInfo& info, size_t index) {
    const Napi::Object o = object_arg(info, index, "step");
    auto field = [&](const char* name) { return number_field(o, name, "step"); };
    AdamStep s;
    s.beta1 = field("beta1");
    s.beta2 = field("beta2");
    s.epsilon = field("epsilon");
    s.lr = field("lr");
    s.keep = field("keep");
    s.correction1 = field("correction1");
    s.correction2 = field("correction2");
    return s;
  }
};

NIN_VECTOR_CLONE void adamw_range(const float* w, const float* g, const float* m, const float* v, float* w_out,
                                  float* m_out, float* v_out, const AdamStep& s, int64_t begin, int64_t end) {
  const double b1 = s.beta1, b2 = s.beta2, one_b1 = 1 - s.beta1, one_b2 = 1 - s.beta2;
#pragma omp simd
  for (int64_t k = begin; k < end; ++k) {
    const double gk = g[k];
    const double mk = b1 * m[k] + one_b1 * gk;
    const double vk = b2 * v[k] + one_b2 * gk * gk;
    m_out[k] = static_cast<float>(mk);
    v_out[k] = static_cast<float>(vk);
    w_out[k] =
        static_cast<float>(w[k] * s.keep - (s.lr * (mk / s.correction1)) / (std::sqrt(vk / s.correction2) + s.epsilon));
  }
}

// adamwUpdate(w, g, m, v, wOut, mOut, vOut (written), step: {beta1, beta2, epsilon, lr, keep, correction1,
//             correction2}): all arrays float32 of one length.
Napi::Value AdamWUpdate(const Napi::CallbackInfo& info) {
  return run_kernel(info, "AdamWUpdate", [&] {
    if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "w must be a Float32Array");
    const size_t n = info[0].As<Napi::TypedArray>().ElementLength();
    const float* w = f32_array(info, 0, n, "w");
    const float* g = f32_array(info, 1, n, "g");
    const float* m = f32_array(info, 2, n, "m");
    const float* v = f32_array(info, 3, n, "v");
    float* w_out = f32_array(info, 4, n, "wOut");
    float* m_out = f32_array(info, 5, n, "mOut");
    float* v_out = f32_array(info, 6, n, "vOut");
    const AdamStep s = AdamStep::from_arg(info, 7);
    parallel_ranges(static_cast<int64_t>(n),
                    [&](int64_t begin, int64_t end) { adamw_range(w, g, m, v, w_out, m_out, v_out, s, begin, end); });
  });
}

}  // namespace

NIN_ENTRY_POINT("adamwUpdate", AdamWUpdate);

}  // namespace nin
