// The engine's own kernels (custom_kernels.ts) exist on cpu as on onednn, with the same numbers: the gradients and
// the dropout layer call them through runKernel on either backend, and onednn falls back to the cpu versions.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { adamwUpdate } from '../../src/engine/adamw_update.js';
import {
  ADAMW_UPDATE,
  type AdamWUpdateAttrs,
  CONV2D_BACKPROP_FILTER_BIAS,
  DROPOUT_MASK,
  RELU_GRAD,
} from '../../src/engine/custom_kernels.js';
import { assertBothClose, onBoth, setup, values } from './helpers.js';

before(() => setup());

describe("the engine's own kernels on cpu and onednn", () => {
  it('are registered on both backends', () => {
    for (const name of [RELU_GRAD, DROPOUT_MASK, CONV2D_BACKPROP_FILTER_BIAS, ADAMW_UPDATE]) {
      for (const backend of ['cpu', 'onednn']) assert.ok(tf.getKernel(name, backend), `${name} on ${backend}`);
    }
  });

  it('give the same numbers on both', async () => {
    const xv = values([2, 9, 9, 3], 51),
      dyv = values([2, 7, 7, 4], 52),
      yv = values([2, 7, 7, 4], 53);
    const r = await onBoth(() => {
      const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
        tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
      const dy = tf.tensor4d(dyv, [2, 7, 7, 4]);
      const [dw, db] = run(
        CONV2D_BACKPROP_FILTER_BIAS,
        { x: tf.tensor4d(xv, [2, 9, 9, 3]), dy },
        {
          strides: 1,
          pad: 'valid',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 3, 4],
        },
      ) as tf.Tensor[];
      const dx = run(RELU_GRAD, { dy, y: tf.tensor4d(yv, [2, 7, 7, 4]) }, {}) as tf.Tensor;
      const mask = run(DROPOUT_MASK, {}, { shape: [3, 50], threshold: 2 ** 31, scale: 2, seed: 7 }) as tf.Tensor;
      return [dw!, db!, dx, mask];
    });
    assertBothClose(r, { atol: 1e-4, rtol: 1e-4 }, 'custom kernels', ['dw', 'db', 'relu grad', 'dropout mask']);
  });

  it('AdamWUpdate: the same bits on both, natively on onednn from 16,384 elements, and one Adam step as defined', async () => {
    const attrs: AdamWUpdateAttrs = {
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      lr: 0.002,
      keep: 1 - 0.002 * 0.05,
      correction1: 1 - 0.9 ** 3,
      correction2: 1 - 0.999 ** 3,
    };
    for (const size of [100, 40_000]) {
      const [wv, gv, mv] = [61, 62, 63].map((seed) => values([size], seed, -0.1, 0.1));
      const vv = values([size], 64, 0, 0.01);
      const r = await onBoth(() => adamwUpdate(tf.tensor(wv!), tf.tensor(gv!), tf.tensor(mv!), tf.tensor(vv), attrs));
      assert.equal(r.calls.get('adamwUpdate') ?? 0, size >= 16384 ? 1 : 0, `native at ${size}`);
      r.cpu.forEach((c, i) => assert.deepEqual(r.onednn[i]!.values, c.values, `${['w', 'm', 'v'][i]} at ${size}`));
      // Adam (Kingma & Ba) with the weight first shrunk, element 0 by hand
      const [g, m, v, w] = [gv![0]!, mv![0]!, vv[0]!, wv![0]!];
      const m1 = 0.9 * m + 0.1 * g,
        v1 = 0.999 * v + 0.001 * g * g;
      const w1 = w * attrs.keep - (0.002 * (m1 / attrs.correction1)) / (Math.sqrt(v1 / attrs.correction2) + 1e-8);
      assert.ok(Math.abs(r.cpu[0]!.values[0]! - w1) <= 1e-6 * Math.abs(w1), `w: ${r.cpu[0]!.values[0]} vs ${w1}`);
      assert.ok(Math.abs(r.cpu[1]!.values[0]! - m1) <= 1e-6 * Math.abs(m1), 'm');
      assert.ok(Math.abs(r.cpu[2]!.values[0]! - v1) <= 1e-6 * Math.abs(v1), 'v');
    }
  });
});
