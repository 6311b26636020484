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
}  // namespace

void* compute_input(float* data, size_t n, Precision p, int slot) {
  if (p == Precision::f32) return data;
  static std::array<Buffer, 2> slots;
  void* out = slots.at(slot).ensure(n * 2);
  ToBf16& convert = cached<ToBf16>(key_of("to_bf16", {static_cast<int64_t>(n)}), [&] { return std::make_unique<ToBf16>(n); });
  convert.prim.execute(cpu_stream(), {{DNNL_ARG_FROM, dnnl::memory(convert.from, cpu_engine(), data)},
                                      {DNNL_ARG_TO, dnnl::memory(convert.to, cpu_engine(), out)}});
  return out;
}

}  // namespace nin
