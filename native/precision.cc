#include "precision.h"

#include <array>

namespace nin {

bool cpu_has_bf16() {
  const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
  return isa == dnnl::cpu_isa::avx512_core_bf16 || isa == dnnl::cpu_isa::avx512_core_amx;
}

Precision precision_arg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].ToBoolean()) return Precision::f32;
  if (!cpu_has_bf16()) {
    throw Napi::Error::New(info.Env(),
                           "bf16 precision needs a CPU with AVX512-BF16 (e.g. Intel Cooper Lake, Sapphire Rapids or "
                           "AMD Zen 4); this one does not have it: use fp32");
  }
  return Precision::bf16;
}

namespace {
// f32 ⇄ bf16 of a dense run of values: a one-dimensional oneDNN reorder (vectorised and threaded by oneDNN).
struct Convert {
  dnnl::reorder prim;
  dnnl::memory::desc from, to;
  Convert(int64_t n, dt from_type, dt to_type) : from({n}, from_type, tag::x), to({n}, to_type, tag::x) {
    prim = dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), from, cpu_engine(), to));
  }
};

void convert(void* data, dt from, void* out, dt to, size_t n) {
  const std::vector<int64_t> k{static_cast<int64_t>(n), static_cast<int64_t>(from), static_cast<int64_t>(to)};
  Convert& c = cached<Convert>(key_of("convert", k), [&] { return std::make_unique<Convert>(n, from, to); });
  c.prim.execute(cpu_stream(), {{DNNL_ARG_FROM, dnnl::memory(c.from, cpu_engine(), data)},
                                {DNNL_ARG_TO, dnnl::memory(c.to, cpu_engine(), out)}});
}

Napi::Uint16Array uint16_arg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Uint16Array");
  }
  return v.As<Napi::Uint16Array>();
}

// toBf16(src: Float32Array, dst: Uint16Array of the same length (written)): round to nearest even
Napi::Value ToBf16(const Napi::CallbackInfo& info) {
  return run_kernel(info, "toBf16", [&] {
    auto dst = uint16_arg(info, 1, "dst");
    float* src = f32_array(info, 0, dst.ElementLength(), "src");
    convert(src, dt::f32, dst.Data(), dt::bf16, dst.ElementLength());
    cpu_stream().wait();
  });
}

// fromBf16(src: Uint16Array, dst: Float32Array of the same length (written)): exact
Napi::Value FromBf16(const Napi::CallbackInfo& info) {
  return run_kernel(info, "fromBf16", [&] {
    auto src = uint16_arg(info, 0, "src");
    float* dst = f32_array(info, 1, src.ElementLength(), "dst");
    convert(src.Data(), dt::bf16, dst, dt::f32, src.ElementLength());
    cpu_stream().wait();
  });
}
}  // namespace

void* compute_input(float* data, size_t n, Precision p, int slot) {
  if (p == Precision::f32) return data;
  static std::array<Buffer, 2> slots;
  void* out = slots.at(slot).ensure(n * 2);
  convert(data, dt::f32, out, dt::bf16, n);
  return out;
}

TypedArray typed_array_arg(const Napi::CallbackInfo& info, size_t index, size_t n, const char* what) {
  Napi::Value v = info[index];
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint16_array) {
    auto a = v.As<Napi::Uint16Array>();
    if (a.ElementLength() != n) {
      throw Napi::RangeError::New(info.Env(), std::string(what) + " has " + std::to_string(a.ElementLength()) +
                                                  " elements, expected " + std::to_string(n));
    }
    return {a.Data(), dt::bf16};
  }
  return {f32_array(info, index, n, what), dt::f32};
}

void* compute_input_arg(const Napi::CallbackInfo& info, size_t index, size_t n, Precision p, int slot,
                        const char* what) {
  TypedArray in = typed_array_arg(info, index, n, what);
  if (in.type == dt::f32) return compute_input(static_cast<float*>(in.data), n, p, slot);
  if (p != Precision::bf16)
    throw Napi::TypeError::New(info.Env(), std::string(what) + " is bfloat16 data but the kernel computes in fp32");
  return in.data;
}

TypedArray output_arg(const Napi::CallbackInfo& info, size_t index, size_t n, Precision p, const char* what) {
  TypedArray out = typed_array_arg(info, index, n, what);
  if (out.type == dt::bf16 && p != Precision::bf16) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " is a bfloat16 output but the kernel computes in fp32");
  }
  return out;
}

NIN_ENTRY_POINT("toBf16", ToBf16);
NIN_ENTRY_POINT("fromBf16", FromBf16);

}  // namespace nin
