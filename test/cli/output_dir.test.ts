// A run directory on a disk too small, and one that fills up during training, through the real CLI: a clear
// one-line error (exit 2) before training where it can be known, otherwise at the write that failed with the
// checkpoints intact, and a resume once there is space again. (Unwritable paths are in cli.test.ts's table.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { CheckpointStore } from '../../src/training/checkpoints.js';
import { tinyDisk } from '../support/tiny_disk.js';

const NIN = fileURLToPath(new URL('../../src/cli/nin.js', import.meta.url));
const ENV = { ...process.env, OMP_NUM_THREADS: '1', NIN_DEBUG: '' };
const TRAIN = [
  '--resize',
  '67',
  '--limit-train',
  '256',
  '--limit-test',
  '64',
  '--batch-size',
  '32',
  '--epochs',
  '3',
  '--checkpoint-every',
  '2',
];

function nin(...args: string[]) {
  const r = spawnSync(process.execPath, [NIN, ...args], { encoding: 'utf8', env: ENV });
  return { code: r.status, stderr: r.stderr };
}

/** Writes zeros into `path` until the disk is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const block = new Uint8Array(1 << 16);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe('nin train on a small or full disk', () => {
  it('too little free space: refused before any data is read, saying how much is needed', (t) => {
    const disk = tinyDisk(16);
    if (!disk) return t.skip('mounting a tmpfs needs root');
    try {
      const run = join(disk.dir, 'run');
      const r = nin('train', ...TRAIN, '--out', run);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^nin: error: not enough free space in \S+\/run: 16\.0 MB free, the run needs about \d+\.\d MB \(3 checkpoints and one being written, the final model\); free some space, keep fewer checkpoints \(--keep\) or choose another --out\n$/,
      );
      assert.ok(!existsSync(join(run, 'record.json')));
    } finally {
      disk.unmount();
    }
  });

  it('the disk fills up during training: one line naming the write, checkpoints intact, and a resume completes once there is space', async (t) => {
    const disk = tinyDisk(48);
    if (!disk) return t.skip('mounting a tmpfs needs root');
    try {
      const run = join(disk.dir, 'run');
      const filler = join(disk.dir, 'filler');
      const store = new CheckpointStore(join(run, 'checkpoint'));
      const child = spawn(process.execPath, [NIN, 'train', ...TRAIN, '--out', run], {
        env: ENV,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (store.list().length === 0) await new Promise((r) => setTimeout(r, 10));
      fillDisk(filler);
      assert.equal(await exited, 2, stderr);
      const lastLine = stderr.trim().split('\n').at(-1)!;
      assert.match(lastLine, /^nin: error: cannot write \S+: no space left on the device \(ENOSPC\)/);
      assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
      for (const { dir } of store.list()) assert.equal(statSync(join(dir, 'weights.bin')).size, 4 * 1_992_166, dir);

      rmSync(filler);
      const resumed = nin('train', '--resume', run);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /resumed from \S+step-\d+/);
      const record = JSON.parse(readFileSync(join(run, 'record.json'), 'utf8'));
      assert.deepEqual(
        record.epochs.map((e: { epoch: number }) => e.epoch),
        [1, 2, 3],
      );
      assert.ok(existsSync(join(run, 'model', 'weights.bin')));
    } finally {
      disk.unmount();
    }
  });
});
