// Winograd's minimal filtering F(m×m, r×r) for the three passes of a dense 3×3 or 5×5 convolution, in fp32: the
// image is cut into α×α tiles (α = m + r − 1 ≤ 8) that overlap by r − 1, each tile and each filter is transformed,
// the α² points of the transform are independent matrix products (oneDNN's batched matmul), and an inverse
// transform gives m×m outputs a tile. For NiN's 5×5 layer, F(4×4, 5×5) makes 64 multiplications per tile and
// channel pair where direct convolution makes 400. The gradients are the transposes of the same transforms. The
// price is precision: errors of about 1e-5 of the outputs' scale where direct convolution makes about 1e-6. Knows no
// model. (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016.)
#pragma once

#include "geometry.h"
#include "precision.h"

namespace nin {

// Whether Winograd is used at all: NIN_WINOGRAD=auto (the default: where oneDNN has no AVX-512 kernels, the only
// CPUs it was measured on, bench/addon_ab.ts), on, or off (oneDNN's direct convolutions everywhere).
bool winograd_enabled();

// Whether this convolution runs as Winograd: enabled, fp32, a 3×3 or 5×5 filter at stride 1 without dilation, at
// least 16 channels in and out, and a map on which the best tile needs under half of direct's multiplications.
bool winograd_applies(const Geometry& g, Precision p);

// y = conv(x, w) (+ bias) (then ReLU); layouts as in conv2d.cc (x, y NHWC; w HWIO).
void winograd_forward(const Geometry& g, const float* x, const float* w, const float* bias, bool relu, float* y);
// dx = the data gradient of conv for dy.
void winograd_backward_data(const Geometry& g, const float* dy, const float* w, float* dx);
// dw (and db when not null) = the filter (and bias) gradient of conv for x and dy.
void winograd_backward_filter(const Geometry& g, const float* x, const float* dy, float* dw, float* db);

}  // namespace nin
