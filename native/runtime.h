// Shared plumbing for every kernel: the oneDNN engine and stream, argument checking, flush-to-zero, the user
// scratchpad, the primitive cache and the conversion of oneDNN errors into JS errors. Knows no model.
#pragma once

#include <napi.h>
#include <omp.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

namespace nin {

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// Sets FTZ/DAZ on the calling (JS) thread for the duration of a kernel and restores the caller's mode after, so
// JavaScript arithmetic keeps IEEE semantics. OpenMP workers have it set permanently (see set_num_threads).
class FlushDenormals {
 public:
  FlushDenormals();
  ~FlushDenormals();

 private:
  unsigned int saved_;
};

// oneDNN 2.6's generated GEMM kernels (its matmuls, Winograd's batched products) point rsp into a heap buffer while
// they run (uxlfoundation/oneDNN#4845, fixed in later releases): a signal handled on a thread inside one writes its
// frame into the heap, and the process later aborts in free(). So a kernel runs with the asynchronous signals
// blocked on the calling (JS) thread, to be delivered as it returns, and the OpenMP workers keep them blocked.
class BlockSignals {
 public:
  BlockSignals();
  ~BlockSignals();

 private:
  sigset_t saved_;
};

// Every OpenMP worker gets FTZ/DAZ and blocks the asynchronous signals (see BlockSignals); called at load time and
// whenever the thread count changes.
void set_num_threads(int n);
int num_threads();

// A function compiled three times, for AVX-512 CPUs, AVX2 CPUs and any x86-64; the loader picks one for the CPU it
// runs on. (No FMA in any: binding.gyp keeps each product rounded, as JavaScript and TF.js's cpu kernels do.)
#define NIN_VECTOR_CLONE __attribute__((target_clones("avx512f", "avx2", "default")))

// Whether oneDNN runs its AVX-512 kernels here (asked once; DNNL_MAX_CPU_ISA can lower it).
bool has_avx512();

// Runs body(begin, end) on each OpenMP thread's contiguous share of [0, n): the loop inside can be a clone, which
// an OpenMP region's outlined body cannot.
template <class Body>
void parallel_ranges(int64_t n, const Body& body) {
#pragma omp parallel
  {
    const int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t chunk = (n + threads - 1) / threads;
    body(std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
  }
}

// Argument access. `what` names the argument in error messages.
float* f32_array(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what);
float* f32_array_or_null(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what);
std::vector<int64_t> int_list(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what);
// An object argument, and one of its integer properties; `what` names it in error messages ("geometry.padInfo").
Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index, const char* what);
int64_t int_field(const Napi::Object& o, const char* name, const std::string& what);
bool bool_field(const Napi::Object& o, const char* name, const std::string& what);
double number_field(const Napi::Object& o, const char* name, const std::string& what);
int64_t product(const std::vector<int64_t>& v);

// One growing buffer handed to every primitive as its scratchpad (primitives are made with
// scratchpad_mode::user): oneDNN would otherwise allocate, and page-fault, a fresh one on every call.
dnnl::memory scratchpad_for(const dnnl::primitive_desc_base& pd);
dnnl::primitive_attr user_scratchpad_attr();

// A reusable aligned buffer, e.g. for weights reordered into a primitive's preferred layout.
class Buffer {
 public:
  void* ensure(size_t bytes);

 private:
  std::unique_ptr<float[], void (*)(float*)> data_{nullptr, [](float*) {}};
  size_t bytes_ = 0;
};

// Primitives are expensive to create and cheap to run: each kernel caches its prepared objects by a key string
// made of everything that shapes the primitive.
template <class T>
T& cached(const std::string& key, const std::function<std::unique_ptr<T>()>& make) {
  static std::unordered_map<std::string, std::unique_ptr<T>> cache;
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, make()).first;
  return *it->second;
}

std::string key_of(const char* kind, const std::vector<int64_t>& numbers);

// Runs `body` under the flush-to-zero guard and turns oneDNN errors into JS errors naming the kernel.
Napi::Value run_kernel(const Napi::CallbackInfo& info, const char* kernel, const std::function<void()>& body);

// The module's entry points. A kernel file registers each of its own with one line at namespace scope,
//   NIN_ENTRY_POINT("conv2d", Conv2D);
// and addon.cc exports whatever was registered: a new kernel file touches no other C++ file.
using EntryPoint = Napi::Value (*)(const Napi::CallbackInfo&);
std::vector<std::pair<const char*, EntryPoint>>& entry_points();
struct EntryPointRegistration {
  EntryPointRegistration(const char* name, EntryPoint fn) { entry_points().emplace_back(name, fn); }
};
#define NIN_ENTRY_POINT(name, fn) static const ::nin::EntryPointRegistration nin_entry_point_##fn(name, fn)

}  // namespace nin

namespace nin {
// A dense row-major float32 descriptor of any rank (the layout of every TF.js tensor).
dnnl::memory::desc plain_desc(const std::vector<int64_t>& shape);
}  // namespace nin
