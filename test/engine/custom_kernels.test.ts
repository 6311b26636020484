// The engine's own kernels (custom_kernels.ts) exist on cpu as on onednn, with the same numbers: the gradients and
// the dropout layer call them through runKernel on either backend, and onednn falls back to the cpu versions.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { CONV2D_BACKPROP_FILTER_BIAS, DROPOUT_MASK, RELU_GRAD } from '../../src/engine/custom_kernels.js';
import { assertBothClose, onBoth, setup, values } from './helpers.js';

before(() => setup());

describe("the engine's own kernels on cpu and onednn", () => {
  it('are registered on both backends', () => {
    for (const name of [RELU_GRAD, DROPOUT_MASK, CONV2D_BACKPROP_FILTER_BIAS]) {
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
});
