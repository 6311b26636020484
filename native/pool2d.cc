// MaxPool, MaxPoolGrad, AvgPool and AvgPoolGrad on NHWC float32 tensors.
// TF.js's MaxPoolGrad receives (dy, input, output) and no workspace, so the gradient re-runs the forward pooling
// in training mode to obtain oneDNN's workspace (the argmax of each window) into a reused buffer: one extra
// memory-bound pass, far cheaper than keeping a workspace alive per tensor behind TF.js's back.
// Average pooling excludes padding, as TensorFlow does.
// geometry = [N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, padBottom, padRight]
#include "runtime.h"

namespace nin {
namespace {

using namespace dnnl;

constexpr size_t kGeometryLength = 14;

struct Geometry {
  int64_t n, h, w, c, oh, ow;
  dims kernel, strides, pad_l, pad_r;
  explicit Geometry(const std::vector<int64_t>& g)
      : n(g[0]), h(g[1]), w(g[2]), c(g[3]), oh(g[4]), ow(g[5]), kernel{g[6], g[7]}, strides{g[8], g[9]},
        pad_l{g[10], g[11]}, pad_r{g[12], g[13]} {}
  memory::desc src() const { return {{n, c, h, w}, dt::f32, tag::nhwc}; }
  memory::desc dst() const { return {{n, c, oh, ow}, dt::f32, tag::nhwc}; }
  size_t src_size() const { return n * h * w * c; }
  size_t dst_size() const { return n * oh * ow * c; }
};

algorithm algorithm_of(const std::string& kind, const Napi::Env& env) {
  if (kind == "max") return algorithm::pooling_max;
  if (kind == "avg") return algorithm::pooling_avg_exclude_padding;
  throw Napi::TypeError::New(env, "pooling kind must be 'max' or 'avg', got '" + kind + "'");
}

pooling_forward::primitive_desc forward_pd(const Geometry& g, algorithm alg, prop_kind prop) {
  return pooling_forward::primitive_desc(
      pooling_forward::desc(prop, alg, g.src(), g.dst(), g.strides, g.kernel, g.pad_l, g.pad_r),
      user_scratchpad_attr(), cpu_engine());
}

struct Forward {
  pooling_forward::primitive_desc pd;
  pooling_forward prim;
  Forward(const Geometry& g, algorithm alg, prop_kind prop) : pd(forward_pd(g, alg, prop)), prim(pd) {}
};

struct Backward {
  Forward forward;  // training-mode forward, for max pooling's workspace
  pooling_backward::primitive_desc pd;
  pooling_backward prim;
  Buffer dst, workspace;
  Backward(const Geometry& g, algorithm alg)
      : forward(g, alg, prop_kind::forward_training),
        pd(pooling_backward::desc(alg, g.src(), g.dst(), g.strides, g.kernel, g.pad_l, g.pad_r), user_scratchpad_attr(),
           cpu_engine(), forward.pd),
        prim(pd) {}
};

// pool2d(kind, x: [N,H,W,C], y: [N,OH,OW,C] (written), geometry)
Napi::Value Pool2D(const Napi::CallbackInfo& info) {
  const std::string kind = info[0].ToString();
  return run_kernel(info, kind == "max" ? "MaxPool" : "AvgPool", [&] {
    const algorithm alg = algorithm_of(kind, info.Env());
    auto gv = int_list(info, 3, kGeometryLength, "geometry");
    Geometry g(gv);
    float* x = f32_array(info, 1, g.src_size(), "x");
    float* y = f32_array(info, 2, g.dst_size(), "y");
    gv.push_back(static_cast<int64_t>(alg));
    Forward& f = cached<Forward>(key_of("pool_fwd", gv),
                                 [&] { return std::make_unique<Forward>(g, alg, prop_kind::forward_inference); });
    f.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(g.src(), cpu_engine(), x)},
                                  {DNNL_ARG_DST, memory(g.dst(), cpu_engine(), y)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(f.pd)}});
    cpu_stream().wait();
  });
}

// pool2dGrad(kind, dy: [N,OH,OW,C], x: [N,H,W,C] | null (needed for max), dx: [N,H,W,C] (written), geometry)
Napi::Value Pool2DGrad(const Napi::CallbackInfo& info) {
  const std::string kind = info[0].ToString();
  return run_kernel(info, kind == "max" ? "MaxPoolGrad" : "AvgPoolGrad", [&] {
    const algorithm alg = algorithm_of(kind, info.Env());
    auto gv = int_list(info, 4, kGeometryLength, "geometry");
    Geometry g(gv);
    float* dy = f32_array(info, 1, g.dst_size(), "dy");
    float* x = alg == algorithm::pooling_max ? f32_array(info, 2, g.src_size(), "x") : nullptr;
    float* dx = f32_array(info, 3, g.src_size(), "dx");
    gv.push_back(static_cast<int64_t>(alg));
    Backward& b = cached<Backward>(key_of("pool_bwd", gv), [&] { return std::make_unique<Backward>(g, alg); });
    std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, memory(g.dst(), cpu_engine(), dy)},
                                         {DNNL_ARG_DIFF_SRC, memory(g.src(), cpu_engine(), dx)}};
    if (alg == algorithm::pooling_max) {
      memory::desc ws_md = b.forward.pd.workspace_desc();
      memory ws(ws_md, cpu_engine(), b.workspace.ensure(ws_md.get_size()));
      b.forward.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(g.src(), cpu_engine(), x)},
                                            {DNNL_ARG_DST, memory(g.dst(), cpu_engine(), b.dst.ensure(g.dst_size() * 4))},
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

void init_pool2d(Napi::Env env, Napi::Object exports) {
  exports.Set("pool2d", Napi::Function::New(env, Pool2D));
  exports.Set("pool2dGrad", Napi::Function::New(env, Pool2DGrad));
}

}  // namespace nin
