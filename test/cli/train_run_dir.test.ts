// What `nin train` does to its run directory when it cannot train, or when another process is training into it:
// a run stopped before it wrote anything leaves no directory; a second process is refused while the first holds
// the directory's lock (exit 2, naming the pid); a lock left by a process that is gone is taken over.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { nin } from '../support/nin_cli.js';

const TRAIN = ['--resize', '67', '--limit-train', '128', '--limit-test', '64', '--batch-size', '64', '--epochs', '1'];

describe('nin train and its run directory', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-run-dir-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('a bad --data-dir: exit 2 naming --data-dir, and no run directory left behind', () => {
    const run = join(work, 'bad-data');
    const r = nin('train', ...TRAIN, '--data-dir', join(work, 'no-such-dir'), '--out', run);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /given by --data-dir/);
    assert.doesNotMatch(r.stderr, /option dataDir/);
    assert.equal(existsSync(run), false, 'the run directory was removed');
  });

  it('a directory that existed before is kept, even when the run stopped at once', () => {
    const run = join(work, 'kept');
    rmSync(run, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', run]);
    assert.equal(nin('train', ...TRAIN, '--data-dir', join(work, 'no-such-dir'), '--out', run).code, 2);
    assert.ok(existsSync(run));
  });

  it('refuses to train into a directory a live process holds, and takes over a stale lock', () => {
    const run = join(work, 'locked');
    spawnSync('mkdir', ['-p', run]);
    writeFileSync(join(run, 'train.lock'), `${process.pid}\n`); // this test's process: alive
    const refused = nin('train', ...TRAIN, '--out', run);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`another nin train \\(pid ${process.pid}\\) is training into`));
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!; // a pid whose process has ended
    writeFileSync(join(run, 'train.lock'), `${gone}\n`);
    const r = nin('train', ...TRAIN, '--out', run);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(run, 'model', 'model.json')));
    assert.equal(existsSync(join(run, 'train.lock')), false, 'released at the end');
  });

  it('refuses to resume a record of an earlier version (no recipe in it), saying what it lacks', () => {
    const run = join(work, 'old');
    spawnSync('mkdir', ['-p', run]);
    writeFileSync(
      join(run, 'record.json'),
      JSON.stringify({ config: { epochs: 1, batchSize: 64, resize: 67, seed: 0, lr: 0.05, backend: 'onednn' } }),
    );
    const r = nin('train', '--resume', run);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /its record\.json lacks recipe, model, precision, checkpointEvery, keep \(written by an earlier version of nin\); start a new run/,
    );
  });
});
