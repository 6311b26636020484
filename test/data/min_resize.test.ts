// MIN_RESIZE is the true minimum: NiN's shape rules give a ≥ 1×1 output at MIN_RESIZE and nothing below, and the
// rules agree with the output shapes TF.js's own layers compute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { DataError } from '../../src/data/data_error.js';
import { MIN_RESIZE, NIN_SPATIAL_LAYERS, checkResize, ninOutputSide } from '../../src/data/min_resize.js';

/** NiN's spatial side as TF.js layers compute it (computeOutputShape; no weights are made). */
function tfOutputSide(side: number): number {
  let shape: (number | null)[] = [null, side, side, 1];
  for (const layer of NIN_SPATIAL_LAYERS) {
    const padding = layer.padding === 0 ? 'valid' : 'same';
    const next = layer.name.startsWith('max-pool')
      ? tf.layers.maxPooling2d({ poolSize: layer.kernel, strides: layer.stride, padding })
      : tf.layers.conv2d({ filters: 1, kernelSize: layer.kernel, strides: layer.stride, padding });
    shape = next.computeOutputShape(shape) as (number | null)[];
    if ((shape[1] as number) <= 0) return 0;
  }
  return shape[1] as number;
}

describe('MIN_RESIZE', () => {
  it('is 67', () => {
    assert.equal(MIN_RESIZE, 67);
  });

  it('gives a ≥ 1×1 output at MIN_RESIZE and none at MIN_RESIZE − 1', () => {
    assert.ok(ninOutputSide(MIN_RESIZE) >= 1);
    assert.equal(ninOutputSide(MIN_RESIZE - 1), 0);
    for (let side = 1; side < MIN_RESIZE; side++) assert.equal(ninOutputSide(side), 0, `side ${side}`);
  });

  it('follows the same shape rules as TF.js layers', () => {
    assert.ok(tfOutputSide(MIN_RESIZE) >= 1);
    assert.ok(tfOutputSide(MIN_RESIZE - 1) <= 0);
    for (let side = 60; side <= 240; side++) assert.equal(ninOutputSide(side), tfOutputSide(side), `side ${side}`);
    assert.equal(ninOutputSide(224), 5); // d2l's NiN: 224 → 54 → 26 → 12 → 5
  });

  it('checkResize accepts MIN_RESIZE and rejects smaller or fractional sizes with a DataError', () => {
    checkResize(MIN_RESIZE);
    checkResize(224);
    for (const bad of [MIN_RESIZE - 1, 28, 100.5, Number.NaN, -224]) {
      assert.throws(() => checkResize(bad), (e: unknown) => e instanceof DataError && e.message.includes(`resize is ${bad}`));
    }
  });
});
