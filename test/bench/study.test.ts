// `npm run study` as a reader of its table relies on it: every further recipe is set against the first, seed by seed,
// with differences that are the table's own accuracies subtracted; a second run of the same command trains nothing
// again and prints the same table; stopped by Ctrl-C, it keeps what it has and the same command goes on.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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

describe('npm run study, stopped by Ctrl-C', () => {
  const out = mkdtempSync(join(tmpdir(), 'nin-study-stop-'));
  after(() => rmSync(out, { recursive: true, force: true }));
  const args = [
    ...['--recipes', 'robust', '--seeds', '0', '--precisions', 'fp32', '--resize', '67', '--epochs', '1'],
    ...['--batch-size', '32', '--limit-train', '1280', '--limit-test', '64', '--out', out],
  ];

  it('lets the run in progress write its checkpoint, says how to go on, and the same command then finishes it', async () => {
    // its own process group, which a terminal's Ctrl-C signals as a whole
    const child = spawn(process.execPath, [study, ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '',
      stopped = false;
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // a quarter of the epoch's 40 steps done: Ctrl-C
      if (!stopped && /^epoch 1\/1 \d+\/40 /m.test(stderr) && child.pid !== undefined) {
        stopped = true; // once: a second Ctrl-C quits at once
        process.kill(-child.pid, 'SIGINT');
      }
    });
    assert.equal(await exited, 130, stderr);
    assert.ok(stopped, 'the study ended before its run was a quarter through');
    assert.match(stderr, /nin: interrupted \(SIGINT\) at epoch 1, batch \d+ of 40/);
    assert.match(stderr, /study: stopped; the runs so far are kept: run the same command again to continue/);
    assert.doesNotMatch(stderr, /at run \(|Error:/, 'no stack trace');

    const again = spawnSync(process.execPath, [study, ...args], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /study: nin train --resume /);
    assert.match(again.stdout, /\| robust \| fp32 \|/);
  });
});
