// An exponential moving average of a network's weights (Polyak averaging, as TF's ExponentialMovingAverage and
// timm's ModelEma keep it): after every training step a ← d·a + (1 − d)·w, with d = min(decay, (1 + t) / (10 + t))
// after t updates, so the first steps' weights are soon forgotten. The average lives beside the network and
// `swap` exchanges the two, so validation and the saved model can see the average while training goes on from
// its own weights: the training itself is the same, step for step, with or without an average.
import * as tf from '@tensorflow/tfjs';

import type { NamedTensor } from './trainer_state.js';

export class WeightAverage {
  private readonly average: tf.Variable[];
  private disposed = false;

  constructor(
    private readonly net: tf.LayersModel,
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new RangeError(`weight average decay must be in (0, 1), got ${decay}`);
    this.average = net.getWeights().map((w) => tf.variable(w, false));
  }

  /** The decay of update number `t` (0-based: the first update keeps 10 % of the starting weights). */
  static decayAt(t: number, decay: number): number {
    return Math.min(decay, (1 + t) / (10 + t));
  }

  /** Folds the network's weights after training step `step` (0-based, over the whole run) into the average. */
  update(step: number): void {
    const d = WeightAverage.decayAt(step, this.decay);
    tf.tidy(() => {
      const weights = this.net.getWeights();
      this.average.forEach((a, i) => a.assign(tf.add(tf.mul(a, d), tf.mul(weights[i]!, 1 - d))));
    });
  }

  /** Exchanges the network's weights and the average (the exact values: nothing is recomputed). */
  swap(): void {
    const own = this.net.getWeights().map((w) => tf.clone(w));
    try {
      this.net.setWeights(this.average);
      this.average.forEach((a, i) => a.assign(own[i]!));
    } finally {
      tf.dispose(own);
    }
  }

  /** The weights held beside the network (the average, or after `swap` the network's own), named by position. */
  held(): NamedTensor[] {
    return this.average.map((tensor, i) => ({ name: `weight_${i}`, tensor }));
  }

  /** Replaces the weights held beside the network (as `held` gave them). */
  setHeld(tensors: NamedTensor[]): void {
    if (tensors.length !== this.average.length)
      throw new Error(`${tensors.length} weights given for a network of ${this.average.length}`);
    this.average.forEach((a, i) => a.assign(tensors[i]!.tensor));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.average);
  }
}
