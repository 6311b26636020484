// `npm run study -- --recipes d2l,robust --seeds 0,1,2,3,4 [--resize 67] [--epochs 5] [--precisions fp32,bf16,fp32-avx2]
//   [--model nin] [--batch-size 128] [--limit-train N] [--limit-test N] [--out runs/study]`
// Evidence over seeds: trains every recipe × precision × seed with `nin train`, one run at a time, then evaluates
// each final model with `nin eval` (test accuracy with and without flip test-time augmentation, dead classes,
// classes never predicted) and writes and prints the table: per seed, mean ± standard deviation, min, wall time.
// Resumable: a run whose record has all its epochs is only evaluated again, an interrupted one continues with
// `nin train --resume` (exactly where its newest checkpoint left it), so rerun the same command after a stop (Ctrl-C
// stops the run in progress with a checkpoint, then the study).
//
// A recipe is a preset with optional changes, `robust:flip=off,translate=0` (the `nin train` options without
// their dashes), so an ablation is a list of them. `fp32-avx2` is fp32 with oneDNN held to its AVX2 kernels
// (DNNL_MAX_CPU_ISA=AVX2) and direct convolutions (NIN_WINOGRAD=off): the same arithmetic with the additions in
// another order (on a CPU without AVX-512, where fp32 runs 3×3 and 5×5 layers as Winograd, direct against
// Winograd), the control for how far two runs of a seed drift apart from rounding alone; every other precision is
// reported against fp32 beside it.
// A recipe with a weight average (`ema=D`) trains exactly as without it, and each of its epochs validates the last
// weights too, so the study prints what the average changes, seed by seed, with no other difference between the two.
// Every further recipe is reported against the first, seed by seed: the same seed gives the same initial weights, and
// with the same batch size the same data order and dropout masks, so the pair differs in the recipe's change alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { SIGNAL_EXIT_CODES } from '../src/cli/stop_on_signals.js';
import type { EpochSummary } from '../src/training/trainer_state.js';
import { formatDuration } from '../src/util/progress_bar.js';
import { mean, pairedDifferences, pct, sd } from './summary.js';

const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: 'robust' },
    seeds: { type: 'string', default: '0,1,2,3,4' },
    precisions: { type: 'string', default: 'fp32' },
    model: { type: 'string', default: 'nin' },
    resize: { type: 'string', default: '67' },
    epochs: { type: 'string', default: '5' },
    'batch-size': { type: 'string', default: '128' },
    'limit-train': { type: 'string' },
    'limit-test': { type: 'string' },
    out: { type: 'string', default: 'runs/study' },
  },
});
const epochs = Number(values.epochs);
const seeds = values.seeds!.split(',').map(Number);
// recipes are separated by commas, except the commas between one recipe's changes
const recipes = values.recipes!.split(/;|\s+|,(?![^:,]*=)/).filter(Boolean);
const precisions = values.precisions!.split(',');
const nin = new URL('../src/cli/nin.js', import.meta.url).pathname;

/** `robust:flip=off,translate=0` → ['--recipe', 'robust', '--flip', 'off', '--translate', '0']. */
function recipeArgs(spec: string): string[] {
  const [preset, changes] = spec.split(':') as [string, string | undefined];
  const args = ['--recipe', preset];
  for (const change of changes ? changes.split(',') : []) {
    const [key, value] = change.split('=');
    if (!key || value === undefined) throw new Error(`recipe '${spec}': '${change}' is not key=value`);
    args.push(`--${key}`, value);
  }
  return args;
}

const precisionOf = (row: string) => (row === 'fp32-avx2' ? 'fp32' : row);
const envOf = (row: string) =>
  row === 'fp32-avx2' ? { ...process.env, DNNL_MAX_CPU_ISA: 'AVX2', NIN_WINOGRAD: 'off' } : process.env;
const slug = (s: string) => s.replace(/[^a-z0-9.=-]+/gi, '_');

interface RunResult {
  recipe: string;
  precision: string;
  seed: number;
  dir: string;
  /** validation accuracy after each epoch, as the run saw it (with the recipe's TTA setting) */
  valAcc: number[];
  /** under a weight average: the last weights' validation accuracy after each epoch (valAcc is the average's) */
  valAccLastWeights?: number[];
  trainLoss: number;
  /** the final model on the test split */
  testAcc: number;
  testAccTta: number;
  deadClasses: string[];
  neverPredicted: string[];
  /** training and validation wall time of all epochs (resumed parts included) */
  seconds: number;
  /** wall time of the `nin train` command, start to exit, when this study ran it in one go */
  commandSeconds?: number;
}

function epochsOf(dir: string): EpochSummary[] {
  const record = join(dir, 'record.json');
  return existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as { epochs: EpochSummary[] }).epochs : [];
}

// Ctrl-C in a terminal reaches the `nin` command in progress too (one process group): it stops after its current
// step, writes a checkpoint and exits with 130. The study waits for that instead of dying first, then says how to go on.
process.on('SIGINT', () => {});
const stoppedBySignal = new Set(Object.values(SIGNAL_EXIT_CODES));

function run(args: string[], env: NodeJS.ProcessEnv, capture = false): string {
  const r = spawnSync(process.execPath, [nin, ...args], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', capture ? 'pipe' : 'ignore', 'inherit'],
    maxBuffer: 1 << 24,
  });
  // killed by the signal before it could catch it (while starting), or stopped by it with a checkpoint
  if (r.signal === 'SIGINT' || r.signal === 'SIGTERM' || (r.status !== null && stoppedBySignal.has(r.status))) {
    process.stderr.write(`study: stopped; the runs so far are kept: run the same command again to continue\n`);
    process.exit(r.status ?? SIGNAL_EXIT_CODES[r.signal!]!);
  }
  if (r.status !== 0) throw new Error(`nin ${args.join(' ')} exited with ${r.status}`);
  return r.stdout;
}

function evaluate(dir: string, precision: string, tta: boolean) {
  const out = run(
    [
      'eval',
      '--model',
      dir,
      '--json',
      '--precision',
      precisionOf(precision),
      '--tta',
      tta ? 'on' : 'off',
      ...(values['limit-test'] ? ['--limit-test', values['limit-test']] : []),
    ],
    envOf(precision),
    true,
  );
  return JSON.parse(out) as { accuracy: number; deadClasses: string[]; neverPredicted: string[] };
}

function trainAndEvaluate(recipe: string, precision: string, seed: number): RunResult {
  const dir = join(values.out!, `${slug(recipe)}-${precision}-seed${seed}`);
  const timing = join(dir, 'study-command-seconds.json');
  if (epochsOf(dir).length < epochs || !existsSync(join(dir, 'model', 'model.json'))) {
    const limits = ['limit-train', 'limit-test'].flatMap((o) =>
      values[o as 'limit-train'] ? [`--${o}`, values[o as 'limit-train']!] : [],
    );
    const args = existsSync(join(dir, 'record.json'))
      ? ['train', '--resume', dir, '--epochs', String(epochs)]
      : [
          'train',
          '--model',
          values.model!,
          ...recipeArgs(recipe),
          '--resize',
          values.resize!,
          '--epochs',
          String(epochs),
          '--batch-size',
          values['batch-size']!,
          '--seed',
          String(seed),
          '--precision',
          precisionOf(precision),
          '--out',
          dir,
          ...limits,
        ];
    process.stderr.write(`study: nin ${args.join(' ')}\n`);
    const resumed = args.includes('--resume');
    const started = performance.now();
    run(args, envOf(precision));
    if (!resumed) writeFileSync(timing, JSON.stringify((performance.now() - started) / 1000));
  }
  const summaries = epochsOf(dir).slice(0, epochs);
  const plain = evaluate(dir, precision, false),
    tta = evaluate(dir, precision, true);
  return {
    recipe,
    precision,
    seed,
    dir,
    valAcc: summaries.map((e) => e.valAcc),
    ...(summaries.every((e) => e.valAccLastWeights !== undefined)
      ? { valAccLastWeights: summaries.map((e) => e.valAccLastWeights!) }
      : {}),
    trainLoss: summaries.at(-1)!.trainLoss,
    testAcc: plain.accuracy,
    testAccTta: tta.accuracy,
    deadClasses: plain.deadClasses,
    neverPredicted: plain.neverPredicted,
    seconds: summaries.reduce((s, e) => s + e.seconds, 0),
    ...(existsSync(timing) ? { commandSeconds: JSON.parse(readFileSync(timing, 'utf8')) as number } : {}),
  };
}

/** Mean and max of the `nin train` commands' wall times, where every run of the row was trained in one go. */
function commandTime(rows: RunResult[]): string {
  const seconds = rows.map((r) => r.commandSeconds);
  if (seconds.some((s) => s === undefined)) return '–';
  return meanAndMax(seconds as number[]);
}

/** `m:ss (max m:ss)` of a group's durations in seconds. */
function meanAndMax(seconds: number[]): string {
  return `${formatDuration(mean(seconds))} (max ${formatDuration(Math.max(...seconds))})`;
}

mkdirSync(values.out!, { recursive: true });
const results: RunResult[] = [];
for (const seed of seeds) {
  for (const recipe of recipes) {
    for (const precision of precisions) results.push(trainAndEvaluate(recipe, precision, seed));
  }
}

const lines: string[] = [];
lines.push(
  `${values.model} at ${values.resize}×${values.resize}, ${epochs} epochs, batch ${values['batch-size']}` +
    `${values['limit-train'] ? `, ${values['limit-train']} training images` : ''}; test accuracy (%) of the final model, ` +
    'without / with flip test-time augmentation',
  '',
);
lines.push(
  `| recipe | precision | ${seeds.map((s) => `seed ${s}`).join(' | ')} | mean ± sd | min | mean with TTA | min with TTA | dead classes | never predicted | epochs' time | command's time |`,
);
lines.push(`|---|---|${'---|'.repeat(seeds.length + 8)}`);
const groups = recipes.flatMap((recipe) => precisions.map((precision) => ({ recipe, precision })));
for (const { recipe, precision } of groups) {
  const rows = results.filter((r) => r.recipe === recipe && r.precision === precision);
  const acc = rows.map((r) => r.testAcc),
    tta = rows.map((r) => r.testAccTta);
  const count = (key: 'deadClasses' | 'neverPredicted') =>
    `${rows.reduce((n, r) => n + r[key].length, 0)} in ${rows.filter((r) => r[key].length).length} runs`;
  lines.push(
    `| ${recipe} | ${precision} | ${acc.map(pct).join(' | ')} | **${pct(mean(acc))}** ± ${pct(sd(acc))} | ${pct(Math.min(...acc))} | ` +
      `${pct(mean(tta))} | ${pct(Math.min(...tta))} | ${count('deadClasses')} | ${count('neverPredicted')} | ` +
      `${meanAndMax(rows.map((r) => r.seconds))} | ${commandTime(rows)} |`,
  );
}
/** `a − b (points, per seed): …`, where a and b are two groups of the same seeds, so they differ in one thing only. */
function pairedLine(a: { recipe: string; precision: string }, b: { recipe: string; precision: string }): string {
  const acc = (g: typeof a, seed: number) =>
    results.find((r) => r.recipe === g.recipe && r.precision === g.precision && r.seed === seed)!.testAcc;
  const diffs = seeds.map((seed) => acc(a, seed) - acc(b, seed));
  const name = (g: typeof a) => (a.recipe === b.recipe ? g.precision : g.recipe);
  const context = a.recipe === b.recipe ? `${a.recipe}, ` : a.precision === b.precision ? `${a.precision}, ` : '';
  return `${context}${name(a)} − ${name(b)} (points, per seed): ${pairedDifferences(diffs)}`;
}
// every other precision against fp32 (rounding), every other recipe against the first (the ablation)
if (precisions.includes('fp32'))
  for (const g of groups.filter((g) => g.precision !== 'fp32'))
    lines.push('', pairedLine(g, { recipe: g.recipe, precision: 'fp32' }));
for (const g of groups.filter((g) => g.recipe !== recipes[0]))
  lines.push('', pairedLine(g, { recipe: recipes[0]!, precision: g.precision }));
for (const { recipe, precision } of groups) {
  const rows = results.filter((r) => r.recipe === recipe && r.precision === precision && r.valAccLastWeights);
  if (rows.length === 0) continue;
  const last = rows.map((r) => r.valAccLastWeights!.at(-1)!),
    gains = rows.map((r, i) => r.valAcc.at(-1)! - last[i]!);
  lines.push(
    '',
    `${recipe}, ${precision}: the last weights after the last epoch (validation, %): ${last.map(pct).join(', ')}, ` +
      `mean ${pct(mean(last))}; weight average − last weights (points, per seed): ${pairedDifferences(gains)}`,
  );
}
const dead = results.filter((r) => r.deadClasses.length || r.neverPredicted.length);
if (dead.length) {
  lines.push('', 'Runs with dead or never-predicted classes:');
  for (const r of dead)
    lines.push(
      `- ${r.recipe} ${r.precision} seed ${r.seed}: dead ${r.deadClasses.join(', ') || '–'}; never predicted ${r.neverPredicted.join(', ') || '–'}`,
    );
}
const table = `${lines.join('\n')}\n`;
writeFileSync(join(values.out!, 'study.md'), table);
writeFileSync(join(values.out!, 'study.json'), `${JSON.stringify({ settings: values, results }, null, 2)}\n`);
process.stdout.write(table);
