#include "filter_crop.h"

#include <algorithm>
#include <cstring>

namespace nin {
namespace {

// The filter taps [first, last] along one axis that meet the image for some output: tap k of output o reads input
// o·stride − pad_before + k·gap (gap = dilation + 1), which must lie in [0, size).
struct Kept {
  int64_t first, last;
};
Kept kept_taps(int64_t size, int64_t outputs, int64_t stride, int64_t gap, int64_t pad_before, int64_t taps) {
  int64_t first = 0, last = taps - 1;
  while (first < taps && (outputs - 1) * stride - pad_before + first * gap < 0) ++first;
  while (last >= 0 && last * gap - pad_before > size - 1) --last;
  return {first, last};
}

}  // namespace

FilterCrop::FilterCrop(const Geometry& g) : g_(g), cropped_(g) {
  const Kept rows = kept_taps(g.h, g.oh, g.strides[0], g.dilation[0] + 1, g.pad_l[0], g.kh),
             cols = kept_taps(g.w, g.ow, g.strides[1], g.dilation[1] + 1, g.pad_l[1], g.kw);
  if (rows.first > rows.last || cols.first > cols.last) return;  // no tap meets the image: left to oneDNN
  cropped_.kh = rows.last - rows.first + 1;
  cropped_.kw = cols.last - cols.first + 1;
  cropped_.pad_l = {g.pad_l[0] - rows.first * (g.dilation[0] + 1), g.pad_l[1] - cols.first * (g.dilation[1] + 1)};
  cropped_.pad_r = {g.pad_r[0] - (g.kh - 1 - rows.last) * (g.dilation[0] + 1),
                    g.pad_r[1] - (g.kw - 1 - cols.last) * (g.dilation[1] + 1)};
  const bool pads_valid = std::min({cropped_.pad_l[0], cropped_.pad_l[1], cropped_.pad_r[0], cropped_.pad_r[1]}) >= 0;
  applies_ = pads_valid && (cropped_.kh < g.kh || cropped_.kw < g.kw);
  y0_ = rows.first, x0_ = cols.first;
}

const float* FilterCrop::filter(const float* w) {
  float* out = cut_buffer();
  const int64_t slab = g_.c * g_.oc;  // one tap's C×OC weights, contiguous in HWIO
  for (int64_t a = 0; a < cropped_.kh; ++a)
    for (int64_t b = 0; b < cropped_.kw; ++b)
      std::memcpy(out + (a * cropped_.kw + b) * slab, w + ((y0_ + a) * g_.kw + x0_ + b) * slab, slab * sizeof(float));
  return out;
}

float* FilterCrop::cut_buffer() { return static_cast<float*>(buffer_.ensure(cropped_.weights_size() * sizeof(float))); }

void FilterCrop::uncrop_gradient(float* dw) {
  const int64_t slab = g_.c * g_.oc;
  const float* cut = cut_buffer();
  std::fill(dw, dw + g_.weights_size(), 0.f);
  for (int64_t a = 0; a < cropped_.kh; ++a)
    for (int64_t b = 0; b < cropped_.kw; ++b)
      std::memcpy(dw + ((y0_ + a) * g_.kw + x0_ + b) * slab, cut + (a * cropped_.kw + b) * slab, slab * sizeof(float));
}

FilterCrop& filter_crop_for(const Geometry& g) {
  return cached<FilterCrop>(key_of("filter_crop", g.key()), [&] { return std::make_unique<FilterCrop>(g); });
}

}  // namespace nin
