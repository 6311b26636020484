#include "runtime.h"

#include <omp.h>
#include <xmmintrin.h>

#include <cstdlib>
#include <sstream>

namespace nin {

namespace {
constexpr unsigned int kFlushToZero = 0x8000;       // MXCSR.FTZ
constexpr unsigned int kDenormalsAreZero = 0x0040;  // MXCSR.DAZ
}  // namespace

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  static dnnl::stream stream(cpu_engine());
  return stream;
}

// Every signal but those a fault raises on the faulting thread itself (blocking those would kill the process).
static const sigset_t& asynchronous_signals() {
  static const sigset_t set = [] {
    sigset_t s;
    sigfillset(&s);
    for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT}) sigdelset(&s, fault);
    return s;
  }();
  return set;
}

BlockSignals::BlockSignals() { pthread_sigmask(SIG_BLOCK, &asynchronous_signals(), &saved_); }
BlockSignals::~BlockSignals() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

FlushDenormals::FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
FlushDenormals::~FlushDenormals() { _mm_setcsr(saved_); }

void set_num_threads(int n) {
  omp_set_num_threads(n);
  const unsigned int master = omp_get_thread_num();
#pragma omp parallel
  {
    // Denormal floats make oneDNN's kernels several times slower; the workers never run JavaScript.
    if (static_cast<unsigned int>(omp_get_thread_num()) != master) {
      _mm_setcsr(_mm_getcsr() | kFlushToZero | kDenormalsAreZero);
      pthread_sigmask(SIG_BLOCK, &asynchronous_signals(), nullptr);
    }
  }
}

int num_threads() { return omp_get_max_threads(); }

// oneDNN's ISA values are sets of bits, each holding those of the ISAs it extends (avx2_vnni is not above avx512).
bool has_avx512() {
  static const bool has = [] {
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto avx512 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core);
    return (isa & avx512) == avx512;
  }();
  return has;
}

static float* f32_array_impl(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what,
                             bool nullable) {
  Napi::Value v = info[index];
  if (nullable && (v.IsNull() || v.IsUndefined())) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Float32Array");
  }
  auto a = v.As<Napi::Float32Array>();
  if (a.ElementLength() != expected_length) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " has " + std::to_string(a.ElementLength()) +
                                                " elements, expected " + std::to_string(expected_length));
  }
  return a.Data();  // byteOffset already applied: subarray views work.
}

float* f32_array(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what) {
  return f32_array_impl(info, index, expected_length, what, false);
}

float* f32_array_or_null(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what) {
  return f32_array_impl(info, index, expected_length, what, true);
}

std::vector<int64_t> int_list(const Napi::CallbackInfo& info, size_t index, size_t expected_length, const char* what) {
  Napi::Value v = info[index];
  if (!v.IsArray()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an array of integers");
  auto a = v.As<Napi::Array>();
  if (expected_length != 0 && a.Length() != expected_length) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " must have " + std::to_string(expected_length) +
                                                " entries, got " + std::to_string(a.Length()));
  }
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a[i];
    if (!e.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must contain only numbers");
    out[i] = e.As<Napi::Number>().Int64Value();
  }
  return out;
}

Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Value v = info[index];
  if (!v.IsObject() || v.IsArray()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an object");
  return v.As<Napi::Object>();
}

double number_field(const Napi::Object& o, const char* name, const std::string& what) {
  Napi::Value v = o.Get(name);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), what + "." + name + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

int64_t int_field(const Napi::Object& o, const char* name, const std::string& what) {
  const double d = number_field(o, name, what);
  if (d != static_cast<double>(static_cast<int64_t>(d))) {
    throw Napi::RangeError::New(o.Env(), what + "." + name + " must be an integer, got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

bool bool_field(const Napi::Object& o, const char* name, const std::string& what) {
  Napi::Value v = o.Get(name);
  if (!v.IsBoolean()) throw Napi::TypeError::New(o.Env(), what + "." + name + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::vector<std::pair<const char*, EntryPoint>>& entry_points() {
  static std::vector<std::pair<const char*, EntryPoint>> table;  // built before main, by each file's registrations
  return table;
}

int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (auto x : v) p *= x;
  return p;
}

void* Buffer::ensure(size_t bytes) {
  if (bytes > bytes_) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    float* p = static_cast<float*>(std::aligned_alloc(64, rounded));
    if (p == nullptr) throw std::bad_alloc();
    data_ = std::unique_ptr<float[], void (*)(float*)>(p, [](float* q) { std::free(q); });
    bytes_ = rounded;
  }
  return data_.get();
}

dnnl::primitive_attr user_scratchpad_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::memory scratchpad_for(const dnnl::primitive_desc_base& pd) {
  static Buffer scratch;
  dnnl::memory::desc d = pd.scratchpad_desc();
  return dnnl::memory(d, cpu_engine(), scratch.ensure(d.get_size() + 64));
}

std::string key_of(const char* kind, const std::vector<int64_t>& numbers) {
  std::ostringstream s;
  s << kind;
  for (auto n : numbers) s << ',' << n;
  return s.str();
}

Napi::Value run_kernel(const Napi::CallbackInfo& info, const char* kernel, const std::function<void()>& body) {
  FlushDenormals ftz;
  BlockSignals signals;
  try {
    body();
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("onednn ") + kernel + ": oneDNN failed (status " +
                                           std::to_string(static_cast<int>(e.status)) + "): " + e.what());
  }
  return info.Env().Undefined();
}

}  // namespace nin

namespace nin {
dnnl::memory::desc plain_desc(const std::vector<int64_t>& shape) {
  dnnl::memory::dims strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return dnnl::memory::desc(shape, dt::f32, strides);
}
}  // namespace nin
