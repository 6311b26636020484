// Images per second of a model's training step (forward, loss, backward, SGD update, as the Trainer runs it) and of
// inference, timed on synthetic data of the model's input size after warm-up steps (oneDNN builds its primitives
// on first use).
import * as tf from '@tensorflow/tfjs';

import type { Classifier, ImageClassifier } from '../model/classifier.js';
import type { Batch } from '../model/module.js';
import { median } from './stats.js';

export interface StepTiming {
  /** seconds of each timed step */
  seconds: number[];
  /** the last step's loss (training) or first logit (inference) */
  last: number;
}

/** Runs `step` `warmup` times untimed, then `steps` times timed. */
export function timeSteps(step: () => number, warmup: number, steps: number): StepTiming {
  let last = 0;
  for (let i = 0; i < warmup; i++) last = step();
  const seconds: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    last = step();
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds, last };
}

/** A random batch of `batchSize` images of `resize`² pixels with labels, seeded (the same every call). */
export function syntheticBatch(batchSize: number, resize: number, numClasses: number): Batch {
  return {
    x: tf.randomNormal([batchSize, resize, resize, 1], 0, 1, 'float32', 1) as tf.Tensor4D,
    y: tf.randomUniform([batchSize], 0, numClasses, 'int32', 2) as tf.Tensor1D,
  };
}

export function trainStep(model: Classifier, batch: Batch, optimizer: tf.Optimizer): () => number {
  return () => model.trainingStep(batch, optimizer).loss;
}

export function inferStep(model: Classifier, batch: Batch): () => number {
  return () => {
    const logits = model.net.predict(batch.x) as tf.Tensor;
    const first = logits.dataSync()[0]!;
    logits.dispose();
    return first;
  };
}

export interface Throughput {
  trainImgPerSec: number;
  inferImgPerSec: number;
}

/** Median img/s of training and inference steps. Training changes the weights: use a model made for timing. */
export function measureThroughput(
  model: ImageClassifier,
  { batchSize, steps, warmup }: { batchSize: number; steps: number; warmup: number },
): Throughput {
  const batch = syntheticBatch(batchSize, model.resize, model.numClasses);
  const optimizer = model.configureOptimizers();
  try {
    const train = timeSteps(trainStep(model, batch, optimizer), warmup, steps);
    const infer = timeSteps(inferStep(model, batch), warmup, steps);
    return { trainImgPerSec: batchSize / median(train.seconds), inferImgPerSec: batchSize / median(infer.seconds) };
  } finally {
    tf.dispose([batch.x, batch.y]);
    optimizer.dispose();
  }
}
