// MaxPool, MaxPoolGrad, AvgPool and AvgPoolGrad on NHWC float32 tensors.
// Max pooling in float32 is our own, forward and gradient, so that both take each window's maximum the way TF.js's
// cpu kernel does (the first strictly largest value in row-major window order: NaN is never taken, and a window of
// only -inf and NaN gives -inf, where oneDNN gives -FLT_MAX, and passes no gradient). TF.js's MaxPoolGrad receives
// (dy, input, output) and no workspace: ours is one channel-vectorised pass that finds each window's argmax and adds
// its dy there, where oneDNN's needs its forward run again in training mode for its workspace (2.65× faster on
// NiN's three pools at 67 px and batch 128, bench/addon_ab.ts); the forward is 2.5–2.9× faster than oneDNN's there.
// In bfloat16 both are oneDNN's. Average pooling excludes padding, as TensorFlow does. Max pooling also runs on
// bfloat16 arrays (all of one call's arrays of one type): the bf16 precision's storage, whose maximum is exact.
// geometry: TF.js's Conv2DInfo of the pooling (see geometry.h).
#include <cmath>

#include "geometry.h"
#include "lanes.h"
#include "precision.h"

namespace nin {
namespace {

using namespace dnnl;

algorithm algorithm_of(const std::string& kind, const Napi::Env& env) {
  if (kind == "max") return algorithm::pooling_max;
  if (kind == "avg") return algorithm::pooling_avg_exclude_padding;
  throw Napi::TypeError::New(env, "pooling kind must be 'max' or 'avg', got '" + kind + "'");
}

// A pooling keeps the channels: the geometry's outChannels must equal its inChannels.
Geometry pool_geometry(const Napi::CallbackInfo& info, size_t index) {
  const Geometry g = Geometry::from_arg(info, index);
  if (g.oc != g.c) {
    throw Napi::RangeError::New(info.Env(), "a pooling geometry's outChannels must equal its inChannels (" +
                                                std::to_string(g.c) + "), got " + std::to_string(g.oc));
  }
  return g;
}

pooling_forward::primitive_desc forward_pd(const Geometry& g, algorithm alg, prop_kind prop, dt t) {
  return pooling_forward::primitive_desc(
      pooling_forward::desc(prop, alg, g.src(t), g.dst(t), g.strides, g.window(), g.pad_l, g.pad_r),
      user_scratchpad_attr(), cpu_engine());
}

struct Forward {
  pooling_forward::primitive_desc pd;
  pooling_forward prim;
  Forward(const Geometry& g, algorithm alg, prop_kind prop, dt t) : pd(forward_pd(g, alg, prop, t)), prim(pd) {}
};

struct Backward {
  Forward forward;  // training-mode forward, for max pooling's workspace
  pooling_backward::primitive_desc pd;
  pooling_backward prim;
  Buffer dst, workspace;
  Backward(const Geometry& g, algorithm alg, dt t)
      : forward(g, alg, prop_kind::forward_training, t),
        pd(pooling_backward::desc(alg, g.src(t), g.dst(t), g.strides, g.window(), g.pad_l, g.pad_r),
           user_scratchpad_attr(), cpu_engine(), forward.pd),
        prim(pd) {}
};

// The one data type of a call's arrays: float32, or bfloat16 for max pooling.
dt common_type(const Napi::Env& env, algorithm alg, std::initializer_list<TypedArray> arrays) {
  const dt t = arrays.begin()->type;
  for (const TypedArray& a : arrays) {
    if (a.type != t) throw Napi::TypeError::New(env, "pooling arrays must be all float32 or all bfloat16");
  }
  if (t == dt::bf16 && alg != algorithm::pooling_max)
    throw Napi::TypeError::New(env, "average pooling takes float32 only");
  return t;
}

// The input rows and columns of output pixel (oy, ox)'s window, clipped to the image.
struct Window {
  int64_t y0, y1, x0, x1;
  Window(const Geometry& g, int64_t oy, int64_t ox)
      : y0(std::max<int64_t>(0, oy * g.strides[0] - g.pad_l[0])),
        y1(std::min(g.h, oy * g.strides[0] - g.pad_l[0] + g.kh)),
        x0(std::max<int64_t>(0, ox * g.strides[1] - g.pad_l[1])),
        x1(std::min(g.w, ox * g.strides[1] - g.pad_l[1] + g.kw)) {}
};

// The window's maximum in channels [c, c + lanes of V) of `image` (its H×W×C values), as TF.js's cpu finds it:
// the first value strictly above the largest so far in row-major order, from -inf, so NaN is never taken and a
// window of only -inf and NaN gives -inf. `at`, when not null, gets that value's pixel in the image (-1 for none).
// V is Lanes (I its LaneInts) or float (I int32_t) for the last channels; the maximum goes out through `best` (see
// lanes.h).
template <class V, class I>
inline __attribute__((always_inline)) void window_max(const Geometry& g, const float* image, const Window& win,
                                                      int64_t c, V& best, I* at) {
  V v;
  best = V{} - INFINITY;
  if (at != nullptr) *at = I{} - 1;
  for (int64_t iy = win.y0; iy < win.y1; ++iy)
    for (int64_t ix = win.x0; ix < win.x1; ++ix) {
      load(v, image + (iy * g.w + ix) * g.c + c);
      const auto larger = v > best;
      best = larger ? v : best;
      if (at != nullptr) *at = larger ? I{} + static_cast<int32_t>(iy * g.w + ix) : *at;
    }
}

// Max pooling of the output rows [begin, end) of the batch (row r: image r / OH, row r % OH), all channels.
NIN_VECTOR_CLONE void max_pool_rows(const Geometry& g, const float* x, float* y, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    const int64_t n = r / g.oh, oy = r % g.oh;
    const float* image = x + n * g.h * g.w * g.c;
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      const Window win(g, oy, ox);
      float* out = y + ((n * g.oh + oy) * g.ow + ox) * g.c;
      int64_t c = 0;
      Lanes best;
      for (; c + kLanes <= g.c; c += kLanes) {
        window_max<Lanes, LaneInts>(g, image, win, c, best, nullptr);
        store(out + c, best);
      }
      for (; c < g.c; ++c) window_max<float, int32_t>(g, image, win, c, out[c], nullptr);
    }
  }
}

// The max-pool gradient of channels [c, c + lanes of V) of image n: dx there is zeroed, then each window adds its
// dy at its argmax (window_max's).
template <class V, class I>
inline __attribute__((always_inline)) void max_pool_grad_lanes(const Geometry& g, const float* dy, const float* x,
                                                               float* dx, int64_t n, int64_t c) {
  const int64_t C = g.c, image = n * g.h * g.w;
  for (int64_t p = 0; p < g.h * g.w; ++p) store(dx + (image + p) * C + c, V{});
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      const Window win(g, oy, ox);
      I at;
      V best, d, sum;
      window_max<V, I>(g, x + image * C, win, c, best, &at);
      load(d, dy + ((n * g.oh + oy) * g.ow + ox) * C + c);
      for (int64_t iy = win.y0; iy < win.y1; ++iy)
        for (int64_t ix = win.x0; ix < win.x1; ++ix) {
          float* p = dx + (image + iy * g.w + ix) * C + c;
          load(sum, p);
          sum += at == static_cast<int32_t>(iy * g.w + ix) ? d : V{};
          store(p, sum);
        }
    }
  }
}

// Items [begin, end) of (image, block of channels): no two items write the same dx element.
NIN_VECTOR_CLONE void max_pool_grad_items(const Geometry& g, const float* dy, const float* x, float* dx, int64_t begin,
                                          int64_t end) {
  const int64_t blocks = (g.c + kLanes - 1) / kLanes;
  for (int64_t item = begin; item < end; ++item) {
    const int64_t n = item / blocks, c = item % blocks * kLanes;
    if (c + kLanes <= g.c) {
      max_pool_grad_lanes<Lanes, LaneInts>(g, dy, x, dx, n, c);
    } else {
      for (int64_t k = c; k < g.c; ++k) max_pool_grad_lanes<float, int32_t>(g, dy, x, dx, n, k);
    }
  }
}

// pool2d(kind, x: [N,H,W,C], y: [N,OH,OW,C] (written), geometry)
Napi::Value Pool2D(const Napi::CallbackInfo& info) {
  const std::string kind = info[0].ToString();
  return run_kernel(info, kind == "max" ? "MaxPool" : "AvgPool", [&] {
    const algorithm alg = algorithm_of(kind, info.Env());
    const Geometry g = pool_geometry(info, 3);
    std::vector<int64_t> gv = g.key();
    const TypedArray x = typed_array_arg(info, 1, g.src_size(), "x");
    const TypedArray y = typed_array_arg(info, 2, g.dst_size(), "y");
    const dt t = common_type(info.Env(), alg, {x, y});
    if (alg == algorithm::pooling_max && t == dt::f32) {
      parallel_ranges(g.n * g.oh, [&](int64_t begin, int64_t end) {
        max_pool_rows(g, static_cast<const float*>(x.data), static_cast<float*>(y.data), begin, end);
      });
      return;
    }
    gv.insert(gv.end(), {static_cast<int64_t>(alg), static_cast<int64_t>(t)});
    Forward& f = cached<Forward>(key_of("pool_fwd", gv),
                                 [&] { return std::make_unique<Forward>(g, alg, prop_kind::forward_inference, t); });
    f.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(g.src(t), cpu_engine(), x.data)},
                                  {DNNL_ARG_DST, memory(g.dst(t), cpu_engine(), y.data)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(f.pd)}});
    cpu_stream().wait();
  });
}

// pool2dGrad(kind, dy: [N,OH,OW,C], x: [N,H,W,C] | null (needed for max), dx: [N,H,W,C] (written), geometry)
Napi::Value Pool2DGrad(const Napi::CallbackInfo& info) {
  const std::string kind = info[0].ToString();
  return run_kernel(info, kind == "max" ? "MaxPoolGrad" : "AvgPoolGrad", [&] {
    const algorithm alg = algorithm_of(kind, info.Env());
    const Geometry g = pool_geometry(info, 4);
    std::vector<int64_t> gv = g.key();
    const TypedArray dy = typed_array_arg(info, 1, g.dst_size(), "dy");
    const TypedArray x = alg == algorithm::pooling_max ? typed_array_arg(info, 2, g.src_size(), "x") : dy;
    const TypedArray dx = typed_array_arg(info, 3, g.src_size(), "dx");
    const dt t = common_type(info.Env(), alg, {dy, x, dx});
    if (alg == algorithm::pooling_max && t == dt::f32) {
      parallel_ranges(g.n * ((g.c + kLanes - 1) / kLanes), [&](int64_t begin, int64_t end) {
        max_pool_grad_items(g, static_cast<const float*>(dy.data), static_cast<const float*>(x.data),
                            static_cast<float*>(dx.data), begin, end);
      });
      return;
    }
    gv.insert(gv.end(), {static_cast<int64_t>(alg), static_cast<int64_t>(t)});
    Backward& b = cached<Backward>(key_of("pool_bwd", gv), [&] { return std::make_unique<Backward>(g, alg, t); });
    std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, memory(g.dst(t), cpu_engine(), dy.data)},
                                         {DNNL_ARG_DIFF_SRC, memory(g.src(t), cpu_engine(), dx.data)}};
    if (alg == algorithm::pooling_max) {
      memory::desc ws_md = b.forward.pd.workspace_desc();
      memory ws(ws_md, cpu_engine(), b.workspace.ensure(ws_md.get_size()));
      const memory::desc y_md = g.dst(t);
      b.forward.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(g.src(t), cpu_engine(), x.data)},
                                            {DNNL_ARG_DST, memory(y_md, cpu_engine(), b.dst.ensure(y_md.get_size()))},
                                            {DNNL_ARG_WORKSPACE, ws},
                                            {DNNL_ARG_SCRATCHPAD, scratchpad_for(b.forward.pd)}});
      args.emplace(DNNL_ARG_WORKSPACE, ws);
    }
    // Taken after the forward ran: the shared scratchpad may have grown (and moved) for it.
    args.emplace(DNNL_ARG_SCRATCHPAD, scratchpad_for(b.pd));
    b.prim.execute(cpu_stream(), args);
    cpu_stream().wait();
  });
}

}  // namespace

NIN_ENTRY_POINT("pool2d", Pool2D);
NIN_ENTRY_POINT("pool2dGrad", Pool2DGrad);

}  // namespace nin
