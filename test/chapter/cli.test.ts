// The nin command end to end, as a user runs it: one real (short) training run on the real Fashion-MNIST files,
// then eval, predict, resume, and the error paths. Runs the compiled CLI in child processes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import sharp from 'sharp';

import { readFashionMnistSplit, TEXT_LABELS } from '../../src/data/index.js';

const NIN = fileURLToPath(new URL('../../src/cli/nin.js', import.meta.url));

function nin(...args: string[]) {
  const r = spawnSync(process.execPath, [NIN, ...args], { encoding: 'utf8', env: { ...process.env, NIN_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Small enough for CI (about a minute on 2 cores), long enough for NiN to leave its initial plateau at loss 2.30:
// 600 SGD steps at the smallest input NiN accepts.
const TRAIN = ['--resize', '67', '--batch-size', '64', '--lr', '0.1', '--seed', '1', '--limit-train', '38400', '--limit-test', '1000'];

describe('nin CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-cli-'));
  const run = join(work, 'run');
  before(() => {
    const r = nin('train', ...TRAIN, '--epochs', '1', '--out', run);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('train: writes a run directory, and the model learns well above chance (10 %)', () => {
    for (const f of ['record.json', 'metrics.jsonl', 'metrics.csv', 'curves.svg', 'curves.png', 'model/model.json', 'model/weights.bin', 'checkpoint/state.json']) {
      assert.ok(existsSync(join(run, f)), `${f} exists`);
    }
    const record = JSON.parse(readFileSync(join(run, 'record.json'), 'utf8'));
    assert.equal(record.model.parameters, 1_992_166);
    assert.equal(record.epochs.length, 1);
    assert.ok(record.epochs[0].valAcc > 0.15, `validation accuracy ${record.epochs[0].valAcc} should clearly beat chance`);
    assert.equal(record.data['train-images-idx3-ubyte'].sha256, 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888');
    const names = new Set(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).name));
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
    const png = join(work, 'item.png'), jpg = join(work, 'item.jpg');
    const raw = { raw: { width: 28, height: 28, channels: 1 as const } };
    await sharp(Buffer.from(test.images.subarray(0, 784)), raw).png().toFile(png);
    await sharp(Buffer.from(test.images.subarray(784, 1568)), raw).jpeg().toFile(jpg);
    const r = nin('predict', '--model', run, png, jpg, '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; top: { label: string; probability: number }[] }[];
    assert.equal(out.length, 2);
    for (const item of out) {
      assert.equal(item.top.length, 3);
      assert.ok(item.top.every((t) => TEXT_LABELS.includes(t.label as never) && t.probability >= 0 && t.probability <= 1));
      assert.ok(item.top[0]!.probability >= item.top[1]!.probability);
    }
    assert.match(nin('predict', '--model', run, png).stdout, /item\.png: [a-z -]+ \d+\.\d%/);
  });

  it('train --resume: a run killed mid-epoch continues from its last checkpoint', async () => {
    const state = () => JSON.parse(readFileSync(join(run, 'checkpoint', 'state.json'), 'utf8'));
    const points = () => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(state().epochsDone, 1);
    const before = points().length;
    // kill -9 during epoch 2, as soon as it has drawn its first point (after its checkpoint would be too late)
    const child = spawn(process.execPath, [NIN, 'train', '--resume', run, '--epochs', '2'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    while (points().length === before) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    assert.equal(state().epochsDone, 1, 'the checkpoint is still the one of epoch 1');
    assert.ok(points().length > before, 'the killed run had drawn points of epoch 2');

    const r = nin('train', '--resume', run, '--epochs', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resumed from .* after epoch 1/);
    const record = JSON.parse(readFileSync(join(run, 'record.json'), 'utf8'));
    assert.deepEqual(record.epochs.map((e: { epoch: number }) => e.epoch), [1, 2]);
    assert.equal(record.config.resize, 67, 'a resumed run keeps its settings');
    const byName = (name: string) => points().filter((p) => p.name === name).map((p) => p.epoch);
    assert.deepEqual(byName('val_acc'), [1, 2]);
    assert.equal(byName('train_loss').length, 4, "the killed run's points were dropped: 2 per epoch remain");
  });

  it("summary: the chapter's layer walk and parameter count", () => {
    const r = nin('summary');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Sequential output shape: \(1, 54, 54, 96\)$/m);
    assert.match(r.stdout, /^Flatten output shape: \(1, 10\)$/m);
    assert.match(r.stdout, /Parameters: 1,992,166/);
  });

  it('--help for every command; bad options and files give one line and exit code 2', () => {
    for (const command of ['summary', 'train', 'eval', 'predict']) {
      const r = nin(command, '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^nin ${command}`));
    }
    const cases: [string[], RegExp][] = [
      [['train', '--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
      [['train', '--lr', 'fast'], /--lr must be a positive number, got 'fast'/],
      [['train', '--resize', '32'], /--resize must be an integer ≥ 67/],
      [['train', '--backend', 'gpu'], /--backend must be one of onednn, cpu/],
      [['train', '--bogus'], /Unknown option '--bogus'/],
      [['eval'], /--model DIR is required/],
      [['eval', '--model', work], /no saved model in/],
      [['predict', '--model', run], /give at least one image/],
      [['predict', '--model', run, join(work, 'missing.png')], /cannot read .*missing\.png/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = nin(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit code (stderr: ${r.stderr})`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
    }
  });
});
