// `npm run study` as a reader of its table relies on it: every further recipe is set against the first, seed by seed,
// with differences that are the table's own accuracies subtracted; a second run of the same command trains nothing
// again and prints the same table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { signedPoints } from '../../bench/summary.js';

const study = new URL('../../bench/study.js', import.meta.url).pathname;

describe('npm run study', () => {
  const out = mkdtempSync(join(tmpdir(), 'nin-study-'));
  after(() => rmSync(out, { recursive: true, force: true }));
  const args = [
    ...['--recipes', 'robust,robust:label-smoothing=0', '--seeds', '0,1', '--precisions', 'fp32'],
    ...['--resize', '67', '--epochs', '1', '--batch-size', '64', '--limit-train', '128', '--limit-test', '64'],
    ...['--out', out],
  ];
  const runStudy = () => spawnSync(process.execPath, [study, ...args], { encoding: 'utf8' });

  it('sets each further recipe against the first, seed by seed, from the accuracies in its table', () => {
    const r = runStudy();
    assert.equal(r.status, 0, r.stderr);
    const { results } = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as {
      results: { recipe: string; seed: number; testAcc: number }[];
    };
    assert.equal(results.length, 4);
    const acc = (recipe: string, seed: number) => results.find((x) => x.recipe === recipe && x.seed === seed)!.testAcc;
    const diffs = [0, 1].map((s) => signedPoints(acc('robust:label-smoothing=0', s) - acc('robust', s)));
    assert.ok(
      r.stdout.includes(`fp32, robust:label-smoothing=0 − robust (points, per seed): ${diffs.join(', ')}; mean `),
      r.stdout,
    );
    assert.doesNotMatch(r.stdout, /robust − robust/, 'the first recipe is not set against itself');
  });

  it('run again, it trains nothing and prints the same table', () => {
    const first = readFileSync(join(out, 'study.md'), 'utf8');
    const r = runStudy();
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /study: nin train/);
    assert.equal(r.stdout, first);
  });
});
