// Fuzzing what a user hands the CLI, in-process (the CLI's own one-line errors are in cli.test.ts's table):
// thousands of mutated and truncated PNG/JPEG/WebP files and plain noise through predict's image reader, and
// thousands of option values through the option parsers. An image is read as 28×28 pixels or refused with an
// ImageError; an option value is accepted only when it is valid, else refused with a UsageError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import sharp from 'sharp';

import { int, parse, positiveNumber, UsageError } from '../../src/cli/args.js';
import { resizeOption } from '../../src/cli/resize_option.js';
import { fashionMnistLike, ImageError } from '../../src/data/image_file.js';
import { mulberry32 } from '../../src/util/seeded_random.js';
import { pngClaiming } from '../support/corrupt_inputs.js';

type Random = () => number;
const below = (random: Random, n: number) => Math.floor(random() * n);

/** Valid images to start from: a garment-like gray PNG and JPEG, an RGBA PNG, a photo-like JPEG, a WebP. */
async function seedImages(): Promise<Buffer[]> {
  const random = mulberry32(5);
  const raw = (w: number, h: number, channels: 1 | 3 | 4) =>
    sharp(Buffer.from(Uint8Array.from({ length: w * h * channels }, () => below(random, 256))), {
      raw: { width: w, height: h, channels },
    });
  return Promise.all([
    raw(28, 28, 1).png().toBuffer(),
    raw(28, 28, 1).jpeg().toBuffer(),
    raw(40, 30, 4).png().toBuffer(),
    raw(64, 48, 3).jpeg({ quality: 80 }).toBuffer(),
    raw(32, 32, 3).webp().toBuffer(),
  ]);
}

function mutateImage(bytes: Buffer, random: Random): Buffer {
  const out = Buffer.from(bytes);
  switch (below(random, 5)) {
    case 0: // flipped bytes
      for (let k = 1 + below(random, 16); k > 0; k--) out[below(random, out.length)] ^= 1 + below(random, 255);
      return out;
    case 1: // truncated
      return out.subarray(0, below(random, out.length));
    case 2: // a run of the file overwritten with noise
      for (let i = below(random, out.length), n = below(random, 64); n > 0 && i < out.length; n--, i++)
        out[i] = below(random, 256);
      return out;
    case 3: // noise only
      return Buffer.from(Uint8Array.from({ length: below(random, 5000) }, () => below(random, 256)));
    default: // a PNG claiming any size, from 0×0 to 2³²−1 on a side
      return pngClaiming(
        below(random, 2) ? below(random, 100) : below(random, 2 ** 32),
        below(random, 2) ? below(random, 100) : below(random, 2 ** 32),
      );
  }
}

describe('inputs, fuzzed', { timeout: 180_000 }, () => {
  it('2000 mutated, truncated or made-up image files: 28×28 pixels or an ImageError', async () => {
    const seeds = await seedImages();
    for (const seed of seeds) assert.equal((await fashionMnistLike(seed)).length, 784, 'the seeds are valid');
    const random = mulberry32(6);
    const tally = { read: 0, refused: 0 };
    for (let i = 0; i < 2000; i++) {
      const bytes = mutateImage(seeds[i % seeds.length]!, random);
      try {
        const pixels = await fashionMnistLike(bytes);
        assert.equal(pixels.length, 784);
        tally.read++;
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        assert.ok(error instanceof ImageError, `case ${i}: expected an ImageError, got ${(error as Error).stack}`);
        tally.refused++;
      }
    }
    if (process.env.NIN_TEST_REPORT) console.log(`# images: ${tally.read} still readable, ${tally.refused} refused`);
    assert.ok(tally.refused > 1000, `${tally.refused} refused`);
  });

  it('5000 option values: accepted only when valid, else a UsageError', () => {
    const random = mulberry32(7);
    const pieces = [
      '0',
      '1',
      '7',
      '42',
      '224',
      '67',
      '66',
      '-',
      '+',
      '.',
      'e',
      'E',
      '5',
      'x',
      ' ',
      '',
      'NaN',
      'Infinity',
      '0x1f',
      '٣',
      '1e308',
      '9'.repeat(20),
      '\t',
      '_',
      ',',
      '½',
    ];
    const value = () =>
      Array.from({ length: 1 + below(random, 4) }, () => pieces[below(random, pieces.length)]).join('');
    const refused = (f: () => number) => {
      try {
        return f();
      } catch (error) {
        assert.ok(error instanceof UsageError, `expected a UsageError, got ${(error as Error).stack}`);
        assert.doesNotMatch(error.message, /\n/);
        return undefined;
      }
    };
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const v = value();
      const n = refused(() => int(v, 'epochs'));
      if (n !== undefined) {
        assert.ok(Number.isSafeInteger(n) && n >= 1 && /^\s*\+?\d+\s*$/.test(v), `int accepted '${v}' as ${n}`);
        accepted++;
      }
      const r = refused(() => resizeOption(v, ['nin']));
      if (r !== undefined) assert.ok(Number.isInteger(r) && r >= 67 && r <= 1024, `resize accepted '${v}' as ${r}`);
      const x = refused(() => positiveNumber(v, 'lr', 0.05));
      if (x !== undefined) assert.ok(Number.isFinite(x) && x > 0, `lr accepted '${v}' as ${x}`);
    }
    assert.ok(accepted > 100, `some values are valid integers (${accepted})`);
  });

  it('1000 random command lines: parsed or a UsageError', () => {
    const random = mulberry32(8);
    const words = [
      '--epochs',
      '--lr',
      '3',
      '-h',
      '--help',
      '--',
      '-x',
      '--epochs=',
      '--lr=0.1',
      'file.png',
      '--json',
      '--json=1',
      '-',
      '--bogus',
      '',
    ];
    for (let i = 0; i < 1000; i++) {
      const argv = Array.from({ length: below(random, 6) }, () => words[below(random, words.length)]!);
      try {
        parse(argv, { epochs: { type: 'string' }, lr: { type: 'string' }, json: { type: 'boolean' } }, random() < 0.5);
      } catch (error) {
        assert.ok(error instanceof UsageError, `${JSON.stringify(argv)}: ${(error as Error).stack}`);
      }
    }
  });
});
