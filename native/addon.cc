// The module: process-wide setup, then every entry point the kernel files registered (NIN_ENTRY_POINT). Kernels run
// synchronously on the JS thread (TF.js kernels are synchronous) with OpenMP workers alongside.
#include <malloc.h>

#include "precision.h"
#include "winograd.h"

namespace nin {
namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const dnnl_version_t* v = dnnl_version();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  o.Set("cpuIsa", static_cast<double>(static_cast<int>(dnnl::get_effective_cpu_isa())));
  o.Set("threads", num_threads());
  o.Set("bf16", cpu_has_bf16());
  o.Set("winograd", winograd_enabled());
  return o;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "thread count must be at least 1, got " + std::to_string(n));
  set_num_threads(n);
  return info.Env().Undefined();
}

NIN_ENTRY_POINT("info", Info);
NIN_ENTRY_POINT("setNumThreads", SetNumThreads);

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Touching fresh pages is very slow on these VMs (~3 ms/MB), and a training step allocates gigabytes of tensors:
  // keep freed memory in the heap for reuse instead of returning it to the kernel with munmap/trim.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  set_num_threads(num_threads());  // OMP_NUM_THREADS, else all cores; also sets flush-to-zero on the workers
  for (const auto& [name, fn] : entry_points()) exports.Set(name, Napi::Function::New(env, fn));
  return exports;
}

}  // namespace
}  // namespace nin

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return nin::Init(env, exports); }

NODE_API_MODULE(onednn, InitModule)
