// `nin export --format onnx`: every model of the zoo as an ONNX file that ONNX Runtime (its wasm build, offline in
// Node) runs to the same logits as TF.js, within 1e-4 on 100 Fashion-MNIST test images; the metadata travels with
// it; layers without an ONNX mapping are refused by name.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';

import { imagesToModelInput } from '../../src/data/model_input.js';
import { readFashionMnistSplit } from '../../src/data/read_split.js';
import { useBackend } from '../../src/engine/backend.js';
import { ONNX_INPUT, OnnxExportError, toOnnx } from '../../src/export/onnx_export.js';
import { MODEL_NAMES, MODELS } from '../../src/model/zoo.js';
import { saveModel } from '../../src/training/model_io.js';
import { nin } from '../support/nin_cli.js';

const SIDE = 67;
const IMAGES = 100;
ort.env.wasm.numThreads = 1;

async function ortLogits(
  onnx: Uint8Array,
  x: Float32Array,
): Promise<{ logits: Float32Array; dims: readonly number[]; names: [readonly string[], readonly string[]] }> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const out = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x, [IMAGES, SIDE, SIDE, 1]) });
    const logits = out.logits!;
    return { logits: logits.data as Float32Array, dims: logits.dims, names: [session.inputNames, session.outputNames] };
  } finally {
    await session.release();
  }
}

describe('ONNX export', () => {
  let x: Float32Array;
  const dirs: string[] = [];
  before(async () => {
    await useBackend('onednn');
    const test = await readFashionMnistSplit('test', { limit: IMAGES });
    x = imagesToModelInput(test.images, 0, IMAGES, SIDE);
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  for (const name of MODEL_NAMES) {
    it(`${name}: ONNX Runtime gives TF.js's logits within 1e-4 on ${IMAGES} test images`, async (t) => {
      const model = MODELS[name].create({ resize: SIDE, seed: 5, init: 'he', lastBias: 1 }).net;
      const expected = tf.tidy(
        () => (model.predict(tf.tensor4d(x, [IMAGES, SIDE, SIDE, 1])) as tf.Tensor).dataSync() as Float32Array,
      );
      const { logits, dims, names } = await ortLogits(toOnnx(model, { producerVersion: 'test' }), x);
      model.dispose();
      assert.deepEqual(dims, [IMAGES, 10]);
      assert.deepEqual(names, [[ONNX_INPUT], ['logits']]);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - logits[i]!));
      t.diagnostic(`${name}: largest |TF.js − ONNX Runtime| = ${worst.toExponential(1)}`);
      assert.ok(worst <= 1e-4, `largest |TF.js − ONNX Runtime| = ${worst}`);
      assert.ok(
        expected.some((v) => Math.abs(v) > 0.05),
        'the logits are not all ~0 (the comparison means something)',
      );
    });
  }

  it('nin export writes model.onnx beside a saved model, with its metadata; bad formats and missing models exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nin-onnx-'));
    dirs.push(dir);
    const model = MODELS.nin.create({ resize: SIDE, seed: 1 }).net;
    await saveModel(model, join(dir, 'model'));
    model.dispose();
    const r = nin('export', '--model', dir);
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, 'model', 'model.onnx');
    assert.ok(existsSync(file));
    assert.match(r.stdout, /ONNX opset 13, .* input 'image' \[batch, 67, 67, 1\] → output 'logits' \[batch, 10\]/);
    const text = readFileSync(file).toString('latin1');
    for (const s of ['classLabels', '"ankle boot"', 'pixelScale', 'NHWC'])
      assert.ok(text.includes(s), `metadata_props carry ${s}`);
    assert.equal(nin('export', '--model', dir, '--format', 'tflite').code, 2);
    assert.equal(nin('export', '--model', join(dir, 'nothing-here')).code, 2);
  });

  it('refuses a layer it has no mapping for, naming it, rather than writing a different model', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
        tf.layers.batchNormalization({ name: 'bn' }),
      ],
    });
    assert.throws(
      () => toOnnx(model, { producerVersion: 'test' }),
      (e: Error) => e instanceof OnnxExportError && /'bn' \(BatchNormalization\)/.test(e.message),
    );
    model.dispose();
  });
});
