// The Trainer on a small in-memory data module: d2l's metric schedule, no tensor leaks across steps and epochs,
// checkpoints that a new Trainer resumes from, and divergence reported with the step and a remedy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { mulberry32 } from '../../src/data/shuffle.js';
import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import { RunDir } from '../../src/training/run_dir.js';
import { type DataBatch, type DataModule, DivergenceError, Trainer } from '../../src/training/trainer.js';

const RESIZE = 67;

/** Random images and labels: tiny and deterministic. */
function toyData(batches: number, batchSize = 8): DataModule {
  const make = (seed: number): DataBatch[] => {
    const rand = mulberry32(seed);
    return Array.from({ length: batches }, () => {
      const x = new Float32Array(batchSize * RESIZE * RESIZE).map(() => rand() * 0.5);
      const y = new Int32Array(batchSize).map(() => Math.floor(rand() * 10));
      return { x, y, size: batchSize, dataMs: 0 };
    });
  };
  const train = make(1), val = make(2);
  async function* iterate(items: DataBatch[]) { yield* items; }
  return {
    batchSize, resize: RESIZE,
    numTrainBatches: () => train.length, numValBatches: () => val.length,
    trainDataloader: () => iterate(train), valDataloader: () => iterate(val),
  };
}

describe('Trainer', () => {
  it("records d2l's metrics (2 train points, 1 val point per epoch) without leaking tensors", async () => {
    await useBackend('onednn');
    const model = new NiN({ resize: RESIZE, lr: 0.05, seed: 1 });
    const tensorsPerEpoch: number[] = [];
    const trainer = new Trainer({ maxEpochs: 3, progress: false, log: () => tensorsPerEpoch.push(tf.memory().numTensors) });
    const summaries = await trainer.fit(model, toyData(4));
    assert.equal(summaries.length, 3);
    assert.equal(new Set(tensorsPerEpoch).size, 1, `tensor count per epoch ${tensorsPerEpoch}`);
    const train = trainer.board.series('train_loss'), val = trainer.board.series('val_acc');
    assert.deepEqual(train.map((p) => p.epoch), [0.125, 0.625, 1.125, 1.625, 2.125, 2.625]);
    assert.deepEqual(val.map((p) => p.epoch), [1, 2, 3]);
    assert.ok(summaries.every((s) => Number.isFinite(s.trainLoss) && s.valAcc >= 0 && s.valAcc <= 1));
  });

  it('writes a checkpoint each epoch that a new Trainer resumes from, with the same weights', async () => {
    await useBackend('onednn');
    const dir = mkdtempSync(join(tmpdir(), 'nin-trainer-'));
    try {
      const run = new RunDir(dir);
      const model = new NiN({ resize: RESIZE, lr: 0.05, seed: 2 });
      await new Trainer({ maxEpochs: 1, runDir: run, progress: false, log: () => {} }).fit(model, toyData(2));
      const trained = model.net.getWeights().map((w) => w.dataSync().slice());

      const fresh = new NiN({ resize: RESIZE, lr: 0.05, seed: 99 });
      const lines: string[] = [];
      const resumed = new Trainer({ maxEpochs: 1, runDir: run, progress: false, log: (l) => lines.push(l) });
      const summaries = await resumed.fit(fresh, toyData(2)); // nothing left to train: only the restore runs
      assert.match(lines[0]!, /resumed from .* after epoch 1/);
      assert.equal(summaries.length, 1, 'the earlier epoch summary is restored');
      fresh.net.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), trained[i]));
      assert.equal(resumed.board.series('val_loss').length, 1, 'metrics so far are restored');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops with the step and a lower-learning-rate hint when the loss is not finite', async () => {
    await useBackend('onednn');
    const model = new NiN({ resize: RESIZE, lr: 1e30, seed: 3 });
    const trainer = new Trainer({ maxEpochs: 1, progress: false, log: () => {} });
    await assert.rejects(trainer.fit(model, toyData(6)), (err: Error) =>
      err instanceof DivergenceError && /at epoch 1, step \d+/.test(err.message) && /lower learning rate/.test(err.message));
  });
});
