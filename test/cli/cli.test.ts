// The nin command end to end, as a user runs it: one real (short) training run on the real Fashion-MNIST files,
// then eval, predict and the error paths (bad options, data, models, images, output directories). Runs the compiled
// CLI in child processes; interrupted and resumed runs are in resume.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import sharp from 'sharp';

import { readFashionMnistSplit, TEXT_LABELS } from '../../src/data/index.js';
import { corruptDataDirs, corruptImages } from '../support/corrupt_inputs.js';

const NIN = fileURLToPath(new URL('../../src/cli/nin.js', import.meta.url));

function nin(...args: string[]) {
  const r = spawnSync(process.execPath, [NIN, ...args], { encoding: 'utf8', env: { ...process.env, NIN_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Small enough for CI (about a minute on 2 cores), long enough for NiN to leave its initial plateau at loss 2.30:
// 600 SGD steps at the smallest input NiN accepts.
const TRAIN = [
  '--resize',
  '67',
  '--batch-size',
  '64',
  '--lr',
  '0.1',
  '--seed',
  '1',
  '--limit-train',
  '38400',
  '--limit-test',
  '1000',
];

describe('nin CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-cli-'));
  const run = join(work, 'run');
  before(() => {
    const r = nin('train', ...TRAIN, '--epochs', '1', '--out', run);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('train: writes a run directory, and the model learns well above chance (10 %)', () => {
    for (const f of [
      'record.json',
      'metrics.jsonl',
      'metrics.csv',
      'curves.svg',
      'curves.png',
      'model/model.json',
      'model/weights.bin',
      'checkpoint/step-00000600-end/state.json',
      'checkpoint/step-00000600-end/optimizer.bin',
    ]) {
      assert.ok(existsSync(join(run, f)), `${f} exists`);
    }
    const record = JSON.parse(readFileSync(join(run, 'record.json'), 'utf8'));
    assert.equal(record.model.parameters, 1_992_166);
    assert.equal(record.epochs.length, 1);
    assert.ok(
      record.epochs[0].valAcc > 0.15,
      `validation accuracy ${record.epochs[0].valAcc} should clearly beat chance`,
    );
    assert.equal(
      record.data['train-images-idx3-ubyte'].sha256,
      'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    );
    const names = new Set(
      readFileSync(join(run, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
    );
    assert.deepEqual([...names].sort(), ['train_acc', 'train_loss', 'val_acc', 'val_loss']);
    assert.match(readFileSync(join(run, 'curves.svg'), 'utf8'), /val_acc/);
  });

  it('eval: accuracy, per-class accuracy and a confusion matrix that agree with each other', () => {
    const r = nin('eval', '--model', run, '--limit-test', '500', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const total = out.confusion.flat().reduce((a: number, b: number) => a + b, 0);
    const diagonal = out.confusion.reduce((s: number, row: number[], i: number) => s + row[i]!, 0);
    assert.equal(total, 500);
    assert.equal(out.accuracy, diagonal / total);
    assert.equal(out.perClass.length, 10);
    const text = nin('eval', '--model', run, '--limit-test', '200');
    assert.match(text.stdout, /accuracy \d+\.\d\d% on 200 test images/);
  });

  it('predict: top-3 labels with probabilities for PNG and JPEG files', async () => {
    const test = await readFashionMnistSplit('test', { limit: 2 });
    const png = join(work, 'item.png'),
      jpg = join(work, 'item.jpg');
    const raw = { raw: { width: 28, height: 28, channels: 1 as const } };
    await sharp(Buffer.from(test.images.subarray(0, 784)), raw)
      .png()
      .toFile(png);
    await sharp(Buffer.from(test.images.subarray(784, 1568)), raw)
      .jpeg()
      .toFile(jpg);
    const r = nin('predict', '--model', run, png, jpg, '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; top: { label: string; probability: number }[] }[];
    assert.equal(out.length, 2);
    for (const item of out) {
      assert.equal(item.top.length, 3);
      assert.ok(
        item.top.every((t) => TEXT_LABELS.includes(t.label as never) && t.probability >= 0 && t.probability <= 1),
      );
      assert.ok(item.top[0]!.probability >= item.top[1]!.probability);
    }
    assert.match(nin('predict', '--model', run, png).stdout, /item\.png: [a-z -]+ \d+\.\d%/);
  });

  it("summary: the chapter's layer walk and parameter count", () => {
    const r = nin('summary');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Sequential output shape: \(1, 54, 54, 96\)$/m);
    assert.match(r.stdout, /^Flatten output shape: \(1, 10\)$/m);
    assert.match(r.stdout, /Parameters: 1,992,166/);
  });

  it('--help for every command; bad options, files and output directories give one line and exit code 2', () => {
    for (const command of ['summary', 'train', 'eval', 'predict']) {
      const r = nin(command, '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^nin ${command}`));
    }
    const file = join(work, 'a-file.txt');
    writeFileSync(file, 'not a directory');
    const brokenRecord = join(work, 'broken-run');
    mkdirSync(brokenRecord);
    writeFileSync(join(brokenRecord, 'record.json'), '{"config": ');
    const badData = corruptDataDirs(work);
    const badImages = corruptImages(work);
    const badModel = join(work, 'bad-model');
    mkdirSync(badModel);
    writeFileSync(
      join(badModel, 'model.json'),
      '{"modelTopology": 1, "weightsManifest": [{"paths": ["weights.bin"], "weights": []}]}',
    );
    writeFileSync(join(badModel, 'weights.bin'), 'xyz');
    const trainOut = ['--out', join(work, 'never')];
    const cases: [string[], RegExp][] = [
      // option values: zero, negative, non-numeric, fractional, huge, NaN, Infinity, empty
      [['train', '--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
      [['train', '--epochs=-3'], /--epochs must be an integer ≥ 1, got '-3'/],
      [['train', '--epochs', '-3'], /Option '--epochs' argument is ambiguous/],
      [['train', '--epochs', 'ten'], /--epochs must be an integer ≥ 1, got 'ten'/],
      [['train', '--epochs', '2.5'], /--epochs must be an integer/],
      [['train', '--epochs', '1e3'], /--epochs must be an integer/],
      [['train', '--epochs', '99999999999999999999'], /--epochs must be an integer/],
      [['train', '--epochs', ''], /--epochs must be an integer/],
      [['train', '--epochs'], /argument missing/],
      [['train', '--batch-size', '0'], /--batch-size must be an integer from 1 to 60000, got '0'/],
      [['train', '--batch-size=-32'], /--batch-size must be an integer/],
      [['train', '--batch-size', 'NaN'], /--batch-size must be an integer/],
      [['train', '--batch-size', '60001'], /--batch-size must be an integer from 1 to 60000/],
      [['train', '--lr', 'fast'], /--lr must be a positive number, got 'fast'/],
      [['train', '--lr', '0'], /--lr must be a positive number, got '0'/],
      [['train', '--lr=-0.1'], /--lr must be a positive number/],
      [['train', '--lr', 'NaN'], /--lr must be a positive number/],
      [['train', '--lr', 'Infinity'], /--lr must be a positive number/],
      [['train', '--lr', '1e-400'], /--lr must be a positive number/],
      [['train', '--lr', ' '], /--lr must be a positive number/],
      [['train', '--resize', '32'], /--resize 32 is too small for NiN \(at least 67\)/],
      [['train', '--resize', '66'], /--resize 66 is too small for NiN \(at least 67\)/],
      [['train', '--model', 'alexnet', '--resize', '64'], /--resize 64 is too small for AlexNet \(at least 65\)/],
      [['train', '--resize', '100000'], /--resize must be an integer from 1 to 1024/],
      [['train', '--resize', 'big'], /--resize must be an integer/],
      [['summary', '--resize', '0'], /--resize must be an integer from 1 to 1024/],
      [['train', '--seed=-1'], /--seed must be an integer ≥ 0/],
      [['train', '--seed', '0x10'], /--seed must be an integer ≥ 0/],
      [['train', '--seed', '9007199254740993'], /--seed must be an integer ≥ 0/],
      [['train', '--limit-train', '0'], /--limit-train must be an integer ≥ 1/],
      [['train', '--limit-test=-5'], /--limit-test must be an integer ≥ 1/],
      [
        ['train', '--limit-train', '70000', ...trainOut],
        /limit for the train split is 70000; expected an integer from 1 to 60000/,
      ],
      [['train', '--checkpoint-every', '0'], /--checkpoint-every must be an integer ≥ 1/],
      [['train', '--checkpoint-every', 'often'], /--checkpoint-every must be an integer ≥ 1/],
      [['train', '--keep', '0'], /--keep must be an integer ≥ 1/],
      [['train', '--keep=-1'], /--keep must be an integer ≥ 1/],
      [['train', '--backend', 'gpu'], /--backend must be one of onednn, cpu/],
      [['train', '--bogus'], /unknown option '--bogus'; --help lists the options/],
      [['eval', '--model', run, '--batch-size', '0'], /--batch-size must be an integer ≥ 1/],
      [['eval', '--model', run, '--limit-test', 'all'], /--limit-test must be an integer ≥ 1/],
      // resuming: what is not a run, and settings a resumed run cannot change
      [['train', '--resume', join(work, 'nowhere')], /--resume .*nowhere: not a run directory \(no record\.json\)/],
      [['train', '--resume', file], /not a run directory/],
      [['train', '--resume', brokenRecord], /--resume .*broken-run: damaged record\.json/],
      [['train', '--resume', run, '--resize', '96'], /--resize cannot be changed when resuming/],
      // files: data, models, images, output directories
      [
        ['train', '--data-dir', join(work, 'no-data'), ...trainOut],
        /not found in .*no-data .*directory does not exist/,
      ],
      ...badData.map(([dir, message]): [string[], RegExp] => [
        ['train', '--data-dir', dir, '--limit-train', '64', ...trainOut],
        message,
      ]),
      [['eval', '--model', run, '--data-dir', badData[0]![0]], badData[0]![1]],
      [['eval'], /--model DIR is required/],
      [['eval', '--model', work], /no saved model in/],
      [['eval', '--model', badModel], /bad-model: (the weight files hold 3 bytes|not a model this tool can load)/],
      [['predict', '--model', run], /give at least one image/],
      [['predict', '--model', run, join(work, 'missing.png')], /cannot read .*missing\.png/],
      ...badImages.map((image): [string[], RegExp] => [
        ['predict', '--model', run, image],
        new RegExp(`cannot read ${image} as an image`),
      ]),
      [
        ['train', '--out', join(file, 'run')],
        /cannot create the run directory .*a-file\.txt\/run: a part of the path is a file, not a directory \(ENOTDIR\)/,
      ],
      [['train', '--out', '/proc/nin-run'], /cannot create the run directory \/proc\/nin-run: /],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = nin(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit code (stderr: ${r.stderr})`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line (${r.stderr})`);
    }
    assert.ok(!existsSync(join(work, 'never', 'record.json')), 'no run was started');
  });
});
