// d2l's Trainer: fit = prepare data → prepare model → optimizer → fitEpoch × maxEpochs. Each epoch trains on every
// training batch, validates on the test split, draws the metrics, redraws the curves and writes a checkpoint.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import type { Classifier } from '../model/classifier.js';
import type { Batch } from '../model/module.js';
import { loadModel, resolveModelDir, saveModel } from './model_io.js';
import { curvesSvg } from './curves_svg.js';
import { svgToPng } from './plot.js';
import { ProgressBoard, readMetrics } from './progress_board.js';
import { formatDuration, ProgressBar } from './progress_bar.js';
import type { RunDir } from './run_dir.js';

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
  trainDataloader(epoch: number): AsyncIterable<DataBatch>;
  valDataloader(): AsyncIterable<DataBatch>;
}

export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
  imagesPerSecond: number;
  /** share of the training wall time spent waiting for data */
  dataShare: number;
}

/** What a checkpoint remembers besides the weights; the RNG state is (seed, epoch): data order is derived from it. */
export interface TrainerState {
  epochsDone: number;
  trainBatchIdx: number;
  metricPoints: number;
  summaries: EpochSummary[];
}

export interface TrainerOptions {
  maxEpochs: number;
  runDir?: RunDir;
  plotTrainPerEpoch?: number;
  plotValidPerEpoch?: number;
  /** receives one line per epoch (and messages); default: stderr */
  log?: (line: string) => void;
  /** draw a progress bar on stderr (default: true) */
  progress?: boolean;
}

export class DivergenceError extends Error {}

export const CHECKPOINT_STATE = 'state.json';

export class Trainer {
  readonly maxEpochs: number;
  epoch = 0;
  trainBatchIdx = 0;
  valBatchIdx = 0;
  numTrainBatches = 0;
  numValBatches = 0;
  board: ProgressBoard;
  summaries: EpochSummary[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly options: TrainerOptions) {
    if (!Number.isInteger(options.maxEpochs) || options.maxEpochs < 1) {
      throw new RangeError(`maxEpochs must be a positive integer, got ${options.maxEpochs}`);
    }
    this.maxEpochs = options.maxEpochs;
    this.log = options.log ?? ((line) => process.stderr.write(line + '\n'));
    const run = options.runDir;
    this.board = new ProgressBoard(run ? { jsonl: run.metricsJsonl, csv: run.metricsCsv } : {});
  }

  async fit(model: Classifier, data: DataModule): Promise<EpochSummary[]> {
    this.numTrainBatches = data.numTrainBatches();
    this.numValBatches = data.numValBatches();
    const optimizer = model.configureOptimizers();
    await this.restore(model);
    for (; this.epoch < this.maxEpochs; this.epoch++) {
      const summary = await this.fitEpoch(model, data, optimizer);
      this.summaries.push(summary);
      await this.saveEpoch(model);
      this.log(
        `epoch ${summary.epoch}/${this.maxEpochs}: train_loss ${summary.trainLoss.toFixed(4)} train_acc ${summary.trainAcc.toFixed(4)} ` +
          `val_loss ${summary.valLoss.toFixed(4)} val_acc ${summary.valAcc.toFixed(4)} | ${formatDuration(summary.seconds)}, ` +
          `${summary.imagesPerSecond.toFixed(1)} img/s, data ${(100 * summary.dataShare).toFixed(1)}% of step time`,
      );
    }
    return this.summaries;
  }

  private async fitEpoch(model: Classifier, data: DataModule, optimizer: tf.Optimizer): Promise<EpochSummary> {
    const started = performance.now();
    const bar = this.options.progress === false ? undefined : new ProgressBar(`epoch ${this.epoch + 1}/${this.maxEpochs}`, this.numTrainBatches);
    const perTrainPoint = this.numTrainBatches / (this.options.plotTrainPerEpoch ?? 2);
    let images = 0, waited = 0, lossSum = 0, accSum = 0, batches = 0;
    for await (const batch of data.trainDataloader(this.epoch)) {
      waited += batch.dataMs;
      const metrics = withTensors(batch, data.resize, (b) => model.trainingStep(b, optimizer));
      if (!Number.isFinite(metrics.loss)) {
        throw new DivergenceError(
          `the loss became ${metrics.loss} at epoch ${this.epoch + 1}, step ${batches + 1}: training diverged. ` +
            `Try a lower learning rate (now ${model.lr}).`,
        );
      }
      const x = this.trainBatchIdx / this.numTrainBatches;
      this.board.draw(x, metrics.loss, 'train_loss', perTrainPoint);
      this.board.draw(x, metrics.acc!, 'train_acc', perTrainPoint);
      this.trainBatchIdx++;
      images += batch.size;
      lossSum += metrics.loss;
      accSum += metrics.acc!;
      batches++;
      bar?.update(batches, images, { loss: (lossSum / batches).toFixed(4), acc: (accSum / batches).toFixed(3) });
    }
    bar?.finish();
    const trainSeconds = (performance.now() - started) / 1000;
    const val = await this.validate(model, data);
    return {
      epoch: this.epoch + 1,
      trainLoss: lossSum / Math.max(batches, 1),
      trainAcc: accSum / Math.max(batches, 1),
      valLoss: val.loss,
      valAcc: val.acc,
      seconds: (performance.now() - started) / 1000,
      imagesPerSecond: images / trainSeconds,
      dataShare: waited / 1000 / trainSeconds,
    };
  }

  /** Loss and accuracy over the whole validation split, weighted by batch size. */
  private async validate(model: Classifier, data: DataModule): Promise<{ loss: number; acc: number }> {
    const perValPoint = this.numValBatches / (this.options.plotValidPerEpoch ?? 1);
    let n = 0, lossSum = 0, accSum = 0;
    for await (const batch of data.valDataloader()) {
      const metrics = withTensors(batch, data.resize, (b) => model.validationStep(b));
      this.board.draw(this.epoch + 1, metrics.loss, 'val_loss', perValPoint);
      this.board.draw(this.epoch + 1, metrics.acc!, 'val_acc', perValPoint);
      this.valBatchIdx++;
      lossSum += metrics.loss * batch.size;
      accSum += metrics.acc! * batch.size;
      n += batch.size;
    }
    return { loss: lossSum / Math.max(n, 1), acc: accSum / Math.max(n, 1) };
  }

  private async saveEpoch(model: Classifier): Promise<void> {
    const run = this.options.runDir;
    if (!run) return;
    const svg = curvesSvg(this.board.points, this.maxEpochs, `${model.constructor.name}, lr ${model.lr}`);
    writeFileSync(run.curvesSvg, svg);
    await svgToPng(svg, run.curvesPng);
    const state: TrainerState = {
      epochsDone: this.epoch + 1,
      trainBatchIdx: this.trainBatchIdx,
      metricPoints: this.board.points.length,
      summaries: this.summaries,
    };
    await saveModel(model.net, run.checkpoint, { [CHECKPOINT_STATE]: JSON.stringify(state, null, 2) });
  }

  /** With a run directory that has a checkpoint: its weights, epoch counter and metrics so far. */
  private async restore(model: Classifier): Promise<void> {
    const run = this.options.runDir;
    if (!run) return;
    const dir = resolveModelDir(run.checkpoint);
    if (!existsSync(join(dir, CHECKPOINT_STATE))) return;
    const state = JSON.parse(readFileSync(join(dir, CHECKPOINT_STATE), 'utf8')) as TrainerState;
    const saved = await loadModel(dir);
    model.net.setWeights(saved.getWeights());
    saved.dispose();
    this.epoch = state.epochsDone;
    this.trainBatchIdx = state.trainBatchIdx;
    this.summaries = state.summaries;
    // points drawn after the checkpoint (an interrupted epoch) are dropped, in memory and in the files
    const points = readMetrics(run.metricsJsonl).slice(0, state.metricPoints);
    writeFileSync(run.metricsJsonl, points.map((p) => JSON.stringify(p) + '\n').join(''));
    writeFileSync(run.metricsCsv, 'epoch,metric,value\n' + points.map((p) => `${p.epoch},${p.name},${p.value}\n`).join(''));
    this.board.load(points);
    this.log(`resumed from ${run.path} after epoch ${this.epoch}`);
  }
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
