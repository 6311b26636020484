// Filter taps that meet only padding, for every output of a convolution, add nothing to its outputs and get a zero
// gradient: a 3×3 convolution padded by 1 on a 1×1 map uses its centre tap alone. Such a convolution is computed as
// the one with its filter cut to the taps that meet the image and its padding cut alike, which has the same outputs
// (there, a 1×1 convolution: a matrix product, where oneDNN ran the whole 3×3 filter over mostly padding). Knows no
// model.
#pragma once

#include "geometry.h"

namespace nin {

class FilterCrop {
 public:
  explicit FilterCrop(const Geometry& g);

  // Whether any tap is cut; when not, the convolution runs as it is.
  bool applies() const { return applies_; }
  // The convolution with the cut filter.
  const Geometry& cropped() const { return cropped_; }
  // This crop's buffer for a cut HWIO filter: the weights filter() copies there, or the gradient that a filter
  // gradient of cropped() writes there for uncrop_gradient().
  float* cut_buffer();
  // The kept taps of the HWIO filter w, copied into cut_buffer().
  const float* filter(const float* w);
  // dw (the whole HWIO filter's gradient) = the cut filter's gradient in cut_buffer() at its taps; 0 at the others.
  void uncrop_gradient(float* dw);

 private:
  Geometry g_, cropped_;
  int64_t y0_ = 0, x0_ = 0;  // the first filter row and column kept
  bool applies_ = false;
  Buffer buffer_;
};

// The crop of a geometry, made once.
FilterCrop& filter_crop_for(const Geometry& g);

}  // namespace nin
