// `npm run build && node dist/bench/bf16_gradients.js`
// How far the onednn backend's bf16 gradients of NiN are from its fp32 ones, per weight, at initialisation (input
// size 67, batch 32, same weights, input, labels and dropout mask): the numbers behind the gradient check of
// test/training/bf16_training.test.ts. bench/torch_bf16_gradients.py prints the same for PyTorch's autocast.
// The control column perturbs fp32 by rounding only the input images to bf16 (≤ 2⁻⁹ of each pixel): a ReLU or a
// max pool whose inputs nearly tie decides the other way, and the gradient behind it moves as a whole, so even that
// moves the first layers' gradients by about a tenth. bf16 rounds every layer's inputs.
import * as tf from '@tensorflow/tfjs';

import { loadAddon } from '../src/engine/addon.js';
import { type Precision, useBackend } from '../src/engine/backend.js';
import { NiN } from '../src/model/nin.js';
import { syntheticBatch } from '../src/training/throughput.js';

async function gradients(
  precision: Precision,
  roundInput = false,
): Promise<{ shape: number[]; values: Float32Array }[]> {
  await useBackend('onednn', { precision });
  const model = new NiN({ resize: 67, lr: 0.05, seed: 1 });
  const batch = syntheticBatch(32, 67, model.numClasses);
  const x = roundInput ? tf.tensor4d(roundedToBf16(batch.x.dataSync() as Float32Array), batch.x.shape) : batch.x;
  model.beginStep(0);
  const { grads } = tf.variableGrads(() => model.loss(model.forward(x, true), batch.y));
  return model.net.trainableWeights.map((w) => ({
    shape: w.shape as number[],
    values: grads[w.name]!.dataSync() as Float32Array,
  }));
}

/** `values` rounded to bf16 (to nearest even), by the backend's own conversion. */
function roundedToBf16(values: Float32Array): Float32Array {
  const addon = loadAddon(),
    bits = new Uint16Array(values.length),
    rounded = new Float32Array(values.length);
  addon.toBf16(values, bits);
  addon.fromBf16(bits, rounded);
  return rounded;
}

/** ‖b − a‖ / ‖a‖ and the cosine of a and b */
function compare(a: Float32Array, b: Float32Array): string {
  let diff = 0,
    norm = 0,
    dot = 0,
    normB = 0;
  a.forEach((v, j) => {
    diff += (v - b[j]!) ** 2;
    norm += v * v;
    dot += v * b[j]!;
    normB += b[j]! ** 2;
  });
  return `${Math.sqrt(diff / norm).toFixed(3)}  ${(dot / Math.sqrt(norm * normB)).toFixed(4)}`;
}

const fp32 = await gradients('fp32'),
  bf16 = await gradients('bf16'),
  control = await gradients('fp32', true);
console.log(`${'weight'.padEnd(23)} bf16: rel. diff, cosine   fp32, input rounded to bf16: rel. diff, cosine`);
fp32.forEach(({ shape, values }, i) => {
  console.log(
    `${String(i).padStart(2)} ${`[${shape.join(', ')}]`.padEnd(20)} ${compare(values, bf16[i]!.values).padEnd(26)}` +
      compare(values, control[i]!.values),
  );
});
