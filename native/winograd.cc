// Winograd F(m×m, r×r): see winograd.h. Tiles of the NHWC images are transformed channel-vectorised (the channels
// are the contiguous axis), the α² transform points become one batched matmul, and the inverse transform writes
// the outputs (with the bias and ReLU) or scatters the data gradient. Images are taken in small chunks so that the
// transformed tiles stay in the caches whatever the batch.
#include "winograd.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "lanes.h"
#include "reduce.h"

namespace nin {
namespace {

using namespace dnnl;

constexpr int kMaxAlpha = 8;            // tiles of up to 8×8: larger ones lose too much precision in fp32
constexpr int64_t kTilesPerChunk = 64;  // tiles transformed and multiplied together (addon_ab: 32–512 tried)

// The transform matrices of F(M, R), α = M + R − 1, from the interpolation points 0, ±1, ±2, ±1/2 (the first α − 1
// of them) and ∞ (Toom-Cook). Linear convolution of two polynomials is s = C[(E_g g) ⊙ (E_h h)], where E_g, E_h
// evaluate them at the points and C interpolates (C = V⁻¹, V the Vandermonde matrix of the points); correlation, what
// a convolution layer computes, is its transpose in h: y = E_hᵀ[(E_g g) ⊙ (Cᵀ d)]. So Aᵀ = E_hᵀ, G = E_g, Bᵀ = Cᵀ,
// each row of Bᵀ scaled to a largest entry of 1 and the row of G multiplied alike (their product at each point is
// unchanged). Computed in double at compile time, so that the transforms' code skips the zeros and the ±1s.
template <int M, int R>
struct Transform {
  static constexpr int m = M, r = R, alpha = M + R - 1;
  float AT[M][alpha] = {}, A[alpha][M] = {}, BT[alpha][alpha] = {}, B[alpha][alpha] = {}, G[alpha][R] = {},
        GT[R][alpha] = {};
};

constexpr double abs_of(double x) { return x < 0 ? -x : x; }
constexpr double power(double x, int k) { return k == 0 ? 1.0 : x * power(x, k - 1); }

template <int M, int R>
constexpr Transform<M, R> make_transform() {
  constexpr int alpha = M + R - 1;
  static_assert(alpha <= kMaxAlpha, "tiles of at most 8×8");
  const double points[kMaxAlpha - 1] = {0, 1, -1, 2, -2, 0.5, -0.5};
  // row j of the evaluation matrix for polynomials of `terms` coefficients (the last row: ∞, the leading one)
  auto eval = [&](int j, int k, int terms) {
    return j == alpha - 1 ? (k == terms - 1 ? 1.0 : 0.0) : power(points[j], k);
  };
  double v[alpha][2 * alpha] = {};  // [V | I], reduced to [I | V⁻¹]
  for (int j = 0; j < alpha; ++j) {
    for (int k = 0; k < alpha; ++k) v[j][k] = eval(j, k, alpha);
    v[j][alpha + j] = 1;
  }
  for (int col = 0; col < alpha; ++col) {
    int pivot = col;
    for (int row = col + 1; row < alpha; ++row)
      if (abs_of(v[row][col]) > abs_of(v[pivot][col])) pivot = row;
    for (int k = 0; k < 2 * alpha; ++k) {
      const double swap = v[col][k];
      v[col][k] = v[pivot][k], v[pivot][k] = swap;
    }
    const double d = v[col][col];
    for (int k = 0; k < 2 * alpha; ++k) v[col][k] /= d;
    for (int row = 0; row < alpha; ++row) {
      const double f = v[row][col];
      if (row == col || f == 0) continue;
      for (int k = 0; k < 2 * alpha; ++k) v[row][k] -= f * v[col][k];
    }
  }
  // Bᵀ[j][l] = C[l][j]; the elimination leaves ~1e-17 where C has zeros, which the transforms must see as 0
  auto c = [&](int l, int j) { return abs_of(v[l][alpha + j]) < 1e-12 ? 0.0 : v[l][alpha + j]; };
  Transform<M, R> t;
  for (int j = 0; j < alpha; ++j) {
    double scale = 0;
    for (int l = 0; l < alpha; ++l) scale = abs_of(c(l, j)) > scale ? abs_of(c(l, j)) : scale;
    for (int l = 0; l < alpha; ++l) t.BT[j][l] = t.B[l][j] = static_cast<float>(c(l, j) / scale);
    for (int k = 0; k < R; ++k) t.G[j][k] = t.GT[k][j] = static_cast<float>(eval(j, k, R) * scale);
    for (int i = 0; i < M; ++i) t.AT[i][j] = t.A[j][i] = static_cast<float>(eval(j, i, M));
  }
  return t;
}

template <int M, int R>
inline constexpr Transform<M, R> kTransform = make_transform<M, R>();

// out[i][j][c] = (or +=) Σ_k Σ_l left[i][k] · in[k][l][c] · right[j][l] for channels c in [c0, c0 + lanes of V).
// The matrices are compile-time constants and the loops unrolled, so zero terms vanish and the sums stay in
// registers.
template <class V, int I, int K, int J, int L>
inline __attribute__((always_inline)) void two_sided_lanes(const float (&left)[I][K], const float (&right)[J][L],
                                                           const float* const (&in)[K][L], float* const (&out)[I][J],
                                                           int64_t c, bool accumulate) {
  V tmp[K][J];
#pragma GCC unroll 8
  for (int k = 0; k < K; ++k) {
    V row[L];
#pragma GCC unroll 8
    for (int l = 0; l < L; ++l) {
      row[l] = V{};
      if (in[k][l] != nullptr) load(row[l], in[k][l] + c);
    }
#pragma GCC unroll 8
    for (int j = 0; j < J; ++j) {
      V sum{};
#pragma GCC unroll 8
      for (int l = 0; l < L; ++l)
        if (right[j][l] != 0) sum += right[j][l] * row[l];
      tmp[k][j] = sum;
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < I; ++i) {
#pragma GCC unroll 8
    for (int j = 0; j < J; ++j) {
      if (out[i][j] == nullptr) continue;
      V sum{};
      if (accumulate) load(sum, out[i][j] + c);
#pragma GCC unroll 8
      for (int k = 0; k < K; ++k)
        if (left[i][k] != 0) sum += left[i][k] * tmp[k][j];
      store(out[i][j] + c, sum);
    }
  }
}

// out(i, j)[0..n) = (or +=) Σ_k Σ_l left[i][k] · in(k, l)[0..n) · right[j][l], vectorised over the n channels.
// in(k, l) points at n floats or is nullptr for zeros (padding); out(i, j) is nullptr where no output is wanted
// (outside the image).
template <int I, int K, int J, int L, class In, class Out>
inline __attribute__((always_inline)) void two_sided(const float (&left)[I][K], const float (&right)[J][L], int64_t n,
                                                     const In& in, const Out& out, bool accumulate) {
  const float* ins[K][L];
  float* outs[I][J];
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l) ins[k][l] = in(k, l);
  for (int i = 0; i < I; ++i)
    for (int j = 0; j < J; ++j) outs[i][j] = out(i, j);
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes) two_sided_lanes<Lanes>(left, right, ins, outs, c, accumulate);
  for (; c < n; ++c) two_sided_lanes<float>(left, right, ins, outs, c, accumulate);
}

// Where tile p of a chunk starting at image n0 lies: its image, and its top-left corner in the output.
struct TilePosition {
  int64_t n, oy, ox;
};

// The output tile m that needs the fewest multiplications on this map, α² per tile against r² per output for
// direct convolution; 0 where that is not under half of direct's (the transforms and the smaller matrix products
// take the rest), or the channels are too few for the products to run well.
int tile_size(const Geometry& g) {
  if (g.kh != g.kw || (g.kh != 3 && g.kh != 5) || g.strides != dims{1, 1} || g.dilation != dims{0, 0}) return 0;
  if (g.c < 16 || g.oc < 16) return 0;
  const int r = static_cast<int>(g.kh);
  int best = 0;
  int64_t best_cost = g.oh * g.ow * r * r / 2;
  for (int m = 2; m + r - 1 <= kMaxAlpha; ++m) {
    const int64_t alpha = m + r - 1, cost = ((g.oh + m - 1) / m) * ((g.ow + m - 1) / m) * alpha * alpha;
    if (cost < best_cost) best = m, best_cost = cost;
  }
  return best;
}

struct Plan {
  Geometry g;
  int m, r, alpha;
  int64_t points, tiles_w, tiles_h, tiles, chunk;  // α²; tiles per row, column and image; images per chunk
  Buffer v, mm, u;  // V [α²][P][C] (or dV), M [α²][P][OC] (or dM), U [α²][C][OC] (or dU)

  struct Products {
    matmul::primitive_desc forward_pd, data_pd, filter_pd, filter_first_pd;
    matmul forward, data, filter, filter_first;
    Products(int64_t points, int64_t p, int64_t c, int64_t oc) {
      const memory::desc v({points, p, c}, dt::f32, dims{p * c, c, 1}), vt({points, c, p}, dt::f32, dims{p * c, 1, c}),
          u({points, c, oc}, dt::f32, dims{c * oc, oc, 1}), ut({points, oc, c}, dt::f32, dims{c * oc, 1, oc}),
          m({points, p, oc}, dt::f32, dims{p * oc, oc, 1});
      forward_pd = matmul::primitive_desc(matmul::desc(v, u, m), user_scratchpad_attr(), cpu_engine());
      data_pd = matmul::primitive_desc(matmul::desc(m, ut, v), user_scratchpad_attr(), cpu_engine());
      // dU = Vᵀ·dM for the first chunk, then dU += Vᵀ·dM (a sum post-op) for the others: dU is not zeroed first
      primitive_attr accumulate = user_scratchpad_attr();
      post_ops sum;
      sum.append_sum(1.f);
      accumulate.set_post_ops(sum);
      filter_pd = matmul::primitive_desc(matmul::desc(vt, m, u), accumulate, cpu_engine());
      filter_first_pd = matmul::primitive_desc(matmul::desc(vt, m, u), user_scratchpad_attr(), cpu_engine());
      forward = matmul(forward_pd), data = matmul(data_pd), filter = matmul(filter_pd);
      filter_first = matmul(filter_first_pd);
    }
  };
  std::unordered_map<int64_t, std::unique_ptr<Products>> products;  // by images in the chunk

  Plan(const Geometry& geometry, int tile)
      : g(geometry),
        m(tile),
        r(static_cast<int>(geometry.kh)),
        alpha(tile + r - 1),
        points(alpha * alpha),
        tiles_w((g.ow + m - 1) / m),
        tiles_h((g.oh + m - 1) / m),
        tiles(tiles_w * tiles_h),
        chunk(std::min(g.n, std::max<int64_t>(1, kTilesPerChunk / tiles))) {}

  Products& products_for(int64_t images) {
    auto& p = products[images];
    if (!p) p = std::make_unique<Products>(points, images * tiles, g.c, g.oc);
    return *p;
  }
  float* v_data() { return static_cast<float*>(v.ensure(points * chunk * tiles * g.c * sizeof(float))); }
  float* m_data() { return static_cast<float*>(mm.ensure(points * chunk * tiles * g.oc * sizeof(float))); }
  float* u_data() { return static_cast<float*>(u.ensure(points * g.c * g.oc * sizeof(float))); }

  TilePosition position(int64_t n0, int64_t p) const {
    const int64_t at = p % tiles;
    return {n0 + p / tiles, at / tiles_w * m, at % tiles_w * m};
  }
};

Plan& plan_for(const Geometry& g) {
  return cached<Plan>(key_of("winograd", g.key()), [&] { return std::make_unique<Plan>(g, tile_size(g)); });
}

void run_products(matmul& prim, const matmul::primitive_desc& pd, void* a, void* b, void* c) {
  prim.execute(cpu_stream(), {{DNNL_ARG_SRC, memory(pd.src_desc(), cpu_engine(), a)},
                              {DNNL_ARG_WEIGHTS, memory(pd.weights_desc(), cpu_engine(), b)},
                              {DNNL_ARG_DST, memory(pd.dst_desc(), cpu_engine(), c)},
                              {DNNL_ARG_SCRATCHPAD, scratchpad_for(pd)}});
  cpu_stream().wait();
}

// Calls body(kTransform<M, R>) for the plan's tile: one compiled version of each transform per tile size.
template <class Body>
inline __attribute__((always_inline)) void with_transform(const Plan& pl, const Body& body) {
  if (pl.r == 5) {
    if (pl.m == 4) return body(kTransform<4, 5>);
    if (pl.m == 3) return body(kTransform<3, 5>);
    return body(kTransform<2, 5>);
  }
  switch (pl.m) {
    case 6:
      return body(kTransform<6, 3>);
    case 5:
      return body(kTransform<5, 3>);
    case 4:
      return body(kTransform<4, 3>);
    case 3:
      return body(kTransform<3, 3>);
    default:
      return body(kTransform<2, 3>);
  }
}

// U = G·w·Gᵀ for the elements [begin, end) of the C×OC slabs of the HWIO filter.
NIN_VECTOR_CLONE void filter_transform(const Plan& pl, const float* w, int64_t begin, int64_t end, float* u) {
  const int64_t slab = pl.g.c * pl.g.oc;
  with_transform(
      pl, [&](const auto& t) __attribute__((always_inline)) {
        two_sided(
            t.G, t.G, end - begin, [&](int a, int b) { return w + (a * t.r + b) * slab + begin; },
            [&](int i, int j) { return u + (i * t.alpha + j) * slab + begin; }, false);
      });
}

// dw = Gᵀ·dU·G, the filter gradient from its transform.
NIN_VECTOR_CLONE void filter_gradient_transform(const Plan& pl, const float* du, int64_t begin, int64_t end,
                                                float* dw) {
  const int64_t slab = pl.g.c * pl.g.oc;
  with_transform(
      pl, [&](const auto& t) __attribute__((always_inline)) {
        two_sided(
            t.GT, t.GT, end - begin, [&](int i, int j) { return du + (i * t.alpha + j) * slab + begin; },
            [&](int a, int b) { return dw + (a * t.r + b) * slab + begin; }, false);
      });
}

// V = Bᵀ·d·B for tiles [begin, end) of the `count` tiles of the chunk at image n0; d is the α×α input patch, zero
// outside the image.
NIN_VECTOR_CLONE void input_transform(const Plan& pl, const float* x, int64_t n0, int64_t count, int64_t begin,
                                      int64_t end, float* v) {
  const Geometry& g = pl.g;
  with_transform(
      pl, [&](const auto& t) __attribute__((always_inline)) {
        for (int64_t p = begin; p < end; ++p) {
          const TilePosition at = pl.position(n0, p);
          const int64_t y0 = at.oy - g.pad_l[0], x0 = at.ox - g.pad_l[1];
          const float* image = x + at.n * g.h * g.w * g.c;
          two_sided(
              t.BT, t.BT, g.c,
              [&](int i, int j) -> const float* {
                const int64_t row = y0 + i, col = x0 + j;
                return row < 0 || row >= g.h || col < 0 || col >= g.w ? nullptr : image + (row * g.w + col) * g.c;
              },
              [&](int i, int j) { return v + ((i * t.alpha + j) * count + p) * g.c; }, false);
        }
      });
}

// y = Aᵀ·M·A (+ bias, then ReLU) for tiles [begin, end), the outputs inside the image only.
NIN_VECTOR_CLONE void output_transform(const Plan& pl, const float* m, const float* bias, bool relu, int64_t n0,
                                       int64_t count, int64_t begin, int64_t end, float* y) {
  const Geometry& g = pl.g;
  with_transform(
      pl, [&](const auto& t) __attribute__((always_inline)) {
        for (int64_t p = begin; p < end; ++p) {
          const TilePosition at = pl.position(n0, p);
          auto pixel = [&](int i, int j) -> float* {
            const int64_t row = at.oy + i, col = at.ox + j;
            return row >= g.oh || col >= g.ow ? nullptr : y + ((at.n * g.oh + row) * g.ow + col) * g.oc;
          };
          two_sided(
              t.AT, t.AT, g.oc, [&](int i, int j) { return m + ((i * t.alpha + j) * count + p) * g.oc; }, pixel, false);
          if (bias == nullptr && !relu) continue;
          for (int i = 0; i < t.m; ++i)
            for (int j = 0; j < t.m; ++j) {
              float* px = pixel(i, j);
              if (px == nullptr) continue;
              if (bias != nullptr)
                for (int64_t c = 0; c < g.oc; ++c) px[c] += bias[c];
              if (relu)
                for (int64_t c = 0; c < g.oc; ++c) px[c] = std::max(px[c], 0.f);
            }
        }
      });
}

// dM = A·dy·Aᵀ for tiles [begin, end): the transpose of the output transform (dy is zero outside the image).
NIN_VECTOR_CLONE void output_gradient_transform(const Plan& pl, const float* dy, int64_t n0, int64_t count,
                                                int64_t begin, int64_t end, float* dm) {
  const Geometry& g = pl.g;
  with_transform(
      pl, [&](const auto& t) __attribute__((always_inline)) {
        for (int64_t p = begin; p < end; ++p) {
          const TilePosition at = pl.position(n0, p);
          two_sided(
              t.A, t.A, g.oc,
              [&](int i, int j) -> const float* {
                const int64_t row = at.oy + i, col = at.ox + j;
                return row >= g.oh || col >= g.ow ? nullptr : dy + ((at.n * g.oh + row) * g.ow + col) * g.oc;
              },
              [&](int i, int j) { return dm + ((i * t.alpha + j) * count + p) * g.oc; }, false);
        }
      });
}

// dx += B·dV·Bᵀ for the tiles of rows[begin, end) (each an image's row of tiles, taken left to right: tiles in a
// row overlap, so one thread owns a row; the caller runs rows that do not overlap at the same time).
NIN_VECTOR_CLONE void input_gradient_transform(const Plan& pl, const float* dv, int64_t n0, int64_t count,
                                               const int64_t* rows, int64_t begin, int64_t end, float* dx) {
  const Geometry& g = pl.g;
  with_transform(
      pl, [&](const auto& t) __attribute__((always_inline)) {
        for (int64_t r = begin; r < end; ++r) {
          for (int64_t tx = 0; tx < pl.tiles_w; ++tx) {
            const int64_t p = rows[r] * pl.tiles_w + tx;
            const TilePosition at = pl.position(n0, p);
            const int64_t y0 = at.oy - g.pad_l[0], x0 = at.ox - g.pad_l[1];
            float* image = dx + at.n * g.h * g.w * g.c;
            two_sided(
                t.B, t.B, g.c, [&](int i, int j) { return dv + ((i * t.alpha + j) * count + p) * g.c; },
                [&](int i, int j) -> float* {
                  const int64_t row = y0 + i, col = x0 + j;
                  return row < 0 || row >= g.h || col < 0 || col >= g.w ? nullptr : image + (row * g.w + col) * g.c;
                },
                true);
          }
        }
      });
}

// Runs body(begin, end) over [0, n) in shares of whole 64-element blocks (a cache line of 16 floats, four times).
template <class Body>
void parallel_blocks(int64_t n, const Body& body) {
  constexpr int64_t block = 64;
  parallel_ranges((n + block - 1) / block, [&](int64_t b, int64_t e) {
    if (b < e) body(b * block, std::min(n, e * block));
  });
}

}  // namespace

bool winograd_enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("NIN_WINOGRAD");
    const std::string mode = env == nullptr || *env == 0 ? "auto" : env;
    if (mode == "auto") return !has_avx512();
    if (mode == "on" || mode == "off") return mode == "on";
    throw std::invalid_argument("NIN_WINOGRAD must be auto, on or off, not '" + mode + "'");
  }();
  return enabled;
}

bool winograd_applies(const Geometry& g, Precision p) {
  return p == Precision::f32 && winograd_enabled() && tile_size(g) != 0;
}

void winograd_forward(const Geometry& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  Plan& pl = plan_for(g);
  float *v = pl.v_data(), *m = pl.m_data(), *u = pl.u_data();
  parallel_blocks(g.c * g.oc, [&](int64_t b, int64_t e) { filter_transform(pl, w, b, e, u); });
  for (int64_t n0 = 0; n0 < g.n; n0 += pl.chunk) {
    const int64_t images = std::min(pl.chunk, g.n - n0), p = images * pl.tiles;
    Plan::Products& pr = pl.products_for(images);
    parallel_ranges(p, [&](int64_t b, int64_t e) { input_transform(pl, x, n0, p, b, e, v); });
    run_products(pr.forward, pr.forward_pd, v, u, m);
    parallel_ranges(p, [&](int64_t b, int64_t e) { output_transform(pl, m, bias, relu, n0, p, b, e, y); });
  }
}

void winograd_backward_data(const Geometry& g, const float* dy, const float* w, float* dx) {
  Plan& pl = plan_for(g);
  float *v = pl.v_data(), *m = pl.m_data(), *u = pl.u_data();
  parallel_blocks(g.c * g.oc, [&](int64_t b, int64_t e) { filter_transform(pl, w, b, e, u); });
  parallel_ranges(g.n * g.h * g.w * g.c, [&](int64_t b, int64_t e) { std::fill(dx + b, dx + e, 0.f); });
  std::vector<int64_t> rows;
  for (int64_t n0 = 0; n0 < g.n; n0 += pl.chunk) {
    const int64_t images = std::min(pl.chunk, g.n - n0), p = images * pl.tiles;
    Plan::Products& pr = pl.products_for(images);
    parallel_ranges(p, [&](int64_t b, int64_t e) { output_gradient_transform(pl, dy, n0, p, b, e, m); });
    run_products(pr.data, pr.data_pd, m, u, v);
    // Rows of tiles far enough apart do not overlap: every `apart`-th row of every image at a time.
    const int64_t apart = (pl.alpha + pl.m - 1) / pl.m;
    for (int64_t phase = 0; phase < apart; ++phase) {
      rows.clear();
      for (int64_t image = 0; image < images; ++image)
        for (int64_t ty = phase; ty < pl.tiles_h; ty += apart) rows.push_back(image * pl.tiles_h + ty);
      parallel_ranges(static_cast<int64_t>(rows.size()),
                      [&](int64_t b, int64_t e) { input_gradient_transform(pl, v, n0, p, rows.data(), b, e, dx); });
    }
  }
}

void winograd_backward_filter(const Geometry& g, const float* x, const float* dy, float* dw, float* db) {
  Plan& pl = plan_for(g);
  float *v = pl.v_data(), *m = pl.m_data(), *u = pl.u_data();
  for (int64_t n0 = 0; n0 < g.n; n0 += pl.chunk) {
    const int64_t images = std::min(pl.chunk, g.n - n0), p = images * pl.tiles;
    Plan::Products& pr = pl.products_for(images);
    parallel_ranges(p, [&](int64_t b, int64_t e) {
      input_transform(pl, x, n0, p, b, e, v);
      output_gradient_transform(pl, dy, n0, p, b, e, m);
    });
    if (n0 == 0)
      run_products(pr.filter_first, pr.filter_first_pd, v, m, u);
    else
      run_products(pr.filter, pr.filter_pd, v, m, u);
  }
  parallel_blocks(g.c * g.oc, [&](int64_t b, int64_t e) { filter_gradient_transform(pl, u, b, e, dw); });
  if (db != nullptr) sum_rows(dy, g.n * g.oh * g.ow, g.oc, db);
}

}  // namespace nin
