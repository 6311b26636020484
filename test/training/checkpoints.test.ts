// Checkpoint files: each written whole or not at all (what a kill or a full disk leaves behind is never taken for
// a checkpoint), the newest K kept, a damaged one skipped on resume, and a full disk reported as an OutputError
// that leaves the previous files intact.
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { CheckpointStore } from '../../src/training/checkpoints.js';
import { writeFileDurably } from '../../src/training/durable_files.js';
import { NiN } from '../../src/model/nin.js';
import { findModelDir } from '../../src/training/find_model_dir.js';
import { loadModel, ModelFileError, saveModel } from '../../src/training/model_io.js';
import { OutputError } from '../../src/training/output_error.js';
import { RunDir } from '../../src/training/run_dir.js';
import { Trainer } from '../../src/training/trainer.js';
import { tinyDisk } from '../support/tiny_disk.js';

/** A small model: its checkpoints are a few KB. */
function smallNet(seed: number): tf.Sequential {
  const net = tf.sequential();
  net.add(tf.layers.dense({ inputShape: [4], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  return net;
}

describe('checkpoints', () => {
  let work: string;
  before(async () => {
    await useBackend('onednn');
    work = mkdtempSync(join(tmpdir(), 'nin-ckpt-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('lists complete checkpoints in run order and keeps the newest K', async () => {
    const store = new CheckpointStore(join(work, 'keep'), 3);
    for (const [step, epochEnd] of [
      [2, false],
      [4, false],
      [4, true],
      [6, false],
      [8, true],
    ] as const) {
      await store.write(smallNet(step), { step, epochEnd }, { 'state.json': `{"step":${step}}` });
    }
    assert.deepEqual(
      store.list().map((c) => [c.step, c.epochEnd]),
      [
        [4, true],
        [6, false],
        [8, true],
      ],
    );
    assert.deepEqual(readdirSync(store.dir).sort(), ['step-00000004-end', 'step-00000006', 'step-00000008-end']);
    assert.equal(readFileSync(join(store.dir, 'step-00000008-end', 'state.json'), 'utf8'), '{"step":8}');
  });

  it('never takes what a killed write left for a checkpoint, and clears it up', async () => {
    const store = new CheckpointStore(join(work, 'killed'));
    const good = await store.write(smallNet(1), { step: 3, epochEnd: false }, {});
    // a save killed before its rename: a temporary directory with a truncated weights file
    const half = join(store.dir, '.step-00000005.tmp-999999');
    cpSync(good, half, { recursive: true });
    truncateSync(join(half, 'weights.bin'), 7);
    assert.deepEqual(
      store.list().map((c) => c.dir),
      [good],
    );
    store.removeIncomplete();
    assert.deepEqual(readdirSync(store.dir), ['step-00000003']);
  });

  it('puts back a checkpoint whose replacement was killed between its two renames', async () => {
    const store = new CheckpointStore(join(work, 'replaced'));
    const dir = await store.write(smallNet(1), { step: 3, epochEnd: false }, {});
    renameSync(dir, `${dir}.old`); // saveModel moves the old version aside, then renames the new one in
    assert.deepEqual(store.list(), []);
    store.removeIncomplete();
    assert.deepEqual(
      store.list().map((c) => c.dir),
      [dir],
    );
  });

  it('resumes from the newest checkpoint that reads back, setting damaged ones aside', async () => {
    const store = new CheckpointStore(join(work, 'damaged'), 5);
    for (const step of [1, 2, 3]) await store.write(smallNet(step), { step, epochEnd: false }, {});
    truncateSync(join(store.dir, 'step-00000003', 'weights.bin'), 10); // bit rot, a bad disk
    const skipped: string[] = [];
    const found = await store.readNewest(
      async (dir) => (await loadModel(dir)).getWeights()[0]!.dataSync(),
      (dir, why) => skipped.push(`${dir}: ${why}`),
    );
    assert.equal(found?.dir, join(store.dir, 'step-00000002'));
    assert.deepEqual(found.value, smallNet(2).getWeights()[0]!.dataSync());
    assert.equal(skipped.length, 1);
    assert.match(
      skipped[0]!,
      /step-00000003: .*the weight files hold 10 bytes but model\.json describes 60: damaged model/,
    );
    assert.ok(existsSync(join(store.dir, 'step-00000003.damaged')));
    assert.deepEqual(
      store.list().map((c) => c.step),
      [1, 2],
    );
  });

  it('finds the model of a run still training: its newest checkpoint; a damaged model is a ModelFileError', async () => {
    const run = join(work, 'run');
    const store = new CheckpointStore(join(run, 'checkpoint'));
    await store.write(smallNet(1), { step: 1, epochEnd: false }, {});
    await store.write(smallNet(2), { step: 1, epochEnd: true }, {});
    assert.equal(findModelDir(run), join(run, 'checkpoint', 'step-00000001-end'));
    await saveModel(smallNet(3), join(run, 'model'));
    assert.equal(findModelDir(run), join(run, 'model'), 'the final model, once there is one');
    writeFileSync(join(run, 'model', 'model.json'), '{"modelTopology": {"broken"');
    await assert.rejects(
      loadModel(join(run, 'model')),
      (e: Error) => e instanceof ModelFileError && /unreadable model files/.test(e.message),
    );
    writeFileSync(join(run, 'model', 'model.json'), '{"weightsManifest": []}');
    await assert.rejects(
      loadModel(join(run, 'model')),
      (e: Error) => e instanceof ModelFileError && /not a model this tool can load/.test(e.message),
    );
  });

  it("refuses to resume an earlier version's single checkpoint/ rather than start over", async () => {
    const run = new RunDir(join(work, 'old-layout'));
    await saveModel(smallNet(1), run.checkpoint, { 'state.json': '{"epochsDone": 1}' });
    const trainer = new Trainer({ maxEpochs: 1, runDir: run, progress: false, log: () => {} });
    const data = {
      batchSize: 1,
      resize: 4,
      numTrainBatches: () => 1,
      numValBatches: () => 1,
      trainDataloader: async function* () {},
      valDataloader: async function* () {},
    };
    await assert.rejects(
      trainer.fit(new NiN({ resize: 67 }), data),
      (e: Error) =>
        e instanceof ModelFileError &&
        /holds a checkpoint of an earlier version of nin, which cannot be resumed/.test(e.message),
    );
  });

  it('a full disk: an OutputError naming the path, the previous file or model intact, no temporary left', async (t) => {
    const disk = tinyDisk(1);
    if (!disk) return t.skip('mounting a tmpfs needs root');
    try {
      const file = join(disk.dir, 'record.json');
      writeFileDurably(file, 'previous');
      assert.throws(
        () => writeFileDurably(file, new Uint8Array(2 ** 21)),
        (e: Error) =>
          e instanceof OutputError && e.message === `cannot write ${file}: no space left on the device (ENOSPC)`,
      );
      assert.equal(readFileSync(file, 'utf8'), 'previous');

      const modelDir = join(disk.dir, 'model');
      await saveModel(smallNet(1), modelDir);
      const big = tf.sequential({ layers: [tf.layers.dense({ inputShape: [512], units: 1024 })] }); // 2 MB of weights
      await assert.rejects(
        saveModel(big, modelDir),
        (e: Error) =>
          e instanceof OutputError &&
          e.message.startsWith(`cannot write ${modelDir}: no space left on the device (ENOSPC)`),
      );
      assert.deepEqual(
        (await loadModel(modelDir)).getWeights()[0]!.dataSync(),
        smallNet(1).getWeights()[0]!.dataSync(),
      );
      assert.deepEqual(readdirSync(disk.dir).sort(), ['model', 'record.json']);
    } finally {
      disk.unmount();
    }
  });

  it('an unwritable place: an OutputError that says why', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => writeFileDurably(join(file, 'x.json'), '{}'),
      (e: Error) =>
        e instanceof OutputError && /a part of the path is a file, not a directory \(ENOTDIR\)$/.test(e.message),
    );
  });
});
