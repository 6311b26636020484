// Training that survives, through the real CLI in child processes: a run stopped by SIGINT and SIGTERM and
// resumed ends exactly where an uninterrupted run with the same seed ends; a second Ctrl-C quits at once; a run
// killed with SIGKILL at a dozen random moments always resumes from a complete checkpoint and completes, again
// with the uninterrupted run's metrics and weights; a diverging loss exits 3 and keeps the last good checkpoint.
// Small runs (67×67, 384 training images, 12 steps an epoch) on one oneDNN thread: the same thread count as the
// reference run, which makes the kernels bit-for-bit repeatable, and no spinning against other processes.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { mulberry32 } from '../../src/util/seeded_random.js';
import { CheckpointStore } from '../../src/training/checkpoints.js';
import { OPTIMIZER_FILE, parseState, STATE_FILE } from '../../src/training/trainer_state.js';

const NIN = fileURLToPath(new URL('../../src/cli/nin.js', import.meta.url));
const ENV = { ...process.env, OMP_NUM_THREADS: '1', NIN_DEBUG: '' };
const EPOCHS = 4,
  STEPS_PER_EPOCH = 12;
const TRAIN = [
  '--resize',
  '67',
  '--limit-train',
  String(32 * STEPS_PER_EPOCH),
  '--limit-test',
  '64',
  '--batch-size',
  '32',
  '--lr',
  '0.1',
  '--seed',
  '3',
  '--epochs',
  String(EPOCHS),
  '--checkpoint-every',
  '2',
];
const PARAMETERS = 1_992_166;

function nin(...args: string[]) {
  const r = spawnSync(process.execPath, [NIN, ...args], { encoding: 'utf8', env: ENV });
  return { code: r.status, stderr: r.stderr };
}

interface Child {
  process: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(...args: string[]): Child {
  const child = spawn(process.execPath, [NIN, ...args], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, stderr: () => stderr, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, what: string, child?: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${child?.stderr()}`);
    await sleep(10);
  }
}

const checkpoints = (run: string) => new CheckpointStore(join(run, 'checkpoint')).list();
const newestStep = (run: string) => checkpoints(run).at(-1)?.step ?? -1;

function metrics(run: string): { epoch: number; name: string; value: number }[] {
  return readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** The same points, values within 1e-5 relative, and the same final weights within 1e-5 of their scale. */
function assertSameRun(run: string, reference: string): void {
  const got = metrics(run),
    want = metrics(reference);
  assert.deepEqual(
    got.map((p) => [p.name, p.epoch]),
    want.map((p) => [p.name, p.epoch]),
  );
  got.forEach((p, i) =>
    assert.ok(
      Math.abs(p.value - want[i]!.value) <= 1e-5 * Math.abs(want[i]!.value),
      `${p.name} at ${p.epoch}: ${p.value} vs ${want[i]!.value}`,
    ),
  );
  const weights = (dir: string) =>
    new Float32Array(new Uint8Array(readFileSync(join(dir, 'model', 'weights.bin'))).buffer);
  const a = weights(run),
    b = weights(reference);
  assert.equal(a.length, PARAMETERS);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= 1e-5, `final weights differ by up to ${worst}`);
}

/** Every checkpoint the store lists is whole: its state parses and its files have the sizes their manifests give. */
function assertCheckpointsComplete(run: string): void {
  for (const { dir } of checkpoints(run)) {
    const state = parseState(readFileSync(join(dir, STATE_FILE), 'utf8'));
    assert.equal(statSync(join(dir, 'weights.bin')).size, 4 * PARAMETERS, `${dir}/weights.bin`);
    assert.equal(
      statSync(join(dir, OPTIMIZER_FILE)).size,
      4 * state.optimizerWeights.length,
      `${dir}/${OPTIMIZER_FILE}`,
    );
    JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  }
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
}

describe('nin train: interrupted, killed and diverging runs', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-resume-'));
  const reference = join(work, 'reference');
  before(() => {
    const r = nin('train', ...TRAIN, '--out', reference);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(metrics(reference).filter((p) => p.name === 'val_acc').length, EPOCHS);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('SIGINT, then SIGTERM: each finishes its step, checkpoints, exits 130 / 143; the resumed run equals the uninterrupted one', async () => {
    const run = join(work, 'signals');
    const first = start('train', ...TRAIN, '--out', run);
    await until(() => newestStep(run) >= 2, 'a first checkpoint', first);
    first.process.kill('SIGINT');
    assert.deepEqual(await first.exited, { code: 130, signal: null }, first.stderr());
    const lastLine = first.stderr().trim().split('\n').at(-1)!;
    const stopped =
      /^nin: interrupted \(SIGINT\) at epoch \d, batch \d+ of 12 \(step (\d+)\); checkpoint: (\S+); continue with: nin train --resume (\S+)$/.exec(
        lastLine,
      );
    assert.ok(stopped, lastLine);
    assert.equal(stopped[3], run);
    assert.equal(stopped[2], checkpoints(run).at(-1)!.dir, 'the checkpoint written on the way out is the newest');
    assert.match(
      first.stderr(),
      /nin: SIGINT: stopping after this step to write a checkpoint \(Ctrl-C again quits at once\)/,
    );

    const second = start('train', '--resume', run);
    await until(() => newestStep(run) > Number(stopped[1]), 'a checkpoint of the resumed run', second);
    second.process.kill('SIGTERM');
    assert.deepEqual(await second.exited, { code: 143, signal: null }, second.stderr());
    assert.match(second.stderr(), new RegExp(`resumed from ${stopped[2]} `));
    assert.match(second.stderr(), /nin: interrupted \(SIGTERM\) at epoch/);

    const third = nin('train', '--resume', run);
    assert.equal(third.code, 0, third.stderr);
    assertSameRun(run, reference);
    const record = JSON.parse(readFileSync(join(run, 'record.json'), 'utf8'));
    assert.deepEqual(
      record.epochs.map((e: { epoch: number }) => e.epoch),
      [1, 2, 3, 4],
    );
  });

  it('the robust recipe (AdamW, warm-up and decay, augmentation, smoothing, TTA) resumed after SIGINT equals its uninterrupted run', async () => {
    const robust = [
      ...TRAIN.filter((_, i) => TRAIN[i] !== '--lr' && TRAIN[i - 1] !== '--lr'),
      '--recipe',
      'robust',
      '--warmup',
      '0.5',
      '--translate',
      '2',
      '--flip',
      'on',
      '--tta',
      'on',
    ];
    const uninterrupted = join(work, 'robust-reference');
    const r = nin('train', ...robust, '--out', uninterrupted);
    assert.equal(r.code, 0, r.stderr);
    const run = join(work, 'robust');
    const first = start('train', ...robust, '--out', run);
    await until(() => newestStep(run) >= 6, 'a checkpoint in epoch 1', first);
    first.process.kill('SIGINT');
    assert.deepEqual(await first.exited, { code: 130, signal: null }, first.stderr());
    const resumed = nin('train', '--resume', run);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertSameRun(run, uninterrupted);
    const record = JSON.parse(readFileSync(join(run, 'record.json'), 'utf8'));
    assert.deepEqual(
      [
        record.config.recipe.preset,
        record.config.recipe.optimizer,
        record.config.recipe.translate,
        record.config.recipe.flip,
        record.config.recipe.tta,
      ],
      ['robust', 'adamw', 2, true, true],
    );
    assert.ok(
      record.epochs.every((e: { lr: number }) => e.lr > 0),
      'each epoch records its learning rate',
    );
  });

  it('a second Ctrl-C, while the first is still writing its checkpoint, quits at once', async () => {
    const run = join(work, 'twice');
    const child = start('train', ...TRAIN, '--out', run);
    await until(() => newestStep(run) >= 2, 'a first checkpoint', child);
    child.process.kill('SIGINT');
    await until(() => child.stderr().includes('stopping after this step'), 'the first Ctrl-C to be taken', child);
    // freeze the graceful stop where it is (its checkpoint takes tens of ms), press Ctrl-C again, let it run on
    child.process.kill('SIGSTOP');
    child.process.kill('SIGINT');
    child.process.kill('SIGCONT');
    assert.deepEqual(
      await child.exited,
      { code: null, signal: 'SIGINT' },
      'ended by the signal itself (the shell says 130)',
    );
    assert.doesNotMatch(child.stderr(), /nin: interrupted/, 'it did not wait to finish the checkpoint');
  });

  it('SIGKILL at 12 random moments: every resume starts from a complete checkpoint, and the run completes as if never killed', async () => {
    const run = join(work, 'killed');
    const random = mulberry32(2024);
    const KILLS = 12;
    let killedWhileWriting = 0,
      resumedFromCheckpoint = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const newestBefore = checkpoints(run).at(-1)?.dir;
      const child = start('train', ...(kill === 0 ? [...TRAIN, '--out', run] : ['--resume', run]));
      await until(() => child.stderr().includes(`run ${run}:`), 'training to start', child);
      // The first run lives to its first checkpoint: a loaded machine can take longer than the whole random window
      // to reach one, and twelve kills before any checkpoint would leave nothing to resume from.
      if (kill === 0) await until(() => newestStep(run) >= 2, 'a first checkpoint', child);
      await sleep(Math.floor(random() * 700)); // anywhere in the restore, a step, a checkpoint write or a validation
      child.process.kill('SIGKILL');
      assert.deepEqual(
        await child.exited,
        { code: null, signal: 'SIGKILL' },
        `kill ${kill + 1} came after the run had ended: ${child.stderr()}`,
      );
      assertNoStackTrace(child.stderr());
      assert.doesNotMatch(child.stderr(), /skipping damaged checkpoint/);
      const resumed = /resumed from (\S+) /.exec(child.stderr());
      if (resumed) {
        assert.equal(resumed[1], newestBefore, 'resumed from the newest checkpoint');
        resumedFromCheckpoint++;
      }
      const leftovers = existsSync(join(run, 'checkpoint'))
        ? readdirSync(join(run, 'checkpoint')).filter((n) => n.includes('.tmp-'))
        : [];
      if (leftovers.length > 0) killedWhileWriting++;
      assertCheckpointsComplete(run);
    }
    const last = nin('train', '--resume', run);
    assert.equal(last.code, 0, last.stderr);
    assert.match(last.stderr, /resumed from \S+step-\d+/);
    assert.ok(
      !readdirSync(join(run, 'checkpoint')).some((n) => n.includes('.tmp-')),
      'the temporaries of killed writes are cleared',
    );
    assertSameRun(run, reference);
    console.log(
      `# ${KILLS} kills survived; ${killedWhileWriting} while a checkpoint was being written; ${resumedFromCheckpoint} resumes had logged their checkpoint before being killed`,
    );
  });

  it('a diverging loss: exit 3, one line naming the step and a lower rate, the last good checkpoint kept', () => {
    const run = join(work, 'diverged');
    const args = TRAIN.map((a, i) =>
      TRAIN[i - 1] === '--lr' ? '1e30' : TRAIN[i - 1] === '--checkpoint-every' ? '1' : a,
    );
    const r = nin('train', ...args, '--out', run);
    assert.equal(r.code, 3, r.stderr);
    assertNoStackTrace(r.stderr);
    const lastLine = r.stderr.trim().split('\n').at(-1)!;
    const diverged =
      /^nin: error: the (?:loss|weights) became .* at epoch 1, step \d+ \(step (\d+) of the run\): training diverged\. Try a lower learning rate than 1e\+30, e\.g\. 1e\+29\. The last good checkpoint is kept: (\S+)\. Continue from it with a lower rate: nin train --resume (\S+) --lr 1e\+29$/.exec(
        lastLine,
      );
    assert.ok(diverged, lastLine);
    assert.equal(diverged[3], run);
    const kept = checkpoints(run);
    assert.equal(kept.at(-1)!.dir, diverged[2], 'the last good checkpoint is the newest one');
    assert.ok(
      kept.every((c) => c.step < Number(diverged[1])),
      'nothing of the diverged state was saved',
    );
    assertCheckpointsComplete(run);
  });
});
