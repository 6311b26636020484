// d2l's Trainer: fit = prepare data → prepare model → optimizer → fitEpoch × maxEpochs. Each epoch trains on every
// training batch, validates on the test split, draws the metrics and redraws the curves. With a run directory it
// checkpoints at the end of every epoch and every `checkpointEvery` steps, and fit() first resumes from the newest
// checkpoint there, exactly: same data order, dropout masks, optimizer state, running sums and plotted points.
// An AbortSignal stops it after the current step (or drops the validation in progress) with a checkpoint.
// Under a recipe with a weight average (`ema`), validation, the checkpoints' model files and the model fit()
// leaves behind are the average; training goes on from its own weights, which checkpoints keep beside it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import type { Classifier } from '../model/classifier.js';
import type { Batch } from '../model/module.js';
import { CheckpointStore } from './checkpoints.js';
import {
  addBatch,
  classHealth,
  emptyTotals,
  healthWarnings,
  PLATEAU_STEPS,
  plateauStreak,
  plateauWarning,
} from './class_health.js';
import { writeFileDurably } from './durable_files.js';
import { learningRateAt } from './lr_schedule.js';
import { loadModel, MODEL_JSON, ModelFileError } from './model_io.js';
import { makeOptimizer, type ScheduledOptimizer } from './optimizers.js';
import { OutputError } from './output_error.js';
import { curvesSvg } from './curves_svg.js';
import { svgToPng } from './plot.js';
import { ProgressBoard } from './progress_board.js';
import { barCells, formatDuration, ProgressBar } from '../util/progress_bar.js';
import type { Recipe } from './recipe.js';
import type { RunDir } from './run_dir.js';
import {
  decodeTensors,
  emptyEpochProgress,
  encodeOptimizer,
  encodeTensors,
  OPTIMIZER_FILE,
  parseState,
  restoreOptimizer,
  serializeState,
  STATE_FILE,
  TRAINING_WEIGHTS_FILE,
  type EpochProgress,
  type EpochSummary,
  type TrainerPosition,
} from './trainer_state.js';
import { DivergenceError, TrainingInterrupted } from './training_stopped.js';
import { WeightAverage } from './weight_average.js';

/** One batch as the data module yields it: NHWC images in [0, 1] and integer labels. */
export interface DataBatch {
  x: Float32Array;
  y: Int32Array;
  /** examples in this batch (the last one may be smaller) */
  size: number;
  /** milliseconds the consumer waited for this batch */
  dataMs: number;
}

export interface DataModule {
  readonly batchSize: number;
  readonly resize: number;
  numTrainBatches(): number;
  numValBatches(): number;
  /** the batches of `epoch` from batch `startBatch` on, in the same order as the whole epoch's */
  trainDataloader(epoch: number, startBatch?: number): AsyncIterable<DataBatch>;
  valDataloader(): AsyncIterable<DataBatch>;
  /** names of the classes, by label (for the dead-class warnings) */
  readonly classNames?: readonly string[];
}

/** The part of a recipe the Trainer carries out: the optimizer, its learning-rate schedule, the weight average. */
export type OptimizerRecipe = Pick<
  Recipe,
  'optimizer' | 'lr' | 'momentum' | 'weightDecay' | 'schedule' | 'warmupEpochs'
> &
  Partial<Pick<Recipe, 'ema'>>;

export interface TrainerOptions {
  maxEpochs: number;
  /** optimizer and schedule; default: the model's configureOptimizers() at its constant rate (d2l's SGD) */
  recipe?: OptimizerRecipe;
  runDir?: RunDir;
  plotTrainPerEpoch?: number;
  plotValidPerEpoch?: number;
  /** also checkpoint every N training steps (default: only at the end of each epoch) */
  checkpointEvery?: number;
  /** checkpoints kept in the run directory, newest first (default 3) */
  keepCheckpoints?: number;
  /** when it fires: finish the current step, write a checkpoint, throw TrainingInterrupted */
  signal?: AbortSignal;
  /** receives one line per epoch (and messages); default: stderr */
  log?: (line: string) => void;
  /** draw a progress bar on stderr (default: true) */
  progress?: boolean;
  /** called once the finished epochs are known (after a resume) and after each epoch (`nin train` updates its record) */
  onEpochs?: (summaries: EpochSummary[]) => void;
}

export class Trainer {
  readonly maxEpochs: number;
  epoch = 0;
  /** training steps done in the whole run */
  trainBatchIdx = 0;
  valBatchIdx = 0;
  numTrainBatches = 0;
  numValBatches = 0;
  board: ProgressBoard;
  summaries: EpochSummary[] = [];
  /** the newest checkpoint written or resumed from */
  lastCheckpoint: string | undefined;
  private progress: EpochProgress = emptyEpochProgress();
  /** training steps in a row whose loss was at ln K */
  private plateauSteps = 0;
  /** the weight average of the fit in progress, if the recipe keeps one */
  private average: WeightAverage | undefined;
  private readonly checkpoints: CheckpointStore | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: TrainerOptions) {
    if (!Number.isInteger(options.maxEpochs) || options.maxEpochs < 1) {
      throw new RangeError(`maxEpochs must be a positive integer, got ${options.maxEpochs}`);
    }
    const every = options.checkpointEvery;
    if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
      throw new RangeError(`checkpointEvery must be a positive integer, got ${every}`);
    }
    this.maxEpochs = options.maxEpochs;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    const run = options.runDir;
    this.board = new ProgressBoard(run ? { jsonl: run.metricsJsonl, csv: run.metricsCsv } : {});
    this.checkpoints = run ? new CheckpointStore(run.checkpoint, options.keepCheckpoints) : undefined;
  }

  async fit(model: Classifier, data: DataModule): Promise<EpochSummary[]> {
    this.numTrainBatches = data.numTrainBatches();
    this.numValBatches = data.numValBatches();
    const optimizer = this.options.recipe ? makeOptimizer(this.options.recipe) : model.configureOptimizers();
    const decay = this.options.recipe?.ema ?? 0;
    this.average = decay > 0 ? new WeightAverage(model.net, decay) : undefined;
    try {
      await this.fitEpochs(model, data, optimizer);
      this.average?.swap(); // the model leaves with the weights it was validated with
    } finally {
      this.average?.dispose();
      this.average = undefined;
    }
    return this.summaries;
  }

  private async fitEpochs(model: Classifier, data: DataModule, optimizer: tf.Optimizer): Promise<void> {
    await this.restore(model, optimizer);
    this.options.onEpochs?.(this.summaries);
    if (this.stopRequested()) throw this.interrupted();
    for (; this.epoch < this.maxEpochs; this.epoch++) {
      const summary = await this.fitEpoch(model, data, optimizer);
      this.summaries.push(summary);
      this.progress = emptyEpochProgress();
      await this.saveCurves(model);
      await this.saveCheckpoint(model, optimizer, this.position(this.epoch + 1, this.progress));
      this.options.onEpochs?.(this.summaries);
      const health = [
        ...(summary.deadClasses?.length ? [`dead: ${summary.deadClasses.join(', ')}`] : []),
        ...(summary.neverPredicted?.length ? [`never predicted: ${summary.neverPredicted.join(', ')}`] : []),
      ];
      const lastWeights =
        summary.valAccLastWeights === undefined ? '' : ` (last weights ${summary.valAccLastWeights.toFixed(4)})`;
      this.log(
        `epoch ${summary.epoch}/${this.maxEpochs}: train_loss ${summary.trainLoss.toFixed(4)} train_acc ${summary.trainAcc.toFixed(4)} ` +
          `val_loss ${summary.valLoss.toFixed(4)} val_acc ${summary.valAcc.toFixed(4)}${lastWeights} | ${formatDuration(summary.seconds)}, ` +
          `${summary.imagesPerSecond.toFixed(1)} img/s, data ${(100 * summary.dataShare).toFixed(1)}% of step time` +
          (health.length ? ` | ${health.join('; ')}` : ''),
      );
      for (const warning of healthWarnings(this.summaries)) this.log(warning);
    }
  }

  /** The learning rate of the next step, set on the optimizer when the recipe schedules it. */
  private scheduleStep(optimizer: tf.Optimizer): number {
    const recipe = this.options.recipe;
    if (!recipe || (recipe.schedule === 'constant' && recipe.warmupEpochs === 0))
      return recipe?.lr ?? (optimizer as { learningRate?: number }).learningRate ?? NaN;
    const lr = learningRateAt(this.trainBatchIdx, {
      lr: recipe.lr,
      schedule: recipe.schedule,
      warmupSteps: Math.round(recipe.warmupEpochs * this.numTrainBatches),
      totalSteps: this.maxEpochs * this.numTrainBatches,
    });
    (optimizer as ScheduledOptimizer).setLearningRate(lr);
    return lr;
  }

  /** `epoch 2/10 118/469 724.9 img/s loss 1.9515 acc 0.317 ETA 1:02`, with a bar on a terminal; in a log, a line per 25 %. */
  private epochBar(
    first: number,
    images: () => number,
    progress: () => { lossSum: number; accSum: number; batches: number },
  ): ProgressBar {
    const started = performance.now(),
      total = this.numTrainBatches,
      label = `epoch ${this.epoch + 1}/${this.maxEpochs}`;
    const line = (done: number, onTerminal: boolean) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = images() / Math.max(seconds, 1e-9);
      const eta = done > first ? (seconds / (done - first)) * (total - done) : NaN;
      const p = progress();
      const text = `${label} ${done}/${total} ${rate.toFixed(1)} img/s loss ${(p.lossSum / p.batches).toFixed(4)} acc ${(p.accSum / p.batches).toFixed(3)} ETA ${formatDuration(eta)}`;
      return onTerminal ? `${barCells(done / total, 24, 'arrow')} ${text}` : text;
    };
    return new ProgressBar(process.stderr, { total, line, logSteps: 4 });
  }

  /**
   * The epoch's remaining training steps, adding to `p`; checkpoints when due, and stops (with one) when asked to.
   * Returns the learning rate of the last step.
   */
  private async trainSteps(
    model: Classifier,
    data: DataModule,
    optimizer: tf.Optimizer,
    p: EpochProgress,
  ): Promise<number> {
    const bar =
      this.options.progress === false
        ? undefined
        : this.epochBar(
            p.batches,
            () => imagesNow,
            () => p,
          );
    const perTrainPoint = this.numTrainBatches / (this.options.plotTrainPerEpoch ?? 2);
    let clock = performance.now(),
      imagesNow = 0,
      lr = NaN;
    for await (const batch of data.trainDataloader(this.epoch, p.batches)) {
      p.dataMs += batch.dataMs;
      model.beginStep(this.trainBatchIdx);
      lr = this.scheduleStep(optimizer);
      const metrics = withTensors(batch, data.resize, (b) => model.trainingStep(b, optimizer));
      if (!Number.isFinite(metrics.loss))
        throw this.divergence(`the loss became ${metrics.loss}`, p.batches + 1, model);
      this.average?.update(this.trainBatchIdx);
      this.recordStep(model, metrics, batch.size, perTrainPoint);
      imagesNow += batch.size;
      bar?.update(p.batches);
      await eventLoopTurn();
      const stop = this.stopRequested();
      if (stop || this.checkpointDue(p.batches)) {
        p.trainMs += performance.now() - clock;
        await this.saveCheckpoint(model, optimizer, this.position(this.epoch, p));
        if (stop) throw this.interrupted();
        clock = performance.now();
      }
    }
    bar?.finish(p.batches, { keep: false });
    p.trainMs += performance.now() - clock;
    return lr;
  }

  /** One epoch: its training steps (from where a resumed checkpoint left it), then the validation pass. */
  private async fitEpoch(model: Classifier, data: DataModule, optimizer: tf.Optimizer): Promise<EpochSummary> {
    const p = this.progress; // zero, or what a resumed checkpoint had of this epoch
    const lr = await this.trainSteps(model, data, optimizer, p);
    const trained = this.position(this.epoch, p); // what to save if the validation is interrupted
    const started = performance.now();
    // under a weight average, the last weights are validated too, to show what the average changes
    const last = this.average ? await this.validate(model, data, { draw: false }) : undefined;
    const val = this.average && !last ? undefined : await this.withAverage(() => this.validate(model, data));
    if (!val) {
      await this.saveCheckpoint(model, optimizer, trained);
      throw this.interrupted();
    }
    if (!Number.isFinite(val.loss)) throw this.divergence(`the validation loss became ${val.loss}`, p.batches, model);
    return {
      epoch: this.epoch + 1,
      trainLoss: p.lossSum / Math.max(p.batches, 1),
      trainAcc: p.accSum / Math.max(p.batches, 1),
      valLoss: val.loss,
      valAcc: val.acc,
      seconds: (p.trainMs + performance.now() - started) / 1000,
      imagesPerSecond: p.images / (p.trainMs / 1000),
      dataShare: p.dataMs / p.trainMs,
      ...(Number.isFinite(lr) ? { lr } : {}),
      ...(last ? { valLossLastWeights: last.loss, valAccLastWeights: last.acc } : {}),
      ...classHealth(val.classes, data.classNames ?? []),
    };
  }

  /** `fn` with the weight average in the network, when there is one (the training weights held beside it). */
  private async withAverage<T>(fn: () => Promise<T>): Promise<T> {
    const average = this.average;
    if (!average) return fn();
    average.swap();
    try {
      return await fn();
    } finally {
      average.swap();
    }
  }

  /** What one training step adds to the epoch: the plateau watch, the board's points and the running sums. */
  private recordStep(
    model: Classifier,
    metrics: { loss: number; acc: number },
    images: number,
    perTrainPoint: number,
  ): void {
    const p = this.progress;
    this.plateauSteps = plateauStreak(this.plateauSteps, metrics.loss, model.numClasses);
    if (this.plateauSteps === PLATEAU_STEPS) this.log(`\n${plateauWarning(this.plateauSteps, model.numClasses)}`);
    const x = this.trainBatchIdx / this.numTrainBatches;
    this.board.draw(x, metrics.loss, 'train_loss', perTrainPoint);
    this.board.draw(x, metrics.acc, 'train_acc', perTrainPoint);
    this.trainBatchIdx++;
    p.batches++;
    p.images += images;
    p.lossSum += metrics.loss;
    p.accSum += metrics.acc;
  }

  /**
   * Loss and accuracy over the whole validation split, weighted by batch size, and the classes' score statistics;
   * undefined when stopped midway.
   */
  private async validate(model: Classifier, data: DataModule, { draw } = { draw: true }) {
    const perValPoint = this.numValBatches / (this.options.plotValidPerEpoch ?? 1);
    const classes = emptyTotals(model.numClasses);
    let n = 0,
      lossSum = 0,
      accSum = 0;
    for await (const batch of data.valDataloader()) {
      await eventLoopTurn();
      if (this.stopRequested()) return undefined;
      const metrics = withTensors(batch, data.resize, (b) => model.validationStep(b));
      if (draw) {
        this.board.draw(this.epoch + 1, metrics.loss, 'val_loss', perValPoint);
        this.board.draw(this.epoch + 1, metrics.acc, 'val_acc', perValPoint);
        this.valBatchIdx++;
      }
      lossSum += metrics.loss * batch.size;
      accSum += metrics.acc * batch.size;
      addBatch(classes, metrics);
      n += batch.size;
    }
    return { loss: lossSum / Math.max(n, 1), acc: accSum / Math.max(n, 1), classes };
  }

  private checkpointDue(batchesInEpoch: number): boolean {
    const every = this.options.checkpointEvery;
    // the epoch's last batch is followed by the end-of-epoch checkpoint
    return every !== undefined && this.trainBatchIdx % every === 0 && batchesInEpoch < this.numTrainBatches;
  }

  private stopRequested(): boolean {
    return this.options.signal?.aborted === true;
  }

  /** A snapshot of where training stands, `epoch` counting epochs done and `progress` the one in progress. */
  private position(epoch: number, progress: EpochProgress): TrainerPosition {
    return {
      epoch,
      step: this.trainBatchIdx,
      epochProgress: { ...progress },
      summaries: [...this.summaries],
      points: [...this.board.points],
      pending: this.board.pending(),
      plateauSteps: this.plateauSteps,
    };
  }

  private async saveCurves(model: Classifier): Promise<void> {
    const run = this.options.runDir;
    if (!run) return;
    const svg = curvesSvg(this.board.points, this.maxEpochs, `${model.constructor.name}, lr ${model.lr}`);
    writeFileDurably(run.curvesSvg, svg);
    writeFileDurably(run.curvesPng, await svgToPng(svg));
  }

  private async saveCheckpoint(model: Classifier, optimizer: tf.Optimizer, position: TrainerPosition): Promise<void> {
    if (!this.checkpoints) return;
    if (!weightsFinite(model.net)) {
      throw this.divergence('the weights became NaN or infinite', position.epochProgress.batches, model);
    }
    const { specs, data } = await encodeOptimizer(optimizer);
    const store = this.checkpoints;
    try {
      // the model files get the average, the training weights go beside them
      this.lastCheckpoint = await this.withAverage(async () => {
        const training = this.average ? await encodeTensors(this.average.held()) : undefined;
        return store.write(
          model.net,
          { step: position.step, epochEnd: position.epochProgress.batches === 0 },
          {
            [STATE_FILE]: serializeState(position, specs, training?.specs),
            [OPTIMIZER_FILE]: data,
            ...(training ? { [TRAINING_WEIGHTS_FILE]: training.data } : {}),
          },
        );
      });
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      const kept = this.lastCheckpoint
        ? `the last checkpoint, ${this.lastCheckpoint}, is intact`
        : 'no checkpoint was written yet';
      throw new OutputError(`${error.message}; ${kept}`, { cause: error });
    }
  }

  /** With a run directory that has a checkpoint: everything it saved. Without one: a clean start. */
  private async restore(model: Classifier, optimizer: tf.Optimizer): Promise<void> {
    const store = this.checkpoints;
    if (!store) return;
    store.removeIncomplete();
    const found = await store.readNewest(
      async (dir) => {
        const state = parseState(readFileSync(join(dir, STATE_FILE), 'utf8'));
        const trainingData = state.trainingWeights && new Uint8Array(readFileSync(join(dir, TRAINING_WEIGHTS_FILE)));
        const saved = await loadModel(dir);
        const optimizerData = new Uint8Array(readFileSync(join(dir, OPTIMIZER_FILE)));
        return { state, saved, optimizerData, trainingData };
      },
      (dir, reason) => this.log(`skipping damaged checkpoint ${dir}: ${reason}`),
    );
    if (!found) {
      if (existsSync(join(store.dir, MODEL_JSON))) {
        // an earlier version's single checkpoint/: without its data position it cannot continue exactly
        throw new ModelFileError(
          `${store.dir} holds a checkpoint of an earlier version of nin, which cannot be resumed; start a new run (eval and predict still read it)`,
        );
      }
      this.board.restore([], {}); // points a killed run drew before its first checkpoint are dropped
      return;
    }
    const { state, saved, optimizerData, trainingData } = found.value;
    try {
      if (Boolean(trainingData) !== Boolean(this.average)) {
        // not a damaged checkpoint: the run's recipe is not the one that wrote it
        throw new Error(
          `${found.dir} was written ${trainingData ? 'with' : 'without'} a weight average and this run ${this.average ? 'keeps one' : 'keeps none'}: resume it with its own recipe`,
        );
      }
      model.net.setWeights(saved.getWeights());
      if (trainingData) {
        // the checkpoint's model files hold the average, and the training weights go on beside the network
        const training = decodeTensors(state.trainingWeights!, trainingData);
        try {
          this.average!.setHeld(training);
        } finally {
          tf.dispose(training.map((t) => t.tensor));
        }
        this.average!.swap();
      }
    } finally {
      saved.dispose();
    }
    await restoreOptimizer(optimizer, state.optimizerWeights, optimizerData);
    if (state.epochProgress.batches > this.numTrainBatches) {
      throw new Error(
        `${found.dir} is ${state.epochProgress.batches} batches into an epoch of ${this.numTrainBatches}: not this data`,
      );
    }
    this.epoch = state.epoch;
    this.trainBatchIdx = state.step;
    this.progress = state.epochProgress;
    this.summaries = state.summaries;
    this.plateauSteps = state.plateauSteps ?? 0;
    this.board.restore(state.points, state.pending);
    this.lastCheckpoint = found.dir;
    const where =
      state.epochProgress.batches === 0
        ? `after epoch ${state.epoch}`
        : `in epoch ${state.epoch + 1} after batch ${state.epochProgress.batches} of ${this.numTrainBatches}`;
    this.log(`resumed from ${found.dir} ${where} (step ${state.step})`);
  }

  private divergence(what: string, batchInEpoch: number, model: Classifier): DivergenceError {
    const kept = this.lastCheckpoint ? ` The last good checkpoint is kept: ${this.lastCheckpoint}.` : '';
    return new DivergenceError(
      `${what} at epoch ${this.epoch + 1}, step ${batchInEpoch} (step ${this.trainBatchIdx + 1} of the run): training diverged. ` +
        `Try a lower learning rate than ${model.lr}, e.g. ${lowerRate(model.lr)}.${kept}`,
      this.lastCheckpoint,
    );
  }

  private interrupted(): TrainingInterrupted {
    const reason = this.options.signal?.reason;
    const where = `at epoch ${this.epoch + 1}, batch ${this.progress.batches} of ${this.numTrainBatches} (step ${this.trainBatchIdx})`;
    const saved = this.lastCheckpoint ? `checkpoint: ${this.lastCheckpoint}` : 'no checkpoint yet';
    return new TrainingInterrupted(`interrupted (${String(reason)}) ${where}; ${saved}`, reason, this.lastCheckpoint);
  }
}

/** A learning rate ten times lower, printed short (0.01, not 0.010000000000000002). */
export function lowerRate(lr: number): number {
  return Number((lr / 10).toPrecision(3));
}

/**
 * Lets the event loop run its handlers: a prefetched batch arrives through promises alone, which never give a
 * signal handler (Ctrl-C) the chance to run between steps.
 */
function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function weightsFinite(net: tf.LayersModel): boolean {
  return net.getWeights().every((w) => (w.dataSync() as Float32Array).every(Number.isFinite));
}

function withTensors<T>(batch: DataBatch, resize: number, fn: (b: Batch) => T): T {
  const x = tf.tensor4d(batch.x, [batch.size, resize, resize, 1]);
  const y = tf.tensor1d(batch.y, 'int32');
  try {
    return fn({ x, y });
  } finally {
    tf.dispose([x, y]);
  }
}
