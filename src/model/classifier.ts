// d2l's Classifier: softmax cross-entropy on integer labels, and accuracy. The network outputs logits.
import * as tf from '@tensorflow/tfjs';

import { withInitSeed } from './layers.js';
import { type Batch, Module, type StepMetrics } from './module.js';

/** What every image classifier of the chapter is built from. */
export interface ImageClassifierOptions {
  /** side of the square grayscale input images (224 in the chapter) */
  resize?: number;
  lr?: number;
  numClasses?: number;
  /** seeds the weight initialisation and the dropout masks (see Module.beginStep) */
  seed?: number;
}

export abstract class Classifier extends Module {
  abstract readonly numClasses: number;

  loss(yHat: tf.Tensor, y: tf.Tensor1D): tf.Scalar {
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y, this.numClasses), yHat) as tf.Scalar;
  }

  /** Fraction of the batch whose highest logit is the true class. */
  accuracy(yHat: tf.Tensor, y: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(yHat, 1), tf.cast(y, 'int32')), 'float32')));
  }

  override trainingStep(batch: Batch, optimizer: tf.Optimizer): StepMetrics {
    let acc: tf.Scalar | undefined;
    const loss = tf.tidy(() =>
      optimizer.minimize(() => {
        const yHat = this.forward(batch.x, true);
        acc = tf.keep(this.accuracy(yHat, batch.y)); // not on the loss's path: the tape prunes it
        return this.loss(yHat, batch.y);
      }, true)!,
    );
    const metrics = { loss: loss.dataSync()[0]!, acc: acc!.dataSync()[0]! };
    tf.dispose([loss, acc!]);
    return metrics;
  }

  override validationStep(batch: Batch): StepMetrics {
    return tf.tidy(() => {
      const yHat = this.forward(batch.x, false);
      return { loss: this.loss(yHat, batch.y).dataSync()[0]!, acc: this.accuracy(yHat, batch.y).dataSync()[0]! };
    });
  }

  /** Class probabilities, [B, numClasses]. */
  predictProbabilities(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.forward(x, false)) as tf.Tensor2D);
  }
}

/**
 * A classifier of square grayscale images: the chapter's NiN, AlexNet and VGG. Subclasses give their d2l default
 * learning rate and build their network for `resize`² inputs and `numClasses` outputs (seeded when asked).
 */
export abstract class ImageClassifier extends Classifier {
  readonly numClasses: number;
  readonly resize: number;
  readonly net: tf.Sequential;

  protected constructor(
    { resize = 224, lr, numClasses = 10, seed }: ImageClassifierOptions, defaultLr: number,
    build: (resize: number, numClasses: number) => tf.Sequential,
  ) {
    super(lr ?? defaultLr, seed);
    this.numClasses = numClasses;
    this.resize = resize;
    this.net = withInitSeed(seed, () => build(resize, numClasses));
  }
}
