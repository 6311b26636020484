// bench/addon_ab.js, which measures a change to native/ against the build before it: it has to replay every
// convolution of NiN's training step on both builds, and its output comparison has to hold a build to itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../bench/addon_ab.js', import.meta.url));
const ADDON = fileURLToPath(new URL('../../../build/Release/onednn.node', import.meta.url));

interface Row {
  direction: string;
  calls_per_step: number;
  baseline_ms: number;
  candidate_ms: number;
  speedup: number;
  max_relative_difference: number;
}

describe('addon_ab', () => {
  it("replays each of the step's convolutions on both builds; a build against itself gives the same numbers", () => {
    const r = spawnSync(
      process.execPath,
      [SCRIPT, '--baseline', ADDON, '--candidate', ADDON, '--batch', '2', '--reps', '1', '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const { rows } = JSON.parse(r.stdout) as { rows: Row[] };
    const calls = (direction: string) =>
      rows.filter((row) => row.direction === direction).reduce((s, row) => s + row.calls_per_step, 0);
    // NiN's twelve convolutions; the first, on the network's input, has no data gradient
    assert.deepEqual([calls('forward'), calls('data gradient'), calls('filter gradient')], [12, 11, 12]);
    for (const row of rows) {
      assert.equal(row.max_relative_difference, 0, JSON.stringify(row));
      assert.ok(row.baseline_ms > 0 && row.candidate_ms > 0 && Number.isFinite(row.speedup), JSON.stringify(row));
    }
  });

  it('says what it needs without a baseline', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--baseline PATH is required/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
