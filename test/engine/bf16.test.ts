// bf16 precision on the onednn backend: every convolution and matrix-product kernel, forward and gradient,
// (1) equals the fp32 kernel run on inputs rounded to bfloat16 (so it rounds exactly those inputs, to nearest even,
// and accumulates in float32), and (2) stays within bf16's error bound of the plain fp32 result: each product
// carries a relative error of at most about 2⁻⁸ (8-bit mantissa), so |bf16 − fp32| ≤ 2⁻⁷ · Σ|a·b|, the same
// computation on absolute values. The CPU without AVX512-BF16 is simulated with oneDNN's DNNL_MAX_CPU_ISA.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { cpuHasBf16, getPrecision, type OneDnnBackend, type Precision, setPrecision, useBackend } from '../../src/engine/backend.js';
import { NIN } from '../support/nin_cli.js';
import { convCases } from './conv_cases.js';
import { assertClose, nativeCallCounts, resetNativeCalls, setup, sizeOf, values } from './helpers.js';

before(() => setup());

/** Rounds float32 values to bfloat16 (round to nearest even), kept as float32. */
function roundToBf16(v: Float32Array): Float32Array {
  const out = new Float32Array(v);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i]!;
    bits[i] = (((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16) >>> 0;
  }
  return out;
}

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

const abs = (inputs: { values: Float32Array; shape: number[] }[]) => inputs.map((i) => ({ ...i, values: i.values.map(Math.abs) }));
/** The inputs the kernels round (all but `keep`: biases, which stay float32). */
const rounded = (inputs: { values: Float32Array; shape: number[] }[], keep: number[]) =>
  inputs.map((input, i) => (keep.includes(i) ? input : { ...input, values: roundToBf16(input.values) }));

/** The two checks of the file's header, for every output of `fn`; `native` entry points must have run. */
async function checkBf16(
  label: string, inputs: { values: Float32Array; shape: number[] }[], fn: Computation, native: string[], names: string[], float32Inputs: number[] = [],
) {
  const bf16 = await run('bf16', inputs, fn);
  for (const entry of native) assert.ok(bf16.calls.get(entry), `${label}: native ${entry} ran`);
  const onRounded = (await run('fp32', rounded(inputs, float32Inputs), fn)).result;
  const fp32 = (await run('fp32', inputs, fn)).result;
  const bound = (await run('fp32', abs(inputs), fn)).result; // Σ|a·b| for every output element
  let largestError = 0;
  bf16.result.forEach((out, i) => {
    const what = `${label} [${names[i]}]`;
    assertClose(out, onRounded[i]!, 1e-4, 1e-4, `${what} vs fp32 on bf16-rounded inputs`);
    for (let j = 0; j < out.length; j++) {
      const err = Math.abs(out[j]! - fp32[i]![j]!), limit = 2 ** -7 * bound[i]![j]! + 1e-6;
      largestError = Math.max(largestError, err / (bound[i]![j]! || 1));
      assert.ok(err <= limit, `${what}: element ${j} is ${out[j]} in bf16, ${fp32[i]![j]} in fp32: |diff| ${err} > bound ${limit}`);
    }
  });
  // the kernel really computed in bf16: its error is of bf16's size, not float32 rounding noise
  assert.ok(largestError > 2 ** -14, `${label}: bf16 result suspiciously close to fp32 (relative error ${largestError})`);
}

describe('bf16 precision', { skip: !cpuHasBf16() && 'this CPU has no AVX512-BF16 (the error path is tested below)' }, () => {
  for (const c of convCases) {
    it(`${c.label}: Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter`, async () => {
      const seed = sizeOf(c.x) + sizeOf(c.filter);
      const x = { values: values(c.x, seed), shape: c.x }, w = { values: values(c.filter, seed + 1, -0.5, 0.5), shape: c.filter };
      const yShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
      const dy = { values: values(yShape, seed + 2), shape: yShape };
      await checkBf16(c.label, [x, w, dy], ([xt, wt, dyt]) => {
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad);
        const [dx, dw] = tf.grads(conv)([xt!, wt!], dyt!);
        return [conv(xt!, wt!), dx!, dw!];
      }, ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'], ['y', 'dx', 'dfilter']);
    });
  }

  it('FusedConv2D with a float32 bias', async () => {
    const x = { values: values([2, 12, 12, 8], 71), shape: [2, 12, 12, 8] };
    const w = { values: values([3, 3, 8, 16], 72, -0.5, 0.5), shape: [3, 3, 8, 16] };
    const bias = { values: values([16], 73), shape: [16] };
    await checkBf16('fused conv', [x, w, bias], ([xt, wt, bt]) => [
      tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: wt as tf.Tensor4D, bias: bt, strides: 1, pad: 'same' }),
    ], ['conv2d'], ['y'], [2]);
  });

  const m = 64, k = 96, n = 80;
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`BatchMatMul transposeA=${ta} transposeB=${tb}: forward and gradients`, async () => {
      const a = { values: values(ta ? [k, m] : [m, k], 81), shape: ta ? [k, m] : [m, k] };
      const b = { values: values(tb ? [n, k] : [k, n], 82), shape: tb ? [n, k] : [k, n] };
      const dy = { values: values([m, n], 83), shape: [m, n] };
      await checkBf16(`matMul tA=${ta} tB=${tb}`, [a, b, dy], ([at, bt, dyt]) => {
        const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb);
        const [da, db] = tf.grads(f)([at!, bt!], dyt!);
        return [f(at!, bt!), da!, db!];
      }, ['matmul'], ['y', 'da', 'db']);
    });
  }

  it("a dense layer's fused matmul with bias (float32) and ReLU", async () => {
    const a = { values: values([32, 300], 91), shape: [32, 300] };
    const w = { values: values([300, 70], 92, -0.2, 0.2), shape: [300, 70] };
    const bias = { values: values([70], 93), shape: [70] };
    await checkBf16('fused matMul', [a, w, bias], ([at, wt, bt]) => [
      tf.fused.matMul({ a: at!, b: wt!, bias: bt, activation: 'relu' }),
    ], ['matmul'], ['y'], [2]);
  });

  it('converts each tensor once per step (activations and gradients are read twice), and forgets the copies with the tensors', async () => {
    await useBackend('onednn', { precision: 'bf16' });
    try {
      const backend = tf.backend() as OneDnnBackend;
      resetNativeCalls();
      tf.tidy(() => {
        const x = tf.tensor4d(values([2, 12, 12, 8], 101), [2, 12, 12, 8]), w = tf.tensor4d(values([3, 3, 8, 16], 102), [3, 3, 8, 16]);
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same');
        const dy = tf.onesLike(conv(x, w));
        tf.grads(conv)([x, w], dy); // forward (x), data gradient (dy), filter gradient (x and dy again)
        assert.ok(backend.bf16Inputs.size >= 2);
      });
      assert.equal(nativeCallCounts().get('toBf16'), 2, 'x and dy converted once each');
      assert.equal(backend.bf16Inputs.size, 0, 'no copy outlives its tensor');
    } finally {
      await useBackend('onednn');
    }
  });

  it('leaves every other kernel in float32: pooling, element-wise ops and reductions give the fp32 values', async () => {
    const x = { values: values([4, 16, 16, 32], 95), shape: [4, 16, 16, 32] };
    const fn: Computation = ([xt]) => [tf.maxPool(xt as tf.Tensor4D, 3, 2, 'valid'), tf.relu(xt!), tf.add(xt!, xt!), tf.sum(xt!, [1, 2])];
    const bf16 = (await run('bf16', [x], fn)).result, fp32 = (await run('fp32', [x], fn)).result;
    bf16.forEach((out, i) => assert.deepEqual(out, fp32[i]));
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
      encoding: 'utf8', env: { ...process.env, DNNL_MAX_CPU_ISA: 'AVX512_CORE' }, cwd: new URL('../../../', import.meta.url),
    });
    assert.match(r.stdout, /bf16: false/);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /bf16 precision needs a CPU with AVX512-BF16 \(lscpu lists avx512_bf16\); this one does not have it: use fp32/);
  });

  it('nin: --precision bf16 is a one-line usage error (exit 2), --precision auto computes in fp32 and says so', () => {
    const nin = (...args: string[]) => spawnSync(process.execPath, [NIN, ...args], {
      encoding: 'utf8', env: { ...process.env, DNNL_MAX_CPU_ISA: 'AVX512_CORE', NIN_DEBUG: '' },
    });
    const refused = nin('summary', '--resize', '67', '--precision', 'bf16');
    assert.equal(refused.status, 2);
    assert.equal(refused.stderr, 'nin: error: --precision bf16 needs a CPU with AVX512-BF16 (lscpu lists avx512_bf16); this one does not have it: use fp32\n');
    const auto = nin('summary', '--resize', '67', '--precision', 'auto');
    assert.equal(auto.status, 0, auto.stderr);
    assert.match(auto.stderr, /--precision auto: this CPU has no AVX512-BF16, computing in fp32/);
  });
});
