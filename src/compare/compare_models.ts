// Parameter economy, measured: for each model, what its layers cost (parameters, dense share, MACs, activation
// memory), how fast it trains and infers here, and optionally its test accuracy after the same training budget.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { engineInfo, getPrecision, type Precision } from '../engine/backend.js';
import { networkCost } from '../model/cost.js';
import { MODELS, type ModelName } from '../model/zoo.js';
import { modelSettings, recipePreset, type RecipeName } from '../training/recipe.js';
import { RunDir } from '../training/run_dir.js';
import { type RunRecord, runRecord } from '../training/run_record.js';
import { measureThroughput } from '../training/throughput.js';
import { type DataModule, Trainer } from '../training/trainer.js';

export interface ModelComparison {
  name: ModelName;
  label: string;
  params: number;
  denseParams: number;
  denseShare: number;
  /** multiply-accumulates per image, forward */
  macs: number;
  /** fp32 activations a training step keeps per image, bytes */
  activationBytes: number;
  trainImgPerSec: number;
  inferImgPerSec: number;
  /** (peak) learning rate of the training run: the recipe's for the model */
  lr?: number;
  /** test accuracy after the training budget */
  testAcc?: number;
  /** seconds of training (its epochs' time, over every session of a resumed run) */
  trainSeconds?: number;
}

export interface CompareSettings {
  models: ModelName[];
  resize: number;
  /** batch size and steps of the throughput timing */
  timing: { batchSize: number; steps: number; warmup: number };
  /** the training budget every model gets, when accuracy is asked for */
  train?: {
    epochs: number;
    batchSize: number;
    seed: number;
    limitTrain?: number;
    limitTest?: number;
    recipe?: RecipeName;
  };
}

export interface CompareReport {
  settings: CompareSettings;
  backend: string;
  /** what convolutions and dense layers computed in */
  precision: Precision;
  threads?: number;
  date: string;
  models: ModelComparison[];
}

export interface CompareRun {
  settings: CompareSettings;
  /** training data, required when settings.train is set (the same for every model, augmented as the recipe says) */
  data?: DataModule & { checksums(): Record<string, { size: number; sha256: string }> };
  /** where each model's training run directory goes: `<outDir>/<model>/` */
  outDir: string;
  log: (line: string) => void;
  progress?: boolean;
  /** stops training after the current step, with a checkpoint that the same comparison, run again, continues */
  signal?: AbortSignal;
}

/**
 * Measures each model and, with `settings.train`, trains it into `<outDir>/<model>/`. A run there that was started
 * with the same settings (record.json: config, backend, precision, data) is continued from its newest checkpoint,
 * or, when finished, kept; any other run there is replaced.
 */
export async function compareModels(run: CompareRun): Promise<CompareReport> {
  const { settings, log } = run;
  const rows: ModelComparison[] = [];
  for (const name of settings.models) {
    const entry = MODELS[name];
    // costs and timing on a model of its own: timing steps change the weights
    const timed = entry.create({ resize: settings.resize, lr: entry.lr, seed: 0 });
    const cost = networkCost(timed.net);
    log(
      `${entry.label}: ${cost.params.toLocaleString('en-US')} parameters; timing ${settings.timing.steps} training and inference steps of ${settings.timing.batchSize} images`,
    );
    const speed = measureThroughput(timed, settings.timing);
    timed.net.dispose();
    const row: ModelComparison = {
      name,
      label: entry.label,
      params: cost.params,
      denseParams: cost.denseParams,
      denseShare: cost.denseShare,
      macs: cost.macs,
      activationBytes: cost.activationBytes,
      ...speed,
    };
    if (settings.train) Object.assign(row, await trainForAccuracy(name, run));
    rows.push(row);
  }
  return {
    settings,
    backend: tf.getBackend(),
    precision: getPrecision(),
    threads: engineInfo()?.threads,
    date: new Date().toISOString(),
    models: rows,
  };
}

async function trainForAccuracy(
  name: ModelName,
  { settings, data, outDir, log, progress, signal }: CompareRun,
): Promise<Pick<ModelComparison, 'lr' | 'testAcc' | 'trainSeconds'>> {
  const budget = settings.train!;
  if (!data) throw new Error('compareModels: settings.train needs data');
  const entry = MODELS[name];
  const recipe = recipePreset(budget.recipe ?? 'd2l', entry);
  const model = entry.create({ resize: settings.resize, seed: budget.seed, ...modelSettings(recipe) });
  const run = new RunDir(join(outDir, name));
  const { recipe: _, ...rest } = budget;
  const config = { model: name, ...rest, recipe, resize: settings.resize };
  const backend = tf.getBackend();
  if (existsSync(run.path) && !sameRun(run, { config, backend, precision: getPrecision(), data: data.checksums() })) {
    rmSync(run.path, { recursive: true, force: true }); // another comparison's run: this one replaces it
  }
  run.create();
  // an ordinary run directory: its record follows the run, as `nin train`'s does (the web page lists it)
  const writeRecord = () => run.writeJson(run.record, runRecord({ config, backend, model, data, trainer }));
  const trainer: Trainer = new Trainer({
    maxEpochs: budget.epochs,
    runDir: run,
    log: (line) => log(`${entry.label}: ${line}`),
    progress,
    signal,
    onEpochs: writeRecord,
    recipe,
  });
  const summaries = await trainer.fit(model, data);
  model.net.dispose();
  return {
    lr: recipe.lr,
    testAcc: summaries[summaries.length - 1]!.valAcc,
    trainSeconds: summaries.reduce((sum, epoch) => sum + epoch.seconds, 0),
  };
}

/** Whether the run directory holds a run of exactly these settings (so that training it further continues it). */
function sameRun(run: RunDir, wanted: Pick<RunRecord, 'config' | 'backend' | 'precision' | 'data'>): boolean {
  if (!existsSync(run.record)) return false;
  try {
    const found = run.readJson<RunRecord>(run.record);
    return (Object.keys(wanted) as (keyof typeof wanted)[]).every(
      (key) => JSON.stringify(found[key]) === JSON.stringify(wanted[key]),
    );
  } catch {
    return false; // a damaged record: start over
  }
}
