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
    throw Napi::Error::New(info.Env(), "bf16 precision needs a CPU with AVX512-BF16 (e.g. Intel Cooper Lake, Sapphire Rapids or "
                                       "AMD Zen 4); this one does not have it: use fp32");
  }
  return Precision::bf16;
}

namespace {
// f32 → bf16 of a dense run of values: a one-dimensional oneDNN reorder (vectorised and threaded by oneDNN).
struct ToBf16 {
  dnnl::reorder prim;
  dnnl::memory::desc from, to;
  explicit ToBf16(int64_t n) : from({n}, dt::f32, tag::x), to({n}, dt::bf16, tag::x) {
    prim = dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), from, cpu_engine(), to));
  }
};

void convert_to_bf16(float* data, void* out, size_t n) {
  ToBf16& convert = cached<ToBf16>(key_of("to_bf16", {static_cast<int64_t>(n)}), [&] { return std::make_unique<ToBf16>(n); });
  convert.prim.execute(cpu_stream(), {{DNNL_ARG_FROM, dnnl::memory(convert.from, cpu_engine(), data)},
                                      {DNNL_ARG_TO, dnnl::memory(convert.to, cpu_engine(), out)}});
}

// toBf16(src: Float32Array, dst: Uint16Array of the same length (written))
Napi::Value ToBf16Kernel(const Napi::CallbackInfo& info) {
  return run_kernel(info, "toBf16", [&] {
    Napi::Value d = info[1];
    if (!d.IsTypedArray() || d.As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array) {
      throw Napi::TypeError::New(info.Env(), "dst must be a Uint16Array");
    }
    auto dst = d.As<Napi::Uint16Array>();
    float* src = f32_array(info, 0, dst.ElementLength(), "src");
    convert_to_bf16(src, dst.Data(), dst.ElementLength());
    cpu_stream().wait();
  });
}
}  // namespace

void* compute_input(float* data, size_t n, Precision p, int slot) {
  if (p == Precision::f32) return data;
  static std::array<Buffer, 2> slots;
  void* out = slots.at(slot).ensure(n * 2);
  convert_to_bf16(data, out, n);
  return out;
}

void* compute_input_arg(const Napi::CallbackInfo& info, size_t index, size_t n, Precision p, int slot, const char* what) {
  Napi::Value v = info[index];
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint16_array) {
    if (p != Precision::bf16) throw Napi::TypeError::New(info.Env(), std::string(what) + " is bfloat16 data but the kernel computes in fp32");
    auto a = v.As<Napi::Uint16Array>();
    if (a.ElementLength() != n) {
      throw Napi::RangeError::New(info.Env(), std::string(what) + " has " + std::to_string(a.ElementLength()) +
                                                   " elements, expected " + std::to_string(n));
    }
    return a.Data();
  }
  return compute_input(f32_array(info, index, n, what), n, p, slot);
}

void init_precision(Napi::Env env, Napi::Object exports) { exports.Set("toBf16", Napi::Function::New(env, ToBf16Kernel)); }

}  // namespace nin
