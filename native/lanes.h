// Eight float32 channels at once: one AVX2 register, two SSE ones (the NIN_VECTOR_CLONE clones choose), for loops
// over the contiguous channel axis of NHWC tensors. Vectors are moved to and from memory through references (GCC
// notes that passing them by value has no stable ABI without AVX). Knows no model.
#pragma once

#include <cstdint>

namespace nin {

typedef float Lanes __attribute__((vector_size(32)));
typedef int32_t LaneInts __attribute__((vector_size(32)));  // one int32 per lane: masks, per-lane indices
constexpr int64_t kLanes = sizeof(Lanes) / sizeof(float);

template <class V, class T>
inline __attribute__((always_inline)) void load(V& v, const T* p) {
  __builtin_memcpy(&v, p, sizeof v);
}
template <class T, class V>
inline __attribute__((always_inline)) void store(T* p, const V& v) {
  __builtin_memcpy(p, &v, sizeof v);
}

}  // namespace nin
