import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { FashionMNIST } from '../data/index.js';
import type { Classifier } from '../model/classifier.js';
import { MODEL_NAMES, MODELS, type ModelName } from '../model/zoo.js';
import { CheckpointStore } from '../training/checkpoints.js';
import { saveModel } from '../training/model_io.js';
import { newRunName, RunDir } from '../training/run_dir.js';
import { type RunRecord, runRecord } from '../training/run_record.js';
import { augmentation, describeRecipe, modelSettings, type Recipe } from '../training/recipe.js';
import { lowerRate, Trainer } from '../training/trainer.js';
import { DivergenceError, TrainingInterrupted } from '../training/training_stopped.js';
import { choice, int, type Options, parse, positiveNumber, UsageError } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';
import { recipeFromOptions, recipeHelp, recipeOption } from './recipe_options.js';
import { MAX_RESIZE, MIN_SIDES_HELP, resizeOption } from './resize_option.js';
import { stopTrainingOnSignals } from './stop_on_signals.js';

/** A batch larger than the training split would only be the split. */
const MAX_BATCH = 60000;

/** How often `nin train` checkpoints (in steps) and how many checkpoints it keeps, unless told otherwise. */
export const CHECKPOINT_DEFAULTS = { every: 100, keep: 3 } as const;

export const trainHelp = `nin train [options]

Trains NiN (or a model it is compared with) on Fashion-MNIST (softmax cross-entropy) and writes a run directory:
metrics (JSON lines, CSV), the training curves (SVG, PNG), checkpoints, the final model (TF.js format) and a run
record. The defaults are the chapter's run: --recipe d2l --resize 224 --epochs 10 --batch-size 128 (SGD at d2l's
rate: ${MODEL_NAMES.map((m) => `${MODELS[m].label} ${MODELS[m].lr}`).join(', ')}). --recipe robust trains the same network
reliably (AdamW, peak rates ${MODEL_NAMES.map((m) => `${MODELS[m].label} ${MODELS[m].robustLr}`).join(', ')}).

  --model NAME          ${MODEL_NAMES.join(', ')} (default nin)

  --epochs E            epochs to train (default 10)
${recipeHelp}
  --batch-size B        (default 128, at most ${MAX_BATCH})
  --resize N            image side the 28×28 images are resized to (default 224, up to ${MAX_RESIZE};
                        at least: ${MIN_SIDES_HELP})
  --seed S              weight initialisation, data order and dropout masks (default 0)
  --data-dir DIR        Fashion-MNIST idx files (.gz or plain); default: $FASHION_MNIST_DIR, the cache,
                        Debian's dataset-fashion-mnist, else a download
  --out DIR             run directory (default runs/<date-time>)
  --limit-train N       train on the first N training images only (default: all 60,000)
  --limit-test N        validate on the first N test images only (default: all 10,000)
${backendHelp.replace(/^ {2}(--\S+ \S+) {6}/gm, '  $1        ').replace(/^ {22}/gm, '                        ')}
  --checkpoint-every N  also checkpoint every N training steps (default ${CHECKPOINT_DEFAULTS.every}; every epoch is checkpointed)
  --keep K              checkpoints kept (default ${CHECKPOINT_DEFAULTS.keep})
  --resume DIR          continue the run in DIR exactly where its newest checkpoint left it; its settings are
                        kept, only --epochs, --lr, --checkpoint-every, --keep, --backend and --precision
                        may be given

Ctrl-C (or SIGTERM) stops after the current step, writes a checkpoint and exits with 130 (143); a second
Ctrl-C quits at once. A diverging loss stops the run with exit code 3.`;

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  resize: number;
  seed: number;
  /** how the model is trained: optimizer, schedule, initialisation, augmentation, … */
  recipe: Recipe;
  dataDir?: string;
  limitTrain?: number;
  limitTest?: number;
  backend: string;
  model: ModelName;
  /** fp32, bf16 or auto as asked; the record says what ran */
  precision: string;
  checkpointEvery: number;
  keep: number;
}

/** Options a resumed run may change: the rest would make it a different run. */
const RESUMABLE = ['epochs', 'lr', 'checkpoint-every', 'keep', 'backend', 'precision', 'resume'];

export const trainOptions = {
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  resize: { type: 'string' },
  seed: { type: 'string' },
  'data-dir': { type: 'string' },
  out: { type: 'string' },
  'limit-train': { type: 'string' },
  'limit-test': { type: 'string' },
  resume: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  keep: { type: 'string' },
  model: { type: 'string' },
  ...backendOption,
  ...recipeOption,
} satisfies Options;

export async function train(argv: string[]): Promise<void> {
  const { values } = parse(argv, trainOptions);
  if (values.help) return void console.log(trainHelp);
  const v = values as Record<string, string | undefined>;
  const { run, config } = v.resume !== undefined ? resumedRun(v) : newRun(v);
  const data = new FashionMNIST({
    batchSize: config.batchSize,
    resize: config.resize,
    seed: config.seed,
    dataDir: config.dataDir,
    limitTrain: config.limitTrain,
    limitTest: config.limitTest,
    augment: augmentation(config.recipe),
  });
  // the output directory is checked before anything slow: reading the data, building the model
  const created = run.create();
  const unlock = run.lock();
  let stop: ReturnType<typeof stopTrainingOnSignals> | undefined;
  try {
    const backend = await activateBackend(config.backend, config.precision);
    const model = MODELS[config.model].create({
      resize: config.resize,
      seed: config.seed,
      ...modelSettings(config.recipe),
    });
    // K checkpoints, one more being written, the final model, a few MB of metrics and curves; a resumed run has some already
    const copies = config.keep + 2 - Math.min(new CheckpointStore(run.checkpoint).list().length, config.keep);
    run.checkFreeSpace(
      copies * 4 * model.countParams() + 2 ** 22,
      `${config.keep} checkpoints and one being written, the final model`,
    );
    stop = stopTrainingOnSignals();
    await data.prepare();
    await trainRun(run, config, backend, model, data, stop.signal);
  } catch (error) {
    throw withResumeHint(error, run, config.recipe.lr);
  } finally {
    stop?.dispose();
    await data.close();
    unlock();
    if (created) run.removeIfEmpty(); // a run that stopped before writing anything (bad data, no engine) leaves no directory
  }
}

function newRun(v: Record<string, string | undefined>): { run: RunDir; config: TrainConfig } {
  const optional = (name: string) => (v[name] === undefined ? undefined : int(v[name], name));
  const model = choice(v.model, 'model', MODEL_NAMES, 'nin');
  const config: TrainConfig = {
    model,
    epochs: int(v.epochs, 'epochs', { fallback: 10 }),
    recipe: recipeFromOptions(v, MODELS[model]),
    batchSize: int(v['batch-size'], 'batch-size', { max: MAX_BATCH, fallback: 128 }),
    resize: resizeOption(v.resize, [model]),
    seed: int(v.seed, 'seed', { min: 0, fallback: 0 }),
    dataDir: v['data-dir'],
    limitTrain: optional('limit-train'),
    limitTest: optional('limit-test'),
    backend: v.backend ?? 'onednn',
    precision: v.precision ?? 'fp32',
    checkpointEvery: int(v['checkpoint-every'], 'checkpoint-every', { fallback: CHECKPOINT_DEFAULTS.every }),
    keep: int(v.keep, 'keep', { fallback: CHECKPOINT_DEFAULTS.keep }),
  };
  const run = new RunDir(resolve(v.out ?? join('runs', newRunName())));
  if (existsSync(run.record))
    throw new UsageError(`--out ${run.path} already holds a run; use --resume to continue it`);
  return { run, config };
}

function resumedRun(v: Record<string, string | undefined>): { run: RunDir; config: TrainConfig } {
  const fixed = Object.keys(v).filter((name) => v[name] !== undefined && !RESUMABLE.includes(name));
  if (fixed.length > 0) {
    throw new UsageError(
      `--${fixed[0]} cannot be changed when resuming: a resumed run keeps its settings (only --${RESUMABLE.slice(0, -1).join(', --')})`,
    );
  }
  const run = new RunDir(resolve(v.resume!));
  if (!existsSync(run.record)) throw new UsageError(`--resume ${v.resume}: not a run directory (no record.json)`);
  let previous: TrainConfig;
  try {
    previous = run.readJson<RunRecord<TrainConfig>>(run.record).config;
    if (typeof previous !== 'object' || previous === null) throw new Error('no config in it');
  } catch (error) {
    throw new UsageError(`--resume ${v.resume}: damaged record.json (${(error as Error).message})`);
  }
  const missing = (['recipe', 'model', 'precision', 'checkpointEvery', 'keep'] as const).filter(
    (k) => previous[k] === undefined,
  );
  if (missing.length) {
    throw new UsageError(
      `--resume ${v.resume}: its record.json lacks ${missing.join(', ')} (written by an earlier version of nin); start a new run`,
    );
  }
  const { recipe } = previous;
  const config: TrainConfig = { ...previous };
  config.epochs = int(v.epochs, 'epochs', { fallback: config.epochs });
  // runs recorded before weight averaging have no ema in their recipe
  config.recipe = { ...recipe, ema: recipe.ema ?? 0, lr: positiveNumber(v.lr, 'lr', recipe.lr) };
  config.checkpointEvery = int(v['checkpoint-every'], 'checkpoint-every', { fallback: config.checkpointEvery });
  config.keep = int(v.keep, 'keep', { fallback: config.keep });
  config.backend = v.backend ?? config.backend;
  config.precision = v.precision ?? config.precision;
  return { run, config };
}

/** Trains `model` into the (created) run directory `run`: record, metrics, curves, checkpoints, the final model. */
export async function trainRun(
  run: RunDir,
  config: TrainConfig,
  backend: string,
  model: Classifier,
  data: FashionMNIST,
  signal?: AbortSignal,
): Promise<void> {
  // the record follows the run: rewritten when the finished epochs are known and after each epoch
  const writeRecord = () => run.writeJson(run.record, runRecord({ config, backend, model, data, trainer }));
  const trainer: Trainer = new Trainer({
    maxEpochs: config.epochs,
    runDir: run,
    checkpointEvery: config.checkpointEvery,
    keepCheckpoints: config.keep,
    signal,
    onEpochs: writeRecord,
    recipe: config.recipe,
  });
  writeRecord();
  console.error(
    `run ${run.path}: ${MODELS[config.model].label} (${model.countParams().toLocaleString('en-US')} parameters) on ${backend}, ` +
      `${data.numTrainExamples()} training / ${data.numValExamples()} test images at ${config.resize}×${config.resize}; ` +
      `recipe ${describeRecipe(config.recipe)}`,
  );
  try {
    await trainer.fit(model, data);
  } catch (error) {
    try {
      writeRecord(); // the epochs finished so far
    } catch {
      // the error that stopped training (a full disk, say) is the one to report
    }
    throw error;
  }
  writeRecord();
  await saveModel(model.net, run.model);
  console.error(`model saved to ${run.model}; curves in ${run.curvesPng}`);
}

/** Adds to an interruption or a divergence the command that continues the run. */
function withResumeHint(error: unknown, run: RunDir, lr: number): unknown {
  if (error instanceof TrainingInterrupted) {
    error.message += `; continue with: nin train --resume ${run.path}`;
  } else if (error instanceof DivergenceError && error.lastGoodCheckpoint) {
    error.message += ` Continue from it with a lower rate: nin train --resume ${run.path} --lr ${lowerRate(lr)}`;
  }
  return error;
}
