// The chapter's model: the seed's layer walk, the parameter count, d2l's Classifier semantics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { leafLayers } from '../../src/model/cost.js';
import { NiN } from '../../src/model/nin.js';

// The ten shapes the chapter prints for a 1×224×224×1 input (seed: "Sequential output shape: (1, 54, 54, 96)" …)
const SEED_SHAPES = [
  '(1, 54, 54, 96)',
  '(1, 26, 26, 96)',
  '(1, 26, 26, 256)',
  '(1, 12, 12, 256)',
  '(1, 12, 12, 384)',
  '(1, 5, 5, 384)',
  '(1, 5, 5, 384)',
  '(1, 5, 5, 10)',
  '(1, 1, 1, 10)',
  '(1, 10)',
];

describe('NiN', () => {
  it("walks a 1×224×224×1 input through exactly the seed's ten shapes", async () => {
    await useBackend('onednn');
    const lines = new NiN().layerSummary([1, 224, 224, 1]);
    assert.deepEqual(
      lines.map((l) => l.replace(/^.* output shape: /, '')),
      SEED_SHAPES,
    );
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]),
      [
        'Sequential',
        'MaxPooling2D',
        'Sequential',
        'MaxPooling2D',
        'Sequential',
        'MaxPooling2D',
        'Dropout',
        'Sequential',
        'AveragePooling2D',
        'Flatten',
      ],
    );
  });

  it('has 1,992,166 parameters and no dense layer', () => {
    const model = new NiN();
    assert.equal(model.countParams(), 1_992_166);
    assert.ok(!leafLayers(model.net).some((l) => l.getClassName() === 'Dense'));
    assert.equal(model.lr, 0.1); // the seed's class default
    assert.equal(model.numClasses, 10);
  });

  it('uses dropout in training only, and a seed reproduces the initial weights', () => {
    const a = new NiN({ resize: 96, seed: 7 }),
      b = new NiN({ resize: 96, seed: 7 });
    const wa = a.net.getWeights(),
      wb = b.net.getWeights();
    wa.forEach((w, i) => assert.deepEqual(w.dataSync(), wb[i]!.dataSync()));
    const biases = wa.filter((w) => w.shape.length === 1);
    assert.ok(
      biases.every((bias) => bias.dataSync().every((v) => v === 0)),
      'biases start at zero',
    );
    const x = tf.randomUniform([2, 96, 96, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const eval1 = a.forward(x, false).dataSync(),
      eval2 = a.forward(x, false).dataSync();
    assert.deepEqual(eval1, eval2, 'inference is deterministic');
    // with dropout active the 384 pre-classifier activations are masked differently on each call
    const train1 = a.forward(x, true).dataSync(),
      train2 = a.forward(x, true).dataSync();
    assert.notDeepEqual(train1, train2, 'training-mode forward applies a fresh dropout mask');
  });

  it("draws each step's dropout masks from (seed, step): repeatable, new each step, saved as a stock Dropout", () => {
    const a = new NiN({ resize: 96, seed: 7 }),
      b = new NiN({ resize: 96, seed: 7 });
    const x = tf.randomUniform([2, 96, 96, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const atStep = (model: NiN, step: number) => {
      model.beginStep(step);
      return model.forward(x, true).dataSync();
    };
    const five = atStep(a, 5);
    assert.deepEqual(atStep(a, 5), five, 'the same step draws the same masks');
    assert.deepEqual(atStep(b, 5), five, 'in another model (a resumed run) too');
    assert.notDeepEqual(atStep(a, 6), five, 'the next step draws new masks');
    const dropout = a.net.layers.find((l) => l.getClassName() === 'Dropout')!;
    assert.equal(dropout.getConfig().rate, 0.5);
  });

  it('computes softmax cross-entropy and accuracy on integer labels', () => {
    const model = new NiN({ resize: 96 });
    const logits = tf.tensor2d([
      [10, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 10, 0, 0, 0, 0, 0, 0, 0],
    ]);
    const y = tf.tensor1d([0, 1], 'int32');
    assert.equal(model.accuracy(logits, y).dataSync()[0], 0.5);
    const expected = (Math.log(9 + Math.exp(10)) - 10 + Math.log(9 + Math.exp(10)) - 0) / 2;
    assert.ok(Math.abs(model.loss(logits, y).dataSync()[0]! - expected) < 1e-4);
  });
});
