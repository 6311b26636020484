// The real Fashion-MNIST files from Debian's dataset-fashion-mnist package: found through the default search,
// verified against the published checksums, and parsed into the expected counts and labels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEBIAN_DATASET_DIR } from '../../src/data/data_sources.js';
import { FASHION_MNIST_DIGESTS } from '../../src/data/fashion_mnist_files.js';
import { readFashionMnistSplit, type RawSplit } from '../../src/data/read_split.js';
import { TEXT_LABELS, textLabels } from '../../src/data/text_labels.js';
import { realFile } from './fixtures.js';

delete process.env.FASHION_MNIST_DIR;

describe('the real files (Debian package)', () => {
  let emptyCache: string;
  let train: RawSplit;
  let test: RawSplit;

  before(async () => {
    emptyCache = await mkdtemp(join(tmpdir(), 'nin-empty-cache-'));
    // The cache is empty and downloads are off, so the search must fall through to the Debian directory.
    const options = { cacheDir: emptyCache, download: false };
    [train, test] = [await readFashionMnistSplit('train', options), await readFashionMnistSplit('test', options)];
  });
  after(() => rm(emptyCache, { recursive: true, force: true }));

  it('has 60000 training and 10000 test examples of 28×28', () => {
    assert.equal(train.count, 60000);
    assert.equal(train.images.length, 60000 * 784);
    assert.equal(train.labels.length, 60000);
    assert.equal(test.count, 10000);
    assert.equal(test.images.length, 10000 * 784);
    assert.equal(test.labels.length, 10000);
  });

  it('reads the files from the Debian directory and records their verified checksums', () => {
    for (const file of [train.files.images, train.files.labels, test.files.images, test.files.labels]) {
      assert.equal(file.path, join(DEBIAN_DATASET_DIR, `${file.name}.gz`));
      assert.deepEqual({ size: file.size, sha256: file.sha256 }, FASHION_MNIST_DIGESTS[file.name]);
    }
  });

  it('has labels 0..9, every class present, 6000 per class in training', () => {
    const counts = new Array<number>(10).fill(0);
    for (const label of train.labels) counts[label]!++;
    assert.deepEqual(counts, new Array<number>(10).fill(6000));
    assert.ok(test.labels.every((label) => label >= 0 && label <= 9));
  });

  it('starts with the label stored in the file (train label 0 is 9, ankle boot)', () => {
    // Read the label byte straight from the decompressed file: offset 8, after magic and count.
    const first = realFile('train-labels-idx1-ubyte')[8]!;
    assert.equal(first, 9);
    assert.equal(train.labels[0], first);
    assert.deepEqual(textLabels([train.labels[0]!]), ['ankle boot']);
  });

  it('keeps the pixels as stored (first training image)', () => {
    const file = realFile('train-images-idx3-ubyte');
    assert.deepEqual(train.images.subarray(0, 784), file.subarray(16, 16 + 784));
    assert.ok(train.images.buffer instanceof SharedArrayBuffer);
  });

  it('limits to the first N examples of the file', async () => {
    const limited = await readFashionMnistSplit('test', { cacheDir: emptyCache, download: false, limit: 100 });
    assert.equal(limited.count, 100);
    assert.deepEqual(limited.labels, test.labels.subarray(0, 100));
    assert.deepEqual(limited.images, test.images.subarray(0, 100 * 784));
  });

  it('names the ten classes as d2l does', () => {
    assert.deepEqual(TEXT_LABELS, [
      't-shirt',
      'trouser',
      'pullover',
      'dress',
      'coat',
      'sandal',
      'shirt',
      'sneaker',
      'bag',
      'ankle boot',
    ]);
    assert.deepEqual(textLabels([0, 9, 5]), ['t-shirt', 'ankle boot', 'sandal']);
    assert.throws(() => textLabels([10]), /label index 10 is not a Fashion-MNIST class/);
  });
});
