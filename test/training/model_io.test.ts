// Saved models are TF.js LayersModel files that stock tf.loadLayersModel reads, with identical predictions.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import { TEXT_LABELS } from '../../src/data/text_labels.js';
import { registerFileUrls } from '../../src/training/file_urls.js';
import { loadModel, saveModel } from '../../src/training/model_io.js';
import { nin } from '../support/nin_cli.js';

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

  it('model.json says what the model is (labels, input, pixel scale, layout, logits), and the tools check it', async () => {
    await useBackend('onednn');
    const dir = mkdtempSync(join(tmpdir(), 'nin-model-'));
    try {
      const model = new NiN({ resize: 67, seed: 3 });
      await saveModel(model.net, join(dir, 'model'));
      const file = join(dir, 'model', 'model.json');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(json.userDefinedMetadata, {
        model: 'NiN',
        classLabels: [...TEXT_LABELS],
        inputShape: [67, 67, 1],
        layout: 'NHWC',
        pixelScale: 1 / 255,
        output: 'logits',
      });
      assert.deepEqual(
        (await loadModel(join(dir, 'model'))).getUserDefinedMetadata(),
        json.userDefinedMetadata,
        'loaded back',
      );
      assert.equal(nin('eval', '--model', join(dir, 'model'), '--limit-test', '16').code, 0);

      writeFileSync(
        file,
        JSON.stringify({ ...json, userDefinedMetadata: { ...json.userDefinedMetadata, pixelScale: 1 } }),
      );
      const r = nin('eval', '--model', join(dir, 'model'), '--limit-test', '16');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^nin: error: the model cannot be used here: it scales pixels by 1, not 1\/255\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('file:// URLs (registered by the library, as tfjs-node does)', () => {
  it("model.save('file://DIR') and tf.loadLayersModel('file://DIR/model.json') round-trip a NiN in Node", async () => {
    registerFileUrls();
    await useBackend('onednn');
    const dir = mkdtempSync(join(tmpdir(), 'nin-file-url-'));
    try {
      const model = new NiN({ resize: 67, seed: 4 });
      await model.net.save(`file://${dir}/saved`);
      assert.ok(existsSync(join(dir, 'saved', 'model.json')) && existsSync(join(dir, 'saved', 'weights.bin')));
      const x = tf.randomUniform([2, 67, 67, 1], 0, 1, 'float32', 6);
      const expected = (model.net.predict(x) as tf.Tensor).dataSync();
      for (const url of [`file://${dir}/saved/model.json`, `file://${dir}/saved`]) {
        const loaded = await tf.loadLayersModel(url);
        assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), expected, url);
      }
      await assert.rejects(tf.loadLayersModel(`file://${dir}/nothing-here/model.json`), /no model\.json in/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
