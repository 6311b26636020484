import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { compareModels, type CompareReport, type CompareSettings } from '../compare/compare_models.js';
import { economyChartSvg } from '../compare/economy_chart.js';
import { reportMarkdown, reportSettings, reportTable } from '../compare/report_table.js';
import { FashionMNIST } from '../data/index.js';
import { MODEL_NAMES, MODELS, type ModelName } from '../model/zoo.js';
import { augmentation, recipePreset, RECIPE_NAMES } from '../training/recipe.js';
import { svgToPng } from '../training/plot.js';
import { TrainingInterrupted } from '../training/training_stopped.js';
import { choice, int, type Options, parse, UsageError } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';
import { MIN_SIDES_HELP, resizeOption } from './resize_option.js';
import { stopTrainingOnSignals } from './stop_on_signals.js';

export const compareHelp = `nin compare [options]

The chapter's point, measured: NiN beside AlexNet and VGG-11. For each model: parameters, their share in dense
layers, multiply-accumulates and training activation memory per image, training and inference img/s on this
machine and, with --train, test accuracy after the same training budget (same data, epochs, batch size, seed and
recipe, each model at the recipe's rate for it: d2l ${MODEL_NAMES.map((m) => `${MODELS[m].label} ${MODELS[m].lr}`).join(', ')};
robust ${MODEL_NAMES.map((m) => `${MODELS[m].label} ${MODELS[m].robustLr}`).join(', ')}). Prints a table and writes
compare.json, compare.md, compare.svg and compare.png (accuracy against parameters, bubble area = MACs) to --out.
Each model trains into <out>/<model>/; run again with the same settings, a comparison keeps the models it finished
and continues one it was stopped in (Ctrl-C stops after the current step with a checkpoint).

  --models LIST       comma-separated, from ${MODEL_NAMES.join(', ')} (default nin,alexnet,vgg11)
  --resize N          image side (default 224; at least: ${MIN_SIDES_HELP})
  --timing-batch B    batch size of the img/s timing (default 32)
  --timing-steps S    timed steps per model and mode, after one warm-up step (default 3)
  --train             also train each model and report its test accuracy
  --epochs E          training budget in epochs (default 1)
  --batch-size B      training batch size (default 128)
  --limit-train N     train on the first N training images only (default: all 60,000)
  --limit-test N      test on the first N test images only (default: all 10,000)
  --seed S            weight initialisation and data order (default 0)
  --recipe NAME       how each model is trained: d2l (default) or robust (see nin train --help)
  --data-dir DIR      Fashion-MNIST idx files (default: as nin train finds them, see its --help)
  --out DIR           where the report and each model's training run go (default runs/compare)
  --json              print the report as JSON instead of the table
${backendHelp}`;

export const compareOptions = {
  models: { type: 'string' },
  resize: { type: 'string' },
  'timing-batch': { type: 'string' },
  'timing-steps': { type: 'string' },
  train: { type: 'boolean' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'limit-train': { type: 'string' },
  'limit-test': { type: 'string' },
  seed: { type: 'string' },
  'data-dir': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  recipe: { type: 'string' },
  ...backendOption,
} satisfies Options;

export async function compare(argv: string[]): Promise<void> {
  const { values } = parse(argv, compareOptions);
  if (values.help) return void console.log(compareHelp);
  const v = values as Record<string, string | undefined>;
  const flags = values as Record<string, boolean | undefined>;
  const optionalInt = (name: string) => (v[name] === undefined ? undefined : int(v[name], name));
  const models = modelList(v.models ?? 'nin,alexnet,vgg11');
  const settings: CompareSettings = {
    models,
    resize: resizeOption(v.resize, models),
    timing: {
      batchSize: int(v['timing-batch'], 'timing-batch', { fallback: 32 }),
      steps: int(v['timing-steps'], 'timing-steps', { fallback: 3 }),
      warmup: 1,
    },
  };
  if (flags.train) {
    settings.train = {
      epochs: int(v.epochs, 'epochs', { fallback: 1 }),
      batchSize: int(v['batch-size'], 'batch-size', { fallback: 128 }),
      seed: int(v.seed, 'seed', { min: 0, fallback: 0 }),
      limitTrain: optionalInt('limit-train'),
      limitTest: optionalInt('limit-test'),
      recipe: choice(v.recipe, 'recipe', RECIPE_NAMES, 'd2l'),
    };
  } else {
    const trainOnly = ['epochs', 'batch-size', 'limit-train', 'limit-test', 'seed', 'data-dir', 'recipe'].filter(
      (o) => v[o] !== undefined,
    );
    if (trainOnly.length) throw new UsageError(`--${trainOnly[0]} only applies with --train`);
  }
  const outDir = resolve(v.out ?? join('runs', 'compare'));
  mkdirSync(outDir, { recursive: true });
  await activateBackend(v.backend, v.precision);

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const data =
    settings.train &&
    new FashionMNIST({
      batchSize: settings.train.batchSize,
      resize: settings.resize,
      seed: settings.train.seed,
      dataDir: v['data-dir'],
      limitTrain: settings.train.limitTrain,
      limitTest: settings.train.limitTest,
      augment: augmentation(recipePreset(settings.train.recipe!, MODELS.nin)), // the same for every model of a preset
    });
  // Ctrl-C stops training after the current step with a checkpoint; the same command continues the comparison
  const stop = settings.train ? stopTrainingOnSignals() : undefined;
  let report: CompareReport;
  try {
    await data?.prepare();
    report = await compareModels({ settings, data, outDir, log, progress: process.stderr.isTTY, signal: stop?.signal });
  } catch (error) {
    if (error instanceof TrainingInterrupted) {
      error.message += `; continue with the same command (nin compare ${argv.join(' ')}): finished models are kept`;
    }
    throw error;
  } finally {
    stop?.dispose();
    data?.close();
  }
  writeFileSync(join(outDir, 'compare.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'compare.md'), reportMarkdown(report));
  const svg = economyChartSvg(report);
  writeFileSync(join(outDir, 'compare.svg'), svg);
  writeFileSync(join(outDir, 'compare.png'), await svgToPng(svg));
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else console.log(`${reportTable(report)}\n\n${reportSettings(report)}.`);
  log(`report written to ${outDir}/compare.{json,md,svg,png}`);
}

function modelList(value: string): ModelName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`--models needs at least one of ${MODEL_NAMES.join(', ')}`);
  for (const name of names) {
    if (!(MODEL_NAMES as string[]).includes(name))
      throw new UsageError(`--models: unknown model '${name}' (models: ${MODEL_NAMES.join(', ')})`);
  }
  return [...new Set(names)] as ModelName[];
}
