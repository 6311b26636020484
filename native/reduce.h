// The reduction loop of reduce.cc for other kernels' use. Knows no model.
#pragma once

#include "runtime.h"

namespace nin {

// y[i] = Σ_row x[row][i] for a row-major [rows, inner] array (double accumulators, threaded): a bias gradient.
void sum_rows(const float* x, int64_t rows, int64_t inner, float* y);

}  // namespace nin
