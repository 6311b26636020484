// Bad input never reaches training: each kind of damage is rejected with a DataError that names the file and
// says what is wrong. Corrupted copies of the real test split, or small generated files, go into a temp dir.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { DataError } from '../../src/data/data_error.js';
import { DEBIAN_DATASET_DIR } from '../../src/data/data_sources.js';
import { FASHION_MNIST_DIGESTS } from '../../src/data/fashion_mnist_files.js';
import { readFashionMnistSplit, type ReadSplitOptions } from '../../src/data/read_split.js';
import {
  digestsOf,
  idxImages,
  idxLabels,
  realFile,
  realGzFile,
  smallDataset,
  withTempDir,
  writeDataset,
} from './fixtures.js';

delete process.env.FASHION_MNIST_DIR;

const IMAGES = 't10k-images-idx3-ubyte';
const LABELS = 't10k-labels-idx1-ubyte';

/** Expects readFashionMnistSplit('test') to reject with a DataError whose message contains every pattern. */
async function rejects(options: ReadSplitOptions, ...patterns: (string | RegExp)[]): Promise<DataError> {
  let caught: unknown;
  try {
    await readFashionMnistSplit('test', options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${String(caught)}`);
  for (const pattern of patterns) {
    if (typeof pattern === 'string')
      assert.ok(caught.message.includes(pattern), `"${caught.message}" should contain "${pattern}"`);
    else assert.match(caught.message, pattern);
  }
  return caught;
}

/** A temp dir with the real (valid) test images and the given labels bytes, plain. */
async function withRealImagesAnd(labels: Uint8Array, body: (dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    await copyFile(join(DEBIAN_DATASET_DIR, `${IMAGES}.gz`), join(dir, `${IMAGES}.gz`));
    await writeDataset(dir, { [LABELS]: labels }, false);
    await body(dir);
  });
}

describe('corrupt or missing files are rejected with the file named', () => {
  it('wrong magic number', async () => {
    const labels = realFile(LABELS);
    labels[3] = 0x03; // 2049 → 2051: an images file's magic
    await withRealImagesAnd(labels, async (dir) => {
      await rejects({ dataDir: dir }, join(dir, LABELS), 'wrong magic number 2051', 'expected 2049');
    });
  });

  it('images that are not N×28×28', async () => {
    await withTempDir(async (dir) => {
      await writeDataset(
        dir,
        { [IMAGES]: idxImages(new Uint8Array(3 * 28 * 27), 3, 28, 27), [LABELS]: idxLabels(new Uint8Array(3)) },
        true,
      );
      await rejects({ dataDir: dir }, join(dir, `${IMAGES}.gz`), 'images are 28×27, expected 28×28');
    });
  });

  it('truncated file: the header promises more bytes than there are', async () => {
    await withRealImagesAnd(realFile(LABELS).subarray(0, 5000), async (dir) => {
      await rejects(
        { dataDir: dir },
        join(dir, LABELS),
        'truncated',
        'header says 10000 labels (10008 bytes)',
        'only 5000 bytes',
      );
    });
  });

  it('truncated gzip', async () => {
    await withTempDir(async (dir) => {
      const gz = realGzFile(IMAGES);
      await writeDataset(dir, { [LABELS]: realFile(LABELS) }, false);
      await writeFile(join(dir, `${IMAGES}.gz`), gz.subarray(0, gz.length >> 1));
      await rejects({ dataDir: dir }, join(dir, `${IMAGES}.gz`), 'truncated or corrupt gzip');
    });
  });

  it('corrupt gzip (flipped bytes in the compressed stream)', async () => {
    await withTempDir(async (dir) => {
      await copyFile(join(DEBIAN_DATASET_DIR, `${IMAGES}.gz`), join(dir, `${IMAGES}.gz`));
      const gz = Buffer.from(gzipSync(realFile(LABELS)));
      for (let i = gz.length >> 1; i < (gz.length >> 1) + 16; i++) gz[i] = gz[i]! ^ 0xff;
      await writeFile(join(dir, `${LABELS}.gz`), gz);
      await rejects({ dataDir: dir }, join(dir, `${LABELS}.gz`), 'truncated or corrupt gzip');
    });
  });

  it('checksum mismatch: one label changed, structure intact', async () => {
    const labels = realFile(LABELS);
    labels[8] = (labels[8]! + 1) % 10;
    await withRealImagesAnd(labels, async (dir) => {
      await rejects({ dataDir: dir }, join(dir, LABELS), 'checksum mismatch', FASHION_MNIST_DIGESTS[LABELS].sha256);
    });
  });

  it('size mismatch: a valid idx file with a different number of labels', async () => {
    const labels = realFile(LABELS).subarray(8);
    await withRealImagesAnd(idxLabels(labels.subarray(0, 9999)), async (dir) => {
      await rejects({ dataDir: dir }, join(dir, LABELS), 'size mismatch', '10007 bytes decompressed, expected 10008');
    });
  });

  it('label outside 0..9', async () => {
    const labels = realFile(LABELS);
    labels[8 + 17] = 10;
    await withRealImagesAnd(labels, async (dir) => {
      await rejects({ dataDir: dir }, join(dir, LABELS), 'label 17 is 10');
    });
  });

  it('bytes after the announced data', async () => {
    const labels = realFile(LABELS);
    await withRealImagesAnd(Buffer.concat([labels, new Uint8Array(3)]), async (dir) => {
      await rejects({ dataDir: dir }, join(dir, LABELS), '3 unexpected bytes');
    });
  });

  it('image and label counts that differ', async () => {
    await withTempDir(async (dir) => {
      const files = smallDataset(5, 5);
      files[LABELS] = idxLabels(new Uint8Array(4));
      await writeDataset(dir, files, true);
      await rejects(
        { dataDir: dir, expected: digestsOf(files) },
        join(dir, `${IMAGES}.gz`),
        join(dir, `${LABELS}.gz`),
        'has 5 images but',
        'has 4 labels',
      );
    });
  });

  it('a named directory that does not exist', async () => {
    await withTempDir(async (dir) => {
      const missing = join(dir, 'no-such-dir');
      const error = await rejects(
        { dataDir: missing },
        missing,
        'directory does not exist',
        'sources tried',
        'given by --data-dir (dataDir in the library)',
        'leave --data-dir out',
      );
      assert.equal(error.path, missing);
    });
  });

  it('FASHION_MNIST_DIR naming a missing directory', async () => {
    await withTempDir(async (dir) => {
      const missing = join(dir, 'gone');
      process.env.FASHION_MNIST_DIR = missing;
      try {
        await rejects(
          {},
          missing,
          'the environment variable FASHION_MNIST_DIR',
          'leave FASHION_MNIST_DIR out',
          'directory does not exist',
        );
      } finally {
        delete process.env.FASHION_MNIST_DIR;
      }
    });
  });

  it('files found nowhere, download disabled: every source tried is listed', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const systemDir = join(dir, 'system');
      await mkdir(systemDir);
      await rejects(
        { cacheDir, systemDirs: [systemDir], download: false },
        'not found and downloading is disabled',
        `${cacheDir} (directory does not exist)`,
        `${systemDir} (has neither`,
      );
    });
  });

  it('a limit beyond the examples in the file', async () => {
    await rejects(
      { dataDir: DEBIAN_DATASET_DIR, limit: 10001 },
      'limit for the test split is 10001',
      'from 1 to 10000',
    );
  });
});
