// `npm run bench [-- --json] [--rounds R] [--steps S] [--warmup W] [--threads T] [--size N] [--precision LIST]
//                 [--no-torch] [--nchw]`
// NiN@224 throughput on the onednn backend against PyTorch CPU on the same machine, in the same run, with the same
// thread count: training at batch 32 and 128, inference at batch 32, in fp32 and (on AVX512-BF16 CPUs) bf16, where
// PyTorch runs under autocast(bfloat16). Every (system, configuration) runs once per round in a fresh process,
// rounds interleaved, so drift on a shared machine hits all systems alike. Ratios compare equal precisions.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

import { cpuHasBf16, type Precision, PRECISIONS } from '../src/engine/backend.js';
import { median } from '../src/training/stats.js';
import type { KernelTotal } from './kernel_profile.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: String(cpus().length) },
    size: { type: 'string', default: '224' },
    'no-torch': { type: 'boolean', default: false },
    nchw: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    precision: { type: 'string' },
  },
});
const precisions = (values.precision?.split(',') ?? (cpuHasBf16() ? ['fp32', 'bf16'] : ['fp32'])) as Precision[];
for (const p of precisions) if (!PRECISIONS.includes(p)) throw new Error(`--precision: unknown precision '${p}'`);

interface Config {
  mode: 'train' | 'infer';
  batch: number;
}
interface System {
  name: string;
  ours: boolean;
  precision: Precision;
  command: (c: Config, profile: boolean) => [string, string[]];
}
interface Round {
  img_per_s_median: number;
  img_per_s_min: number;
  img_per_s_max: number;
  step_seconds: number[];
  peak_rss_mb: number;
  profile?: KernelTotal[];
  error?: string;
}

const configs: Config[] = [
  { mode: 'train', batch: 32 },
  { mode: 'train', batch: 128 },
  { mode: 'infer', batch: 32 },
];
const common = (c: Config) => [
  '--mode',
  c.mode,
  '--batch',
  String(c.batch),
  '--size',
  values.size!,
  '--steps',
  values.steps!,
  '--warmup',
  values.warmup!,
  '--threads',
  values.threads!,
];
const worker = fileURLToPath(new URL('./nin_worker.js', import.meta.url));
const torchScript = fileURLToPath(new URL('../../bench/torch_nin.py', import.meta.url));

const torchAvailable =
  !values['no-torch'] && spawnSync(values.python!, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const systems: System[] = precisions.flatMap((precision): System[] => {
  const bf16 = precision === 'bf16';
  const torch = (layout: string): System => ({
    name: `pytorch ${bf16 ? 'autocast-bf16 ' : ''}${layout}`,
    ours: false,
    precision,
    command: (c) => [values.python!, [torchScript, ...common(c), '--layout', layout, ...(bf16 ? ['--bf16'] : [])]],
  });
  return [
    {
      name: `tfjs onednn${bf16 ? ' bf16' : ''}`,
      ours: true,
      precision,
      command: (c, profile) => [
        process.execPath,
        [worker, ...common(c), '--precision', precision, ...(profile ? ['--profile'] : [])],
      ],
    },
    ...(torchAvailable ? [torch('channels_last'), ...(values.nchw ? [torch('nchw')] : [])] : []),
  ];
});

function run(system: System, config: Config, profile: boolean): Round {
  const [cmd, args] = system.command(config, profile);
  const env = { ...process.env, OMP_NUM_THREADS: values.threads! };
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 16 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as Round;
    if (parsed.error || r.status !== 0) return { ...parsed, error: parsed.error ?? r.stderr.slice(-500) };
    return parsed;
  } catch {
    return { error: `exit ${r.status}: ${r.stderr.slice(-500)}` } as Round;
  }
}

const log = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`);
};
const rounds = Number(values.rounds);
const results = new Map<string, Round[]>();
const key = (s: System, c: Config) => `${s.name}|${c.mode}|${c.batch}`;
for (let round = 0; round < rounds; round++) {
  for (const config of configs) {
    for (const system of systems) {
      const r = run(system, config, round === 0 && config.batch === 32 && system.ours);
      log(
        `round ${round + 1}/${rounds} ${system.name.padEnd(36)} ${config.mode} b${config.batch}: ` +
          (r.error
            ? `error ${r.error}`
            : `${r.img_per_s_median.toFixed(1)} img/s (min ${r.img_per_s_min.toFixed(1)}, max ${r.img_per_s_max.toFixed(1)})`),
      );
      results.set(key(system, config), [...(results.get(key(system, config)) ?? []), r]);
    }
  }
}

// Summary over all rounds: median of every timed step; min-max of per-step rates; spread of step times.
const rows = configs.flatMap((c) =>
  systems.map((s) => {
    const rs = (results.get(key(s, c)) ?? []).filter((r) => !r.error);
    const steps = rs.flatMap((r) => r.step_seconds);
    const rates = steps.map((t) => c.batch / t);
    return {
      system: s.name,
      mode: c.mode,
      batch: c.batch,
      img_per_s: steps.length ? c.batch / median(steps) : null,
      img_per_s_min: rates.length ? Math.min(...rates) : null,
      img_per_s_max: rates.length ? Math.max(...rates) : null,
      spread_pct: steps.length ? (100 * (Math.max(...steps) - Math.min(...steps))) / Math.min(...steps) : null,
      peak_rss_mb: rs.length ? Math.max(...rs.map((r) => r.peak_rss_mb)) : null,
      errors: (results.get(key(s, c)) ?? []).filter((r) => r.error).map((r) => r.error),
    };
  }),
);
const row = (s: System, c: Config) =>
  rows.find((r) => r.system === s.name && r.mode === c.mode && r.batch === c.batch)!;
const ratios = systems
  .filter((s) => s.ours)
  .flatMap((s) =>
    configs.map((c) => {
      const ours = row(s, c).img_per_s;
      const peers = systems.filter((p) => !p.ours && p.precision === s.precision).map((p) => row(p, c));
      return {
        system: s.name,
        mode: c.mode,
        batch: c.batch,
        vs: Object.fromEntries(peers.map((p) => [p.system, ours && p.img_per_s ? ours / p.img_per_s : null])),
      };
    }),
  );
const profiles = systems
  .filter((s) => s.ours)
  .flatMap((s) => [
    { system: s.name, title: 'training step', profile: results.get(key(s, configs[0]!))?.[0]?.profile },
    { system: s.name, title: 'inference (predict)', profile: results.get(key(s, configs[2]!))?.[0]?.profile },
  ]);
const meta = {
  size: Number(values.size),
  threads: Number(values.threads),
  rounds,
  steps: Number(values.steps),
  precisions,
  warmup: Number(values.warmup),
  torch: torchAvailable,
  cpu: cpus()[0]?.model,
  date: new Date().toISOString(),
};

if (values.json) {
  console.log(JSON.stringify({ meta, rows, ratios, profiles }, null, 1));
} else {
  const f = (x: number | null, d = 1) => (x == null ? '—' : x.toFixed(d));
  console.log(
    `\nNiN@${meta.size}, ${meta.threads} threads, ${rounds} rounds × ${meta.steps} steps (after ${meta.warmup} warm-up), ${meta.cpu}`,
  );
  console.log('| system | mode | batch | img/s (median) | min–max | step spread | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.system} | ${r.mode} | ${r.batch} | ${f(r.img_per_s)} | ${f(r.img_per_s_min)}–${f(r.img_per_s_max)} | ${f(r.spread_pct, 0)} % | ${f(r.peak_rss_mb, 0)} |`,
    );
  }
  console.log('\nratio onednn / peer of the same precision:');
  for (const r of ratios)
    console.log(
      `  ${r.system} ${r.mode} b${r.batch}: ${Object.entries(r.vs)
        .map(([k, v]) => `${f(v, 2)}× ${k}`)
        .join(', ')}`,
    );
  for (const { system, title, profile: p } of profiles) {
    if (!p) continue;
    console.log(`\nper-kernel profile, one ${system} ${title} at batch 32:`);
    for (const k of p.slice(0, 16))
      console.log(`  ${k.kernel.padEnd(24)} ${String(k.calls).padStart(4)} calls ${k.ms.toFixed(1).padStart(9)} ms`);
  }
}
