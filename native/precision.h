// The precision a convolution or matrix product computes in. In bf16 its float32 inputs are rounded to bfloat16
// (round to nearest even) inside the kernel and products are accumulated in float32. Inputs may also come already
// converted, and some outputs may be written as bfloat16 (a Uint16Array): the TS side keeps such arrays as the
// storage of float32 tensors whose float32 values are made only when something reads them (bf16_storage.ts).
#pragma once

#include "runtime.h"

namespace nin {

enum class Precision { f32, bf16 };

// Reads a kernel's precision argument (a boolean: true = bf16). Asking for bf16 on a CPU without AVX512-BF16
// throws: oneDNN would otherwise emulate it, slower than float32.
Precision precision_arg(const Napi::CallbackInfo& info, size_t index);

// Whether this CPU computes bf16 natively (AVX512-BF16 or AMX).
bool cpu_has_bf16();

// The data type a kernel's inputs take in oneDNN under `p`.
inline dt compute_type(Precision p) { return p == Precision::bf16 ? dt::bf16 : dt::f32; }

// `n` float32 values as the compute type: `data` itself in f32; in bf16 a converted copy in conversion slot `slot`
// (one reused buffer per slot; a kernel's inputs use different slots).
void* compute_input(float* data, size_t n, Precision p, int slot);

// A kernel input that the caller may pass already converted: a Uint16Array of bfloat16 values (bf16 only, used
// as is), or a Float32Array (converted by compute_input when computing in bf16).
void* compute_input_arg(const Napi::CallbackInfo& info, size_t index, size_t n, Precision p, int slot,
                        const char* what);

// An array argument that is either float32 (Float32Array) or bfloat16 (Uint16Array), of `n` elements.
struct TypedArray {
  void* data;
  dt type;
};
TypedArray typed_array_arg(const Napi::CallbackInfo& info, size_t index, size_t n, const char* what);

// An output a kernel may write as bfloat16 (only when computing in bf16) or float32.
TypedArray output_arg(const Napi::CallbackInfo& info, size_t index, size_t n, Precision p, const char* what);

}  // namespace nin
