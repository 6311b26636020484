// The arithmetic peak of this CPU's AVX-512 units, measured: every thread runs independent chains of one
// instruction on registers only (no memory traffic), enough chains to hide its latency, and the rate is counted
// as the instruction's floating-point operations per second. conv_roofline.js compares oneDNN's best convolution
// rate with it (README, "Time to 0.90 against PyTorch").
//
//   g++ -O2 -mavx512f -mavx512bf16 -pthread bench/cpu_peak.cc -o /tmp/cpu_peak && /tmp/cpu_peak [threads]
//
// bf16: vdpbf16ps, 16 lanes × 2 products × (multiply + add) = 64 operations; fp32: vfmadd, 16 lanes × 2 = 32.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

constexpr int kChains = 12;  // independent accumulators: more than latency × throughput of either instruction

volatile float sink;  // what the chains sum to, stored so the compiler keeps the work

template <typename Step>
void chains(long iterations, Step step) {
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_setzero_ps();
  for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16  // unrolled, the accumulators live in registers
    for (auto& a : acc) a = step(a);
  }
  alignas(64) float lanes[16];
  for (auto& a : acc) {
    _mm512_store_ps(lanes, a);
    sink = sink + lanes[0];
  }
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
  const __m512bh ones = (__m512bh)_mm512_set1_epi16(0x3f80);  // bf16 1.0
  const __m512 tiny = _mm512_set1_ps(1e-30f);
  double bf16 = 0, fp32 = 0;
  for (int round = 0; round < 3; round++) {
    bf16 = std::max(bf16, gflops(threads, iterations, 64, [&](__m512 a) { return _mm512_dpbf16_ps(a, ones, ones); }));
    fp32 = std::max(fp32, gflops(threads, iterations, 32, [&](__m512 a) { return _mm512_fmadd_ps(a, tiny, tiny); }));
  }
  std::printf("%d threads, best of 3 rounds: bf16 (vdpbf16ps) %.0f GFLOP/s, fp32 (vfmadd) %.0f GFLOP/s\n", threads,
              bf16, fp32);
}
