#include "geometry.h"

namespace nin {

Geometry Geometry::from_arg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Object o = object_arg(info, index, "geometry");
  const Napi::Value pad_value = o.Get("padInfo");
  if (!pad_value.IsObject()) throw Napi::TypeError::New(info.Env(), "geometry.padInfo must be an object");
  const Napi::Object pad = pad_value.As<Napi::Object>();
  auto field = [&](const char* name) { return int_field(o, name, "geometry"); };
  auto padding = [&](const char* name) { return int_field(pad, name, "geometry.padInfo"); };
  Geometry g;
  g.n = field("batchSize");
  g.h = field("inHeight");
  g.w = field("inWidth");
  g.c = field("inChannels");
  g.oh = field("outHeight");
  g.ow = field("outWidth");
  g.oc = field("outChannels");
  g.kh = field("filterHeight");
  g.kw = field("filterWidth");
  g.strides = {field("strideHeight"), field("strideWidth")};
  g.dilation = {field("dilationHeight") - 1, field("dilationWidth") - 1};
  g.pad_l = {padding("top"), padding("left")};
  g.pad_r = {padding("bottom"), padding("right")};
  return g;
}

std::vector<int64_t> Geometry::key() const {
  return {n,          h,          w,           c,           oh,       ow,       oc,       kh,      kw,
          strides[0], strides[1], dilation[0], dilation[1], pad_l[0], pad_l[1], pad_r[0], pad_r[1]};
}

}  // namespace nin
