// Registering the onednn backend changes no other backend's gradients: cpu keeps TF.js's own Relu gradient (which
// saves the ReLU's input), onednn uses the engine's (which saves its output); both give the same values.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBackend } from '../../src/engine/backend.js';
import { setup } from './helpers.js';

before(() => setup());

/** d/dx of sum(relu(x) · w), and what the Relu gradient in force saves. */
function reluGradient() {
  const config = tf.getGradient(tf.Relu)!;
  const saves = { inputs: config.inputsToSave ?? [], outputs: config.outputsToSave ?? [] };
  const x = tf.tensor1d([-2, -0.5, 0, 0.5, 3]),
    w = tf.tensor1d([1, 2, 3, 4, 5]);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), w)))(x);
  return { saves, dx: Array.from(dx.dataSync()) };
}

describe("the engine's gradients and other backends", () => {
  it("cpu keeps TF.js's Relu gradient after onednn is registered; onednn uses its own; the values agree", async () => {
    await useBackend('cpu');
    const cpu = reluGradient();
    assert.deepEqual(cpu.saves, { inputs: ['x'], outputs: [] }, "TF.js's: the input x");
    await useBackend('onednn');
    const onednn = reluGradient();
    assert.deepEqual(onednn.saves, { inputs: [], outputs: [true] }, "the engine's: the output y");
    assert.deepEqual(cpu.dx, [0, 0, 0, 4, 5]);
    assert.deepEqual(onednn.dx, cpu.dx);
  });
});
