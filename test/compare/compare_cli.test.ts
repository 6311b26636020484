// `nin compare` end to end at a small size: the report's numbers, files and errors, as a reader runs it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import type { CompareReport } from '../../src/compare/compare_models.js';
import { nin } from '../support/nin_cli.js';

describe('nin compare', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-compare-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('measures and trains each model on the same budget, and writes the table, JSON and chart', () => {
    const out = join(work, 'trained');
    const r = nin(
      'compare',
      '--resize',
      '67',
      '--models',
      'nin,alexnet,vgg11-small',
      '--timing-batch',
      '8',
      '--timing-steps',
      '1',
      '--train',
      '--epochs',
      '1',
      '--batch-size',
      '64',
      '--limit-train',
      '256',
      '--limit-test',
      '128',
      '--out',
      out,
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as CompareReport;
    assert.deepEqual(
      report.models.map((m) => m.name),
      ['nin', 'alexnet', 'vgg11-small'],
    );
    assert.deepEqual(
      report.models.map((m) => m.lr),
      [0.05, 0.01, 0.01],
    );
    assert.equal(report.backend, 'onednn');
    assert.deepEqual(report.settings.train, {
      epochs: 1,
      batchSize: 64,
      seed: 0,
      limitTrain: 256,
      limitTest: 128,
      recipe: 'd2l',
    });
    for (const m of report.models) {
      assert.ok(m.params > 1e6 && m.macs > 1e7 && m.activationBytes > 1e5, `${m.name} costs`);
      // measured, not compared: which is faster is a benchmark's question, and one timing step on a busy machine can
      // put training ahead of inference
      assert.ok(m.trainImgPerSec > 0 && m.inferImgPerSec > 0, `${m.name} img/s`);
      assert.ok(
        m.testAcc! >= 0 && m.testAcc! <= 1 && Number.isInteger(m.testAcc! * 128),
        `${m.name} accuracy over 128 images`,
      );
      // each model's training is an ordinary run directory with its own curves and record
      const record = JSON.parse(readFileSync(join(out, m.name, 'record.json'), 'utf8'));
      assert.equal(record.model.parameters, m.params);
      assert.equal(record.epochs[0].valAcc, m.testAcc);
      assert.ok(existsSync(join(out, m.name, 'curves.png')));
    }
    assert.equal(report.models[0]!.denseShare, 0);
    assert.ok(report.models[1]!.denseShare > 0.8);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')), report);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    assert.match(md, /^\| model +\| parameters/);
    assert.match(md, /\| NiN +\| +1,992,166 \|/);
    assert.match(readFileSync(join(out, 'compare.svg'), 'utf8'), /test accuracy/);
    assert.ok(readFileSync(join(out, 'compare.png')).subarray(1, 4).equals(Buffer.from('PNG')));
  });

  it('run again with the same settings, a comparison keeps its finished models; other settings replace them', () => {
    const out = join(work, 'again');
    const run = (...extra: string[]) => {
      const r = nin(
        'compare',
        ...['--resize', '67', '--models', 'nin', '--timing-batch', '4', '--timing-steps', '1', '--train'],
        ...['--batch-size', '64', '--limit-train', '128', '--limit-test', '64', '--out', out, '--json', ...extra],
      );
      assert.equal(r.code, 0, r.stderr);
      return { stderr: r.stderr, nin: (JSON.parse(r.stdout) as CompareReport).models[0]! };
    };
    const first = run();
    assert.match(first.stderr, /NiN: epoch 1\/1: train_loss/);
    const again = run();
    assert.match(again.stderr, /NiN: resumed from .*after epoch 1/);
    assert.doesNotMatch(again.stderr, /NiN: epoch 1\/1: train_loss/, 'nothing trained again');
    assert.equal(again.nin.testAcc, first.nin.testAcc);
    assert.equal(again.nin.trainSeconds, first.nin.trainSeconds);
    const other = run('--seed', '1');
    assert.doesNotMatch(other.stderr, /resumed/);
    assert.equal(JSON.parse(readFileSync(join(out, 'nin', 'record.json'), 'utf8')).config.seed, 1);
  });

  it('without --train prints the cost and speed table', () => {
    const r = nin(
      'compare',
      '--resize',
      '67',
      '--models',
      'nin',
      '--timing-batch',
      '4',
      '--timing-steps',
      '1',
      '--out',
      join(work, 'untrained'),
    );
    assert.equal(r.code, 0, r.stderr);
    const [header, rule, row] = r.stdout.split('\n');
    assert.match(
      header!,
      /^model +parameters +in dense layers +MACs \/ image +activations \/ image +train img\/s +infer img\/s +test acc$/,
    );
    assert.match(rule!, /^-+ +-+/);
    assert.match(row!, /^NiN +1,992,166 +0\.0% +0\.054 G +0\.5 MiB +[\d.]+ +[\d.]+ +–$/);
  });

  it('summary --model shows any compared model with its dense share and MACs; compare --help', () => {
    const r = nin('summary', '--model', 'vgg11');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Sequential output shape: \(1, 7, 7, 512\)$/m);
    assert.match(r.stdout, /^Parameters: 128,806,154 \(92\.8% in dense layers\)$/m);
    assert.match(r.stdout, /^Multiply-accumulates per image: 7\.547 G$/m);
    const help = nin('compare', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^nin compare/);
  });

  for (const [args, message] of [
    [['--models', 'nin,resnet'], /unknown model 'resnet'/],
    [['--models', ','], /at least one of/],
    [['--epochs', '2'], /--epochs only applies with --train/],
    [
      ['--resize', '20'],
      /--resize 20 is too small for NiN \(at least 67\), AlexNet \(at least 65\), VGG-11 \(at least 32\)/,
    ],
    [['--timing-steps', '0'], /--timing-steps must be an integer ≥ 1/],
  ] as const) {
    it(`rejects ${args.join(' ')} with one line and exit code 2`, () => {
      const r = nin('compare', ...args, '--out', join(work, 'bad'));
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    });
  }
});
