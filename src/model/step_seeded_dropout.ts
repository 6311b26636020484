// Dropout whose mask is a function of a seed the trainer sets before each step: a run that resumes from a
// checkpoint draws the same masks as one that was never interrupted. (tf.layers.dropout with a fixed `seed` would
// draw the same mask at every step; without one it draws from Math.random, which a resume cannot replay.)
// It is saved as a stock `Dropout`, so stock TF.js loads the model files; at inference both are the identity.
// The mask is a function of the seed alone (engine/dropout_mask.ts), filled natively on onednn.
import * as tf from '@tensorflow/tfjs';

import { dropoutMask } from '../engine/dropout_mask.js';

export class StepSeededDropout extends tf.layers.Layer {
  static className = 'Dropout';
  readonly rate: number;
  private seed: number | undefined;

  constructor(args: { rate: number; name?: string }) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
  }

  /** The seed of the next training-mode calls' masks; undefined: unseeded (Math.random). */
  reseed(seed: number | undefined): void {
    this.seed = seed;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    const seed = this.seed ?? Math.floor(Math.random() * 2 ** 32);
    return tf.tidy(() => tf.mul(x, dropoutMask([...x.shape], this.rate, seed)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** The StepSeededDropout layers of `layers`, nested Sequentials included, in build order. */
export function stepSeededDropouts(layers: readonly tf.layers.Layer[]): StepSeededDropout[] {
  return layers.flatMap((layer) =>
    layer instanceof StepSeededDropout
      ? [layer]
      : layer instanceof tf.Sequential
        ? stepSeededDropouts(layer.layers)
        : [],
  );
}
