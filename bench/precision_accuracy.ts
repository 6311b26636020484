// `npm run build && node dist/bench/precision_accuracy.js [--resize 96] [--epochs 5] [--seeds 0,1,2]
//   [--precisions fp32,bf16,fp32-avx2] [--out runs/precision-accuracy]`
// Trains NiN the d2l way (SGD, lr 0.05, batch 128, full Fashion-MNIST) once per precision and seed with `nin train`,
// one run at a time, and prints each run's validation accuracy per epoch, its last training loss and each final
// accuracy's difference from the fp32 run of the same seed. A run whose record already has all its epochs is
// reported, not trained again.
// `fp32-avx2` is the control: fp32 with oneDNN limited to its AVX2 kernels (DNNL_MAX_CPU_ISA=AVX2), the same
// arithmetic with the additions in another order, so it shows how far two runs drift apart from rounding alone.
// The last column lists the classes the final model never predicts on the test set: NiN's class scores come out of a
// ReLU, and once a class's score is 0 for every image no gradient flows back through it; only what other classes
// change can revive it. Each such "dead" class costs up to 10 points.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { EpochSummary } from '../src/training/trainer_state.js';

const { values } = parseArgs({
  options: {
    resize: { type: 'string', default: '96' },
    epochs: { type: 'string', default: '5' },
    seeds: { type: 'string', default: '0,1,2' },
    precisions: { type: 'string', default: 'fp32,bf16' },
    out: { type: 'string', default: 'runs/precision-accuracy' },
  },
});
const epochs = Number(values.epochs);
const seeds = values.seeds!.split(',').map(Number);
const precisions = values.precisions!.split(',');
const nin = new URL('../src/cli/nin.js', import.meta.url).pathname;

function epochsOf(dir: string): EpochSummary[] {
  const record = join(dir, 'record.json');
  return existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as { epochs: EpochSummary[] }).epochs : [];
}

/** The `nin train --precision` of a row, and its environment: the control row is fp32 on AVX2 kernels. */
const precisionOf = (row: string) => (row === 'fp32-avx2' ? 'fp32' : row);
const envOf = (row: string) => (row === 'fp32-avx2' ? { ...process.env, DNNL_MAX_CPU_ISA: 'AVX2' } : process.env);

/** The classes that the run's final model predicts for no test image (`nin eval`'s confusion matrix). */
function neverPredicted(dir: string, row: string): string[] {
  const r = spawnSync(process.execPath, [nin, 'eval', '--model', dir, '--json', '--precision', precisionOf(row)],
    { encoding: 'utf8', env: envOf(row), stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`nin eval --model ${dir} exited with ${r.status}`);
  const { confusion, labels } = JSON.parse(r.stdout) as { confusion: number[][]; labels: string[] };
  return labels.filter((_, c) => confusion.every((row) => row[c] === 0));
}

const finals = new Map<string, number>();
console.log(`| precision | seed | ${Array.from({ length: epochs }, (_, i) => `epoch ${i + 1}`).join(' | ')} | train loss | never predicted |`);
console.log(`|---|---|${'---|'.repeat(epochs + 2)}`);
for (const seed of seeds) {
  for (const precision of precisions) {
    const dir = join(values.out!, `${precision}-seed${seed}`);
    if (epochsOf(dir).length < epochs) {
      const args = existsSync(join(dir, 'record.json'))
        ? ['train', '--resume', dir, '--epochs', String(epochs)]
        : ['train', '--resize', values.resize!, '--epochs', String(epochs), '--seed', String(seed), '--precision', precisionOf(precision), '--out', dir];
      const r = spawnSync(process.execPath, [nin, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: envOf(precision) });
      if (r.status !== 0) throw new Error(`nin ${args.join(' ')} exited with ${r.status}`);
    }
    const run = epochsOf(dir).slice(0, epochs);
    finals.set(`${precision} ${seed}`, run.at(-1)!.valAcc);
    const dead = epochs === epochsOf(dir).length ? neverPredicted(dir, precision).join(', ') || '–' : '(model has more epochs)';
    console.log(`| ${precision} | ${seed} | ${run.map((e) => e.valAcc.toFixed(3)).join(' | ')} | ${run.at(-1)!.trainLoss.toFixed(3)} | ${dead} |`);
  }
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const points = (v: number) => (100 * v).toFixed(1);
if (precisions.includes('fp32')) {
  for (const row of precisions.filter((p) => p !== 'fp32')) {
    const diffs = seeds.map((s) => finals.get(`${row} ${s}`)! - finals.get(`fp32 ${s}`)!);
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean(diffs)) ** 2, 0) / Math.max(1, diffs.length - 1));
    console.log(`final validation accuracy, ${row} − fp32 (points): ${diffs.map(points).join(', ')}; ` +
      `mean ${points(mean(diffs))}, standard deviation ${points(sd)}; mean accuracy over seeds ` +
      `${points(mean(seeds.map((s) => finals.get(`${row} ${s}`)!)))} against ${points(mean(seeds.map((s) => finals.get(`fp32 ${s}`)!)))}`);
  }
}
