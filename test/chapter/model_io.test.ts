// Saved models are TF.js LayersModel files that stock tf.loadLayersModel reads, with identical predictions.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import { saveModel } from '../../src/training/model_io.js';

describe('saved models', () => {
  it('save → stock tf.loadLayersModel (from the files alone) → identical logits', async () => {
    await useBackend('onednn');
    const dir = mkdtempSync(join(tmpdir(), 'nin-model-'));
    try {
      const model = new NiN({ resize: 96, seed: 3 });
      await saveModel(model.net, join(dir, 'model'));
      const json = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8'));
      assert.equal(json.format, 'layers-model');
      assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
      const weights = readFileSync(join(dir, 'model', 'weights.bin'));
      assert.equal(weights.byteLength, 1_992_166 * 4, 'every parameter, float32');
      // The plain TF.js API, given only what is in the two files:
      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory(json.modelTopology, json.weightsManifest[0].weights, new Uint8Array(weights).buffer),
      );
      const x = tf.randomUniform([3, 96, 96, 1], 0, 1, 'float32', 5);
      const expected = (model.net.predict(x) as tf.Tensor).dataSync();
      const actual = (loaded.predict(x) as tf.Tensor).dataSync();
      assert.deepEqual(actual, expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
