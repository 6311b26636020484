// `npm run build && node dist/bench/addon_ab.js --baseline OLD.node [--candidate NEW.node] [--size 67] [--batch 128]
//   [--precision fp32] [--reps 20] [--json]`
// Two builds of the native addon, call by call, in one process. It records the convolution and max-pooling (forward
// and gradient) calls of NiN's training step (the Trainer's kernels on the onednn backend, as bench/conv_roofline.ts does), then
// replays each distinct call on both builds with the same random arrays, the two builds alternating call by call, so that
// a shared machine's drift hits both alike; per call the median of `reps` timings. A change to native/ is measured
// by building the addon before it (e.g. `git stash && node scripts/build-addon.mjs && cp build/Release/onednn.node
// /tmp/old.node && git stash pop && node scripts/build-addon.mjs`) and running this with --baseline /tmp/old.node. Both builds must link the same
// oneDNN; their outputs are compared too, so a faster build that computes something else is caught here.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

import { MaxPool, MaxPoolGrad } from '@tensorflow/tfjs-core';

import { CONV2D_BACKPROP_FILTER_BIAS } from '../src/engine/custom_kernels.js';
import { loadAddon, type OneDnnAddon } from '../src/engine/addon.js';
import { type Precision, useBackend } from '../src/engine/backend.js';
import { NiN } from '../src/model/nin.js';
import { mulberry32 } from '../src/util/seeded_random.js';
import { median } from '../src/training/stats.js';
import { syntheticBatch, trainStep } from '../src/training/throughput.js';
import { type ConvCall, convLabel, type MaxPoolCall, profileKernels } from './kernel_profile.js';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    candidate: { type: 'string' },
    size: { type: 'string', default: '67' },
    batch: { type: 'string', default: '128' },
    precision: { type: 'string', default: 'fp32' },
    reps: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
if (!values.baseline) {
  console.error('addon_ab: --baseline PATH is required: the build of the addon (a .node file) to compare against');
  process.exit(2);
}
const size = Number(values.size),
  batch = Number(values.batch),
  reps = Number(values.reps);
const precision = values.precision as Precision;
const bf16 = precision === 'bf16';

// Each build is loaded as its own module instance: separate primitive caches, the same oneDNN library. Without
// --candidate the candidate is the backend's own addon (build/Release, or NIN_ONEDNN_ADDON).
const load = (path: string) => createRequire(import.meta.url)(path) as OneDnnAddon;
const builds = {
  baseline: load(values.baseline),
  candidate: values.candidate ? load(values.candidate) : loadAddon(),
};
const candidateName = values.candidate ?? "the backend's addon";

// The calls of one training step, after a warm-up step.
await useBackend('onednn', { precision });
const model = new NiN({ resize: size, lr: 0.05, seed: 0 });
const step = trainStep(model, syntheticBatch(batch, size, model.numClasses), model.configureOptimizers());
step();
const { convolutions, maxPools } = profileKernels('onednn', step);

/** One distinct call: its arrays, and how to run it on a build into that build's outputs. */
interface Replay {
  direction: string;
  geometry: string;
  kernel: string;
  count: number;
  run: (addon: OneDnnAddon, outputs: Float32Array[]) => void;
  outputs: () => Float32Array[];
}
const random = mulberry32(1);
const filled = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
function replay(call: ConvCall): Omit<Replay, 'count'> {
  const g = call.info;
  const call_ = { direction: call.direction, geometry: convLabel(g), kernel: call.kernel };
  const src = g.batchSize * g.inHeight * g.inWidth * g.inChannels,
    dst = g.batchSize * g.outHeight * g.outWidth * g.outChannels,
    weights = g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
  switch (call.direction) {
    case 'forward': {
      const x = filled(src),
        w = filled(weights),
        b = call.fused?.bias ? filled(g.outChannels) : null;
      return {
        ...call_,
        outputs: () => [new Float32Array(dst)],
        run: (a, [y]) => a.conv2d(x, w, b, y!, g, call.fused?.relu ?? false, bf16),
      };
    }
    case 'data gradient': {
      const dy = filled(dst),
        w = filled(weights);
      return {
        ...call_,
        outputs: () => [new Float32Array(src)],
        run: (a, [dx]) => a.conv2dBackpropInput(dy, w, dx!, g, bf16),
      };
    }
    case 'filter gradient': {
      const x = filled(src),
        dy = filled(dst),
        withBias = call.kernel === CONV2D_BACKPROP_FILTER_BIAS;
      return {
        ...call_,
        outputs: () => [new Float32Array(weights), ...(withBias ? [new Float32Array(g.outChannels)] : [])],
        run: (a, [dw, db]) => a.conv2dBackpropFilter(x, dy, dw!, g, db ?? null, bf16),
      };
    }
  }
}

/** A max pooling, forward or gradient: x with random values (so ties, as after a ReLU, are rare), and dy. */
function replayMaxPool(call: MaxPoolCall): Omit<Replay, 'count'> {
  const g = call.info;
  const x = filled(g.batchSize * g.inHeight * g.inWidth * g.inChannels),
    y = g.batchSize * g.outHeight * g.outWidth * g.outChannels;
  const forward = call.kernel === MaxPool;
  const dy = forward ? undefined : filled(y);
  return {
    direction: forward ? 'max pooling' : 'max-pool gradient',
    geometry: `${g.inHeight}×${g.inWidth}×${g.inChannels} → ${g.outHeight}×${g.outWidth}, ${g.filterHeight}×${g.filterWidth}/${g.strideHeight}`,
    kernel: call.kernel,
    outputs: () => [new Float32Array(forward ? y : x.length)],
    run: dy ? (a, [dx]) => a.pool2dGrad('max', dy, x, dx!, g) : (a, [out]) => a.pool2d('max', x, out!, g),
  };
}

const replays = new Map<string, Replay>();
const add = (key: string, make: () => Omit<Replay, 'count'>) => {
  const r = replays.get(key);
  if (r) r.count++;
  else replays.set(key, { ...make(), count: 1 });
};
for (const c of convolutions) add(`${c.kernel} ${JSON.stringify(c.info)} ${JSON.stringify(c.fused)}`, () => replay(c));
// bf16 runs max pooling on bfloat16 storage, which this replay (float32 arrays) does not reach
if (!bf16) for (const p of maxPools) add(`${p.kernel} ${JSON.stringify(p.info)}`, () => replayMaxPool(p));

interface Row {
  direction: string;
  geometry: string;
  kernel: string;
  calls_per_step: number;
  baseline_ms: number;
  candidate_ms: number;
  speedup: number;
  /** the largest difference between the builds' outputs, relative to the baseline output's largest magnitude */
  max_relative_difference: number;
}
const rows: Row[] = [];
for (const r of replays.values()) {
  const out = { baseline: r.outputs(), candidate: r.outputs() };
  const ms = { baseline: [] as number[], candidate: [] as number[] };
  for (let i = 0; i < reps + 1; i++) {
    const order = i % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const);
    for (const build of order) {
      const t0 = performance.now();
      r.run(builds[build], out[build]);
      if (i > 0) ms[build].push(performance.now() - t0); // the first call of each builds its primitive
    }
  }
  let scale = 0,
    diff = 0;
  out.baseline.forEach((a, j) => {
    const b = out.candidate[j]!;
    for (let k = 0; k < a.length; k++) {
      scale = Math.max(scale, Math.abs(a[k]!));
      diff = Math.max(diff, Math.abs(a[k]! - b[k]!));
    }
  });
  const baselineMs = median(ms.baseline),
    candidateMs = median(ms.candidate);
  rows.push({
    direction: r.direction,
    geometry: r.geometry,
    kernel: r.kernel,
    calls_per_step: r.count,
    baseline_ms: baselineMs,
    candidate_ms: candidateMs,
    speedup: baselineMs / candidateMs,
    max_relative_difference: scale > 0 ? diff / scale : diff,
  });
}
const isPooling = (r: Row) => r.kernel === MaxPool || r.kernel === MaxPoolGrad;
const total = (k: 'baseline_ms' | 'candidate_ms', pooling: boolean) =>
  rows.filter((r) => isPooling(r) === pooling).reduce((s, r) => s + r[k] * r.calls_per_step, 0);
const perStep = (pooling: boolean) => ({
  baseline: total('baseline_ms', pooling),
  candidate: total('candidate_ms', pooling),
});
const summary = {
  size,
  batch,
  precision,
  reps,
  baseline: values.baseline,
  candidate: candidateName,
  rows,
  convolutions_per_step_ms: perStep(false),
  max_pooling_per_step_ms: perStep(true),
};
if (values.json) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  console.log(
    `NiN's training-step convolutions and max pooling at ${size}×${size}, batch ${batch}, ${precision}: ` +
      'two addon builds',
  );
  console.log(`baseline ${values.baseline}; candidate ${candidateName}; median of ${reps} alternating calls\n`);
  console.log(
    '| computation | geometry (per image) | kernel | baseline ms | candidate ms | speedup | max rel. difference |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.direction} | ${r.geometry} | ${r.kernel} | ${r.baseline_ms.toFixed(2)} | ${r.candidate_ms.toFixed(2)} | ` +
        `${r.speedup.toFixed(2)}× | ${r.max_relative_difference.toExponential(1)} |`,
    );
  for (const [label, { baseline, candidate }] of [
    ['all convolutions of a step', summary.convolutions_per_step_ms],
    ['all max pooling of a step (forward and gradient)', summary.max_pooling_per_step_ms],
  ] as const)
    if (baseline > 0)
      console.log(
        `| ${label} | | | **${baseline.toFixed(1)}** | **${candidate.toFixed(1)}** | ` +
          `**${(baseline / candidate).toFixed(2)}×** | |`,
      );
}
