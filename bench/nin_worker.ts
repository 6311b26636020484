// One benchmark round in a fresh process: times NiN training or inference steps on a TF.js backend and prints one
// JSON object (the same fields as bench/torch_nin.py). Run by bench/bench.ts; a fresh process per round makes the
// peak RSS that of this configuration alone.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { type Precision, setNumThreads, useBackend } from '../src/engine/backend.js';
import { NiN } from '../src/model/nin.js';
import { median } from '../src/training/stats.js';
import { inferStep, syntheticBatch, timeSteps, trainStep } from '../src/training/throughput.js';

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
let profile: { kernel: string; calls: number; ms: number }[] | undefined;
if (values.profile) {
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const k of tf.getKernelsForBackend(backendName)) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const out = inner(args);
        const e = totals.get(k.kernelName) ?? { calls: 0, ms: 0 };
        e.calls++;
        e.ms += performance.now() - t0;
        totals.set(k.kernelName, e);
        return out;
      },
    });
  }
  const t0 = performance.now();
  step();
  const total = performance.now() - t0;
  profile = [...totals.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
  profile.push({ kernel: '(step wall time)', calls: 1, ms: total });
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
