// d2l's Module: a network plus what training needs to know about it (loss, optimizer, the steps the Trainer
// calls). Subclasses build `net` and define `loss`; the Trainer drives `trainingStep` and `validationStep`.
import * as tf from '@tensorflow/tfjs';

import { mixSeed } from '../util/seeded_random.js';
import { stepSeededDropouts } from './step_seeded_dropout.js';

export interface Batch {
  /** images, [B, H, W, 1] */
  x: tf.Tensor4D;
  /** integer class labels, [B] */
  y: tf.Tensor1D;
}

/** What a step reports back to the Trainer (plain numbers: tensors never outlive a step). */
export interface StepMetrics {
  loss: number;
  acc?: number;
}

export abstract class Module {
  abstract readonly net: tf.LayersModel;
  lr: number;
  /** Seeds the weight initialisation and each step's dropout masks; undefined: unseeded. */
  readonly seed: number | undefined;

  constructor(lr: number, seed?: number) {
    this.lr = lr;
    this.seed = seed;
  }

  /**
   * Called by the Trainer before training step `step` (counted over the whole run): the step's dropout masks
   * become a function of (seed, step), so a resumed run draws the same masks as an uninterrupted one.
   */
  beginStep(step: number): void {
    stepSeededDropouts(this.net.layers).forEach((layer, i) =>
      layer.reseed(this.seed === undefined ? undefined : mixSeed(mixSeed(this.seed, step), i)),
    );
  }

  /** Mean loss of a batch; must be differentiable with respect to the network's weights. */
  abstract loss(yHat: tf.Tensor, y: tf.Tensor1D): tf.Scalar;

  forward(x: tf.Tensor4D, training: boolean): tf.Tensor {
    return this.net.apply(x, { training }) as tf.Tensor;
  }

  configureOptimizers(): tf.Optimizer {
    return tf.train.sgd(this.lr);
  }

  /** One optimisation step on a batch: forward in training mode, loss, gradients, update. */
  trainingStep(batch: Batch, optimizer: tf.Optimizer): StepMetrics {
    const loss = tf.tidy(() => optimizer.minimize(() => this.loss(this.forward(batch.x, true), batch.y), true)!);
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return { loss: value };
  }

  /** Metrics of a batch in inference mode (dropout off), no gradients. */
  validationStep(batch: Batch): StepMetrics {
    return tf.tidy(() => ({ loss: this.loss(this.forward(batch.x, false), batch.y).dataSync()[0]! }));
  }

  /** d2l's layer walk: runs a random input of `inputShape` through each top-level layer, one line per layer. */
  layerSummary(inputShape: number[]): string[] {
    const line = (layer: tf.layers.Layer, shape: readonly (number | null)[]) =>
      `${layer.getClassName()} output shape: (${shape.join(', ')})`;
    if (!(this.net instanceof tf.Sequential)) {
      // a graph, not a chain: each layer's shape as the built model has it, with the batch asked for
      const layers = this.net.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
      return layers.map((layer) => line(layer, [inputShape[0]!, ...(layer.outputShape as (number | null)[]).slice(1)]));
    }
    return tf.tidy(() => {
      let x: tf.Tensor = tf.randomNormal(inputShape);
      return this.net.layers.map((layer) => {
        x = layer.apply(x, { training: false }) as tf.Tensor;
        return line(layer, x.shape);
      });
    });
  }

  countParams(): number {
    return this.net.countParams();
  }
}
