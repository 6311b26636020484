// `nin explain` as a user runs it: test images by index and image files → a PNG grid of class maps (or the raw maps
// as JSON); the one-line error and exit code 2 for a bad image, an unknown class, a model without class maps and
// a model whose maps are 1×1.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import sharp from 'sharp';

import { grayscalePng } from '../../src/data/image_file.js';
import { readFashionMnistSplit, TEXT_LABELS } from '../../src/data/index.js';
import { useBackend } from '../../src/engine/backend.js';
import { AlexNet } from '../../src/model/alexnet.js';
import { NiN } from '../../src/model/nin.js';
import { VGG, VGG11_SMALL } from '../../src/model/vgg.js';
import { saveModel } from '../../src/training/model_io.js';
import { nin } from '../support/nin_cli.js';
import { testImagePixels } from '../web/helpers.js';

interface JsonClass {
  index: number;
  label: string;
  probability: number;
  logit: number;
  map: number[][];
}
interface JsonImage {
  image: string;
  truth?: string;
  predicted: string;
  inputSide: number;
  mapHeight: number;
  mapWidth: number;
  classes: JsonClass[];
}

describe('nin explain', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-explain-'));
  const ninDir = join(work, 'nin128'),
    smallDir = join(work, 'nin67'),
    alexDir = join(work, 'alexnet'),
    vggDir = join(work, 'vgg');
  const imageFile = join(work, 'coat.png');

  before(async () => {
    await useBackend('onednn');
    for (const [model, dir] of [
      [new NiN({ resize: 128, seed: 2, init: 'he', lastBias: 1 }), ninDir],
      [new NiN({ resize: 67, seed: 2 }), smallDir],
      [new AlexNet({ resize: 67, seed: 2 }), alexDir],
      [new VGG({ resize: 67, seed: 2, arch: VGG11_SMALL }), vggDir],
    ] as const) {
      await saveModel(model.net, dir);
      model.net.dispose();
    }
    const test = await readFashionMnistSplit('test', { limit: 10 });
    writeFileSync(imageFile, await grayscalePng(testImagePixels(test, 3)));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('writes one PNG grid: a row per image, what the model sees and then the 10 class maps, captioned', async () => {
    const out = join(work, 'grid.png');
    const r = nin('explain', '--model', ninDir, imageFile, '--test-index', '0,1', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`${imageFile}: `), r.stdout);
    assert.match(r.stdout, /test image 0 \(true: ankle boot\): /);
    assert.match(r.stdout, /class maps 2×2 \(input 128×128\)/);
    const meta = await sharp(out).metadata();
    // 8 px margins; cells of the input side (128) with a two-line caption of 2× text (44 px) below each
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 8 + 11 * (128 + 8), 8 + 3 * (128 + 44 + 8)]);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    const mapCell = pixel(8 + 136 + 64, 8 + 64); // the middle of the first map
    assert.ok(
      mapCell.some((v, i) => v !== mapCell[(i + 1) % 3]),
      `the maps are in colour: ${mapCell}`,
    );
  });

  it('--json gives the raw maps: a map per class whose mean is its logit, with probabilities', () => {
    const r = nin('explain', '--model', ninDir, '--test-index', '5', '--json');
    assert.equal(r.code, 0, r.stderr);
    const [image] = JSON.parse(r.stdout) as JsonImage[];
    assert.equal(image!.image, 'test image 5');
    assert.deepEqual([image!.inputSide, image!.mapHeight, image!.mapWidth, image!.classes.length], [128, 2, 2, 10]);
    assert.deepEqual(
      image!.classes.map((c) => c.label),
      [...TEXT_LABELS],
    );
    for (const c of image!.classes) {
      const cells = c.map.flat();
      assert.equal(cells.length, 4);
      assert.ok(Math.abs(cells.reduce((a, v) => a + v, 0) / 4 - c.logit) < 1e-5, `${c.label}: mean of the map = logit`);
    }
    assert.ok(Math.abs(image!.classes.reduce((a, c) => a + c.probability, 0) - 1) < 1e-5);
    const best = image!.classes.reduce((a, c) => (c.probability > a.probability ? c : a));
    assert.equal(image!.predicted, best.label);

    const top = (
      JSON.parse(nin('explain', '--model', ninDir, '--test-index', '5', '--json', '--top', '3').stdout) as JsonImage[]
    )[0]!;
    assert.deepEqual(
      top.classes.map((c) => c.label),
      [...image!.classes]
        .sort((a, b) => b.probability - a.probability)
        .slice(0, 3)
        .map((c) => c.label),
    );
    const one = (
      JSON.parse(
        nin('explain', '--model', ninDir, '--test-index', '5', '--json', '--class', 'coat').stdout,
      ) as JsonImage[]
    )[0]!;
    assert.deepEqual(
      one.classes.map((c) => c.label),
      ['coat'],
    );
  });

  it('exits 2 with one line for a bad image, an unknown class, a model without class maps, and 1×1 maps', () => {
    const notAnImage = join(work, 'notes.png');
    writeFileSync(notAnImage, 'not a picture');
    const cases: [string[], RegExp][] = [
      [['--model', ninDir, notAnImage], /cannot read .*notes\.png as an image/],
      [
        ['--model', ninDir, '--test-index', '0', '--class', 'hat'],
        /--class must be one of t-shirt, .*ankle boot, got 'hat'/,
      ],
      [['--model', ninDir, '--test-index', '0', '--top', '11'], /--top must be an integer from 1 to 10/],
      [['--model', ninDir], /give at least one image file/],
      [['--model', alexDir, '--test-index', '0'], /no class maps: its class scores come from fully connected layers/],
      [['--model', vggDir, '--test-index', '0'], /no class maps: its class scores come from fully connected layers/],
      [['--model', smallDir, '--test-index', '0'], /each class map is 1×1.*2×2 from \d+ px/],
    ];
    for (const [args, message] of cases) {
      const r = nin('explain', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  });
});
