// `npm run build && node dist/bench/bf16_gradients.js`
// How far the onednn backend's bf16 gradients of NiN are from its fp32 ones, per weight, at initialisation (input
// size 67, batch 32, same weights, input, labels and dropout mask): the numbers behind the gradient check of
// test/chapter/bf16_training.test.ts. bench/torch_bf16_gradients.py prints the same for PyTorch's autocast.
import * as tf from '@tensorflow/tfjs';

import { type Precision, useBackend } from '../src/engine/backend.js';
import { NiN } from '../src/model/nin.js';
import { syntheticBatch } from '../src/training/throughput.js';

async function gradients(precision: Precision): Promise<{ shape: number[]; values: Float32Array }[]> {
  await useBackend('onednn', { precision });
  const model = new NiN({ resize: 67, lr: 0.05, seed: 1 });
  const batch = syntheticBatch(32, 67, model.numClasses);
  model.beginStep(0);
  const { grads } = tf.variableGrads(() => model.loss(model.forward(batch.x, true), batch.y));
  return model.net.trainableWeights.map((w) => ({ shape: w.shape as number[], values: grads[w.name]!.dataSync() as Float32Array }));
}

const fp32 = await gradients('fp32'), bf16 = await gradients('bf16');
fp32.forEach(({ shape, values: a }, i) => {
  const b = bf16[i]!.values;
  let diff = 0, norm = 0, dot = 0, normB = 0;
  a.forEach((v, j) => {
    diff += (v - b[j]!) ** 2;
    norm += v * v;
    dot += v * b[j]!;
    normB += b[j]! ** 2;
  });
  console.log(`${String(i).padStart(2)} ${`[${shape.join(', ')}]`.padEnd(20)} relative difference ` +
    `${Math.sqrt(diff / norm).toFixed(3)}  cosine ${(dot / Math.sqrt(norm * normB)).toFixed(4)}`);
});
