// Fuzzing the idx reader: thousands of mutated small idx files (flipped bytes, truncations, extensions, rewritten
// header fields — wrong magic, huge or zero counts and sides — and plain noise), gzipped ones, and whole mutated
// datasets. Each either parses into something consistent or is refused with a DataError: never another error,
// never a hang (the test's timeout).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { DataError } from '../../src/data/data_error.js';
import type { IdxFileName } from '../../src/data/fashion_mnist_files.js';
import { parseIdxImages, parseIdxLabels } from '../../src/data/idx_format.js';
import { readFashionMnistSplit } from '../../src/data/read_split.js';
import { readFileBytes } from '../../src/data/read_file_bytes.js';
import { mulberry32 } from '../../src/util/seeded_random.js';
import { digestsOf, idxImages, idxLabels, smallDataset, withTempDir } from './fixtures.js';

type Random = () => number;
const below = (random: Random, n: number) => Math.floor(random() * n);

/** One random mutation of `bytes`, of the kinds a bad disk, a bad download or a wrong file produce. */
function mutate(bytes: Uint8Array, random: Random): Uint8Array {
  const out = Uint8Array.from(bytes);
  const u32 = (offset: number, value: number) =>
    offset + 4 <= out.length && new DataView(out.buffer).setUint32(offset, value >>> 0);
  const interesting = [0, 1, 2, 9, 10, 27, 28, 29, 255, 256, 2049, 2051, 0x7fffffff, 0x80000000, 0xffffffff];
  switch (below(random, 7)) {
    case 0: // flipped bytes anywhere
      for (let k = 1 + below(random, 8); k > 0; k--)
        if (out.length > 0) out[below(random, out.length)] ^= 1 + below(random, 255);
      return out;
    case 1: // truncated
      return out.subarray(0, below(random, out.length));
    case 2: // extended
      return Uint8Array.from([...out, ...Array.from({ length: 1 + below(random, 900) }, () => below(random, 256))]);
    case 3: // a header field (magic, count, rows, cols) set to an interesting or random value
      u32(
        4 * below(random, 4),
        random() < 0.7 ? interesting[below(random, interesting.length)]! : below(random, 2 ** 32),
      );
      return out;
    case 4: // the header of the other kind of file
      u32(0, out[3] === 3 ? 2049 : 2051);
      return out;
    case 5: // noise
      return Uint8Array.from({ length: below(random, 3200) }, () => below(random, 256));
    default: // the count off by one, data unchanged
      u32(4, new DataView(out.buffer).getUint32(4) + (random() < 0.5 ? 1 : -1));
      return out;
  }
}

/** Runs `read`; a result must pass `check`, an error must be a DataError. Returns 'ok' or 'refused'. */
async function outcome<T>(read: () => T | Promise<T>, check: (value: T) => void): Promise<'ok' | 'refused'> {
  try {
    check(await read());
    return 'ok';
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    assert.ok(error instanceof DataError, `expected a DataError, got ${(error as Error).stack}`);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return 'refused';
  }
}

function validImages(random: Random): Uint8Array {
  const count = 1 + below(random, 4);
  return idxImages(
    Uint8Array.from({ length: count * 784 }, () => below(random, 256)),
    count,
  );
}

function validLabels(random: Random): Uint8Array {
  return idxLabels(Uint8Array.from({ length: 1 + below(random, 40) }, () => below(random, 10)));
}

const checkImages = ({ count, pixels }: { count: number; pixels: Uint8Array }) => {
  assert.ok(count >= 1);
  assert.equal(pixels.length, count * 784);
};
const checkLabels = ({ count, labels }: { count: number; labels: Uint8Array }) => {
  assert.ok(count >= 1);
  assert.equal(labels.length, count);
  assert.ok(labels.every((l) => l < 10));
};

describe('idx files, fuzzed', { timeout: 120_000 }, () => {
  it('10000 mutated images and labels files: parsed consistently or refused with a DataError', async () => {
    const random = mulberry32(11);
    const tally = { ok: 0, refused: 0 };
    for (let i = 0; i < 5000; i++) {
      tally[await outcome(() => parseIdxImages(mutate(validImages(random), random), 'images'), checkImages)]++;
      tally[await outcome(() => parseIdxLabels(mutate(validLabels(random), random), 'labels'), checkLabels)]++;
    }
    if (process.env.NIN_TEST_REPORT) console.log(`# idx parser: ${tally.ok} still valid, ${tally.refused} refused`);
    assert.ok(tally.refused > 8000, `most mutations break the file (${tally.refused} refused)`);
  });

  it('400 mutated gzip files: read and parsed, or refused with a DataError', async () => {
    const random = mulberry32(12);
    const tally = { ok: 0, refused: 0 };
    await withTempDir(async (dir) => {
      for (let i = 0; i < 400; i++) {
        const path = join(dir, `f${i}.gz`);
        const labels = i % 2 === 0;
        await writeFile(path, mutate(gzipSync(labels ? validLabels(random) : validImages(random)), random));
        tally[
          await outcome(
            async () => {
              const bytes = await readFileBytes(path);
              return labels ? checkLabels(parseIdxLabels(bytes, path)) : checkImages(parseIdxImages(bytes, path));
            },
            () => {},
          )
        ]++;
      }
    });
    if (process.env.NIN_TEST_REPORT) console.log(`# gzip layer: ${tally.ok} still valid, ${tally.refused} refused`);
    assert.ok(tally.refused > 300);
  });

  it('300 datasets with one mutated file: a consistent split or a DataError, checksums checked', async () => {
    const random = mulberry32(13);
    const tally = { ok: 0, refused: 0 };
    await withTempDir(async (root) => {
      for (let i = 0; i < 300; i++) {
        const dir = join(root, String(i));
        const files = smallDataset(3, 3);
        const name = (['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const)[i % 2] as IdxFileName;
        const original = digestsOf(files);
        files[name] = mutate(files[name], random);
        const gzip = i % 3 === 0;
        await mkdir(dir);
        for (const [file, bytes] of Object.entries(files))
          await writeFile(join(dir, gzip ? `${file}.gz` : file), gzip ? gzipSync(bytes) : bytes);
        // half the time with the mutated file's own digest, so that the structure checks are what decides
        const expected = i % 4 < 2 ? digestsOf(files) : original;
        tally[
          await outcome(
            () => readFashionMnistSplit('test', { dataDir: dir, expected }),
            (split) => {
              assert.equal(split.images.length, split.count * 784);
              assert.equal(split.labels.length, split.count);
              assert.ok(split.labels.every((l) => l < 10));
            },
          )
        ]++;
      }
    });
    if (process.env.NIN_TEST_REPORT) console.log(`# datasets: ${tally.ok} still valid, ${tally.refused} refused`);
    assert.ok(tally.refused > 150);
  });
});
