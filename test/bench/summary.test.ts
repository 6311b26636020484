// The numbers the study and benchmark tables print, as a reader of those tables takes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mean, pairedDifferences, pct, sd, signedPoints } from '../../bench/summary.js';

describe('summary numbers', () => {
  it('mean and sample standard deviation (n − 1), 0 for a single value', () => {
    assert.equal(mean([1, 2, 3, 6]), 3);
    assert.ok(Math.abs(sd([0.9, 0.92, 0.94]) - 0.02) < 1e-12);
    assert.equal(sd([0.93]), 0);
  });

  it('accuracies in percent with two decimals', () => {
    assert.equal(pct(0.9281), '92.81');
    assert.equal(pct(1), '100.00');
  });

  it('differences in points carry their sign, and one that rounds to zero reads 0.00, never -0.00', () => {
    assert.equal(signedPoints(0.0007), '+0.07');
    assert.equal(signedPoints(-0.002), '−0.20');
    assert.equal(signedPoints(-0.00001), '0.00');
    assert.equal(signedPoints(0.00001), '0.00');
    assert.equal(signedPoints(0), '0.00');
  });

  it('paired differences give their mean and standard error, and a single pair claims no error', () => {
    assert.equal(pairedDifferences([0.002, 0.004]), '+0.20, +0.40; mean +0.30, standard error 0.10');
    assert.equal(pairedDifferences([-0.0018]), '−0.18; mean −0.18, no standard error from one seed');
  });
});
