// The dropout multiplier: a function of (seed, element) alone, the same from the native kernel and from the JS loop
// other backends use, keeping about 1 − rate of the elements, each scaled by 1 / (1 − rate).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { dropoutMask } from '../../src/engine/dropout_mask.js';
import { nativeCallCounts, runOn, setup } from './helpers.js';

before(() => setup());

describe('dropout masks', () => {
  const shape = [7, 5, 5, 384]; // 67,200 elements, not a multiple of any vector width
  for (const rate of [0.5, 0.1, 0.9]) {
    it(`rate ${rate}: the native kernel and the JS loop give the same mask, keeping 1 − rate scaled by 1/(1 − rate)`, async () => {
      const { results: native } = await runOn('onednn', () => dropoutMask(shape, rate, 12345));
      assert.equal(nativeCallCounts().get('dropoutMask'), 1);
      const { results: js } = await runOn('cpu', () => dropoutMask(shape, rate, 12345));
      const mask = native[0]!.values as Float32Array;
      assert.deepEqual(mask, js[0]!.values);
      const kept = mask.filter((v) => v !== 0);
      assert.ok(kept.every((v) => v === Math.fround(1 / (1 - rate))));
      // binomial: 67,200 draws, 4 standard deviations
      const expected = (1 - rate) * mask.length,
        sd = Math.sqrt(mask.length * rate * (1 - rate));
      assert.ok(Math.abs(kept.length - expected) < 4 * sd, `kept ${kept.length}, expected ${expected} ± ${4 * sd}`);
    });
  }

  it('another seed gives another mask; the same seed the same one', async () => {
    const { results } = await runOn('onednn', () => [
      dropoutMask(shape, 0.5, 1),
      dropoutMask(shape, 0.5, 2),
      dropoutMask(shape, 0.5, 1),
    ]);
    const [a, b, c] = results.map((r) => r.values as Float32Array);
    assert.deepEqual(a, c);
    const same = a!.filter((v, i) => v === b![i]).length;
    assert.ok(Math.abs(same / a!.length - 0.5) < 0.02, `masks of seeds 1 and 2 agree on ${same} of ${a!.length}`);
  });

  it('is an ordinary tensor: no gradient flows into it', async () => {
    const { results } = await runOn('onednn', () => {
      const x = tf.ones([4, 1000]);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, dropoutMask([4, 1000], 0.5, 9))))(x);
    });
    assert.ok((results[0]!.values as Float32Array).every((v) => v === 0 || v === 2));
  });
});
