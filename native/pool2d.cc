// MaxPool, MaxPoolGrad, AvgPool and AvgPoolGrad on NHWC float32 tensors.
// TF.js's MaxPoolGrad receives (dy, input, output) and no workspace, so the gradient re-runs the forward pooling
// in training mode to obtain oneDNN's workspace (the argmax of each window) into a reused buffer: one extra
// memory-bound pass, far cheaper than keeping a workspace alive per tensor behind TF.js's back.
// Average pooling excludes padding, as TensorFlow does. Max pooling also runs on bfloat16 arrays (all of one call's
// arrays of one type): the bf16 precision's storage, whose maximum is exact.
// geometry: TF.js's Conv2DInfo of the pooling (see geometry.h).
#include "geometry.h"
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
