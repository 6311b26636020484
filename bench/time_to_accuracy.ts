// `node dist/bench/time_to_accuracy.js [--resize 67] [--epochs 3] [--seeds 0] [--precision bf16] [--target 0.9]
//   [--workers 2] [--python /usr/bin/python3] [--out runs/time-to-accuracy]`
// Wall time from the first training step to a test accuracy ≥ --target (evaluated after every epoch), ours
// (`nin train --recipe robust`) against PyTorch with the same recipe and a DataLoader with workers
// (bench/torch_time_to_accuracy.py), one after the other for each seed in one run, and the ratio. Both count
// training and the per-epoch evaluation, neither the start-up before the first step (ours also leaves out its
// checkpoint writes). Resumable: a finished system and seed is read back from --out, not run again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import type { EpochSummary } from '../src/training/trainer_state.js';
import { formatDuration } from '../src/util/progress_bar.js';
import { mean, pct } from './summary.js';

const { values } = parseArgs({
  options: {
    resize: { type: 'string', default: '67' },
    epochs: { type: 'string', default: '3' },
    seeds: { type: 'string', default: '0' },
    precision: { type: 'string', default: 'bf16' },
    target: { type: 'string', default: '0.9' },
    workers: { type: 'string', default: '2' },
    python: { type: 'string', default: '/usr/bin/python3' },
    out: { type: 'string', default: 'runs/time-to-accuracy' },
  },
});
const target = Number(values.target);
const seeds = values.seeds!.split(',').map(Number);
const nin = fileURLToPath(new URL('../src/cli/nin.js', import.meta.url));
const torchScript = fileURLToPath(new URL('../../bench/torch_time_to_accuracy.py', import.meta.url));

/** Test accuracy after each epoch and the seconds from the first step to its end. */
interface Curve {
  system: 'ours' | 'pytorch';
  seed: number;
  epochs: { epoch: number; valAcc: number; seconds: number }[];
}

function spawn(command: string, args: string[]): string {
  process.stderr.write(`time-to-accuracy: ${command} ${args.join(' ')}\n`);
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}`);
  return r.stdout;
}

/** The budget both systems get, as both take it on their command lines. */
const budget = (seed: number) => [
  '--resize',
  values.resize!,
  '--epochs',
  values.epochs!,
  '--seed',
  String(seed),
  '--precision',
  values.precision!,
];

function ours(seed: number): Curve {
  const dir = join(values.out!, `ours-seed${seed}`);
  const resume = existsSync(join(dir, 'record.json')); // interrupted: the record keeps each finished epoch's time
  spawn(
    process.execPath,
    resume ? [nin, 'train', '--resume', dir] : [nin, 'train', '--recipe', 'robust', ...budget(seed), '--out', dir],
  );
  const { epochs } = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { epochs: EpochSummary[] };
  let seconds = 0;
  return {
    system: 'ours',
    seed,
    epochs: epochs.map((e) => {
      seconds += e.seconds; // wall time since the first step
      return { epoch: e.epoch, valAcc: e.valAcc, seconds };
    }),
  };
}

function pytorch(seed: number): Curve {
  const args = [torchScript, ...budget(seed), '--workers', values.workers!, '--cache', join(values.out!, 'torch-data')];
  const lines = spawn(values.python!, args).trim().split('\n');
  return { system: 'pytorch', seed, epochs: lines.map((line) => JSON.parse(line) as Curve['epochs'][number]) };
}

function measured(system: Curve['system'], seed: number): Curve {
  const file = join(values.out!, `${system}-seed${seed}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Curve;
  const curve = system === 'ours' ? ours(seed) : pytorch(seed);
  writeFileSync(file, `${JSON.stringify(curve, null, 2)}\n`);
  return curve;
}

/** Seconds to the first epoch at or above the target, or undefined when no epoch reaches it. */
const timeToTarget = (c: Curve) => c.epochs.find((e) => e.valAcc >= target)?.seconds;

mkdirSync(values.out!, { recursive: true });
const curves = seeds.flatMap((seed) => [measured('ours', seed), measured('pytorch', seed)]);
const lines = [
  `NiN, recipe robust, ${values.resize}×${values.resize}, ${values.epochs} epochs, batch 128, ${values.precision}; ` +
    `wall time from the first step to test accuracy ≥ ${target} (evaluated after every epoch)`,
  '',
  '| seed | system | test accuracy after each epoch (%) | time to target | whole run |',
  '|---|---|---|---|---|',
];
const ratios: number[] = [];
for (const seed of seeds) {
  const pair = curves.filter((c) => c.seed === seed);
  for (const c of pair) {
    const t = timeToTarget(c);
    lines.push(
      `| ${seed} | ${c.system} | ${c.epochs.map((e) => pct(e.valAcc)).join(', ')} | ${t === undefined ? 'not reached' : formatDuration(t)} | ${formatDuration(c.epochs.at(-1)!.seconds)} |`,
    );
  }
  const [a, b] = pair.map(timeToTarget);
  if (a !== undefined && b !== undefined) ratios.push(b / a);
}
lines.push(
  '',
  ratios.length
    ? `PyTorch's time to ${target} ÷ ours: ${ratios.map((r) => r.toFixed(2)).join(', ')} (mean ${mean(ratios).toFixed(2)})`
    : `No seed where both reached ${target}: no ratio.`,
);
const table = `${lines.join('\n')}\n`;
writeFileSync(join(values.out!, 'time_to_accuracy.md'), table);
console.log(table);
