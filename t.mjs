import * as tf from '@tensorflow/tfjs';
import { useBackend } from './dist/src/engine/backend.js';
import { MODELS } from './dist/src/model/zoo.js';
await useBackend('cpu');
const totals = new Map();
for (const k of tf.getKernelsForBackend('cpu')) {
  const inner = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'cpu');
  tf.registerKernel({ ...k, kernelFunc: (a) => { const t0 = performance.now(); const o = inner(a); totals.set(k.kernelName, (totals.get(k.kernelName) ?? 0) + performance.now() - t0); return o; } });
}
const model = MODELS.alexnet.create({ resize: 67, seed: 3 });
const x = tf.randomUniform([4, 67, 67, 1], 0, 1, 'float32', 5);
const y = tf.tensor1d([0, 3, 7, 9], 'int32');
const { value, grads } = tf.variableGrads(() => model.loss(model.forward(x, false), y));
value.dataSync();
console.log([...totals].sort((a,b)=>b[1]-a[1]).slice(0,6));
