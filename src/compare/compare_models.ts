// Parameter economy, measured: for each model, what its layers cost (parameters, dense share, MACs, activation
// memory), how fast it trains and infers here, and optionally its test accuracy after the same training budget.
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { engineInfo, getPrecision, type Precision } from '../engine/backend.js';
import { networkCost } from '../model/cost.js';
import { MODELS, type ModelName } from '../model/zoo.js';
import { modelSettings, recipePreset, type RecipeName } from '../training/recipe.js';
import { RunDir } from '../training/run_dir.js';
import { runRecord } from '../training/run_record.js';
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
  /** wall seconds of the training run */
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
}

export async function compareModels({ settings, data, outDir, log, progress }: CompareRun): Promise<CompareReport> {
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
    if (settings.train) Object.assign(row, await trainForAccuracy(name, settings, data, outDir, log, progress));
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
  settings: CompareSettings,
  data: CompareRun['data'],
  outDir: string,
  log: (line: string) => void,
  progress?: boolean,
): Promise<Pick<ModelComparison, 'lr' | 'testAcc' | 'trainSeconds'>> {
  const budget = settings.train!;
  if (!data) throw new Error('compareModels: settings.train needs data');
  const entry = MODELS[name];
  const recipe = recipePreset(budget.recipe ?? 'd2l', entry);
  const model = entry.create({ resize: settings.resize, seed: budget.seed, ...modelSettings(recipe) });
  const run = new RunDir(join(outDir, name));
  rmSync(run.path, { recursive: true, force: true }); // a previous comparison's run: this one replaces it
  run.create();
  const { recipe: _, ...rest } = budget;
  const config = { model: name, ...rest, recipe, resize: settings.resize };
  // an ordinary run directory: its record follows the run, as `nin train`'s does (the web page lists it)
  const writeRecord = () =>
    run.writeJson(run.record, runRecord({ config, backend: tf.getBackend(), model, data, trainer }));
  const trainer: Trainer = new Trainer({
    maxEpochs: budget.epochs,
    runDir: run,
    log: (line) => log(`${entry.label}: ${line}`),
    progress,
    onEpochs: writeRecord,
    recipe,
  });
  const started = performance.now();
  const summaries = await trainer.fit(model, data);
  model.net.dispose();
  return {
    lr: recipe.lr,
    testAcc: summaries[summaries.length - 1]!.valAcc,
    trainSeconds: (performance.now() - started) / 1000,
  };
}
