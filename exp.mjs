import * as tf from '@tensorflow/tfjs';
import { useBackend } from './dist/src/engine/backend.js';
import { NiN } from './dist/src/model/nin.js';
import { FashionMNIST } from './dist/src/data/index.js';
const [lr, batch, resize, steps, seed] = process.argv.slice(2).map(Number);
await useBackend('onednn');
const data = new FashionMNIST({ batchSize: batch, resize, seed: seed ?? 0, progress: false });
await data.prepare();
const model = new NiN({ resize, lr, seed: seed ?? 0 });
const opt = model.configureOptimizers();
let i = 0, sl = 0, sa = 0; const t0 = Date.now();
outer: for (let epoch = 0; ; epoch++) for await (const b of data.trainDataloader(epoch)) {
  const x = tf.tensor4d(b.x, b.shape), y = tf.tensor1d(b.y, 'int32');
  const m = model.trainingStep({ x, y }, opt); tf.dispose([x, y]);
  sl += m.loss; sa += m.acc; i++;
  if (i % 50 === 0) { console.log(`step ${i} loss ${(sl/50).toFixed(4)} acc ${(sa/50).toFixed(3)} t ${((Date.now()-t0)/1000).toFixed(0)}s`); sl = sa = 0; }
  if (i >= steps) break outer;
}
data.close();
