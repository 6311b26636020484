// Conv2D, FusedConv2D (bias + ReLU as a post-op), Conv2DBackpropInput and Conv2DBackpropFilter.
// Contract: activations are NHWC and filters HWIO (TF.js layouts), float32, used in place without copies. The
// primitives choose their own weight layout (format_tag::any): the small filter is reordered into it on each call,
// which lets oneDNN pick its fast direct kernels instead of im2col + gemm. The last argument of each entry point
// selects the precision (see precision.h): in bf16, x, dy and the filter are rounded to bfloat16 inside the kernel.
// geometry: TF.js's Conv2DInfo (see geometry.h). In fp32 on CPUs without AVX-512, 3×3 and 5×5 convolutions at
// stride 1 go to Winograd's algorithm instead (winograd.h), all three passes.
// Filter taps that meet only padding for every output are cut off first (filter_crop.h), in all three passes.
#include <algorithm>

#include "filter_crop.h"
#include "geometry.h"
#include "precision.h"
#include "winograd.h"

namespace nin {
namespace {

using namespace dnnl;

// In bf16 the source and weights are bf16, the bias f32, and the destination f32 or (when asked) bf16.
convolution_forward::primitive_desc forward_pd(const Geometry& g, bool with_bias, bool relu, Precision p,
                                               dt dst = dt::f32) {
  const dt t = compute_type(p);
  convolution_forward::desc d =
      with_bias
          ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, g.src(t),
                                      g.any_weights(t), g.bias(), g.dst(dst), g.strides, g.dilation, g.pad_l, g.pad_r)
          : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, g.src(t),
                                      g.any_weights(t), g.dst(dst), g.strides, g.dilation, g.pad_l, g.pad_r);
  primitive_attr attr = user_scratchpad_attr();
  if (relu) {
    post_ops ops;
    ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(ops);
  }
  return convolution_forward::primitive_desc(d, attr, cpu_engine());
}

// Weights in the user's HWIO layout, moved into (or out of) the layout a primitive asked for.
struct WeightsReorder {
  memory::desc user, preferred;
  bool needed;
  reorder to_preferred, to_user;
  Buffer buffer;

  WeightsReorder(const memory::desc& user_md, const memory::desc& preferred_md)
      : user(user_md), preferred(preferred_md), needed(user_md != preferred_md) {
    if (needed) {
      to_preferred = reorder(reorder::primitive_desc(cpu_engine(), user, cpu_engine(), preferred));
      to_user = reorder(reorder::primitive_desc(cpu_engine(), preferred, cpu_engine(), user));
    }
  }

  memory in(const float* user_data) {
    memory u(user, cpu_engine(), const_cast<float*>(user_data));  // read only
    if (!needed) return u;
    memory p(preferred, cpu_engine(), buffer.ensure(preferred.get_size()));
    to_preferred.execute(cpu_stream(), u, p);
    return p;
  }

  memory out(float* user_data) {
    return needed ? memory(preferred, cpu_engine(), buffer.ensure(preferred.get_size()))
                  : memory(user, cpu_engine(), user_data);
  }

  void finish_out(memory& produced, float* user_data) {
    if (!needed) return;
    memory u(user, cpu_engine(), user_data);
    to_user.execute(cpu_stream(), produced, u);
  }
};

struct Forward {
  convolution_forward::primitive_desc pd;
  convolution_forward prim;
  WeightsReorder weights;
  Forward(const Geometry& g, bool with_bias, bool relu, Precision p, dt dst = dt::f32)
      : pd(forward_pd(g, with_bias, relu, p, dst)), prim(pd), weights(g.user_weights(), pd.weights_desc()) {}
};

struct BackwardData {
  convolution_backward_data::primitive_desc pd;
  convolution_backward_data prim;
  WeightsReorder weights;
  // in bf16: dy and the weights bf16, dx f32 or bf16
  BackwardData(const Geometry& g, Precision p, dt dx)
      : pd(convolution_backward_data::desc(algorithm::convolution_direct, g.src(dx), g.any_weights(compute_type(p)),
                                           g.dst(compute_type(p)), g.strides, g.dilation, g.pad_l, g.pad_r),
           user_scratchpad_attr(), cpu_engine(), forward_pd(g, false, false, p)),
        prim(pd),
        weights(g.user_weights(), pd.weights_desc()) {}
};

// For stride 1 without dilation, the data gradient is a forward convolution of dy with the filter rotated by 180°,
// its channel axes swapped, and padding K-1-p on each side. On AVX-512, oneDNN's NHWC forward kernels (brgconv) run
// that about twice as fast as its backward-data kernels: 48 vs 98 ms for NiN's 5×5 96→256 layer at batch 32. Below
// AVX-512 both directions have only the older jit kernels, and backward-data is as fast or faster (bench/addon_ab.ts,
// fp32 on AVX2 at batch 128, against the forward route: NiN's 3×3 layer 1.48–1.52× at 67 px and 1.31× at 96, its
// 5×5 layer 1.06–1.07× and 1.01×; its 1×1 layers ran the same either way).
bool data_gradient_as_forward(const Geometry& g) {
  const bool dense = g.strides == dims{1, 1} && g.dilation == dims{0, 0};
  const bool pads_fit = g.pad_l[0] < g.kh && g.pad_r[0] < g.kh && g.pad_l[1] < g.kw && g.pad_r[1] < g.kw;
  return dense && pads_fit && has_avx512();
}

Geometry flipped_geometry(const Geometry& g) {
  Geometry f = g;
  f.h = g.oh, f.w = g.ow, f.c = g.oc;  // dy is the input
  f.oh = g.h, f.ow = g.w, f.oc = g.c;  // dx the output
  f.strides = {1, 1};
  f.dilation = {0, 0};
  f.pad_l = {g.kh - 1 - g.pad_l[0], g.kw - 1 - g.pad_l[1]};
  f.pad_r = {g.kh - 1 - g.pad_r[0], g.kw - 1 - g.pad_r[1]};
  return f;
}

struct BackwardDataAsForward {
  Geometry flipped_g;
  Forward forward;
  Buffer flipped_weights;
  BackwardDataAsForward(const Geometry& g, Precision p, dt dx)
      : flipped_g(flipped_geometry(g)), forward(flipped_g, false, false, p, dx) {}

  // w: [KH, KW, C, OC] → w': [KH, KW, OC, C] with w'[a][b][o][i] = w[KH-1-a][KW-1-b][i][o]
  float* flip(const float* w, const Geometry& g) {
    float* out = static_cast<float*>(flipped_weights.ensure(g.weights_size() * sizeof(float)));
    const int64_t taps = g.kh * g.kw;
#pragma omp parallel for schedule(static)
    for (int64_t t = 0; t < taps; ++t) {
      const float* src = w + (taps - 1 - t) * g.c * g.oc;
      float* dst = out + t * g.c * g.oc;
      for (int64_t i = 0; i < g.c; ++i)
        for (int64_t o = 0; o < g.oc; ++o) dst[o * g.c + i] = src[i * g.oc + o];
    }
    return out;
  }
};

struct BackwardWeights {
  convolution_backward_weights::primitive_desc pd;
  convolution_backward_weights prim;
  WeightsReorder weights;
  // in bf16: x and dy bf16, the weight and bias gradients f32
  static convolution_backward_weights::desc make_desc(const Geometry& g, bool with_bias, Precision p) {
    const dt t = compute_type(p);
    return with_bias ? convolution_backward_weights::desc(algorithm::convolution_direct, g.src(t), g.any_weights(),
                                                          g.bias(), g.dst(t), g.strides, g.dilation, g.pad_l, g.pad_r)
                     : convolution_backward_weights::desc(algorithm::convolution_direct, g.src(t), g.any_weights(),
                                                          g.dst(t), g.strides, g.dilation, g.pad_l, g.pad_r);
  }
  BackwardWeights(const Geometry& g, bool with_bias, Precision p)
      : pd(make_desc(g, with_bias, p), user_scratchpad_attr(), cpu_engine(), forward_pd(g, with_bias, false, p)),
        prim(pd),
        weights(g.user_weights(), pd.diff_weights_desc()) {}
};

// conv2d(x: [N,H,W,C], w: [KH,KW,C,OC], bias: [OC] | null, y: [N,OH,OW,OC] (written; a Uint16Array: as bfloat16,
//        in bf16 only), geometry, relu, bf16)
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  return run_kernel(info, "Conv2D", [&] {
    const Geometry given = Geometry::from_arg(info, 4);
    const Precision p = precision_arg(info, 6);
    void* x = compute_input_arg(info, 0, given.src_size(), p, 0, "x");
    const float* w = f32_array(info, 1, given.weights_size(), "filter");
    FilterCrop& crop = filter_crop_for(given);
    const Geometry& g = crop.applies() ? crop.cropped() : given;
    if (crop.applies()) w = crop.filter(w);
    std::vector<int64_t> gv = g.key();
    float* b = f32_array_or_null(info, 2, g.oc, "bias");
    const TypedArray y = output_arg(info, 3, g.dst_size(), p, "y");
    const bool relu = info[5].ToBoolean();
    if (winograd_applies(g, p)) {
      winograd_forward(g, static_cast<const float*>(x), w, b, relu, static_cast<float*>(y.data));
      return;
    }
    gv.insert(gv.end(), {b != nullptr, relu, static_cast<int64_t>(p), static_cast<int64_t>(y.type)});
    Forward& f = cached<Forward>(key_of("conv_fwd", gv),
                                 [&] { return std::make_unique<Forward>(g, b != nullptr, relu, p, y.type); });
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(f.pd.src_desc(), cpu_engine(), x)},
                                         {DNNL_ARG_WEIGHTS, f.weights.in(w)},
                                         {DNNL_ARG_DST, memory(g.dst(y.type), cpu_engine(), y.data)},
                                         {DNNL_ARG_SCRATCHPAD, scratchpad_for(f.pd)}};
    if (b != nullptr) args.emplace(DNNL_ARG_BIAS, memory(g.bias(), cpu_engine(), b));
    f.prim.execute(cpu_stream(), args);
    cpu_stream().wait();
  });
}

// conv2dBackpropInput(dy: [N,OH,OW,OC], w: [KH,KW,C,OC], dx: [N,H,W,C] (written; a Uint16Array: as bfloat16, in bf16
//                     only), geometry, bf16)
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return run_kernel(info, "Conv2DBackpropInput", [&] {
    const Geometry given = Geometry::from_arg(info, 3);
    const Precision p = precision_arg(info, 4);
    void* dy_in = compute_input_arg(info, 0, given.dst_size(), p, 0, "dy");
    const float* w = f32_array(info, 1, given.weights_size(), "filter");
    const TypedArray dx = output_arg(info, 2, given.src_size(), p, "dx");
    FilterCrop& crop = filter_crop_for(given);
    const Geometry& g = crop.applies() ? crop.cropped() : given;
    if (crop.applies()) w = crop.filter(w);
    std::vector<int64_t> gv = g.key();
    if (winograd_applies(g, p)) {
      winograd_backward_data(g, static_cast<const float*>(dy_in), w, static_cast<float*>(dx.data));
      return;
    }
    gv.insert(gv.end(), {static_cast<int64_t>(p), static_cast<int64_t>(dx.type)});
    if (data_gradient_as_forward(g)) {
      BackwardDataAsForward& f = cached<BackwardDataAsForward>(
          key_of("conv_bwd_data_as_fwd", gv), [&] { return std::make_unique<BackwardDataAsForward>(g, p, dx.type); });
      f.forward.prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(f.forward.pd.src_desc(), cpu_engine(), dy_in)},
                                            {DNNL_ARG_WEIGHTS, f.forward.weights.in(f.flip(w, g))},
                                            {DNNL_ARG_DST, memory(f.flipped_g.dst(dx.type), cpu_engine(), dx.data)},
                                            {DNNL_ARG_SCRATCHPAD, scratchpad_for(f.forward.pd)}});
      cpu_stream().wait();
      return;
    }
    BackwardData& b = cached<BackwardData>(key_of("conv_bwd_data", gv),
                                           [&] { return std::make_unique<BackwardData>(g, p, dx.type); });
    b.prim.execute(cpu_stream(), {{DNNL_ARG_DIFF_DST, memory(b.pd.diff_dst_desc(), cpu_engine(), dy_in)},
                                  {DNNL_ARG_WEIGHTS, b.weights.in(w)},
                                  {DNNL_ARG_DIFF_SRC, memory(g.src(dx.type), cpu_engine(), dx.data)},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad_for(b.pd)}});
    cpu_stream().wait();
  });
}

// A 1×1, stride-1, unpadded convolution is a matrix product over the P = N·H·W pixels, so its filter gradient is
// dW[C, OC] = Xᵀ[C, P] · dY[P, OC] and its bias gradient db[1, OC] = 1[1, P] · dY[P, OC], which oneDNN's matmul
// runs faster than its 1×1 backward-weights kernel (bench/addon_ab.ts, fp32 on AVX2, NiN's 1×1 layers at batch 128
// and 67 px: 1.2–1.3× on 15×15 maps, 1.5–2.6× on 7×7, 1.2–1.5× on 3×3). With a bias only in fp32: in bf16 the matmul
// was not measured against oneDNN's bf16 backward-weights kernels, which compute the bias gradient in the same pass.
bool filter_gradient_as_matmul(const Geometry& g, bool with_bias, Precision p) {
  return g.kh == 1 && g.kw == 1 && g.strides == dims{1, 1} && g.pad_l == dims{0, 0} && g.pad_r == dims{0, 0} &&
         g.oh == g.h && g.ow == g.w && (!with_bias || p == Precision::f32);
}

struct FilterGradientMatMul {
  memory::desc x, dy, dw, ones, db;
  matmul::primitive_desc pd, bias_pd;
  matmul prim, bias_prim;
  Buffer ones_buffer;
  float* ones_data = nullptr;
  FilterGradientMatMul(const Geometry& g, bool with_bias, Precision p)
      : x({g.c, g.n * g.h * g.w}, compute_type(p), dims{1, g.c}),
        dy({g.n * g.h * g.w, g.oc}, compute_type(p), dims{g.oc, 1}),
        dw({g.c, g.oc}, dt::f32, dims{g.oc, 1}),
        ones({1, g.n * g.h * g.w}, dt::f32, dims{g.n * g.h * g.w, 1}),
        db({1, g.oc}, dt::f32, dims{g.oc, 1}) {
    pd = matmul::primitive_desc(matmul::desc(x, dy, dw), user_scratchpad_attr(), cpu_engine());
    prim = matmul(pd);
    if (with_bias) {
      bias_pd = matmul::primitive_desc(matmul::desc(ones, dy, db), user_scratchpad_attr(), cpu_engine());
      bias_prim = matmul(bias_pd);
      ones_data = static_cast<float*>(ones_buffer.ensure(ones.get_size()));
      std::fill(ones_data, ones_data + g.n * g.h * g.w, 1.f);
    }
  }

  void execute(void* x_in, void* dy_in, float* dw_out, float* db_out) {
    prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(x, cpu_engine(), x_in)},
                                {DNNL_ARG_WEIGHTS, memory(dy, cpu_engine(), dy_in)},
                                {DNNL_ARG_DST, memory(dw, cpu_engine(), dw_out)},
                                {DNNL_ARG_SCRATCHPAD, scratchpad_for(pd)}});
    if (db_out != nullptr)
      bias_prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(ones, cpu_engine(), ones_data)},
                                       {DNNL_ARG_WEIGHTS, memory(dy, cpu_engine(), dy_in)},
                                       {DNNL_ARG_DST, memory(db, cpu_engine(), db_out)},
                                       {DNNL_ARG_SCRATCHPAD, scratchpad_for(bias_pd)}});
    cpu_stream().wait();
  }
};

// The filter (and bias, when db is not null) gradient of the convolution g.
void filter_gradient(const Geometry& g, void* x_in, void* dy_in, float* dw, float* db, Precision p) {
  std::vector<int64_t> gv = g.key();
  if (winograd_applies(g, p)) {
    winograd_backward_filter(g, static_cast<const float*>(x_in), static_cast<const float*>(dy_in), dw, db);
    return;
  }
  gv.insert(gv.end(), {static_cast<int64_t>(p), db != nullptr});
  if (filter_gradient_as_matmul(g, db != nullptr, p)) {
    cached<FilterGradientMatMul>(key_of("conv_bwd_weights_matmul", gv), [&] {
      return std::make_unique<FilterGradientMatMul>(g, db != nullptr, p);
    }).execute(x_in, dy_in, dw, db);
    return;
  }
  BackwardWeights& b = cached<BackwardWeights>(key_of("conv_bwd_weights", gv),
                                               [&] { return std::make_unique<BackwardWeights>(g, db != nullptr, p); });
  memory diff_weights = b.weights.out(dw);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(b.pd.src_desc(), cpu_engine(), x_in)},
                                       {DNNL_ARG_DIFF_DST, memory(b.pd.diff_dst_desc(), cpu_engine(), dy_in)},
                                       {DNNL_ARG_DIFF_WEIGHTS, diff_weights},
                                       {DNNL_ARG_SCRATCHPAD, scratchpad_for(b.pd)}};
  if (db != nullptr) args.emplace(DNNL_ARG_DIFF_BIAS, memory(g.bias(), cpu_engine(), db));
  b.prim.execute(cpu_stream(), args);
  b.weights.finish_out(diff_weights, dw);
  cpu_stream().wait();
}

// conv2dBackpropFilter(x: [N,H,W,C], dy: [N,OH,OW,OC], dw: [KH,KW,C,OC] (written), geometry,
//                      dbias: [OC] (written) | null, bf16)
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return run_kernel(info, "Conv2DBackpropFilter", [&] {
    const Geometry given = Geometry::from_arg(info, 3);
    const Precision p = precision_arg(info, 5);
    void* x_in = compute_input_arg(info, 0, given.src_size(), p, 0, "x");
    void* dy_in = compute_input_arg(info, 1, given.dst_size(), p, 1, "dy");
    float* dw_given = f32_array(info, 2, given.weights_size(), "dw");
    float* db = f32_array_or_null(info, 4, given.oc, "dbias");
    FilterCrop& crop = filter_crop_for(given);
    if (crop.applies()) {
      filter_gradient(crop.cropped(), x_in, dy_in, crop.cut_buffer(), db, p);
      crop.uncrop_gradient(dw_given);
    } else {
      filter_gradient(given, x_in, dy_in, dw_given, db, p);
    }
  });
}

}  // namespace

NIN_ENTRY_POINT("conv2d", Conv2D);
NIN_ENTRY_POINT("conv2dBackpropInput", Conv2DBackpropInput);
NIN_ENTRY_POINT("conv2dBackpropFilter", Conv2DBackpropFilter);

}  // namespace nin
