// The layer builders the models share: a padded convolution is ReLU by default and linear when asked, and its
// padding follows d2l's explicit symmetric padding (one 'same' conv, or ZeroPadding2D and a 'valid' conv).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { paddedConv2d } from '../../src/model/layers.js';

const outputOf = (layers: tf.layers.Layer[], x: tf.Tensor4D) => {
  const net = tf.sequential({ layers });
  const y = net.predict(x) as tf.Tensor;
  const values = Array.from(y.dataSync());
  const shape = y.shape;
  net.dispose();
  return { values, shape };
};

describe('paddedConv2d', () => {
  const x = tf.randomNormal([1, 7, 7, 2], 0, 1, 'float32', 3) as tf.Tensor4D;

  it('is a ReLU convolution by default and a linear one when asked', () => {
    const relu = outputOf(paddedConv2d({ filters: 4, kernelSize: 3, padding: 1, inputShape: [7, 7, 2] }), x);
    const linear = outputOf(
      paddedConv2d({ filters: 4, kernelSize: 3, padding: 1, inputShape: [7, 7, 2], activation: 'linear' }),
      x,
    );
    assert.ok(relu.values.every((v) => v >= 0));
    assert.ok(linear.values.some((v) => v < 0));
  });

  it("keeps d2l's padding arithmetic: 'same' for 3×3 pad 1, ZeroPadding2D + 'valid' for 11×11/4 pad 1", () => {
    const same = paddedConv2d({ filters: 1, kernelSize: 3, padding: 1, inputShape: [7, 7, 2] });
    assert.equal(same.length, 1);
    const padded = paddedConv2d({ filters: 1, kernelSize: 11, strides: 4, padding: 1, inputShape: [7, 7, 2] });
    assert.deepEqual(
      padded.map((l) => l.getClassName()),
      ['ZeroPadding2D', 'Conv2D'],
    );
    assert.deepEqual(outputOf(same, x).shape, [1, 7, 7, 1]);
  });
});
