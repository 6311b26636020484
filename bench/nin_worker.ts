// One benchmark round in a fresh process: times NiN training or inference steps on a TF.js backend and prints one
// JSON object (the same fields as bench/torch_nin.py). Run by bench/bench.ts; a fresh process per round makes the
// peak RSS that of this configuration alone.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { type Precision, setNumThreads, useBackend } from '../src/engine/backend.js';
import { NiN } from '../src/model/nin.js';
import { median } from '../src/training/stats.js';
import { inferStep, syntheticBatch, timeSteps, trainStep } from '../src/training/throughput.js';
import { type KernelTotal, profileKernels } from './kernel_profile.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'train' },
    batch: { type: 'string', default: '32' },
    size: { type: 'string', default: '224' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string' },
    backend: { type: 'string', default: 'onednn' },
    profile: { type: 'boolean', default: false },
    precision: { type: 'string', default: 'fp32' },
  },
});
const mode = values.mode as 'train' | 'infer';
const batch = Number(values.batch),
  size = Number(values.size);
const steps = Number(values.steps),
  warmup = Number(values.warmup);
const backendName = values.backend as 'onednn' | 'cpu';

await useBackend(backendName, { precision: values.precision as Precision });
if (values.threads && backendName === 'onednn') setNumThreads(Number(values.threads));
const model = new NiN({ resize: size, lr: 0.05, seed: 0 });
const net = model.net;
const optimizer = model.configureOptimizers();
const batchData = syntheticBatch(batch, size, model.numClasses);
// The library's own training step (forward, softmax cross-entropy, backward, SGD update), as the Trainer runs it.
const step = mode === 'train' ? trainStep(model, batchData, optimizer) : inferStep(model, batchData);
const { seconds, last } = timeSteps(step, warmup, steps);

// Per-kernel time of one more step: every kernel of the backend wrapped with a timer.
let profile: KernelTotal[] | undefined;
if (values.profile) {
  const t0 = performance.now();
  profile = profileKernels(backendName, step).totals;
  profile.push({ kernel: '(step wall time)', calls: 1, ms: performance.now() - t0 });
}

const rates = seconds.map((s) => batch / s);
console.log(
  JSON.stringify({
    framework: `tfjs-${backendName}`,
    precision: values.precision,
    mode,
    batch,
    size,
    threads: Number(values.threads ?? 0) || undefined,
    step_seconds: seconds,
    median_step_s: median(seconds),
    img_per_s_median: batch / median(seconds),
    img_per_s_min: Math.min(...rates),
    img_per_s_max: Math.max(...rates),
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    params: net.countParams(),
    ...(mode === 'train' ? { final_loss: last } : {}),
    tensors: tf.memory().numTensors,
    profile,
  }),
);
