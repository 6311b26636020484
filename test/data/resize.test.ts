// The bilinear resize matches tf.image.resizeBilinear (alignCorners=false, halfPixelCenters=true) on the cpu
// backend, on real images, and the model-input functions give [0, 1] values in NHWC layout.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { BilinearResizer, halfPixelAxisTable } from '../../src/data/bilinear_resize.js';
import { DataError } from '../../src/data/data_error.js';
import { DEBIAN_DATASET_DIR } from '../../src/data/data_sources.js';
import { PIXEL_SCALE, imageToModelInput, imagesToModelInput, resizeBatch } from '../../src/data/model_input.js';
import { readFashionMnistSplit, type RawSplit } from '../../src/data/read_split.js';

const TOLERANCE = 1e-5;

/** tf.image.resizeBilinear of uint8 images scaled to [0, 1], half-pixel centres, on the cpu backend. */
function tfResize(images: Uint8Array, count: number, side: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      Float32Array.from(images, (v) => v / 255),
      [count, 28, 28, 1],
    );
    return tf.image.resizeBilinear(x, [side, side], false, true).dataSync() as Float32Array;
  });
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('bilinear resize', () => {
  let test: RawSplit;
  before(async () => {
    await tf.setBackend('cpu');
    test = await readFashionMnistSplit('test', { dataDir: DEBIAN_DATASET_DIR, limit: 8 });
  });

  for (const side of [67, 96, 100, 224]) {
    it(`matches tf.image.resizeBilinear(halfPixelCenters=true) within ${TOLERANCE} at ${side}×${side}`, () => {
      const ours = imagesToModelInput(test.images, 0, test.count, side);
      const reference = tfResize(test.images, test.count, side);
      assert.equal(ours.length, test.count * side * side);
      const difference = maxAbsDifference(ours, reference);
      assert.ok(difference <= TOLERANCE, `max |ours − tf| = ${difference}`);
    });
  }

  it('differs from the alignCorners / non-half-pixel conventions (so the test above is not vacuous)', () => {
    const ours = imagesToModelInput(test.images, 0, 1, 96);
    const legacy = tf.tidy(() => {
      const x = tf.tensor4d(
        Float32Array.from(test.images.subarray(0, 784), (v) => v / 255),
        [1, 28, 28, 1],
      );
      return tf.image.resizeBilinear(x, [96, 96], false, false).dataSync() as Float32Array;
    });
    assert.ok(maxAbsDifference(ours, legacy) > 0.05);
  });

  it('keeps values in [0, 1], reaching both ends on a real image', () => {
    const x = imagesToModelInput(test.images, 0, test.count, 224);
    let min = Infinity;
    let max = -Infinity;
    for (const v of x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.ok(min >= 0 && max <= 1, `range [${min}, ${max}]`);
    assert.equal(min, 0);
    assert.ok(max > 0.99);
  });

  it('samples at half-pixel centres: 28 → 56 puts output 0 and 1 at input −0.25 (clamped) and 0.25', () => {
    const table = halfPixelAxisTable(28, 56);
    assert.deepEqual([table.lo[0], table.hi[0]], [0, 0]);
    assert.deepEqual([table.lo[1], table.hi[1], table.frac[1]], [0, 1, 0.25]);
    assert.deepEqual([table.lo[55], table.hi[55]], [27, 27]);
  });

  it('resizeBatch picks the requested images in the requested order', () => {
    const resizer = new BilinearResizer(28, 70);
    const batch = resizeBatch(test.images, [3, 0], resizer);
    assert.deepEqual(batch.subarray(0, 4900), imagesToModelInput(test.images, 3, 1, 70));
    assert.deepEqual(batch.subarray(4900), imagesToModelInput(test.images, 0, 1, 70));
  });

  it('imageToModelInput preprocesses one image exactly like a training batch', () => {
    const image = test.images.slice(5 * 784, 6 * 784);
    const single = imageToModelInput(image, 224);
    assert.equal(single.length, 224 * 224);
    assert.deepEqual(single, imagesToModelInput(test.images, 5, 1, 224));
    // Uint8ClampedArray (canvas ImageData) works the same.
    assert.deepEqual(imageToModelInput(new Uint8ClampedArray(image), 224), single);
  });

  it('a constant image stays constant at any size', () => {
    const x = imageToModelInput(new Uint8Array(784).fill(51), 67);
    assert.ok(x.every((v) => Math.abs(v - 51 * PIXEL_SCALE) < 1e-7));
  });

  it('rejects a resize below 1, a non-integer resize and a wrongly sized image', () => {
    assert.throws(
      () => imageToModelInput(new Uint8Array(784), 0),
      (e: unknown) => e instanceof DataError && e.message.includes('resize is 0; expected a positive integer side'),
    );
    assert.throws(() => imageToModelInput(new Uint8Array(784), 99.5), DataError);
    assert.throws(() => imageToModelInput(new Uint8Array(783), 96), /image has 783 values; expected 784/);
    assert.throws(() => imagesToModelInput(test.images, 7, 2, 96), /images 7..8 requested but there are 8 images/);
  });
});
