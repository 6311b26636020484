import * as tf from '@tensorflow/tfjs';
import { useBackend, setPrecision } from './dist/src/engine/backend.js';
import { NiN } from './dist/src/model/nin.js';
import { syntheticBatch, trainStep, inferStep, timeSteps } from './dist/src/training/throughput.js';
await useBackend('onednn');
const size = Number(process.argv[2] ?? 224), bs = Number(process.argv[3] ?? 32);
for (const p of ['fp32', 'bf16', 'fp32', 'bf16']) {
  setPrecision(p);
  const m = new NiN({ resize: size, lr: 0.05, seed: 0 });
  const b = syntheticBatch(bs, size, 10);
  const opt = m.configureOptimizers();
  const t = timeSteps(trainStep(m, b, opt), 1, 3);
  const i = timeSteps(inferStep(m, b), 1, 3);
  console.log(p, 'train', t.seconds.map(s => (bs/s).toFixed(1)).join(' '), 'loss', t.last.toFixed(4), 'infer', i.seconds.map(s => (bs/s).toFixed(1)).join(' '), i.last);
  m.net.dispose();
}
