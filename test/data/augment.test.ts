// Training-time augmentation: each image's shift and flip are a function of (seed, epoch, index), within the
// asked range; the transform moves pixels as it says; FashionMNIST's augmented batches are the same whether an epoch
// is read whole or from a later batch on (a resumed run), differ between epochs, and leave validation alone.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { drawTransform, transformImage } from '../../src/data/augment.js';
import { FashionMNIST, type FashionMNISTOptions } from '../../src/data/fashion_mnist.js';
import { IMAGE_PIXELS } from '../../src/data/fashion_mnist_files.js';
import { digestsOf, smallDataset, writeDataset } from './fixtures.js';

describe('augmentation draws', () => {
  it('are a function of (seed, epoch, index), within ±translate, flipping about half the images', () => {
    const aug = { translate: 2, flip: true };
    const draws = Array.from({ length: 2000 }, (_, i) => drawTransform(aug, 5, 1, i));
    assert.deepEqual(
      draws,
      Array.from({ length: 2000 }, (_, i) => drawTransform(aug, 5, 1, i)),
    );
    assert.notDeepEqual(
      draws,
      Array.from({ length: 2000 }, (_, i) => drawTransform(aug, 5, 2, i)),
      'another epoch, other draws',
    );
    assert.notDeepEqual(
      draws,
      Array.from({ length: 2000 }, (_, i) => drawTransform(aug, 6, 1, i)),
      'another seed, other draws',
    );
    assert.deepEqual(new Set(draws.map((d) => d.dx)), new Set([-2, -1, 0, 1, 2]));
    assert.deepEqual(new Set(draws.map((d) => d.dy)), new Set([-2, -1, 0, 1, 2]));
    const flipped = draws.filter((d) => d.flip).length;
    assert.ok(flipped > 900 && flipped < 1100, `${flipped} of 2000 flipped`);
    assert.ok(
      Array.from({ length: 100 }, (_, i) => drawTransform({ translate: 0, flip: false }, 5, 1, i)).every(
        (d) => !d.flip && d.dx === 0 && d.dy === 0,
      ),
    );
  });

  it('move pixels as they say: shifted right and down, mirrored, the uncovered border black', () => {
    const image = new Uint8Array(IMAGE_PIXELS).map((_, i) => (i % 251) + 1); // no zero pixel
    const out = new Uint8Array(IMAGE_PIXELS);
    transformImage(image, 0, { dx: 2, dy: 1, flip: false }, out);
    assert.equal(out[1 * 28 + 2], image[0]);
    assert.equal(out[27 * 28 + 27], image[26 * 28 + 25]);
    assert.ok([0, 1].every((x) => out[5 * 28 + x] === 0) && out.slice(0, 28).every((v) => v === 0));
    transformImage(image, 0, { dx: 0, dy: 0, flip: true }, out);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) assert.equal(out[y * 28 + x], image[y * 28 + 27 - x]);
  });
});

describe('FashionMNIST with augmentation', () => {
  let dir: string;
  let options: FashionMNISTOptions;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nin-augment-'));
    const files = smallDataset(40, 12); // image i has every pixel = i: a shift blacks out a border
    await writeDataset(dir, files, false);
    options = { batchSize: 8, resize: 67, seed: 3, dataDir: dir, expected: digestsOf(files) };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const collect = async (iterable: AsyncIterable<{ x: Float32Array }>) => {
    const out: Float32Array[] = [];
    for await (const b of iterable) out.push(b.x);
    return out;
  };

  it('gives the same batches for an epoch read whole or from a later batch, other ones in another epoch', async () => {
    const make = (augment?: { translate: number; flip: boolean }, prefetch?: number) =>
      new FashionMNIST({ ...options, augment, prefetch });
    const augmented = make({ translate: 2, flip: true }),
      plain = make(),
      inline = make({ translate: 2, flip: true }, 0);
    try {
      const whole = await collect(augmented.trainDataloader(1));
      const tail = await collect(augmented.trainDataloader(1, 3));
      assert.deepEqual(tail, whole.slice(3), 'a resumed epoch sees the same images');
      assert.deepEqual(await collect(inline.trainDataloader(1)), whole, 'the same on the main thread as in the worker');
      const unaugmented = await collect(plain.trainDataloader(1));
      assert.equal(whole.length, unaugmented.length);
      assert.notDeepEqual(whole, unaugmented);
      assert.notDeepEqual(await collect(augmented.trainDataloader(2)), whole);
      assert.deepEqual(
        await collect(augmented.valDataloader()),
        await collect(plain.valDataloader()),
        'validation is not augmented',
      );
    } finally {
      await Promise.all([augmented.close(), plain.close(), inline.close()]);
    }
  });
});
