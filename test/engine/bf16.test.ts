// bf16 precision on the onednn backend: every convolution and matrix-product kernel, forward and gradient,
// (1) equals the fp32 kernel run on inputs rounded to bfloat16 (so it rounds exactly those inputs, to nearest even,
// and accumulates in float32), and (2) stays within bf16's error bound of the plain fp32 result: each product
// carries a relative error of at most about 2⁻⁸ (8-bit mantissa), so |bf16 − fp32| ≤ 2⁻⁷ · Σ|a·b|, the same
// computation on absolute values. Outputs stored as bfloat16 (a fused convolution's, a data gradient) are that
// float32 result rounded once more: bfloat16 values within half a bf16 step (2⁻⁸ relative) of it.
// The CPU without AVX512-BF16 is simulated with oneDNN's DNNL_MAX_CPU_ISA.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import {
  cpuHasBf16,
  getPrecision,
  type OneDnnBackend,
  type Precision,
  setPrecision,
  useBackend,
} from '../../src/engine/backend.js';
import { NIN } from '../support/nin_cli.js';
import { convCases } from './conv_cases.js';
import { assertClose, nativeCallCounts, resetNativeCalls, setup, sizeOf, TRANSPOSE_PAIRS, values } from './helpers.js';
import { reluGradMismatches, roundToBf16 } from './relu_grad_cases.js';

before(() => setup());

type Computation = (inputs: tf.Tensor[]) => tf.Tensor[];

/** Runs `fn` on the onednn backend at `precision` on float32 inputs; returns every output's values. */
async function run(precision: Precision, inputs: { values: Float32Array; shape: number[] }[], fn: Computation) {
  await useBackend('onednn', { precision });
  resetNativeCalls();
  try {
    const outs = tf.tidy(() => fn(inputs.map((i) => tf.tensor(i.values, i.shape))));
    const result = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return { result, calls: nativeCallCounts() };
  } finally {
    setPrecision('fp32');
  }
}

const abs = (inputs: { values: Float32Array; shape: number[] }[]) =>
  inputs.map((i) => ({ ...i, values: i.values.map(Math.abs) }));
/** The inputs the kernels round (all but `keep`: biases, which stay float32). */
const rounded = (inputs: { values: Float32Array; shape: number[] }[], keep: number[]) =>
  inputs.map((input, i) => (keep.includes(i) ? input : { ...input, values: roundToBf16(input.values) }));

/** Whether every value is a bfloat16 value (its low 16 bits are zero). */
const isBf16 = (v: Float32Array) => new Uint32Array(v.buffer, v.byteOffset, v.length).every((u) => (u & 0xffff) === 0);

/**
 * The two checks of the file's header, for every output of `fn`; `native` entry points must have run. Outputs
 * named in `storedAsBf16` must hold bfloat16 values, one rounding away from the float32 result.
 */
async function checkBf16(
  label: string,
  inputs: { values: Float32Array; shape: number[] }[],
  fn: Computation,
  native: string[],
  names: string[],
  float32Inputs: number[] = [],
  storedAsBf16: string[] = [],
) {
  const bf16 = await run('bf16', inputs, fn);
  for (const entry of native) assert.ok(bf16.calls.get(entry), `${label}: native ${entry} ran`);
  const onRounded = (await run('fp32', rounded(inputs, float32Inputs), fn)).result;
  const fp32 = (await run('fp32', inputs, fn)).result;
  const bound = (await run('fp32', abs(inputs), fn)).result; // Σ|a·b| for every output element
  let largestError = 0;
  bf16.result.forEach((out, i) => {
    const what = `${label} [${names[i]}]`;
    const stored = storedAsBf16.includes(names[i]!);
    assert.equal(isBf16(out), stored, `${what} ${stored ? 'is' : 'is not'} stored as bfloat16`);
    assertClose(out, onRounded[i]!, 1e-4, stored ? 2 ** -8 + 1e-4 : 1e-4, `${what} vs fp32 on bf16-rounded inputs`);
    for (let j = 0; j < out.length; j++) {
      const err = Math.abs(out[j]! - fp32[i]![j]!);
      const limit = 2 ** -7 * bound[i]![j]! + (stored ? 2 ** -8 * Math.abs(fp32[i]![j]!) : 0) + 1e-6;
      largestError = Math.max(largestError, err / (bound[i]![j]! || 1));
      assert.ok(
        err <= limit,
        `${what}: element ${j} is ${out[j]} in bf16, ${fp32[i]![j]} in fp32: |diff| ${err} > bound ${limit}`,
      );
    }
  });
  // the kernel really computed in bf16: its error is of bf16's size, not float32 rounding noise
  assert.ok(
    largestError > 2 ** -14,
    `${label}: bf16 result suspiciously close to fp32 (relative error ${largestError})`,
  );
}

describe('bf16 precision', {
  skip: !cpuHasBf16() && 'this CPU has no AVX512-BF16 (the error path is tested below)',
}, () => {
  for (const c of convCases) {
    it(`${c.label}: Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter`, async () => {
      const seed = sizeOf(c.x) + sizeOf(c.filter);
      const x = { values: values(c.x, seed), shape: c.x },
        w = { values: values(c.filter, seed + 1, -0.5, 0.5), shape: c.filter };
      const yShape = tf.tidy(
        () => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape,
      );
      const dy = { values: values(yShape, seed + 2), shape: yShape };
      await checkBf16(
        c.label,
        [x, w, dy],
        ([xt, wt, dyt]) => {
          const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad);
          const [dx, dw] = tf.grads(conv)([xt!, wt!], dyt!);
          return [conv(xt!, wt!), dx!, dw!];
        },
        ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'],
        ['y', 'dx', 'dfilter'],
        [],
        ['dx'],
      );
    });
  }

  it('FusedConv2D with a float32 bias', async () => {
    const x = { values: values([2, 12, 12, 8], 71), shape: [2, 12, 12, 8] };
    const w = { values: values([3, 3, 8, 16], 72, -0.5, 0.5), shape: [3, 3, 8, 16] };
    const bias = { values: values([16], 73), shape: [16] };
    await checkBf16(
      'fused conv',
      [x, w, bias],
      ([xt, wt, bt]) => [
        tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: wt as tf.Tensor4D, bias: bt, strides: 1, pad: 'same' }),
      ],
      ['conv2d'],
      ['y'],
      [2],
      ['y'],
    );
  });

  const m = 64,
    k = 96,
    n = 80;
  for (const [ta, tb] of TRANSPOSE_PAIRS) {
    it(`BatchMatMul transposeA=${ta} transposeB=${tb}: forward and gradients`, async () => {
      const a = { values: values(ta ? [k, m] : [m, k], 81), shape: ta ? [k, m] : [m, k] };
      const b = { values: values(tb ? [n, k] : [k, n], 82), shape: tb ? [n, k] : [k, n] };
      const dy = { values: values([m, n], 83), shape: [m, n] };
      await checkBf16(
        `matMul tA=${ta} tB=${tb}`,
        [a, b, dy],
        ([at, bt, dyt]) => {
          const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb);
          const [da, db] = tf.grads(f)([at!, bt!], dyt!);
          return [f(at!, bt!), da!, db!];
        },
        ['matmul'],
        ['y', 'da', 'db'],
      );
    });
  }

  it("a dense layer's fused matmul with bias (float32) and ReLU", async () => {
    const a = { values: values([32, 300], 91), shape: [32, 300] };
    const w = { values: values([300, 70], 92, -0.2, 0.2), shape: [300, 70] };
    const bias = { values: values([70], 93), shape: [70] };
    await checkBf16(
      'fused matMul',
      [a, w, bias],
      ([at, wt, bt]) => [tf.fused.matMul({ a: at!, b: wt!, bias: bt, activation: 'relu' })],
      ['matmul'],
      ['y'],
      [2],
    );
  });

  it('converts each tensor once per step (activations and gradients are read twice), and forgets the copies with the tensors', async () => {
    await useBackend('onednn', { precision: 'bf16' });
    try {
      const backend = tf.backend() as OneDnnBackend;
      resetNativeCalls();
      tf.tidy(() => {
        const x = tf.tensor4d(values([2, 12, 12, 8], 101), [2, 12, 12, 8]),
          w = tf.tensor4d(values([3, 3, 8, 16], 102), [3, 3, 8, 16]);
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same');
        const dy = tf.onesLike(conv(x, w));
        tf.grads(conv)([x, w], dy); // forward (x), data gradient (dy), filter gradient (x and dy again)
        assert.ok(backend.bf16Storage.size >= 2);
      });
      assert.equal(nativeCallCounts().get('toBf16'), 2, 'x and dy converted once each');
      assert.equal(backend.bf16Storage.size, 0, 'no copy outlives its tensor');
    } finally {
      await useBackend('onednn');
    }
  });

  it('leaves every other kernel in float32: pooling, element-wise ops and reductions give the fp32 values', async () => {
    const x = { values: values([4, 16, 16, 32], 95), shape: [4, 16, 16, 32] };
    const fn: Computation = ([xt]) => [
      tf.maxPool(xt as tf.Tensor4D, 3, 2, 'valid'),
      tf.relu(xt!),
      tf.add(xt!, xt!),
      tf.sum(xt!, [1, 2]),
    ];
    const bf16 = (await run('bf16', [x], fn)).result,
      fp32 = (await run('fp32', [x], fn)).result;
    bf16.forEach((out, i) => assert.deepEqual(out, fp32[i]));
  });

  describe('outputs stored as bfloat16', () => {
    const fusedConv = (x: tf.Tensor) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: tf.tensor4d(values([3, 3, 8, 16], 112, -0.5, 0.5), [3, 3, 8, 16]),
        strides: 1,
        pad: 'same',
        activation: 'relu',
      });

    it("keep a fused convolution's output as bfloat16 until it is read as float32, then widen it exactly", async () => {
      await useBackend('onednn', { precision: 'bf16' });
      try {
        const backend = tf.backend() as OneDnnBackend;
        const x = tf.tensor4d(values([2, 12, 12, 8], 111), [2, 12, 12, 8]);
        resetNativeCalls();
        const y = fusedConv(x);
        const next = fusedConv(tf.slice(y, [0, 0, 0, 0], [2, 12, 12, 8])); // Slice reads float32 values
        assert.equal(nativeCallCounts().get('fromBf16'), 1, 'widened once, for the float32 kernel (Slice)');
        const z = fusedConv(tf.tensor4d(values([2, 12, 12, 8], 113), [2, 12, 12, 8]));
        const zNext = tf.fused.conv2d({
          x: z as tf.Tensor4D,
          filter: tf.ones([1, 1, 16, 4]),
          strides: 1,
          pad: 'valid',
        });
        assert.equal(nativeCallCounts().get('fromBf16'), 1, "a convolution reads another one's output as stored");
        const zValues = z.dataSync() as Float32Array; // user code reads it: widened now
        assert.equal(nativeCallCounts().get('fromBf16'), 2);
        assert.ok(
          isBf16(zValues) && zValues.some((v) => v > 0) && zValues.every((v) => v >= 0),
          'ReLU output, bfloat16 values',
        );
        assert.deepEqual(tf.add(z, 0).dataSync(), zValues, 'float32 kernels see the same values');
        const stored = backend.bf16Storage.size;
        tf.dispose([x, y, next, z, zNext]);
        assert.equal(
          backend.bf16Storage.size,
          stored - 4 - 1,
          'copies released with their tensors (z, y, next, zNext and x)',
        );
        assert.equal(nativeCallCounts().get('fromBf16'), 2, 'disposing never widens');
      } finally {
        await useBackend('onednn');
      }
    });

    it('max pooling and its gradient run on that storage and equal the float32 kernels on its values', async () => {
      await useBackend('onednn', { precision: 'bf16' });
      try {
        const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 3, 2, 'valid');
        const poolAndGrad = (t: tf.Tensor, dy: tf.Tensor) => [
          pool(t),
          tf.grads((u: tf.Tensor) => pool(u))([t], dy)[0]!,
        ];
        const [onStorage, onFloat32] = tf.tidy(() => {
          const y = fusedConv(tf.tensor4d(values([2, 12, 12, 8], 121), [2, 12, 12, 8]));
          const dy = tf.tensor4d(values([2, 5, 5, 16], 122), [2, 5, 5, 16]);
          resetNativeCalls();
          const stored = poolAndGrad(y, dy);
          assert.equal(nativeCallCounts().get('fromBf16') ?? 0, 0, 'the pooled tensor was not widened');
          const asFloat32 = tf.tensor(y.dataSync(), y.shape); // the same values in an ordinary float32 tensor
          const bound = poolAndGrad(asFloat32, tf.abs(dy))[1]!; // Σ|dy| of the windows each element is the max of
          return [
            stored.map((t) => t.dataSync() as Float32Array),
            [...poolAndGrad(asFloat32, dy), bound].map((t) => t.dataSync() as Float32Array),
          ];
        });
        assert.deepEqual(onStorage[0], onFloat32[0], 'the maximum of bfloat16 values is exact');
        const [dx, dxFloat32, bound] = [onStorage[1]!, onFloat32[1]!, onFloat32[2]!];
        assert.ok(isBf16(dx) && !isBf16(dxFloat32));
        // dy rounded to bfloat16, summed over overlapping windows, the sum rounded: within 2⁻⁷ Σ|dy| + half a step
        dx.forEach((v, j) =>
          assert.ok(
            Math.abs(v - dxFloat32[j]!) <= 2 ** -7 * bound[j]! + 2 ** -8 * Math.abs(dxFloat32[j]!),
            `gradient element ${j}: ${v} on bfloat16 storage, ${dxFloat32[j]} in float32`,
          ),
        );
      } finally {
        await useBackend('onednn');
      }
    });
  });

  it('ReluGrad reads and writes float32 or bfloat16 arrays, rounds to nearest even, with the stock NaN behaviour', async () => {
    await useBackend('onednn');
    assert.deepEqual(reluGradMismatches((tf.backend() as OneDnnBackend).addon), []);
  });

  it('the precision is a backend setting: set, read back, and reset by useBackend', async () => {
    await useBackend('onednn', { precision: 'bf16' });
    assert.equal(getPrecision(), 'bf16');
    await useBackend('onednn');
    assert.equal(getPrecision(), 'fp32');
    await assert.rejects(useBackend('cpu', { precision: 'bf16' }), /needs the onednn backend/);
    await useBackend('onednn');
  });
});

describe('bf16 on a CPU without AVX512-BF16', () => {
  it('is refused with an error that says why, never emulated', () => {
    // oneDNN then reports AVX-512 without BF16 as the CPU's instruction set
    const script = `
      import { useBackend, cpuHasBf16 } from './dist/src/engine/backend.js';
      console.log('bf16:', cpuHasBf16());
      await useBackend('onednn', { precision: 'bf16' });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, DNNL_MAX_CPU_ISA: 'AVX512_CORE' },
      cwd: new URL('../../../', import.meta.url),
    });
    assert.match(r.stdout, /bf16: false/);
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /bf16 precision needs a CPU with AVX512-BF16 \(lscpu lists avx512_bf16\); this one does not have it: use fp32/,
    );
  });

  it("ReluGrad's portable loop (used without AVX512-BF16) gives the same values", () => {
    const script = `
      import { loadAddon } from './dist/src/engine/addon.js';
      import { reluGradMismatches } from './dist/test/engine/relu_grad_cases.js';
      console.log(JSON.stringify({ bf16: loadAddon().info().bf16, mismatches: reluGradMismatches(loadAddon()) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, DNNL_MAX_CPU_ISA: 'AVX512_CORE' },
      cwd: new URL('../../../', import.meta.url),
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { bf16: false, mismatches: [] });
  });

  it('nin: --precision bf16 is a one-line usage error (exit 2), --precision auto computes in fp32 and says so', () => {
    const nin = (...args: string[]) =>
      spawnSync(process.execPath, [NIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, DNNL_MAX_CPU_ISA: 'AVX512_CORE', NIN_DEBUG: '' },
      });
    const refused = nin('summary', '--resize', '67', '--precision', 'bf16');
    assert.equal(refused.status, 2);
    assert.equal(
      refused.stderr,
      'nin: error: --precision bf16 needs a CPU with AVX512-BF16 (lscpu lists avx512_bf16); this one does not have it: use fp32\n',
    );
    const auto = nin('summary', '--resize', '67', '--precision', 'auto');
    assert.equal(auto.status, 0, auto.stderr);
    assert.match(auto.stderr, /--precision auto: this CPU has no AVX512-BF16, computing in fp32/);
  });
});
