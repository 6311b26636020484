// Every kernel the onednn backend runs natively, forward and gradient, against TF.js's `cpu` backend on seeded
// random inputs. Each case also asserts which native addon entry points ran, so a case that silently fell back to
// the CPU kernel (and so compared cpu with cpu) fails instead of passing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import {
  assertBothClose,
  assertClose,
  assertNative,
  assertNotNative,
  compareBoth,
  onBoth,
  runOn,
  setup,
  sizeOf,
  TRANSPOSE_PAIRS,
  values,
  type Tolerance,
} from './helpers.js';
import { convCases, explicit, type Pad } from './conv_cases.js';

// Tolerances (max |onednn - cpu| <= atol + rtol * |cpu|). Convolutions and matmuls sum up to a few thousand
// products in a different order (blocked kernels with FMA), so they get 1e-4 (observed: below 2e-5); pooling and
// element-wise ops are one rounding of the same IEEE operation and are compared far tighter; reductions
// accumulate in double natively and in float32 on cpu.
const CONV: Tolerance = { atol: 1e-4, rtol: 1e-4 };
// Winograd's transforms (native/winograd.cc) add and subtract scaled copies of a tile before the products, so its
// error follows the size of the sums, not of the result: about 1e-5 of the outputs' largest value (measured up to
// 1.4e-5 on NiN's layers, 2e-4 absolute on outputs of magnitude 20). TF.js's own float32 specs allow 1e-3 absolute.
const WINOGRAD: Tolerance = { atol: 1e-3, rtol: 1e-4 };
const MATMUL: Tolerance = { atol: 1e-4, rtol: 1e-4 };
const POOL: Tolerance = { atol: 1e-6, rtol: 1e-6 };
const ELEMENTWISE: Tolerance = { atol: 1e-7, rtol: 1e-7 };
const REDUCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };
const FLT_MIN = 1.1754943508222875e-38; // smallest normal float32

before(() => setup());

// ---- convolutions -------------------------------------------------------------------------------------------

describe('Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter', () => {
  for (const c of convCases) {
    it(`${c.label}: forward and gradients (dx, dfilter)`, async () => {
      const seed = sizeOf(c.x) + sizeOf(c.filter);
      const xv = values(c.x, seed),
        wv = values(c.filter, seed + 1, -0.5, 0.5);
      await compareBoth(
        c.label,
        () => {
          const x = tf.tensor4d(xv, c.x),
            w = tf.tensor4d(wv, c.filter);
          const y = tf.conv2d(x, w, c.strides, c.pad);
          const dy = tf.tensor(values(y.shape, seed + 2), y.shape);
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad),
          )([x, w], dy);
          return [y, dx!, dw!];
        },
        c.winograd ? WINOGRAD : CONV,
        ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'],
        ['y', 'dx', 'dfilter'],
      );
    });
  }

  it('dilation 2 (forward only; TF.js has no dilated conv gradient)', async () => {
    const xs: [number, number, number, number] = [2, 14, 14, 6],
      ws: [number, number, number, number] = [3, 3, 6, 10];
    const xv = values(xs, 11),
      wv = values(ws, 12);
    await compareBoth(
      'dilated conv',
      () => [
        tf.conv2d(tf.tensor4d(xv, xs), tf.tensor4d(wv, ws), 1, 'same', 'NHWC', 2),
        tf.conv2d(tf.tensor4d(xv, xs), tf.tensor4d(wv, ws), 1, 'valid', 'NHWC', [2, 1]),
      ],
      CONV,
      ['conv2d'],
    );
  });

  it('3-D input (no batch dimension) and a second call with the same shape reuse the cached primitive', async () => {
    const xv = values([10, 10, 4], 13),
      wv = values([3, 3, 4, 5], 14);
    const r = await compareBoth(
      'conv 3-D input',
      () => {
        const x = tf.tensor3d(xv, [10, 10, 4]),
          w = tf.tensor4d(wv, [3, 3, 4, 5]);
        return [tf.conv2d(x, w, 1, 'same'), tf.conv2d(x, w, 1, 'same')];
      },
      CONV,
      ['conv2d'],
    );
    assert.deepEqual(r.onednn[0]!.shape, [10, 10, 5]);
    assert.deepEqual(r.onednn[0]!.values, r.onednn[1]!.values);
  });
});

describe('FusedConv2D (tf.fused.conv2d)', () => {
  const xs: [number, number, number, number] = [2, 16, 16, 8],
    ws: [number, number, number, number] = [3, 3, 8, 32];
  const xv = values(xs, 21),
    wv = values(ws, 22, -0.5, 0.5),
    bv = values([32], 23);
  const dyv = values([2, 16, 16, 32], 24); // 16384 outputs: the bias add, ReLU and bias gradient (Sum) go native too

  // Under a gradient tape TF.js does not fuse a non-linear activation: the forward inside tf.grads is
  // conv2d + bias add + relu, and the one outside is the native FusedConv2D kernel.
  it('bias + relu: fused forward, and gradients (dx, dfilter, dbias)', async () => {
    const r = await compareBoth(
      'fused conv relu',
      () => {
        const x = tf.tensor4d(xv, xs),
          w = tf.tensor4d(wv, ws),
          b = tf.tensor1d(bv);
        const f = (a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) =>
          tf.fused.conv2d({
            x: a as tf.Tensor4D,
            filter: k as tf.Tensor4D,
            bias: c,
            strides: 1,
            pad: 'same',
            activation: 'relu',
          });
        const [dx, dw, db] = tf.grads(f)([x, w, b], tf.tensor4d(dyv, [2, 16, 16, 32]));
        return [dx!, dw!, db!, f(x, w, b)];
      },
      CONV,
      ['conv2d', 'binary', 'relu', 'reluGrad', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'reduce'],
      ['dx', 'dfilter', 'dbias', 'y'],
    );
    const y = r.onednn[3]!.values;
    assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0), 'the ReLU clamps some outputs and passes others');
  });

  it('bias + linear stays fused under a gradient tape: forward and gradients (dx, dfilter, dbias)', async () => {
    await compareBoth(
      'fused conv linear grads',
      () => {
        const f = (a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) =>
          tf.fused.conv2d({ x: a as tf.Tensor4D, filter: k as tf.Tensor4D, bias: c, strides: 1, pad: 'same' });
        const [dx, dw, db] = tf.grads(f)(
          [tf.tensor4d(xv, xs), tf.tensor4d(wv, ws), tf.tensor1d(bv)],
          tf.tensor4d(dyv, [2, 16, 16, 32]),
        );
        return [dx!, dw!, db!];
      },
      CONV,
      ['conv2dBackpropInput', 'conv2dBackpropFilter', 'reduce'],
      ['dx', 'dfilter', 'dbias'],
    );
  });

  // The bias and ReLU inside Winograd's output transform, and its bias gradient (run by winograd.test.ts with
  // NIN_WINOGRAD=on and off): NiN's 5×5 layer in small as the models run it, one FusedConv2D kernel whose gradient
  // (the engine's, src/engine/gradients/FusedConv2D_grad.ts) takes the filter and bias gradients from one call.
  it('Winograd: FusedConv2D bias + ReLU, forward and gradients (dx, dfilter, dbias), 5x5 on 7x7, C=16→24', async () => {
    const shape: [number, number, number, number] = [3, 7, 7, 16],
      filter: [number, number, number, number] = [5, 5, 16, 24];
    const x = values(shape, 31),
      w = values(filter, 32, -0.5, 0.5),
      b = values([24], 33),
      dy = values([3, 7, 7, 24], 34);
    await compareBoth(
      'Winograd fused conv',
      () => {
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation: 'relu' };
        const f = (a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) =>
          tf.engine().runKernel(tf.FusedConv2D, { x: a, filter: k, bias: c }, attrs) as tf.Tensor;
        const inputs = [tf.tensor4d(x, shape), tf.tensor4d(w, filter), tf.tensor1d(b)] as const;
        const [dx, dw, db] = tf.grads(f)([...inputs], tf.tensor4d(dy, [3, 7, 7, 24]));
        return [f(...inputs), dx!, dw!, db!];
      },
      WINOGRAD,
      ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'],
      ['y', 'dx', 'dfilter', 'dbias'],
    );
  });

  it('bias + linear, stride 2 valid, and a bias of shape [1,1,1,OC]', async () => {
    await compareBoth(
      'fused conv linear',
      () => {
        const x = tf.tensor4d(xv, xs),
          w = tf.tensor4d(wv, ws);
        return [
          tf.fused.conv2d({ x, filter: w, bias: tf.tensor1d(bv), strides: 2, pad: 'valid', activation: 'linear' }),
          tf.fused.conv2d({
            x,
            filter: w,
            bias: tf.tensor4d(bv, [1, 1, 1, 32]),
            strides: 1,
            pad: 'same',
            activation: 'relu',
          }),
          tf.fused.conv2d({ x, filter: w, strides: 1, pad: explicit(1), activation: 'relu' }),
        ];
      },
      CONV,
      ['conv2d'],
    );
  });

  for (const activation of ['elu', 'relu6', 'leakyrelu'] as const) {
    it(`activation '${activation}' falls back to the CPU kernel with correct values`, async () => {
      const r = await onBoth(() => {
        const x = tf.tensor4d(xv, xs),
          w = tf.tensor4d(wv, ws);
        return tf.fused.conv2d({
          x,
          filter: w,
          bias: tf.tensor1d(bv),
          strides: 1,
          pad: 'same',
          activation,
          leakyreluAlpha: 0.2,
        });
      });
      assertNotNative(r, ['conv2d'], `fused conv ${activation}`);
      assertBothClose(r, CONV, `fused conv ${activation}`);
    });
  }

  it('a bias that broadcasts from a scalar ([1]) falls back with correct values', async () => {
    const r = await onBoth(() =>
      tf.fused.conv2d({
        x: tf.tensor4d(xv, xs),
        filter: tf.tensor4d(wv, ws),
        bias: tf.tensor1d([0.25]),
        strides: 1,
        pad: 'same',
        activation: 'relu',
      }),
    );
    assertBothClose(r, CONV, 'fused conv scalar bias');
  });
});

// ---- pooling ------------------------------------------------------------------------------------------------

interface PoolCase {
  label: string;
  x: [number, number, number, number];
  window: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
}

const maxPoolCases: PoolCase[] = [
  { label: 'NiN/AlexNet 3/2 valid', x: [2, 15, 15, 20], window: 3, strides: 2, pad: 'valid' },
  { label: '3/2 valid, batch 1, odd 17, C=12', x: [1, 17, 17, 12], window: 3, strides: 2, pad: 'valid' },
  { label: 'VGG 2/2 valid', x: [2, 16, 16, 8], window: 2, strides: 2, pad: 'valid' },
  { label: "3/2 'same' on odd 13 (asymmetric pads)", x: [2, 13, 13, 6], window: 3, strides: 2, pad: 'same' },
  { label: "3/1 'same'", x: [1, 9, 9, 17], window: 3, strides: 1, pad: 'same' },
  { label: '3x2 window, strides [2,1], 14x11', x: [2, 14, 11, 5], window: [3, 2], strides: [2, 1], pad: 'valid' },
  { label: '3/2 numeric pad 1', x: [2, 8, 8, 6], window: 3, strides: 2, pad: 1 },
];

/** A pooling op's output and its gradient (for a random upstream gradient), on cpu and on onednn, natively. */
async function comparePooling(pool: typeof tf.maxPool, name: string, c: PoolCase, seedOffset: number): Promise<void> {
  const seed = sizeOf(c.x) + seedOffset;
  const xv = values(c.x, seed);
  await compareBoth(
    `${name} ${c.label}`,
    () => {
      const x = tf.tensor4d(xv, c.x);
      const y = pool(x, c.window, c.strides, c.pad);
      const dx = tf.grad((a: tf.Tensor) => pool(a as tf.Tensor4D, c.window, c.strides, c.pad))(
        x,
        tf.tensor(values(y.shape, seed + 1), y.shape),
      );
      return [y, dx];
    },
    POOL,
    ['pool2d', 'pool2dGrad'],
    ['y', 'dx'],
  );
}

describe('MaxPool and MaxPoolGrad', () => {
  for (const c of maxPoolCases) {
    it(`${c.label}: forward and gradient`, () => comparePooling(tf.maxPool, 'maxPool', c, 31));
  }

  // With dimRoundingMode 'ceil' (or 'round' rounding up) the last window reaches past the padded input, a geometry
  // oneDNN rejects; the native kernels must hand those to the CPU kernels (geometry.ts isOneDnnGeometry).
  for (const [label, mode, pad] of [
    ["pad 0, 'ceil'", 'ceil', 0],
    ["pad 1, 'ceil'", 'ceil', 1],
    ["pad 1, 'round'", 'round', 1],
  ] as const) {
    it(`3/2 on 8x8 with ${label} rounding (MaxPool, AvgPool, Conv2D)`, async () => {
      const xv = values([1, 8, 8, 2], 35),
        wv = values([3, 3, 2, 3], 36);
      const r = await onBoth(() => {
        const x = tf.tensor4d(xv, [1, 8, 8, 2]);
        return [
          tf.maxPool(x, 3, 2, pad, mode),
          tf.avgPool(x, 3, 2, pad, mode),
          tf.conv2d(x, tf.tensor4d(wv, [3, 3, 2, 3]), 2, pad, 'NHWC', 1, mode),
        ];
      });
      assertBothClose(r, CONV, `rounding ${label}`);
    });
  }

  /** 3/2 valid max pooling's gradient of x (values `xv`) for a random dy (seed `dySeed`) on both backends. */
  const compareMaxPoolGradient = (
    label: string,
    xv: Float32Array,
    shape: [number, number, number, number],
    dySeed: number,
  ) =>
    compareBoth(
      label,
      () => {
        const x = tf.tensor4d(xv, shape);
        const dyShape = [shape[0], (shape[1] - 1) >> 1, (shape[2] - 1) >> 1, shape[3]];
        return tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 3, 2, 'valid'))(
          x,
          tf.tensor(values(dyShape, dySeed), dyShape),
        );
      },
      POOL,
      ['pool2dGrad'],
    );

  it('ties (e.g. after a ReLU): the gradient goes to the same element of each window as on cpu', async () => {
    const shape: [number, number, number, number] = [2, 15, 15, 16];
    const xv = values(shape, 33).map((v) => Math.max(0, Math.round(v * 2) / 2)); // many equal values, most 0
    await compareMaxPoolGradient('maxPool ties', xv, shape, 34);
  });

  // TF.js's cpu takes the first value strictly above -inf: NaN is never the maximum, and a window holding only -inf
  // and NaN (window (0, 0) here) gives -inf and passes no gradient at all. 11 channels: eight in one vector, three
  // one by one.
  const nanShape: [number, number, number, number] = [2, 9, 9, 11];
  const pixelOf = (i: number) => [Math.floor(i / (9 * 11)) % 9, Math.floor(i / 11) % 9] as const;
  const withNaN = values(nanShape, 37).map((v, i) => {
    const [row, col] = pixelOf(i);
    if (row < 3 && col < 3) return i % 2 === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
    return i % 7 === 0 ? Number.NaN : v;
  });

  it('NaN and -inf: max pooling skips NaN, and a window of only -inf and NaN gives -inf, as on cpu', async () => {
    const r = await compareBoth(
      'maxPool NaN and -inf',
      () => tf.maxPool(tf.tensor4d(withNaN, nanShape), 3, 2, 'valid'),
      POOL,
      ['pool2d'],
    );
    const y = r.onednn[0]!.values;
    for (let c = 0; c < 11; c++) assert.equal(y[c], Number.NEGATIVE_INFINITY, `channel ${c} of window (0, 0)`);
    assert.ok(!Array.from(y).some(Number.isNaN), 'no NaN comes out');
  });

  it('NaN and -inf: the gradient skips NaN, and a window of only -inf and NaN passes none, as on cpu', async () => {
    const r = await compareMaxPoolGradient('maxPool NaN and -inf', withNaN, nanShape, 38);
    const dx = r.onednn[0]!.values;
    for (let i = 0; i < dx.length; i++) {
      const [row, col] = pixelOf(i);
      if (row < 2 && col < 2) assert.equal(dx[i], 0, `dx[${i}]: window (0, 0) has no maximum`);
      if (Number.isNaN(withNaN[i]!)) assert.equal(dx[i], 0, `dx[${i}]: x is NaN`);
    }
  });

  it("a 1×1 window that keeps the shape returns the input as it is, NaN included (cpu's identity)", async () => {
    const r = await onBoth(() => tf.maxPool(tf.tensor4d(withNaN, nanShape), 1, 1, 'valid'));
    assertNotNative(r, ['pool2d'], 'maxPool 1×1');
    assertBothClose(r, POOL, 'maxPool 1×1');
    assert.deepEqual(Array.from(r.onednn[0]!.values), Array.from(withNaN));
  });
});

/** Average pooling's true gradient, excluding padding from each window's count like the forward does. */
function avgPoolGradReference(
  dy: Float32Array,
  xShape: number[],
  k: number,
  s: number,
  pad: 'same' | 'valid',
): Float32Array {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const oh = pad === 'same' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1;
  const ow = pad === 'same' ? Math.ceil(w / s) : Math.floor((w - k) / s) + 1;
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2) : 0;
  const dx = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(i * s - top, 0),
        r1 = Math.min(i * s - top + k, h);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(j * s - left, 0),
          c1 = Math.min(j * s - left + k, w);
        const count = (r1 - r0) * (c1 - c0);
        for (let d = 0; d < c; d++) {
          const g = dy[((b * oh + i) * ow + j) * c + d]! / count;
          for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) dx[((b * h + r) * w + q) * c + d] += g;
        }
      }
    }
  }
  return Float32Array.from(dx);
}

describe('AvgPool and AvgPoolGrad', () => {
  const validCases: PoolCase[] = [
    { label: '3/2 valid', x: [2, 15, 15, 20], window: 3, strides: 2, pad: 'valid' },
    {
      label: 'NiN global average pool (window = 5x5 spatial size), C=10',
      x: [4, 5, 5, 10],
      window: 5,
      strides: 5,
      pad: 'valid',
    },
    { label: 'global average pool 13x13, batch 1, C=20', x: [1, 13, 13, 20], window: 13, strides: 13, pad: 'valid' },
    { label: '2/2 valid on odd 17 (last row/col dropped)', x: [2, 17, 17, 6], window: 2, strides: 2, pad: 'valid' },
  ];
  for (const c of validCases) {
    it(`${c.label}: forward and gradient vs cpu`, () => comparePooling(tf.avgPool, 'avgPool', c, 41));
  }

  // TF.js's cpu AvgPoolGrad divides by the whole window where the window covers padding, while its forward divides
  // by the pixels covered: its gradient is not its forward's (see avgPoolGradReference). TF.js's op specs hold every
  // backend to cpu's numbers, so the engine sends padded average-pool gradients to the cpu kernel; the forward stays
  // native. The last check shows the discrepancy is TF.js's: if a TF.js release fixes it, it fails, and the native
  // gradient (which is the forward's) can come back.
  const sameCases = [
    { label: "3/1 'same', odd 13", x: [2, 13, 13, 7], k: 3, s: 1 },
    { label: "3/2 'same', odd 13 (asymmetric pads)", x: [2, 13, 13, 7], k: 3, s: 2 },
    { label: "2/2 'same', odd 9", x: [1, 9, 9, 18], k: 2, s: 2 },
  ] as const;
  for (const c of sameCases) {
    it(`${c.label}: forward native and as cpu; the gradient cpu's, not computed natively`, async () => {
      const xv = values(c.x, 43);
      const yShape = [c.x[0], Math.ceil(c.x[1] / c.s), Math.ceil(c.x[2] / c.s), c.x[3]];
      const dyv = values(yShape, 44);
      const r = await compareBoth(
        `avgPool ${c.label}`,
        () => {
          const x = tf.tensor4d(xv, [...c.x]);
          return tf.avgPool(x, c.k, c.s, 'same');
        },
        POOL,
        ['pool2d'],
      );
      // The reference's window arithmetic reproduces TF.js's forward exactly (sanity check of the reference).
      const fwdRef = avgPoolForwardReference(xv, [...c.x], c.k, c.s);
      assertClose(r.cpu[0]!.values, fwdRef, 1e-6, 1e-6, `${c.label}: reference forward vs cpu`);
      const g = await compareBoth(
        `avgPool gradient ${c.label}`,
        () =>
          tf.grad((a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, c.k, c.s, 'same'))(
            tf.tensor4d(xv, [...c.x]),
            tf.tensor(dyv, yShape),
          ),
        POOL,
        [],
      );
      assert.equal(g.calls.get('pool2dGrad') ?? 0, 0, 'the padded gradient went to the cpu kernel');
    });
  }

  it("TF.js's padded average-pool gradient is not its forward's (why the engine copies it rather than computing the true one)", async () => {
    const c = sameCases[1];
    const xv = values(c.x, 43);
    const yShape = [c.x[0], Math.ceil(c.x[1] / c.s), Math.ceil(c.x[2] / c.s), c.x[3]];
    const dyv = values(yShape, 44);
    const g = await runOn('cpu', () =>
      tf.grad((a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, c.k, c.s, 'same'))(
        tf.tensor4d(xv, [...c.x]),
        tf.tensor(dyv, yShape),
      ),
    );
    const exact = avgPoolGradReference(dyv, [...c.x], c.k, c.s, 'same');
    const worst = Math.max(...Array.from(g.results[0]!.values, (v, i) => Math.abs(v - exact[i]!)));
    assert.ok(worst > 1e-3, `cpu's gradient differs from the forward's exact gradient (largest difference ${worst})`);
  });
});

function avgPoolForwardReference(x: Float32Array, xShape: number[], k: number, s: number): Float32Array {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const oh = Math.ceil(h / s),
    ow = Math.ceil(w / s);
  const top = Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2),
    left = Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2);
  const y = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let d = 0; d < c; d++) {
          const r0 = Math.max(i * s - top, 0),
            r1 = Math.min(i * s - top + k, h);
          const c0 = Math.max(j * s - left, 0),
            c1 = Math.min(j * s - left + k, w);
          let sum = 0;
          for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) sum += x[((b * h + r) * w + q) * c + d]!;
          y[((b * oh + i) * ow + j) * c + d] = sum / ((r1 - r0) * (c1 - c0));
        }
  return y;
}

// ---- matmul -------------------------------------------------------------------------------------------------

describe('BatchMatMul', () => {
  const shapeOf = (outer: number[], rows: number, cols: number, transposed: boolean) => [
    ...outer,
    ...(transposed ? [cols, rows] : [rows, cols]),
  ];

  const cases = [
    { label: '2-D', outerA: [], outerB: [], m: 33, k: 48, n: 40 },
    { label: 'batched [3]', outerA: [3], outerB: [3], m: 20, k: 30, n: 25 },
    { label: 'batched [2,3]', outerA: [2, 3], outerB: [2, 3], m: 9, k: 17, n: 11 },
    { label: 'batch-1 b broadcast', outerA: [3], outerB: [1], m: 20, k: 30, n: 25 },
    { label: 'batch-1 a broadcast', outerA: [1], outerB: [4], m: 20, k: 30, n: 25 },
    { label: '3-D a, 2-D b', outerA: [3], outerB: [], m: 20, k: 30, n: 25 },
  ];
  for (const c of cases) {
    for (const [ta, tb] of TRANSPOSE_PAIRS) {
      const broadcast = c.outerA.join() !== c.outerB.join();
      it(`${c.label}, transposeA=${ta}, transposeB=${tb}: forward${broadcast ? '' : ' and gradients'}`, async () => {
        const as = shapeOf(c.outerA, c.m, c.k, ta),
          bs = shapeOf(c.outerB, c.k, c.n, tb);
        const av = values(as, c.m * 7 + c.n),
          bv = values(bs, c.k * 3 + 1);
        await compareBoth(
          `matMul ${c.label} tA=${ta} tB=${tb}`,
          () => {
            const a = tf.tensor(av, as),
              b = tf.tensor(bv, bs);
            const y = tf.matMul(a, b, ta, tb);
            // TF.js's own BatchMatMul gradient rejects broadcast batches (on cpu too): forward only there.
            if (broadcast) return [y];
            const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb))(
              [a, b],
              tf.tensor(values(y.shape, 5), y.shape),
            );
            return [y, da!, db!];
          },
          MATMUL,
          ['matmul'],
          ['y', 'da', 'db'],
        );
      });
    }
  }

  // The output's batch shape is the broadcast of both operands' batch shapes, also when the operand with fewer
  // batch dims broadcasts a batch of 1 ([20,30] x [1,30,25] gives [1,20,25]).
  for (const [as, bs] of [
    [
      [20, 30],
      [1, 30, 25],
    ],
    [
      [3, 20, 30],
      [1, 1, 30, 25],
    ],
  ]) {
    it(`output shape of [${as}] x [${bs}] is the broadcast of both batch shapes`, async () => {
      const av = values(as!, 51),
        bv = values(bs!, 52);
      const r = await onBoth(() => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs)));
      assertBothClose(r, MATMUL, `matMul [${as}] x [${bs}]`);
    });
  }

  it('[1,1,20,30] x [30,25] keeps the batch dims of a ([1,1,20,25])', async () => {
    const av = values([1, 1, 20, 30], 53),
      bv = values([30, 25], 54);
    const r = await compareBoth(
      'matMul [1,1,20,30] x [30,25]',
      () => tf.matMul(tf.tensor(av, [1, 1, 20, 30]), tf.tensor(bv, [30, 25])),
      MATMUL,
      ['matmul'],
    );
    assert.deepEqual(r.onednn[0]!.shape, [1, 1, 20, 25]);
  });

  it('int32 operands fall back to the CPU kernel with exact results', async () => {
    const r = await onBoth(() =>
      tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), tf.tensor2d([1, 0, -1, 2, 3, 1], [3, 2], 'int32')),
    );
    assertNotNative(r, ['matmul'], 'int32 matMul');
    assert.deepEqual([...r.onednn[0]!.values], [8, 7, 17, 16]);
    assertBothClose(r, { atol: 0, rtol: 0 }, 'int32 matMul');
  });
});

describe('_FusedMatMul (tf.fused.matMul)', () => {
  const m = 128,
    k = 64,
    n = 128; // 16384 outputs: the bias add, ReLU and bias gradient (Sum) go native too
  const av = values([m, k], 61),
    bv = values([n, k], 62),
    biasv = values([n], 63),
    dyv = values([m, n], 64);

  // As with convolutions, TF.js unfuses a ReLU under a gradient tape: matmul + bias add + relu there.
  it('bias + relu (transposeB, as in a dense layer): fused forward, and gradients (da, db, dbias)', async () => {
    const r = await compareBoth(
      'fused matMul relu',
      () => {
        const a = tf.tensor2d(av, [m, k]),
          b = tf.tensor2d(bv, [n, k]),
          bias = tf.tensor1d(biasv);
        const f = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) =>
          tf.fused.matMul({ a: p, b: q, bias: c, transposeB: true, activation: 'relu' });
        const [da, db, dbias] = tf.grads(f)([a, b, bias], tf.tensor2d(dyv, [m, n]));
        return [da!, db!, dbias!, f(a, b, bias)];
      },
      MATMUL,
      ['matmul', 'binary', 'relu', 'reluGrad', 'reduce'],
      ['da', 'db', 'dbias', 'y'],
    );
    const y = r.onednn[3]!.values;
    assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0), 'the ReLU clamps some outputs and passes others');
  });

  it('bias + linear stays fused under a gradient tape: gradients (da, db, dbias)', async () => {
    await compareBoth(
      'fused matMul linear grads',
      () => {
        const f = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) =>
          tf.fused.matMul({ a: p, b: q, bias: c, transposeB: true });
        const [da, db, dbias] = tf.grads(f)(
          [tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [n, k]), tf.tensor1d(biasv)],
          tf.tensor2d(dyv, [m, n]),
        );
        return [da!, db!, dbias!];
      },
      MATMUL,
      ['matmul', 'reduce'],
      ['da', 'db', 'dbias'],
    );
  });

  it('bias + linear, batched with transposeA, and no bias', async () => {
    const a3 = values([2, k, 40], 65),
      b3 = values([2, k, 30], 66),
      bias3 = values([30], 67);
    await compareBoth(
      'fused matMul linear',
      () => [
        tf.fused.matMul({
          a: tf.tensor2d(av, [m, k]),
          b: tf.tensor2d(bv, [n, k]),
          bias: tf.tensor1d(biasv),
          transposeB: true,
        }),
        tf.fused.matMul({
          a: tf.tensor3d(a3, [2, k, 40]),
          b: tf.tensor3d(b3, [2, k, 30]),
          bias: tf.tensor1d(bias3),
          transposeA: true,
          activation: 'relu',
        }),
        tf.fused.matMul({
          a: tf.tensor2d(av, [m, k]),
          b: tf.tensor2d(bv, [n, k]),
          transposeB: true,
          activation: 'relu',
        }),
      ],
      MATMUL,
      ['matmul'],
    );
  });

  for (const activation of ['elu', 'leakyrelu', 'sigmoid'] as const) {
    it(`activation '${activation}' falls back to the CPU kernel with correct values`, async () => {
      const r = await onBoth(() =>
        tf.fused.matMul({
          a: tf.tensor2d(av, [m, k]),
          b: tf.tensor2d(bv, [n, k]),
          bias: tf.tensor1d(biasv),
          transposeB: true,
          activation,
          leakyreluAlpha: 0.1,
        }),
      );
      assertNotNative(r, ['matmul'], `fused matMul ${activation}`);
      assertBothClose(r, MATMUL, `fused matMul ${activation}`);
    });
  }

  it('a bias of shape [M, N] (not a per-column bias) falls back with correct values', async () => {
    const r = await onBoth(() =>
      tf.fused.matMul({
        a: tf.tensor2d(av, [m, k]),
        b: tf.tensor2d(bv, [n, k]),
        bias: tf.tensor2d(dyv, [m, n]),
        transposeB: true,
        activation: 'relu',
      }),
    );
    assertBothClose(r, MATMUL, 'fused matMul [M,N] bias');
  });
});

// ---- element-wise binary ops ----------------------------------------------------------------------------------

const binaryOps = {
  Add: tf.add,
  Sub: tf.sub,
  Multiply: tf.mul,
  RealDiv: tf.div,
  Maximum: tf.maximum,
  Minimum: tf.minimum,
} as const;
const commutative = new Set(['Add', 'Multiply', 'Maximum', 'Minimum']);
// Maximum and Minimum always run on the CPU kernels (oneDNN's binary max/min drop a NaN in the first operand).
const nativeBinary = new Set(['Add', 'Sub', 'Multiply', 'RealDiv']);
type BinaryName = keyof typeof binaryOps;

describe('binary ops (Add, Sub, Multiply, RealDiv, Maximum, Minimum)', () => {
  const big = [4, 8, 16, 40]; // 20480 outputs: above the native threshold
  // Divisors are kept away from 0 so RealDiv's values stay moderate; the IEEE special cases are tested below.
  const operand = (shape: number[], seed: number, op: BinaryName, second: boolean) =>
    op === 'RealDiv' && second ? values(shape, seed, 0.5, 2) : values(shape, seed);

  for (const name of Object.keys(binaryOps) as BinaryName[]) {
    const op = binaryOps[name];
    const shapes: Array<[string, number[], number[], boolean]> = [
      // label, a shape, b shape, native expected
      ['same shapes', big, big, nativeBinary.has(name)],
      ['bias-style [C] as second operand', big, [40], nativeBinary.has(name)],
      ['bias-style [C] as first operand', [40], big, nativeBinary.has(name) && commutative.has(name)],
      ['[1,H,1,C] as second operand', big, [1, 8, 1, 40], nativeBinary.has(name)],
      ['rank-2 [W,C] as first operand', [16, 40], big, nativeBinary.has(name) && commutative.has(name)],
      ['both operands broadcast ([4,1,16,40] with [1,8,1,40])', [4, 1, 16, 40], [1, 8, 1, 40], false],
    ];
    for (const [label, as, bs, native] of shapes) {
      it(`${name}: ${label} ${native ? '(native)' : '(CPU fallback)'}`, async () => {
        const av = operand(as, sizeOf(as) + 71, name, false),
          bv = operand(bs, sizeOf(bs) + 72, name, true);
        const r = await onBoth(() => op(tf.tensor(av, as), tf.tensor(bv, bs)));
        if (native) assertNative(r, ['binary'], `${name} ${label}`);
        else assertNotNative(r, ['binary'], `${name} ${label}`);
        assertBothClose(r, ELEMENTWISE, `${name} ${label}`);
      });
    }
  }

  for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv'] as const) {
    it(`${name}: gradients with a bias-style broadcast operand (the broadcast gradient is a native Sum)`, async () => {
      const av = values(big, 81),
        bv = values([40], 82, 0.5, 2),
        dyv = values(big, 83);
      await compareBoth(
        `${name} grads`,
        () => {
          const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => binaryOps[name](p, q))(
            [tf.tensor(av, big), tf.tensor1d(bv)],
            tf.tensor(dyv, big),
          );
          return [da!, db!];
        },
        REDUCE,
        name === 'Add' || name === 'Sub' ? ['reduce'] : ['binary', 'reduce'],
        ['da', 'db'],
      );
    });
  }

  it('int32 operands (bias-style broadcast) fall back and stay int32 with exact results', async () => {
    const ai = Int32Array.from(values(big, 84), (v) => Math.round(v * 100));
    const bi = Int32Array.from(values([40], 85), (v) => Math.round(v * 100) || 1);
    for (const name of Object.keys(binaryOps) as BinaryName[]) {
      const r = await onBoth(() => binaryOps[name](tf.tensor(ai, big, 'int32'), tf.tensor(bi, [40], 'int32')));
      assertNotNative(r, ['binary'], `int32 ${name}`);
      assertBothClose(r, { atol: 0, rtol: 0 }, `int32 ${name}`);
      assert.equal(r.onednn[0]!.dtype, 'int32', `int32 ${name}: dtype`); // tf.div of int32 is a floor division
    }
  });

  it('small tensors (below the native threshold) give the same values through the CPU fallback', async () => {
    const av = values([3, 5, 7], 86),
      bv = values([7], 87, 0.5, 2);
    for (const name of Object.keys(binaryOps) as BinaryName[]) {
      const r = await onBoth(() => binaryOps[name](tf.tensor(av, [3, 5, 7]), tf.tensor1d(bv)));
      assertNotNative(r, ['binary'], `small ${name}`);
      assertBothClose(r, ELEMENTWISE, `small ${name}`);
    }
  });

  it('IEEE special values: division by ±0, infinities (Add, Sub, Multiply, RealDiv)', async () => {
    const av = values(big, 88),
      bv = values(big, 89);
    const specials = [0, -0, Infinity, -Infinity, 1e-30, -1e30];
    for (let i = 0; i < 36; i++) {
      av[i] = specials[i % 6]!;
      bv[i] = specials[Math.floor(i / 6)]!;
    }
    for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv'] as const) {
      const r = await onBoth(() => binaryOps[name](tf.tensor(av, big), tf.tensor(bv, big)));
      assertNative(r, ['binary'], `specials ${name}`);
      assertBothClose(r, ELEMENTWISE, `specials ${name}`);
    }
  });

  // oneDNN's binary_max/binary_min return the other operand when the first one is NaN (x86 maxps semantics);
  // TF.js's Math.max/Math.min propagate NaN from either side, which is why these two stay on the CPU kernels.
  for (const name of ['Maximum', 'Minimum'] as const) {
    it(`${name} propagates NaN from either operand`, async () => {
      const av = values(big, 90),
        bv = values(big, 91);
      av[0] = NaN;
      bv[1] = NaN;
      av[2] = NaN;
      bv[2] = NaN;
      const r = await onBoth(() => binaryOps[name](tf.tensor(av, big), tf.tensor(bv, big)));
      assertBothClose(r, ELEMENTWISE, `${name} NaN`);
    });
  }
});

// ---- reductions ---------------------------------------------------------------------------------------------

const reduceOps = { Sum: tf.sum, Mean: tf.mean, Max: tf.max, Min: tf.min } as const;
type ReduceName = keyof typeof reduceOps;

describe('reductions (Sum, Mean, Max, Min)', () => {
  const shape = [8, 16, 16, 20]; // 40960 elements
  const xv = values(shape, 101);
  const axesCases: Array<[string, number | number[]]> = [
    ['leading axes [0,1,2] (bias gradient)', [0, 1, 2]],
    ['spatial axes [1,2] (global average pooling)', [1, 2]],
    ['trailing axis [3]', [3]],
    ['trailing axis -1', -1],
    ['trailing axes [2,3]', [2, 3]],
    ['middle axis [1]', [1]],
    ['leading axis 0', 0],
    ['non-contiguous axes [0,2]', [0, 2]],
    ['non-contiguous axes [1,3]', [1, 3]],
    ['all axes [0,1,2,3]', [0, 1, 2, 3]],
  ];
  for (const name of Object.keys(reduceOps) as ReduceName[]) {
    for (const [label, axis] of axesCases) {
      // Max/Min over axes that are not one block stay on the CPU kernel (oneDNN's reduction drops NaN there)
      const native = (name === 'Max' || name === 'Min') && label.startsWith('non-contiguous') ? [] : ['reduce'];
      it(`${name} over ${label}, keepDims false and true ${native.length ? '(native)' : '(CPU fallback)'}`, async () => {
        const r = await compareBoth(
          `${name} ${label}`,
          () => {
            const x = tf.tensor(xv, shape);
            return [reduceOps[name](x, axis, false), reduceOps[name](x, axis, true)];
          },
          REDUCE,
          native,
          ['keepDims=false', 'keepDims=true'],
        );
        if (!native.length) assertNotNative(r, ['reduce'], `${name} ${label}`);
        assert.equal(r.onednn[1]!.shape.length, 4, 'keepDims keeps the rank');
      });
    }
  }

  it('size-1 axes next to reduced ones ([1,128,1,160] over [0,1], [1,2], [2,3])', async () => {
    const s = [1, 128, 1, 160],
      v = values(s, 102);
    for (const name of Object.keys(reduceOps) as ReduceName[]) {
      await compareBoth(
        `${name} size-1 axes`,
        () => {
          const x = tf.tensor(v, s);
          return [reduceOps[name](x, [0, 1]), reduceOps[name](x, [1, 2], true), reduceOps[name](x, [2, 3])];
        },
        REDUCE,
        ['reduce'],
      );
    }
  });

  it('the full reduction (no axis) gives the cpu value', async () => {
    for (const name of Object.keys(reduceOps) as ReduceName[]) {
      const r = await onBoth(() => reduceOps[name](tf.tensor(xv, shape)));
      assertBothClose(r, REDUCE, `${name} all`);
      assert.deepEqual(r.onednn[0]!.shape, []);
    }
  });

  it('Max and Min propagate NaN over a contiguous block of axes, like cpu', async () => {
    const v = Float32Array.from(xv);
    v[100] = NaN;
    for (const name of ['Max', 'Min'] as const) {
      for (const axis of [[0, 1, 2], [3], [1]]) {
        const r = await compareBoth(`${name} NaN ${axis}`, () => reduceOps[name](tf.tensor(v, shape), axis), REDUCE, [
          'reduce',
        ]);
        assert.ok(r.onednn[0]!.values.some(Number.isNaN), `${name} ${axis}: the NaN reaches the output`);
      }
    }
  });

  // oneDNN's reduction primitive ignores NaN in max/min, so those axis sets stay on the CPU kernel; the contiguous
  // path (native/reduce.cc) propagates NaN like TF.js.
  it('Max and Min propagate NaN over non-contiguous axes [0,2]', async () => {
    const v = Float32Array.from(xv);
    v[100] = NaN;
    for (const name of ['Max', 'Min'] as const) {
      const r = await onBoth(() => reduceOps[name](tf.tensor(v, shape), [0, 2]));
      assertBothClose(r, REDUCE, `${name} NaN [0,2]`);
    }
  });

  it('gradients of Sum over [0,1,2] and Mean over [1,2]', async () => {
    await compareBoth(
      'reduce grads',
      () => {
        const x = tf.tensor(xv, shape);
        return [
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.sum(a, [0, 1, 2]), tf.range(0, 20))))(x),
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, [1, 2]), tf.range(0, 20))))(x),
        ];
      },
      REDUCE,
      ['reduce'],
    );
  });

  // Max's gradient multiplies dy by cast(equal(x, max), 'float32'), whose storage is the bool's Uint8Array (see
  // 'float32 tensors cast from int32 or bool' below).
  it('gradients of Max and Min over [0,1,2]', async () => {
    const r = await onBoth(() => {
      const x = tf.tensor(xv, shape);
      return [
        tf.grad((a: tf.Tensor) => tf.sum(tf.max(a, [0, 1, 2])))(x),
        tf.grad((a: tf.Tensor) => tf.sum(tf.min(a, [0, 1, 2])))(x),
      ];
    });
    assertBothClose(r, REDUCE, 'max/min grads');
  });

  it('int32 input falls back with exact results', async () => {
    const xi = Int32Array.from(xv, (v) => Math.round(v * 1000));
    const r = await onBoth(() => [
      tf.sum(tf.tensor(xi, shape, 'int32'), [0, 1, 2]),
      tf.max(tf.tensor(xi, shape, 'int32'), [3]),
    ]);
    assertNotNative(r, ['reduce'], 'int32 reduce');
    assertBothClose(r, { atol: 0, rtol: 0 }, 'int32 reduce');
    assert.equal(r.onednn[0]!.dtype, 'int32');
  });
});

// ---- unary: Relu, Step, ReLU gradient -----------------------------------------------------------------------

describe('Relu, Step and the ReLU gradient', () => {
  const shape = [4, 64, 64]; // 16384 elements: exactly the native threshold
  const specials = (v: Float32Array) => {
    const s = [0, -0, Infinity, -Infinity, 1e-30, -1e-30, 1.4e-45, -1.4e-45];
    s.forEach((x, i) => {
      v[i] = x;
    });
    return v;
  };

  // Native kernels run with flush-to-zero/denormals-are-zero (native/runtime.h), so a denormal may become 0:
  // the tolerance allows differences below the smallest normal float32 and nothing more.
  it('Relu: random values, ±0, ±Infinity and denormals', async () => {
    const xv = specials(values(shape, 111));
    await compareBoth('relu', () => tf.relu(tf.tensor(xv, shape)), { atol: FLT_MIN, rtol: 0 }, ['relu']);
  });

  // oneDNN's eltwise_relu maps NaN to 0; TF.js's Relu keeps NaN, as must the native kernel (else the result would
  // depend on whether the tensor is above the native threshold).
  it('Relu keeps NaN as NaN', async () => {
    const xv = values(shape, 112);
    xv[0] = NaN;
    const r = await onBoth(() => tf.relu(tf.tensor(xv, shape)));
    assertBothClose(r, { atol: 0, rtol: 0 }, 'relu NaN');
  });

  for (const alpha of [0, 0.3]) {
    it(`Step (alpha ${alpha}): NaN stays NaN, 0 and -0 give alpha, +Infinity gives 1`, async () => {
      const xv = specials(values(shape, 113));
      // Denormal inputs are left out: under denormals-are-zero the native Step reads 1.4e-45 as 0 (gives alpha
      // where cpu gives 1). The smallest normal floats are in, and must be classified exactly.
      xv[6] = FLT_MIN;
      xv[7] = -FLT_MIN;
      xv[8] = NaN;
      xv[9] = -NaN;
      const r = await compareBoth(`step ${alpha}`, () => tf.step(tf.tensor(xv, shape), alpha), { atol: 0, rtol: 0 }, [
        'step',
      ]);
      const y = r.onednn[0]!.values;
      assert.ok(Number.isNaN(y[8]) && Number.isNaN(y[9]), 'NaN stays NaN');
      assert.equal(y[0], Math.fround(alpha));
      assert.equal(y[2], 1);
    });
  }

  it('Relu and Step below the native threshold fall back with the same values', async () => {
    const xv = specials(values([5, 7], 114));
    xv[10] = NaN;
    const r = await onBoth(() => [tf.relu(tf.tensor(xv, [5, 7])), tf.step(tf.tensor(xv, [5, 7]), 0.1)]);
    assertNotNative(r, ['relu', 'step'], 'small relu/step');
    assertBothClose(r, { atol: 0, rtol: 0 }, 'small relu/step');
  });

  /** d relu(x) · dy / dx: dy where x > 0, else 0. */
  const expectedReluGrad = (x: Float32Array, dy: Float32Array) => dy.map((g, i) => (x[i]! > 0 ? g : 0));

  for (const s of [shape, [3, 5], [1]]) {
    it(`ReLU gradient on [${s}] is dy where x > 0, else 0 (native ReluGrad on onednn at any size)`, async () => {
      const xv = values(s, 115),
        dyv = values(s, 116);
      xv[0] = 0; // the gradient at 0 is 0
      const r = await onBoth(() => tf.grad((x: tf.Tensor) => tf.relu(x))(tf.tensor(xv, s), tf.tensor(dyv, s)));
      assertNative(r, ['reluGrad'], `relu grad [${s}]`);
      const expected = expectedReluGrad(xv, dyv);
      assertClose(r.cpu[0]!.values, expected, 0, 0, `relu grad [${s}] on cpu`);
      assertClose(r.onednn[0]!.values, expected, 0, 0, `relu grad [${s}] on onednn`);
    });
  }

  it('ReLU gradient inside a composite loss (relu output used twice)', async () => {
    const s = [32, 512],
      xv = values(s, 117),
      wv = values(s, 118);
    const r = await compareBoth(
      'relu composite grad',
      () =>
        tf.grad((x: tf.Tensor) => {
          const y = tf.relu(x);
          return tf.sum(tf.add(tf.mul(y, tf.tensor(wv, s)), tf.square(y)));
        })(tf.tensor(xv, s)),
      ELEMENTWISE,
      ['relu', 'reluGrad'],
    );
    const expected = xv.map((x, i) => (x > 0 ? wv[i]! + 2 * x : 0));
    assertClose(r.onednn[0]!.values, expected, 1e-6, 1e-6, 'relu composite grad vs analytic');
  });
});

// The CPU backend implements cast(int32 → float32) and cast(bool → float32) without a copy, so the float32 result
// keeps an Int32Array/Uint8Array as storage; the native kernels must read those too. Typical user code does this:
// images decoded as int32 and cast to float32, masks from comparisons, Max/Min gradients.
describe('float32 tensors cast from int32 or bool', () => {
  const cases: Array<[string, () => tf.Tensor]> = [
    [
      'Add of cast(int32)',
      () => {
        const m = tf.cast(
          tf.tensor(
            Int32Array.from(values([128, 128], 131), (v) => Math.round(v * 9)),
            [128, 128],
            'int32',
          ),
          'float32',
        );
        return tf.add(m, m);
      },
    ],
    [
      'Conv2D of a cast(int32) image',
      () =>
        tf.conv2d(
          tf.cast(
            tf.tensor4d(
              Int32Array.from(values([4, 28, 28, 1], 132), (v) => Math.round(v * 127 + 128)),
              [4, 28, 28, 1],
              'int32',
            ),
            'float32',
          ) as tf.Tensor4D,
          tf.tensor4d(values([3, 3, 1, 8], 133), [3, 3, 1, 8]),
          1,
          'same',
        ),
    ],
    [
      'Multiply by a cast(bool) mask',
      () => {
        const x = tf.tensor(values([128, 128], 134), [128, 128]);
        return tf.mul(x, tf.cast(tf.greater(x, 0), 'float32'));
      },
    ],
    [
      'Sum of a cast(bool) mask',
      () => tf.sum(tf.cast(tf.greater(tf.tensor(values([128, 128], 135), [128, 128]), 0), 'float32'), 0),
    ],
  ];
  for (const [label, fn] of cases) {
    it(`${label} works on onednn`, async () => {
      const r = await onBoth(fn);
      assertBothClose(r, CONV, label);
    });
  }
});

describe('floating-point environment', () => {
  it('JavaScript and the cpu fallback keep denormals after native kernels ran (flush-to-zero is restored)', async () => {
    await onBoth(() =>
      tf.relu(
        tf.conv2d(
          tf.tensor4d(values([1, 8, 8, 4], 121), [1, 8, 8, 4]),
          tf.tensor4d(values([3, 3, 4, 4], 122), [3, 3, 4, 4]),
          1,
          'same',
        ),
      ),
    );
    // A denormal double from memory (not a constant the compiler could fold) survives arithmetic.
    const tiny = new Float64Array([2.2250738585072014e-308]);
    assert.ok(tiny[0]! / 2 > 0, 'double denormals are not flushed');
    // Float32 denormals through a small (CPU fallback) op on the onednn backend.
    const r = await runOn('onednn', () => tf.mul(tf.tensor1d([1e-39, 3e-40]), tf.scalar(1)));
    assert.ok(r.results[0]!.values[0]! > 0 && r.results[0]!.values[1]! > 0, 'float32 denormals are not flushed');
  });
});
