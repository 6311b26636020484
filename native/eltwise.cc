// Elementwise kernels on flat arrays: Relu, its gradient (float32 or bfloat16 arrays) and Step, with TF.js's NaN
// semantics (oneDNN's eltwise ReLU maps NaN to 0; these plain loops run at memory speed all the same), and the
// dropout mask.
// Shapes do not matter to these kernels: every TF.js tensor is a dense array, so they see one dimension.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "precision.h"

namespace nin {
namespace {

size_t length_of(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray()) throw Napi::TypeError::New(info.Env(), "x must be a Float32Array or (bfloat16) Uint16Array");
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

// bfloat16 is the upper half of a float32: widening is exact, narrowing rounds to nearest even (NaN stays NaN).
inline float load(const float* p, int64_t i) { return p[i]; }
inline float load(const uint16_t* p, int64_t i) {
  const uint32_t bits = static_cast<uint32_t>(p[i]) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline void store(float* p, int64_t i, float v) { p[i] = v; }
inline void store(uint16_t* p, int64_t i, float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  p[i] = v != v ? static_cast<uint16_t>((bits >> 16) | 0x40)
                : static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

// One thread's share [begin, end), on CPUs without AVX512-BF16. Cloned: the x86-64 baseline vectorises this loop
// only 4 floats wide, the AVX2 clone 8 wide and the AVX-512 one 16.
template <class Dy, class Y, class Dx>
NIN_VECTOR_CLONE void relu_grad_range(const Dy* dy, const Y* y, Dx* dx, int64_t begin, int64_t end) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    // a select, not a branch, so that the loop vectorises (the signs of y are random: a branch mispredicts)
    const float yi = load(y, i);
    const float mask = yi > 0.f ? 1.f : (yi == yi ? 0.f : yi);
    store(dx, i, load(dy, i) * mask);
  }
}

// The same on CPUs with AVX512-BF16 (the ones bf16 precision runs on), 16 elements at a time: narrowing to bf16
// is then one instruction (round to nearest even, NaN stays NaN), where the loop above spends most of its time.
#define NIN_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
NIN_AVX512_BF16 inline __m512 load16(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
NIN_AVX512_BF16 inline __m512 load16(const uint16_t* p, __mmask16 m) {
  // the zero-masking forms: GCC 12 warns about the undefined vectors inside the plain ones
  return _mm512_castsi512_ps(
      _mm512_maskz_slli_epi32(0xffff, _mm512_maskz_cvtepu16_epi32(0xffff, _mm256_maskz_loadu_epi16(m, p)), 16));
}
NIN_AVX512_BF16 inline void store16(float* p, __mmask16 m, __m512 v) { _mm512_mask_storeu_ps(p, m, v); }
NIN_AVX512_BF16 inline void store16(uint16_t* p, __mmask16 m, __m512 v) {
  _mm256_mask_storeu_epi16(p, m, reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(v)));
}

template <class Dy, class Y, class Dx>
NIN_AVX512_BF16 void relu_grad_range_bf16(const Dy* dy, const Y* y, Dx* dx, int64_t begin, int64_t end) {
  const __m512 one = _mm512_set1_ps(1.f), zero = _mm512_setzero_ps();
  for (int64_t i = begin; i < end; i += 16) {
    const __mmask16 m = end - i >= 16 ? 0xffff : static_cast<__mmask16>((1u << (end - i)) - 1);
    const __m512 yv = load16(y + i, m);
    const __mmask16 positive = _mm512_cmp_ps_mask(yv, zero, _CMP_GT_OQ),
                    ordered = _mm512_cmp_ps_mask(yv, yv, _CMP_ORD_Q);
    const __m512 mask = _mm512_mask_blend_ps(positive, _mm512_mask_blend_ps(ordered, yv, zero), one);  // 1, 0 or NaN
    store16(dx + i, m, _mm512_mul_ps(load16(dy + i, m), mask));
  }
}

template <class Dy, class Y, class Dx>
void relu_grad(const Dy* dy, const Y* y, Dx* dx, int64_t n) {
  static const bool avx512_bf16 = cpu_has_bf16();
  parallel_ranges(n, [&](int64_t begin, int64_t end) {
    if (avx512_bf16)
      relu_grad_range_bf16(dy, y, dx, begin, end);
    else
      relu_grad_range(dy, y, dx, begin, end);
  });
}

template <class Dy, class Y>
void relu_grad_to(const Dy* dy, const Y* y, const TypedArray& dx, int64_t n) {
  if (dx.type == dt::bf16)
    relu_grad(dy, y, static_cast<uint16_t*>(dx.data), n);
  else
    relu_grad(dy, y, static_cast<float*>(dx.data), n);
}

template <class Dy>
void relu_grad_from(const Dy* dy, const TypedArray& y, const TypedArray& dx, int64_t n) {
  if (y.type == dt::bf16)
    relu_grad_to(dy, static_cast<const uint16_t*>(y.data), dx, n);
  else
    relu_grad_to(dy, static_cast<const float*>(y.data), dx, n);
}

// reluGrad(dy, y, dx (written)): dx = dy * step(y), y being the ReLU's output (y > 0 exactly where its input was),
// with the stock gradient's NaN behaviour (a NaN in y or dy gives NaN). Each array is a Float32Array or a
// Uint16Array of bfloat16 values (the bf16 precision's storage).
Napi::Value ReluGrad(const Napi::CallbackInfo& info) {
  return run_kernel(info, "ReluGrad", [&] {
    const int64_t n = length_of(info, 0);
    const TypedArray dy = typed_array_arg(info, 0, n, "dy");
    const TypedArray y = typed_array_arg(info, 1, n, "y");
    const TypedArray dx = typed_array_arg(info, 2, n, "dx");
    if (dy.type == dt::bf16)
      relu_grad_from(static_cast<const uint16_t*>(dy.data), y, dx, n);
    else
      relu_grad_from(static_cast<const float*>(dy.data), y, dx, n);
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

// A 32-bit integer hash (Wellons' lowbias32): the dropout mask's element i is a function of (seed, i) alone, so it
// fills in parallel, and ../src/engine/dropout_mask.ts computes the same mask without the addon.
inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

// Cloned as relu_grad_range: the baseline has no vector 32-bit multiply.
NIN_VECTOR_CLONE void dropout_mask_range(float* mask, uint64_t threshold, float scale, uint32_t seed, int64_t begin,
                                         int64_t end) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i)
    mask[i] = mix32(static_cast<uint32_t>(i) * 0x9e3779b9u + seed) < threshold ? scale : 0.f;
}

// dropoutMask(mask (written), threshold, scale, seed): mask[i] = hash(seed, i) < threshold ? scale : 0, with
// threshold = keep · 2³² and scale = 1 / keep (inverted dropout's multiplier).
Napi::Value DropoutMask(const Napi::CallbackInfo& info) {
  return run_kernel(info, "DropoutMask", [&] {
    const int64_t n = length_of(info, 0);
    float* mask = f32_array(info, 0, n, "mask");
    const uint64_t threshold = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
    const float scale = info[2].As<Napi::Number>().FloatValue();
    const uint32_t seed = info[3].As<Napi::Number>().Uint32Value();
    parallel_ranges(n,
                    [&](int64_t begin, int64_t end) { dropout_mask_range(mask, threshold, scale, seed, begin, end); });
  });
}

}  // namespace

NIN_ENTRY_POINT("relu", Relu);
NIN_ENTRY_POINT("reluGrad", ReluGrad);
NIN_ENTRY_POINT("step", Step);
NIN_ENTRY_POINT("dropoutMask", DropoutMask);

}  // namespace nin
