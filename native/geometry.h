// The geometry of a 2-D convolution or pooling window over NHWC tensors, read by name from TF.js's own
// backend_util.Conv2DInfo (what computeConv2DInfo and computePool2DInfo return, and what the TS kernels pass as
// they are), so that TypeScript and C++ share one definition of it. Knows no model.
#pragma once

#include "runtime.h"

namespace nin {

struct Geometry {
  int64_t n, h, w, c, oh, ow, oc, kh, kw;
  dims strides;
  dims dilation;  // as oneDNN counts it: 0 is dense (TF.js counts 1)
  dims pad_l;     // top, left
  dims pad_r;     // bottom, right

  // From a Conv2DInfo argument; a missing or non-integer field is a TypeError naming it.
  static Geometry from_arg(const Napi::CallbackInfo& info, size_t index);

  // Every number of the geometry: what its primitives depend on, for the primitive cache's key.
  std::vector<int64_t> key() const;

  dnnl::memory::desc src(dt t = dt::f32) const { return {{n, c, h, w}, t, tag::nhwc}; }
  dnnl::memory::desc dst(dt t = dt::f32) const { return {{n, oc, oh, ow}, t, tag::nhwc}; }
  dnnl::memory::dims window() const { return {kh, kw}; }
  size_t src_size() const { return n * h * w * c; }
  size_t dst_size() const { return n * oh * ow * oc; }

  // A convolution's filter (HWIO in TF.js) and bias.
  dnnl::memory::desc user_weights() const { return {{oc, c, kh, kw}, dt::f32, tag::hwio}; }
  dnnl::memory::desc any_weights(dt t = dt::f32) const { return {{oc, c, kh, kw}, t, tag::any}; }
  dnnl::memory::desc bias() const { return {{oc}, dt::f32, tag::x}; }
  size_t weights_size() const { return kh * kw * c * oc; }
};

}  // namespace nin
