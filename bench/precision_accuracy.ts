// `npm run build && node dist/bench/precision_accuracy.js [--resize 96] [--epochs 5] [--seeds 0,1,2]
//   [--precisions fp32,bf16] [--out runs/precision-accuracy]`
// Trains NiN the d2l way (SGD, lr 0.05, batch 128, full Fashion-MNIST) once per precision and seed with `nin train`,
// one run at a time, and prints each run's validation accuracy per epoch and the final bf16 − fp32 difference per
// seed. A run whose record already has all its epochs is reported, not trained again.
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

const finals = new Map<string, number>();
console.log(`| precision | seed | ${Array.from({ length: epochs }, (_, i) => `epoch ${i + 1}`).join(' | ')} | s/epoch |`);
console.log(`|---|---|${'---|'.repeat(epochs + 1)}`);
for (const seed of seeds) {
  for (const precision of precisions) {
    const dir = join(values.out!, `${precision}-seed${seed}`);
    if (epochsOf(dir).length < epochs) {
      const args = existsSync(join(dir, 'record.json'))
        ? ['train', '--resume', dir, '--epochs', String(epochs)]
        : ['train', '--resize', values.resize!, '--epochs', String(epochs), '--seed', String(seed), '--precision', precision, '--out', dir];
      const r = spawnSync(process.execPath, [nin, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error(`nin ${args.join(' ')} exited with ${r.status}`);
    }
    const run = epochsOf(dir).slice(0, epochs);
    finals.set(`${precision} ${seed}`, run.at(-1)!.valAcc);
    const secs = run.reduce((a, e) => a + e.seconds, 0) / run.length;
    console.log(`| ${precision} | ${seed} | ${run.map((e) => e.valAcc.toFixed(3)).join(' | ')} | ${secs.toFixed(0)} |`);
  }
}
if (precisions.includes('fp32') && precisions.includes('bf16')) {
  const diffs = seeds.map((s) => finals.get(`bf16 ${s}`)! - finals.get(`fp32 ${s}`)!);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(`\nfinal validation accuracy, bf16 − fp32 (points): ${diffs.map((d) => (100 * d).toFixed(1)).join(', ')}; ` +
    `mean over seeds: fp32 ${(100 * mean(seeds.map((s) => finals.get(`fp32 ${s}`)!))).toFixed(1)}, ` +
    `bf16 ${(100 * mean(seeds.map((s) => finals.get(`bf16 ${s}`)!))).toFixed(1)}`);
}
