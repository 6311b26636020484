// What a checkpoint holds besides the network's weights, so that a resumed run continues exactly: where training
// stands (epoch, batch, global step), the running sums of the epoch in progress, the epoch summaries and metric
// points so far, the ProgressBoard's values not yet averaged into a point, and the optimizer's state (its weights,
// iteration counter included, in optimizer.bin) and, under a weight average, the weights training goes on from.
// The data order and the dropout masks need no state of their own: they are functions of (seed, epoch) and
// (seed, step).
import * as tf from '@tensorflow/tfjs';

import type { MetricPoint, PendingValues } from './progress_board.js';

export const STATE_FILE = 'state.json';
export const OPTIMIZER_FILE = 'optimizer.bin';
export const TRAINING_WEIGHTS_FILE = 'training-weights.bin';
const FORMAT = 'nin-trainer-state/1';

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
  /** the learning rate of the epoch's last step */
  lr?: number;
  /** under a weight average (valLoss and valAcc are the average's): the last step's weights' validation */
  valLossLastWeights?: number;
  valAccLastWeights?: number;
  /** classes whose score was 0 for every validation image, and classes predicted for none (class_health.ts) */
  deadClasses?: string[];
  neverPredicted?: string[];
}

/** The running sums of an epoch's training batches (all zero before its first batch). */
export interface EpochProgress {
  batches: number;
  images: number;
  lossSum: number;
  accSum: number;
  /** milliseconds spent training (checkpoint writes not counted) and, of those, waiting for data */
  trainMs: number;
  dataMs: number;
}

export function emptyEpochProgress(): EpochProgress {
  return { batches: 0, images: 0, lossSum: 0, accSum: 0, trainMs: 0, dataMs: 0 };
}

export interface TrainerState {
  format: typeof FORMAT;
  /** the epoch in progress, from 0 (= epochs finished) */
  epoch: number;
  /** training steps done in the whole run */
  step: number;
  epochProgress: EpochProgress;
  summaries: EpochSummary[];
  points: MetricPoint[];
  pending: PendingValues;
  /** training steps in a row, up to the last, whose loss was at the plateau of uniform guessing */
  plateauSteps?: number;
  /** layout of optimizer.bin */
  optimizerWeights: tf.io.WeightsManifestEntry[];
  /**
   * with a weight average: layout of training-weights.bin, the weights training goes on from (the checkpoint's
   * model files hold the average, which is what validation saw and what eval reads)
   */
  trainingWeights?: tf.io.WeightsManifestEntry[];
}

export type TrainerPosition = Omit<TrainerState, 'format' | 'optimizerWeights' | 'trainingWeights'>;

/** A tensor with a name, as optimizers and tf.io's weights format take them. */
export type NamedTensor = { name: string; tensor: tf.Tensor };

/** Named tensors as one binary blob and its layout (tf.io's weights format). */
export async function encodeTensors(
  named: NamedTensor[],
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(named);
  return { specs, data: new Uint8Array(data as ArrayBuffer) };
}

/** The tensors of a blob that encodeTensors wrote, in its order (the caller disposes them). */
export function decodeTensors(specs: tf.io.WeightsManifestEntry[], data: Uint8Array): NamedTensor[] {
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const named = tf.io.decodeWeights(buffer, specs);
  return specs.map((spec) => ({ name: spec.name, tensor: named[spec.name]! }));
}

/** The optimizer's weights (its iteration counter, any moments) as one binary blob and its layout. */
export async function encodeOptimizer(
  optimizer: tf.Optimizer,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const weights = await optimizer.getWeights();
  try {
    return await encodeTensors(weights);
  } finally {
    // getWeights makes a new tensor for the counter but hands out the moments' own variables: keep those
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
}

export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  specs: tf.io.WeightsManifestEntry[],
  data: Uint8Array,
): Promise<void> {
  const weights = decodeTensors(specs, data);
  try {
    await optimizer.setWeights(weights);
  } finally {
    tf.dispose(weights.map((w) => w.tensor)); // setWeights keeps the counter as a number and copies moments into variables
  }
}

export function serializeState(
  position: TrainerPosition,
  optimizerWeights: tf.io.WeightsManifestEntry[],
  trainingWeights?: tf.io.WeightsManifestEntry[],
): string {
  return JSON.stringify({
    format: FORMAT,
    ...position,
    optimizerWeights,
    ...(trainingWeights ? { trainingWeights } : {}),
  } satisfies TrainerState);
}

/** Parses a state.json, checking that it is one this version writes (a damaged file is an error, not a guess). */
export function parseState(text: string): TrainerState {
  const state = JSON.parse(text) as Partial<TrainerState>;
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  const ok =
    state.format === FORMAT &&
    count(state.epoch) &&
    count(state.step) &&
    count(state.epochProgress?.batches) &&
    Array.isArray(state.summaries) &&
    Array.isArray(state.points) &&
    typeof state.pending === 'object' &&
    state.pending !== null &&
    Array.isArray(state.optimizerWeights);
  if (!ok) throw new Error(`not a ${FORMAT} ${STATE_FILE}`);
  return state as TrainerState;
}
