// Dead-class and plateau diagnosis: which classes are dead (score 0 for every image) or never predicted, since
// which epoch, the warnings' words, and the plateau streak at ln K; end to end, a run whose class scores start dead
// says so in its epoch line, its warnings and record.json, and `nin eval` reports them in text and JSON.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import {
  addBatch,
  classHealth,
  emptyTotals,
  healthWarnings,
  PLATEAU_STEPS,
  plateauStreak,
  plateauWarning,
} from '../../src/training/class_health.js';
import { nin } from '../support/nin_cli.js';

const NAMES = ['a', 'b', 'c'];

describe('class health', () => {
  it('finds the classes whose score is 0 for every image, and those never predicted', () => {
    const totals = emptyTotals(3);
    addBatch(totals, { maxScore: [0, 2, 0.5], minScore: [0, 0, 0], predicted: [0, 3, 1] });
    addBatch(totals, { maxScore: [0, 1, 0.1], minScore: [0, 0.5, 0], predicted: [0, 2, 0] });
    assert.deepEqual(classHealth(totals, NAMES), { deadClasses: ['a'], neverPredicted: ['a'] });
    addBatch(totals, { maxScore: [0, 1, 0], minScore: [-1e-9, 0, 0], predicted: [1, 0, 0] });
    assert.deepEqual(
      classHealth(totals, NAMES),
      { deadClasses: [], neverPredicted: [] },
      'a score below 0 is a linear logit, not a dead ReLU',
    );
  });

  it('warns of dead classes since the epoch they died, and of live classes never predicted', () => {
    const epochs = [
      { epoch: 1, deadClasses: [], neverPredicted: ['c'] },
      { epoch: 2, deadClasses: ['b'], neverPredicted: ['b', 'c'] },
      { epoch: 3, deadClasses: ['a', 'b'], neverPredicted: ['a', 'b', 'c'] },
    ];
    const [dead, never, ...rest] = healthWarnings(epochs);
    assert.equal(rest.length, 0);
    assert.match(
      dead!,
      /^warning: dead classes: the score of a \(since epoch 3\), b \(since epoch 2\) is 0 for every validation image; .*--recipe robust/,
    );
    assert.equal(never, 'warning: the model predicts no validation image as c (since epoch 1)');
    assert.deepEqual(healthWarnings([{ epoch: 1, deadClasses: [], neverPredicted: [] }]), []);
    assert.deepEqual(healthWarnings([{ epoch: 1 }]), [], 'a record of an earlier version has no health');
  });

  it('counts the steps in a row within 1 % of ln K', () => {
    let streak = 0;
    for (const loss of [2.31, 2.29, Math.LN10, 2.28]) streak = plateauStreak(streak, loss, 10);
    assert.equal(streak, 4);
    assert.equal(plateauStreak(streak, 2.2, 10), 0);
    assert.equal(plateauStreak(0, Math.log(5) * 1.011, 5), 0);
    assert.match(
      plateauWarning(PLATEAU_STEPS, 10),
      /within 1% of ln 10 = 2\.3026, the loss of uniform guessing, for 200 steps/,
    );
  });
});

describe('dead classes end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nin-dead-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a run whose class scores start dead says so after each epoch, in record.json and in nin eval', () => {
    // a bias of −10 on the last 1×1 convolution: every class score is 0 from the start, and stays so
    const train = nin(
      'train',
      '--resize',
      '67',
      '--epochs',
      '2',
      '--limit-train',
      '64',
      '--limit-test',
      '32',
      '--batch-size',
      '32',
      '--last-bias=-10',
      '--out',
      join(dir, 'run'),
    );
    assert.equal(train.code, 0, train.stderr);
    const all = 't-shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot';
    assert.match(train.stderr, new RegExp(`^epoch 2/2: .* \\| dead: ${all}; never predicted: trouser, .*$`, 'm'));
    assert.match(
      train.stderr,
      /^warning: dead classes: the score of t-shirt \(since epoch 1\), .* is 0 for every validation image/m,
    );
    const record = JSON.parse(readFileSync(join(dir, 'run', 'record.json'), 'utf8'));
    assert.equal(record.epochs[1].deadClasses.length, 10);
    assert.equal(record.config.recipe.lastBias, -10);

    const text = nin('eval', '--model', join(dir, 'run'), '--limit-test', '32');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^dead classes \\(score 0 for every test image\\): ${all}$`, 'm'));
    const json = JSON.parse(
      nin('eval', '--model', join(dir, 'run'), '--limit-test', '32', '--json', '--tta', 'on').stdout,
    );
    assert.equal(json.deadClasses.length, 10);
    assert.equal(json.neverPredicted.length, 9, 'all scores tie at 0: argmax picks the first class');
    assert.equal(json.tta, true);
  });
});
