// Shared helpers of the data tests: small generated idx files (with their digests, to inject as `expected`),
// temporary directories, and byte-level access to the real files for building corrupted copies.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

import { DEBIAN_DATASET_DIR } from '../../src/data/data_sources.js';
import type { ExpectedDigests, FileDigest, IdxFileName } from '../../src/data/fashion_mnist_files.js';

/** An idx3 images file: magic 2051, count, rows, cols, then the pixels. */
export function idxImages(pixels: Uint8Array, count: number, rows = 28, cols = 28, magic = 2051): Uint8Array {
  const out = new Uint8Array(16 + pixels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  out.set(pixels, 16);
  return out;
}

/** An idx1 labels file: magic 2049, count, then the labels. */
export function idxLabels(labels: Uint8Array, count = labels.length, magic = 2049): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  out.set(labels, 8);
  return out;
}

export function digest(bytes: Uint8Array): FileDigest {
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * `count` images where image i is uniformly (i % 256): after any resize its pixels are all (i % 256)/255, so a batch
 * tells which examples it holds. Labels are i % 10.
 */
export function identifiableSplit(count: number): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) pixels.fill(i % 256, i * 784, (i + 1) * 784);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images: idxImages(pixels, count), labels: idxLabels(labels) };
}

/** The four files of a small generated dataset, decompressed. */
export function smallDataset(trainCount: number, testCount: number): Record<IdxFileName, Uint8Array> {
  const train = identifiableSplit(trainCount);
  const test = identifiableSplit(testCount);
  return {
    'train-images-idx3-ubyte': train.images,
    'train-labels-idx1-ubyte': train.labels,
    't10k-images-idx3-ubyte': test.images,
    't10k-labels-idx1-ubyte': test.labels,
  };
}

export function digestsOf(files: Record<IdxFileName, Uint8Array>): ExpectedDigests {
  const out = {} as Record<IdxFileName, FileDigest>;
  for (const [name, bytes] of Object.entries(files) as [IdxFileName, Uint8Array][]) out[name] = digest(bytes);
  return out;
}

/** Writes `files` into `dir`, gzipped (name.gz) or plain. */
export async function writeDataset(
  dir: string,
  files: Partial<Record<IdxFileName, Uint8Array>>,
  gzip: boolean,
): Promise<void> {
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
}

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'nin-data-test-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The decompressed bytes of one of the real files in Debian's package. */
export function realFile(name: IdxFileName): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(join(DEBIAN_DATASET_DIR, `${name}.gz`))));
}

/** The real gzipped bytes, as installed. */
export function realGzFile(name: IdxFileName): Buffer {
  return readFileSync(join(DEBIAN_DATASET_DIR, `${name}.gz`));
}
