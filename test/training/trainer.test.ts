// The Trainer on a small in-memory data module: d2l's metric schedule, no tensor leaks across steps and epochs,
// checkpoints that a new Trainer resumes from exactly (mid-epoch, mid-plot-window, mid-validation), divergence
// reported with the step and a remedy while the last good checkpoint is kept, and flat memory over many epochs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import * as tf from '@tensorflow/tfjs';

import { mulberry32 } from '../../src/util/seeded_random.js';
import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import { CheckpointStore } from '../../src/training/checkpoints.js';
import type { MetricPoint } from '../../src/training/progress_board.js';
import { RunDir } from '../../src/training/run_dir.js';
import { type DataBatch, type DataModule, Trainer, type TrainerOptions } from '../../src/training/trainer.js';
import { DivergenceError, TrainingInterrupted } from '../../src/training/training_stopped.js';

const RESIZE = 67;

/** Hooks to stop a run at a chosen place: called as each train/val batch is handed out. */
interface Hooks {
  onTrainBatch?(epoch: number, index: number): void;
  onValBatch?(index: number): void;
}

/** Random images and labels: tiny and deterministic; epoch e's batches in an order of its own, as a shuffle would. */
function toyData(batches: number, batchSize = 8, hooks: Hooks = {}): DataModule {
  const make = (seed: number): DataBatch[] => {
    const rand = mulberry32(seed);
    return Array.from({ length: batches }, () => {
      const x = new Float32Array(batchSize * RESIZE * RESIZE).map(() => rand() * 0.5);
      const y = new Int32Array(batchSize).map(() => Math.floor(rand() * 10));
      return { x, y, size: batchSize, dataMs: 0 };
    });
  };
  const train = make(1),
    val = make(2);
  async function* trainBatches(epoch: number, start = 0) {
    for (let i = start; i < batches; i++) {
      hooks.onTrainBatch?.(epoch, i);
      yield train[(i + epoch) % batches]!;
    }
  }
  async function* valBatches() {
    for (const [i, batch] of val.entries()) {
      hooks.onValBatch?.(i);
      yield batch;
    }
  }
  return {
    batchSize,
    resize: RESIZE,
    numTrainBatches: () => train.length,
    numValBatches: () => val.length,
    trainDataloader: trainBatches,
    valDataloader: valBatches,
  };
}

function withTempRun<T>(body: (run: RunDir) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'nin-trainer-'));
  return body(new RunDir(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const quiet: Pick<TrainerOptions, 'progress' | 'log'> = { progress: false, log: () => {} };

function weightsOf(model: NiN): Float32Array[] {
  return model.net.getWeights().map((w) => w.dataSync() as Float32Array);
}

function assertPointsClose(actual: MetricPoint[], expected: MetricPoint[]): void {
  assert.deepEqual(
    actual.map((p) => [p.name, p.epoch]),
    expected.map((p) => [p.name, p.epoch]),
  );
  actual.forEach((p, i) => {
    const e = expected[i]!.value;
    assert.ok(Math.abs(p.value - e) <= 1e-5 * Math.abs(e), `${p.name} at ${p.epoch}: ${p.value} vs ${e}`);
  });
}

describe('Trainer', () => {
  it("records d2l's metrics (2 train points, 1 val point per epoch) without leaking tensors", async () => {
    await useBackend('onednn');
    const model = new NiN({ resize: RESIZE, lr: 0.05, seed: 1 });
    const tensorsPerEpoch: number[] = [];
    const trainer = new Trainer({
      maxEpochs: 3,
      progress: false,
      log: () => tensorsPerEpoch.push(tf.memory().numTensors),
    });
    const summaries = await trainer.fit(model, toyData(4));
    assert.equal(summaries.length, 3);
    assert.equal(new Set(tensorsPerEpoch).size, 1, `tensor count per epoch ${tensorsPerEpoch}`);
    const train = trainer.board.series('train_loss'),
      val = trainer.board.series('val_acc');
    assert.deepEqual(
      train.map((p) => p.epoch),
      [0.125, 0.625, 1.125, 1.625, 2.125, 2.625],
    );
    assert.deepEqual(
      val.map((p) => p.epoch),
      [1, 2, 3],
    );
    assert.ok(summaries.every((s) => Number.isFinite(s.trainLoss) && s.valAcc >= 0 && s.valAcc <= 1));
  });

  it('writes a checkpoint each epoch that a new Trainer resumes from, with the same weights', async () => {
    await useBackend('onednn');
    await withTempRun(async (run) => {
      const model = new NiN({ resize: RESIZE, lr: 0.05, seed: 2 });
      await new Trainer({ maxEpochs: 1, runDir: run, ...quiet }).fit(model, toyData(2));
      const trained = weightsOf(model);
      assert.deepEqual(
        new CheckpointStore(run.checkpoint).list().map((c) => [c.step, c.epochEnd]),
        [[2, true]],
      );

      const fresh = new NiN({ resize: RESIZE, lr: 0.05, seed: 99 });
      const lines: string[] = [];
      const resumed = new Trainer({ maxEpochs: 1, runDir: run, progress: false, log: (l) => lines.push(l) });
      const summaries = await resumed.fit(fresh, toyData(2)); // nothing left to train: only the restore runs
      assert.match(lines[0]!, /resumed from .*step-00000002-end after epoch 1 \(step 2\)/);
      assert.equal(summaries.length, 1, 'the earlier epoch summary is restored');
      weightsOf(fresh).forEach((w, i) => assert.deepEqual(w, trained[i]));
      assert.equal(resumed.board.series('val_loss').length, 1, 'metrics so far are restored');
    });
  });

  it('resumed after interruptions mid-plot-window and mid-validation, gives exactly the uninterrupted run', async () => {
    await useBackend('onednn');
    const EPOCHS = 3,
      BATCHES = 6; // a train point every 3 batches, so batch 4 is in the middle of a window
    const options = (run: RunDir, signal?: AbortSignal): TrainerOptions => ({
      maxEpochs: EPOCHS,
      runDir: run,
      signal,
      ...quiet,
    });
    const model = () => new NiN({ resize: RESIZE, lr: 0.1, seed: 4 });

    const reference = await withTempRun(async (run) => {
      const m = model();
      const trainer = new Trainer(options(run));
      const summaries = await trainer.fit(m, toyData(BATCHES));
      const optimizer = readFileSync(join(trainer.lastCheckpoint!, 'optimizer.bin'));
      return { summaries, points: trainer.board.points, weights: weightsOf(m), optimizer };
    });

    await withTempRun(async (run) => {
      // 1. stopped after epoch 1, batch 4 (the abort comes as batch 4 is handed out; the step finishes first)
      let stop = new AbortController();
      const first = new Trainer(options(run, stop.signal));
      await assert.rejects(
        first.fit(model(), toyData(BATCHES, 8, { onTrainBatch: (e, i) => e === 0 && i === 3 && stop.abort('test') })),
        (err: Error) =>
          err instanceof TrainingInterrupted &&
          /interrupted \(test\) at epoch 1, batch 4 of 6 \(step 4\)/.test(err.message),
      );
      assert.match(first.lastCheckpoint!, /step-00000004$/);
      // 2. resumed, then stopped in the middle of epoch 2's validation: dropped, the checkpoint is before it
      stop = new AbortController();
      const lines: string[] = [];
      const second = new Trainer({ ...options(run, stop.signal), log: (l) => lines.push(l) });
      await assert.rejects(
        second.fit(
          model(),
          toyData(BATCHES, 8, { onValBatch: (i) => i === 3 && second.epoch === 1 && stop.abort('test') }),
        ),
        TrainingInterrupted,
      );
      assert.match(lines[0]!, /resumed from .*step-00000004 in epoch 1 after batch 4 of 6 \(step 4\)/);
      assert.match(second.lastCheckpoint!, /step-00000012$/, 'epoch 2 trained, not validated');
      // 3. resumed to the end, by a model initialised differently: everything comes from the checkpoint
      const m = new NiN({ resize: RESIZE, lr: 0.1, seed: 4 });
      m.net.setWeights(new NiN({ resize: RESIZE, seed: 5 }).net.getWeights());
      const third = new Trainer(options(run));
      const summaries = await third.fit(m, toyData(BATCHES));

      assertPointsClose(third.board.points, reference.points);
      const onDisk = readFileSync(run.metricsJsonl, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as MetricPoint);
      assertPointsClose(onDisk, reference.points);
      for (const key of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const) {
        assert.deepEqual(
          summaries.map((s) => s[key]),
          reference.summaries.map((s) => s[key]),
          key,
        );
      }
      weightsOf(m).forEach((w, i) => assert.deepEqual(w, reference.weights[i], `weight ${i}`));
      assert.deepEqual(
        readFileSync(join(third.lastCheckpoint!, 'optimizer.bin')),
        reference.optimizer,
        'optimizer state (iterations)',
      );
    });
  });

  it('stops with the step and a lower-learning-rate hint when the loss is not finite, keeping the last good checkpoint', async () => {
    await useBackend('onednn');
    await withTempRun(async (run) => {
      await new Trainer({ maxEpochs: 1, runDir: run, ...quiet }).fit(
        new NiN({ resize: RESIZE, lr: 0.05, seed: 3 }),
        toyData(3),
      );
      const store = new CheckpointStore(run.checkpoint);
      const [good] = store.list();
      const weightsBefore = readFileSync(join(good!.dir, 'weights.bin'));

      const exploding = new NiN({ resize: RESIZE, lr: 1e30, seed: 3 });
      const trainer = new Trainer({ maxEpochs: 2, runDir: run, checkpointEvery: 1, ...quiet });
      let diverged: DivergenceError | undefined;
      await assert.rejects(trainer.fit(exploding, toyData(3)), (err: Error) => {
        diverged = err as DivergenceError;
        return (
          err instanceof DivergenceError &&
          /(loss became (NaN|-?Infinity)|weights became NaN or infinite) at epoch 2, step \d+ \(step \d+ of the run\): training diverged/.test(
            err.message,
          ) &&
          /lower learning rate than 1e\+30, e\.g\. 1e\+29/.test(err.message) &&
          err.message.includes(`The last good checkpoint is kept: ${err.lastGoodCheckpoint}.`)
        );
      });
      // kept: the epoch-1 checkpoint and any written before the step that diverged, all with finite weights
      const kept = store.list();
      assert.equal(kept.at(-1)!.dir, diverged!.lastGoodCheckpoint);
      const divergedAt = Number(/\(step (\d+) of the run\)/.exec(diverged!.message)![1]);
      assert.ok(
        kept.every((c) => c.step < divergedAt),
        `no checkpoint at or after step ${divergedAt}: ${kept.map((c) => c.step)}`,
      );
      assert.ok(kept.some((c) => c.dir === good!.dir));
      assert.deepEqual(readFileSync(join(good!.dir, 'weights.bin')), weightsBefore);
      for (const c of kept)
        assert.ok(
          new Float32Array(new Uint8Array(readFileSync(join(c.dir, 'weights.bin'))).buffer).every(Number.isFinite),
        );
    });
  });

  it('keeps tensor count and RSS flat over many epochs with checkpoints', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await useBackend('onednn');
    await withTempRun(async (run) => {
      const tensors: number[] = [],
        rss: number[] = [];
      const log = (line: string) => {
        if (!line.startsWith('epoch')) return;
        gc();
        tensors.push(tf.memory().numTensors);
        rss.push(process.memoryUsage().rss / 2 ** 20);
      };
      const trainer = new Trainer({
        maxEpochs: 8,
        runDir: run,
        checkpointEvery: 2,
        keepCheckpoints: 2,
        progress: false,
        log,
      });
      await trainer.fit(new NiN({ resize: RESIZE, lr: 0.05, seed: 6 }), toyData(4, 16));
      if (process.env.NIN_TEST_REPORT) console.log(`# RSS per epoch (MB): ${rss.map((r) => r.toFixed(0)).join(' ')}`);
      assert.equal(new Set(tensors).size, 1, `tensor count per epoch ${tensors}`);
      const grown = Math.max(...rss.slice(2)) - rss[1]!;
      assert.ok(
        grown < 50,
        `RSS grew by ${grown.toFixed(1)} MB from epoch 2 to 8 (${rss.map((r) => r.toFixed(0)).join(' ')})`,
      );
      assert.equal(new CheckpointStore(run.checkpoint).list().length, 2, '--keep 2');
      assert.ok(!existsSync(join(run.checkpoint, 'step-00000002')), 'old checkpoints are removed');
    });
  });
});
