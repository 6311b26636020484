// The arithmetic peak of this CPU's vector units, measured: every thread runs independent chains of one
// instruction on registers only (no memory traffic), enough chains to hide its latency, and the rate is counted
// as the instruction's floating-point operations per second. conv_roofline.js compares oneDNN's best convolution
// rate with it (README, "Time to 0.90 against PyTorch").
//
//   g++ -O2 -march=native -pthread bench/cpu_peak.cc -o /tmp/cpu_peak && /tmp/cpu_peak [threads]
//
// Built for the widest vectors the CPU has: AVX-512 (16 lanes) or AVX2 (8 lanes). fp32: vfmadd, lanes × 2 operations
// (multiply + add); bf16, where the CPU has AVX512-BF16: vdpbf16ps, 16 lanes × 2 products × 2 = 64.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#if defined(__AVX512F__)
constexpr int kLanes = 16;
constexpr const char* kIsa = "AVX-512";
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kLanes = 8;
constexpr const char* kIsa = "AVX2";
#else
#error "cpu_peak needs AVX2 with FMA or AVX-512: build with -march=native on such a CPU"
#endif
// One vector register of floats (GCC's vector extension): `a * b + c` compiles to one vfmadd, GCC contracting it.
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));

constexpr int kChains = 12;  // independent accumulators: more than latency × throughput of either instruction

volatile float sink;  // what the chains sum to, stored so the compiler keeps the work

template <typename Step>
void chains(long iterations, Step step) {
  Vec acc[kChains];
  for (int c = 0; c < kChains; c++) acc[c] = Vec{} + float(c);  // unequal, so the compiler cannot merge the chains
  for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16  // unrolled, the accumulators live in registers
    for (auto& a : acc) a = step(a);
  }
  for (auto& a : acc) sink = sink + a[0];
}

template <typename Step>
double gflops(int threads, long iterations, double flopPerInstruction, Step step) {
  std::vector<std::thread> pool;
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; t++) pool.emplace_back([&] { chains(iterations, step); });
  for (auto& t : pool) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return threads * double(iterations) * kChains * flopPerInstruction / seconds / 1e9;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : int(std::thread::hardware_concurrency());
  const long iterations = 20'000'000;
  const Vec tiny = Vec{} + 1e-30f;
  double fp32 = 0;
  for (int round = 0; round < 3; round++)
    fp32 = std::max(fp32, gflops(threads, iterations, 2 * kLanes, [&](Vec a) { return a * tiny + tiny; }));
  std::printf("%d threads, %s, best of 3 rounds: fp32 (vfmadd) %.0f GFLOP/s", threads, kIsa, fp32);
#if defined(__AVX512BF16__)
  const __m512bh ones = (__m512bh)_mm512_set1_epi16(0x3f80);  // bf16 1.0
  double bf16 = 0;
  for (int round = 0; round < 3; round++)
    bf16 = std::max(
        bf16, gflops(threads, iterations, 64, [&](Vec a) { return (Vec)_mm512_dpbf16_ps((__m512)a, ones, ones); }));
  std::printf(", bf16 (vdpbf16ps) %.0f GFLOP/s", bf16);
#else
  std::printf("; no AVX512-BF16, so no bf16 peak");
#endif
  std::printf("\n");
}
