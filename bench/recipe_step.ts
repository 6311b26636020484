// `npm run build && node dist/bench/recipe_step.js [--model nin] [--resize 67] [--batch 128] [--precision bf16]
//   [--steps 10]`
// What a recipe's optimizer costs, in one run: for d2l's SGD, TF.js's own Adam, the recipes' AdamW (its update
// kernel native, and the same kernel's JS loop as its peer), AdamW with a weight average (`--ema`: the average's
// update after each step) and Nesterov SGD, the time of one update of the model's weights alone (random gradients)
// and of a whole training step (forward, loss, backward, update) on a synthetic batch, medians of `--steps` after
// warm-up, with ratios to SGD.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { type Precision, useBackend } from '../src/engine/backend.js';
import { ADAMW_UPDATE } from '../src/engine/custom_kernels.js';
import { adamwUpdateConfig } from '../src/engine/kernels/AdamWUpdate.js';
import { MODEL_NAMES, MODELS, type ModelName } from '../src/model/zoo.js';
import { makeOptimizer } from '../src/training/optimizers.js';
import { median } from '../src/training/stats.js';
import { WeightAverage } from '../src/training/weight_average.js';
import { syntheticBatch, timeSteps } from '../src/training/throughput.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'nin' },
    resize: { type: 'string', default: '67' },
    batch: { type: 'string', default: '128' },
    precision: { type: 'string', default: 'fp32' },
    steps: { type: 'string', default: '10' },
  },
});
const resize = Number(values.resize),
  batchSize = Number(values.batch),
  steps = Number(values.steps);
await useBackend('onednn', { precision: values.precision as Precision });
const modelName = values.model as ModelName;
if (!MODEL_NAMES.includes(modelName)) throw new Error(`--model: one of ${MODEL_NAMES.join(', ')}`);

/** Runs `fn` with onednn's native AdamWUpdate unregistered: the optimizer then runs the kernel's JS loop. */
async function withoutNativeAdamW<T>(fn: () => Promise<T> | T): Promise<T> {
  tf.unregisterKernel(ADAMW_UPDATE, 'onednn');
  try {
    return await fn();
  } finally {
    tf.registerKernel(adamwUpdateConfig);
  }
}

const adamw = () => makeOptimizer({ optimizer: 'adamw', lr: 0.002, momentum: 0, weightDecay: 0.05 });
/** One row of the table: its optimizer; `jsLoop` runs AdamW's update kernel as its JS loop, `averageDecay` adds a
 * weight average's update after every step. */
interface Row {
  name: string;
  make: () => tf.Optimizer;
  jsLoop?: boolean;
  averageDecay?: number;
}
const optimizers: Row[] = [
  { name: 'sgd (d2l)', make: () => tf.train.sgd(0.05) },
  { name: 'tf.train.adam', make: () => tf.train.adam(0.002) },
  { name: 'adamw (native kernel)', make: adamw },
  { name: 'adamw (JS loop)', make: adamw, jsLoop: true },
  { name: 'adamw + weight average 0.998', make: adamw, averageDecay: 0.998 },
  {
    name: 'nesterov',
    make: () => makeOptimizer({ optimizer: 'nesterov', lr: 0.005, momentum: 0.9, weightDecay: 0.05 }),
  },
];
const batch = syntheticBatch(batchSize, resize, 10);
const rows: { name: string; update: number; step: number }[] = [];
for (const row of optimizers) {
  rows.push(await (row.jsLoop ? withoutNativeAdamW(() => timeOptimizer(row)) : timeOptimizer(row)));
}

function timeOptimizer({ name, make, averageDecay }: Row): { name: string; update: number; step: number } {
  const model = MODELS[modelName].create({ resize, seed: 0, init: 'he' });
  const weights = model.net.trainableWeights.map((w) => w.read() as tf.Variable);
  const average = averageDecay === undefined ? undefined : new WeightAverage(model.net, averageDecay);
  let updates = 0;
  const updater = make();
  const updateMs: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const gradients = weights.map((w) => ({ name: w.name, tensor: tf.randomNormal(w.shape) }));
    const t0 = performance.now();
    updater.applyGradients(gradients);
    average?.update(updates++);
    if (i >= 2) updateMs.push(performance.now() - t0); // after 2 warm-up updates
    tf.dispose(gradients.map((g) => g.tensor));
  }
  const optimizer = make();
  const step = timeSteps(
    () => {
      const { loss } = model.trainingStep(batch, optimizer);
      average?.update(updates++);
      return loss;
    },
    2,
    steps,
  );
  average?.dispose();
  model.net.dispose();
  return { name, update: median(updateMs), step: 1000 * median(step.seconds) };
}

const sgd = rows[0]!;
console.log(
  `${MODELS[modelName].label} at ${resize}×${resize}, batch ${batchSize}, ${values.precision} on onednn; medians of ${steps} steps\n`,
);
console.log('| optimizer | update ms | training step ms | step vs sgd | img/s |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.update.toFixed(1)} | ${r.step.toFixed(1)} | ${(r.step / sgd.step).toFixed(2)}× | ${(batchSize / (r.step / 1000)).toFixed(0)} |`,
  );
}
