// `npm run build && node dist/bench/conv_roofline.js [--size 224] [--batch 128] [--precision bf16] [--steps 2]
//   [--peak GFLOPS] [--threads T] [--json]`
// How close NiN's convolutions run to the best rate oneDNN reaches on this machine. It times every convolution
// call of NiN's training step (forward, data gradient, filter gradient: the kernels the Trainer runs, on the onednn
// backend) and turns each into GFLOP/s; then, in the same process, it times large convolutions whose shapes suit
// oneDNN's kernels best (many channels on 28×28 maps, the same batch) and takes their fastest rate as the
// reference. The ratio of the two says how much faster the step's convolutions could get at most with kernels that
// ran every layer as well as oneDNN runs its favourite shapes — which bounds what any engine calling them can gain.
// With --peak (the CPU's own arithmetic peak, from bench/cpu_peak.cc) each rate is also read against that.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';
import { Conv2DBackpropFilter, Conv2DBackpropInput } from '@tensorflow/tfjs-core';

import { conv2DInfo } from '../src/engine/geometry.js';
import { engineInfo, type Precision, setNumThreads, useBackend } from '../src/engine/backend.js';
import { NiN } from '../src/model/nin.js';
import { median } from '../src/training/stats.js';
import { syntheticBatch, timeSteps, trainStep } from '../src/training/throughput.js';
import { type ConvDirection, convFlop, convLabel, profileKernels } from './kernel_profile.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '224' },
    batch: { type: 'string', default: '128' },
    precision: { type: 'string', default: 'bf16' },
    steps: { type: 'string', default: '2' },
    threads: { type: 'string' },
    peak: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const size = Number(values.size),
  batch = Number(values.batch),
  steps = Number(values.steps);
const precision = values.precision as Precision;

await useBackend('onednn', { precision });
if (values.threads) setNumThreads(Number(values.threads));

// NiN's training step, profiled: two warm-up steps (oneDNN builds its primitives on first use), then `steps` steps.
const model = new NiN({ resize: size, lr: 0.05, seed: 0 });
const step = trainStep(model, syntheticBatch(batch, size, model.numClasses), model.configureOptimizers());
step();
step();
let stepMs = 0;
const { totals, convolutions } = profileKernels('onednn', () => {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  stepMs = (performance.now() - t0) / steps;
});
const kernelMs = totals.reduce((s, k) => s + k.ms, 0) / steps;

// One row per (direction, geometry): a layer's forward, data gradient or filter gradient, per step (or one
// reference call).
interface Row {
  direction: ConvDirection;
  geometry: string;
  ms: number;
  gflop: number;
}
const rows = new Map<string, Row>();
for (const c of convolutions) {
  const key = `${c.direction} ${c.geometry}`;
  const r = rows.get(key) ?? { direction: c.direction, geometry: c.geometry, ms: 0, gflop: 0 };
  r.ms += c.ms / steps;
  r.gflop += c.flop / 1e9 / steps;
  rows.set(key, r);
}

// The reference: large convolutions on 28×28 maps at the same batch, each computation timed (median of 3 after
// one warm-up call); the fastest rate of them all is what oneDNN reaches on this machine at best.
/** Milliseconds of one call of `f`: the median of 3 after one warm-up call. */
const timeCall = (f: () => tf.Tensor) =>
  median(
    timeSteps(
      () => {
        f().dispose();
        return 0;
      },
      1,
      3,
    ).seconds,
  ) * 1000;
const references: Row[] = [];
for (const [k, cin, cout] of [
  [3, 256, 256],
  [1, 512, 512],
] as const) {
  const map = 28;
  const x = tf.randomNormal([batch, map, map, cin], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.randomNormal([k, k, cin, cout], 0, 0.05, 'float32', 4) as tf.Tensor4D;
  const dy = tf.randomNormal([batch, map, map, cout], 0, 1, 'float32', 5) as tf.Tensor4D;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined } as const;
  const info = conv2DInfo(x.shape, w.shape, attrs);
  const geometry = convLabel(info),
    gflop = convFlop(info) / 1e9;
  const calls: [ConvDirection, () => tf.Tensor][] = [
    ['forward', () => tf.conv2d(x, w, 1, 'same')],
    [
      'data gradient',
      () =>
        tf.engine().runKernel(Conv2DBackpropInput, { dy, filter: w }, {
          ...attrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ],
    [
      'filter gradient',
      () =>
        tf.engine().runKernel(Conv2DBackpropFilter, { x, dy }, {
          ...attrs,
          filterShape: w.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ],
  ];
  for (const [direction, f] of calls) references.push({ direction, geometry, ms: timeCall(f), gflop });
  tf.dispose([x, w, dy]);
}
const rate = (r: { gflop: number; ms: number }) => r.gflop / (r.ms / 1000);
const best = Math.max(...references.map(rate));

const convMs = [...rows.values()].reduce((s, r) => s + r.ms, 0);
const convGflop = [...rows.values()].reduce((s, r) => s + r.gflop, 0);
/** The step if its convolutions ran at `gflops` and everything else stayed as it is. */
const ceiling = (gflops: number) => {
  const convolutions_ms = (convGflop / gflops) * 1000;
  const step_ms = stepMs - convMs + convolutions_ms;
  return { gflop_per_s: gflops, convolutions_ms, step_ms, step_speedup: stepMs / step_ms };
};
const ceilings = {
  reference: ceiling(best),
  ...(values.peak ? { peak: ceiling(Number(values.peak)) } : {}),
};
const summary = {
  size,
  batch,
  precision,
  threads: engineInfo()?.threads,
  step_ms: stepMs,
  kernels_ms: kernelMs,
  convolutions_ms: convMs,
  convolutions_gflop: convGflop,
  convolutions_gflop_per_s: convGflop / (convMs / 1000),
  ceilings,
};

if (values.json) {
  console.log(JSON.stringify({ ...summary, layers: [...rows.values()], references }, null, 1));
} else {
  const f1 = (n: number) => n.toFixed(1);
  const shares = (gflops: number) =>
    Object.values(ceilings).map((c) => `${((gflops / c.gflop_per_s) * 100).toFixed(0)} %`);
  const names = Object.keys(ceilings).map((name) => `of the ${name} rate`);
  console.log(`NiN training step at ${size}×${size}, batch ${batch}, ${precision}, onednn (mean of ${steps} steps)\n`);
  console.log(`| computation | geometry (per image) | ms per step | GFLOP | GFLOP/s | ${names.join(' | ')} |`);
  console.log(`|---|---|---|---|---|${names.map(() => '---|').join('')}`);
  for (const r of rows.values())
    console.log(
      `| ${r.direction} | ${r.geometry} | ${f1(r.ms)} | ${f1(r.gflop)} | ${rate(r).toFixed(0)} | ` +
        `${shares(rate(r)).join(' | ')} |`,
    );
  console.log(
    `| all convolutions | | **${f1(convMs)}** | ${f1(convGflop)} | ${summary.convolutions_gflop_per_s.toFixed(0)} | ` +
      `${shares(summary.convolutions_gflop_per_s)
        .map((s) => `**${s}**`)
        .join(' | ')} |`,
  );
  console.log('\nreference (the same batch; median of 3 calls after a warm-up):\n');
  console.log('| computation | geometry (per image) | ms | GFLOP | GFLOP/s |');
  console.log('|---|---|---|---|---|');
  for (const r of references)
    console.log(`| ${r.direction} | ${r.geometry} | ${f1(r.ms)} | ${f1(r.gflop)} | ${rate(r).toFixed(0)} |`);
  console.log(
    `\nstep ${f1(stepMs)} ms (kernels ${f1(kernelMs)}), of which convolutions ${f1(convMs)} ms ` +
      `(${((convMs / stepMs) * 100).toFixed(1)} %)`,
  );
  for (const [name, c] of Object.entries(ceilings))
    console.log(
      `at the ${name} rate of ${c.gflop_per_s.toFixed(0)} GFLOP/s the convolutions would take ` +
        `${f1(c.convolutions_ms)} ms and the step ${f1(c.step_ms)} ms (${c.step_speedup.toFixed(2)}× faster)`,
    );
}
