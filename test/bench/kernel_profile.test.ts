// The benchmarks' kernel profile: what conv_roofline.js turns into GFLOP/s has to count a convolution's arithmetic
// right (taps on the zero padding left out), tell its three computations apart, and leave the backend as it found it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { convFlop, profileKernels } from '../../bench/kernel_profile.js';
import { conv2DInfo } from '../../src/engine/geometry.js';

const NHWC = { dataFormat: 'NHWC', dimRoundingMode: undefined } as const;

describe('convFlop', () => {
  it('counts every tap of an unpadded convolution: 2 × N × OH × OW × KH × KW × C × OC', () => {
    // NiN's first layer at 224: 54×54 outputs of an 11×11 filter with stride 4, nothing padded
    const info = conv2DInfo([2, 224, 224, 1], [11, 11, 1, 96], { ...NHWC, strides: 4, pad: 'valid' });
    assert.equal(convFlop(info), 2 * 2 * 54 * 54 * 11 * 11 * 1 * 96);
  });

  it('leaves out the taps that fall on the zero padding', () => {
    // 5×5 'same' on a 7×7 map: along each axis the 7 outputs read 3, 4, 5, 5, 5, 4, 3 real pixels (29, not 35)
    const info = conv2DInfo([1, 7, 7, 96], [5, 5, 96, 256], { ...NHWC, strides: 1, pad: 'same' });
    assert.equal(convFlop(info), 2 * 29 * 29 * 96 * 256);
    // a 3×3 filter on a 1×1 map with padding 1 reads one pixel
    const one = conv2DInfo([4, 1, 1, 384], [3, 3, 384, 10], { ...NHWC, strides: 1, pad: 1 });
    assert.equal(convFlop(one), 2 * 4 * 384 * 10);
  });
});

describe('profileKernels', () => {
  it("times a convolution's forward pass, data gradient and filter gradient as three calls of the same arithmetic", async () => {
    await tf.setBackend('cpu');
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2)) as tf.Variable<tf.Rank.R4>;
    const xv = tf.variable(x);
    const { totals, convolutions } = profileKernels('cpu', () => {
      const { grads } = tf.variableGrads(() => tf.conv2d(xv, w, 2, 'same').square().sum() as tf.Scalar);
      tf.dispose(grads);
    });
    const flop = convFlop(conv2DInfo(x.shape, w.shape, { ...NHWC, strides: 2, pad: 'same' }));
    assert.deepEqual(convolutions.map((c) => [c.direction, c.geometry, c.flop]).sort(), [
      ['data gradient', '9×9×3 → 5×5×4, 3×3/2', flop],
      ['filter gradient', '9×9×3 → 5×5×4, 3×3/2', flop],
      ['forward', '9×9×3 → 5×5×4, 3×3/2', flop],
    ]);
    assert.ok(convolutions.every((c) => c.ms >= 0));
    assert.equal(totals.find((t) => t.kernel === 'Conv2D')?.calls, 1);
    assert.ok(
      totals.every((t, i) => i === 0 || totals[i - 1]!.ms >= t.ms),
      'slowest first',
    );

    // afterwards the backend's kernels are its own again: another convolution is not recorded anywhere
    const before = convolutions.length;
    tf.conv2d(x, w, 1, 'same').dispose();
    assert.equal(convolutions.length, before);
    tf.dispose([x, xv, w]);
  });
});
