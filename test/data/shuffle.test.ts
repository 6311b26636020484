// Seeded shuffling: reproducible from the seed, a new order each epoch, and always a true permutation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { epochPermutation } from '../../src/data/shuffle.js';
import { mulberry32 } from '../../src/util/seeded_random.js';

function isPermutation(order: Int32Array): boolean {
  const seen = new Uint8Array(order.length);
  for (const i of order) {
    if (i < 0 || i >= order.length || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}

describe('seeded shuffling', () => {
  it('same seed and epoch → same order', () => {
    assert.deepEqual(epochPermutation(60000, 42, 3), epochPermutation(60000, 42, 3));
  });

  it('different epoch or seed → different order', () => {
    const base = epochPermutation(1000, 42, 0);
    assert.notDeepEqual(epochPermutation(1000, 42, 1), base);
    assert.notDeepEqual(epochPermutation(1000, 43, 0), base);
    // Not merely shifted or mostly equal: few positions agree by chance.
    const other = epochPermutation(1000, 42, 1);
    const agreeing = base.filter((v, i) => other[i] === v).length;
    assert.ok(agreeing < 20, `${agreeing} of 1000 positions agree`);
  });

  it('each epoch is a permutation (no duplicates, nothing missing)', () => {
    for (let epoch = 0; epoch < 5; epoch++) assert.ok(isPermutation(epochPermutation(60000, 7, epoch)));
    assert.deepEqual(epochPermutation(1, 7, 0), Int32Array.of(0));
    assert.equal(epochPermutation(0, 7, 0).length, 0);
  });

  it('mulberry32 is deterministic and uniform enough in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const v = a();
      assert.equal(v, b());
      assert.ok(v >= 0 && v < 1);
      sum += v;
    }
    assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
  });
});
