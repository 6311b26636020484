// Reductions (Sum, Mean, Max, Min) of float32 tensors over any set of axes.
// Contract: yShape has x's rank, with 1 on every reduced axis (TF.js's side reshapes to keepDims=false after).
// oneDNN 2.6 has only a reference implementation for these layouts (ref:any, ~100x slower than memory speed), so
// the common case, one contiguous block of reduced axes ([outer, reduced, inner] once adjacent axes are merged,
// e.g. the bias gradient over N, H, W), is a plain OpenMP loop here with double accumulators; other axis sets go to
// oneDNN.
#include "reduce.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace nin {
namespace {

using namespace dnnl;

algorithm algorithm_of(const std::string& op, const Napi::Env& env) {
  if (op == "sum") return algorithm::reduction_sum;
  if (op == "mean") return algorithm::reduction_mean;
  if (op == "max") return algorithm::reduction_max;
  if (op == "min") return algorithm::reduction_min;
  throw Napi::TypeError::New(env, "unknown reduction '" + op + "'");
}

enum class Op { kSum, kMean, kMax, kMin };

Op op_of(algorithm alg) {
  switch (alg) {
    case algorithm::reduction_sum:
      return Op::kSum;
    case algorithm::reduction_mean:
      return Op::kMean;
    case algorithm::reduction_max:
      return Op::kMax;
    default:
      return Op::kMin;
  }
}

double identity_of(Op op) {
  if (op == Op::kMax) return -std::numeric_limits<double>::infinity();
  if (op == Op::kMin) return std::numeric_limits<double>::infinity();
  return 0.0;
}

// acc[i] = op(acc[i], x[row * inner + i]) over `rows` rows.
void accumulate(Op op, const float* x, int64_t rows, int64_t inner, double* acc) {
  for (int64_t row = 0; row < rows; ++row) {
    const float* xr = x + row * inner;
    if (op == Op::kSum || op == Op::kMean) {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) acc[i] += xr[i];
    } else if (op == Op::kMax) {
      for (int64_t i = 0; i < inner; ++i) acc[i] = (xr[i] > acc[i] || std::isnan(xr[i])) ? xr[i] : acc[i];
    } else {
      for (int64_t i = 0; i < inner; ++i) acc[i] = (xr[i] < acc[i] || std::isnan(xr[i])) ? xr[i] : acc[i];
    }
  }
}

void combine(Op op, const double* from, int64_t inner, double* into) {
  for (int64_t i = 0; i < inner; ++i) {
    if (op == Op::kSum || op == Op::kMean)
      into[i] += from[i];
    else if (op == Op::kMax)
      into[i] = (from[i] > into[i] || std::isnan(from[i])) ? from[i] : into[i];
    else
      into[i] = (from[i] < into[i] || std::isnan(from[i])) ? from[i] : into[i];
  }
}

void store(Op op, const double* acc, int64_t rows, int64_t inner, float* y) {
  const double scale = op == Op::kMean ? 1.0 / static_cast<double>(rows) : 1.0;
  for (int64_t i = 0; i < inner; ++i) y[i] = static_cast<float>(acc[i] * scale);
}

// x: [outer, rows, inner] → y: [outer, inner]
void reduce_middle(Op op, const float* x, float* y, int64_t outer, int64_t rows, int64_t inner) {
  const int threads = omp_get_max_threads();
  if (outer >= threads) {
#pragma omp parallel
    {
      std::vector<double> acc(inner);
#pragma omp for schedule(static)
      for (int64_t o = 0; o < outer; ++o) {
        std::fill(acc.begin(), acc.end(), identity_of(op));
        accumulate(op, x + o * rows * inner, rows, inner, acc.data());
        store(op, acc.data(), rows, inner, y + o * inner);
      }
    }
    return;
  }
  // Few outputs, long reductions: each thread reduces a slice of the rows, then the partials are combined.
  std::vector<double> partial(static_cast<size_t>(threads) * inner);
  for (int64_t o = 0; o < outer; ++o) {
    std::fill(partial.begin(), partial.end(), identity_of(op));
#pragma omp parallel
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const int64_t begin = rows * t / nt, end = rows * (t + 1) / nt;
      accumulate(op, x + (o * rows + begin) * inner, end - begin, inner, partial.data() + t * inner);
    }
    for (int t = 1; t < threads; ++t) combine(op, partial.data() + t * inner, inner, partial.data());
    store(op, partial.data(), rows, inner, y + o * inner);
  }
}

// Merges adjacent axes that are all kept or all reduced; true when the reduced axes form one block.
bool as_middle_reduction(const std::vector<int64_t>& x_shape, const std::vector<int64_t>& y_shape, int64_t& outer,
                         int64_t& rows, int64_t& inner) {
  outer = rows = inner = 1;
  int stage = 0;  // 0: before the reduced block, 1: in it, 2: after it
  for (size_t i = 0; i < x_shape.size(); ++i) {
    if (x_shape[i] == 1) continue;  // size-1 axes are both kept and reduced
    const bool reduced = y_shape[i] == 1;
    if (reduced && stage == 2) return false;
    if (reduced)
      stage = 1;
    else if (stage == 1)
      stage = 2;
    (reduced ? rows : stage == 0 ? outer : inner) *= x_shape[i];
  }
  return true;
}

struct Reduction {
  reduction::primitive_desc pd;
  reduction prim;
  Reduction(algorithm alg, const memory::desc& x, const memory::desc& y)
      : pd(reduction::desc(alg, x, y, 0.f, 0.f), user_scratchpad_attr(), cpu_engine()), prim(pd) {}
};

// reduce(op, x, xShape, y (written), yShape)
Napi::Value ReduceKernel(const Napi::CallbackInfo& info) {
  return run_kernel(info, "reduce", [&] {
    const std::string op = info[0].ToString();
    const algorithm alg = algorithm_of(op, info.Env());
    auto x_shape = int_list(info, 2, 0, "xShape");
    auto y_shape = int_list(info, 4, x_shape.size(), "yShape");
    float* x = f32_array(info, 1, product(x_shape), "x");
    float* y = f32_array(info, 3, product(y_shape), "y");
    int64_t outer, rows, inner;
    if (as_middle_reduction(x_shape, y_shape, outer, rows, inner)) {
      reduce_middle(op_of(alg), x, y, outer, rows, inner);
      return;
    }
    memory::desc x_md = plain_desc(x_shape), y_md = plain_desc(y_shape);
    std::vector<int64_t> key = x_shape;
    key.insert(key.end(), y_shape.begin(), y_shape.end());
    key.push_back(static_cast<int64_t>(alg));
    Reduction& r =
        cached<Reduction>(key_of("reduce", key), [&] { return std::make_unique<Reduction>(alg, x_md, y_md); });
    r.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(x_md, cpu_engine(), x)},
                                  {DNNL_ARG_DST, memory(y_md, cpu_engine(), y)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(r.pd)}});
    cpu_stream().wait();
  });
}

}  // namespace

void sum_rows(const float* x, int64_t rows, int64_t inner, float* y) { reduce_middle(Op::kSum, x, y, 1, rows, inner); }

NIN_ENTRY_POINT("reduce", ReduceKernel);

}  // namespace nin
