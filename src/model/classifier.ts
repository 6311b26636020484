// d2l's Classifier: softmax cross-entropy on integer labels, and accuracy. The network outputs logits.
import * as tf from '@tensorflow/tfjs';

import { type KernelInit, withInitSeed } from './layers.js';
import { classifierMetadata } from './model_metadata.js';
import { type Batch, Module, type StepMetrics } from './module.js';

/** What every image classifier of the chapter is built from. */
export interface ImageClassifierOptions {
  /** side of the square grayscale input images (224 in the chapter) */
  resize?: number;
  lr?: number;
  numClasses?: number;
  /** seeds the weight initialisation and the dropout masks (see Module.beginStep) */
  seed?: number;
  /** kernel initialisation (default xavier, d2l's) */
  init?: KernelInit;
  /** initial bias of the layer that outputs the class scores, where it is a ReLU convolution (NiN; default 0) */
  lastBias?: number;
  /** label smoothing of the cross-entropy loss (default 0) */
  labelSmoothing?: number;
  /** validate with flip test-time augmentation (default false) */
  tta?: boolean;
}

/** The class statistics of a set of images that tell whether classes have died. */
export interface ClassScoreStats {
  /** per class: the largest and the smallest score (logit) over the images */
  maxScore: number[];
  minScore: number[];
  /** per class: how many of the images it is the prediction for */
  predicted: number[];
}

export interface ValidationMetrics extends StepMetrics, ClassScoreStats {
  acc: number;
}

export abstract class Classifier extends Module {
  abstract readonly numClasses: number;
  /** label smoothing of the training loss (validation loss is always plain cross-entropy) */
  labelSmoothing = 0;
  /** validate on the mean logits of each image and its mirror image (flip test-time augmentation) */
  tta = false;

  loss(yHat: tf.Tensor, y: tf.Tensor1D, labelSmoothing = 0): tf.Scalar {
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y, this.numClasses), yHat, undefined, labelSmoothing) as tf.Scalar;
  }

  /** Fraction of the batch whose highest logit is the true class. */
  accuracy(yHat: tf.Tensor, y: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(yHat, 1), tf.cast(y, 'int32')), 'float32')));
  }

  override trainingStep(batch: Batch, optimizer: tf.Optimizer): StepMetrics & { acc: number } {
    let acc: tf.Scalar | undefined;
    const loss = tf.tidy(
      () =>
        optimizer.minimize(() => {
          const yHat = this.forward(batch.x, true);
          acc = tf.keep(this.accuracy(yHat, batch.y)); // not on the loss's path: the tape prunes it
          return this.loss(yHat, batch.y, this.labelSmoothing);
        }, true)!,
    );
    const metrics = { loss: loss.dataSync()[0]!, acc: acc!.dataSync()[0]! };
    tf.dispose([loss, acc!]);
    return metrics;
  }

  /** Loss, accuracy and the class statistics of a batch in inference mode (with flip TTA when `tta` is set). */
  override validationStep(batch: Batch): ValidationMetrics {
    return tf.tidy(() => {
      const yHat = this.scores(batch.x);
      return {
        loss: this.loss(yHat, batch.y).dataSync()[0]!,
        acc: this.accuracy(yHat, batch.y).dataSync()[0]!,
        ...classScoreStats(yHat, this.numClasses),
      };
    });
  }

  /** Class scores (logits) in inference mode, [B, numClasses]; averaged with the mirror image's under `tta`. */
  scores(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const forward = (images: tf.Tensor4D) => this.forward(images, false) as tf.Tensor2D;
      return this.tta ? flipAveraged(forward, x) : forward(x);
    });
  }

  /** Class probabilities, [B, numClasses]. */
  predictProbabilities(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.scores(x)) as tf.Tensor2D);
  }
}

/**
 * A classifier of square grayscale images: the chapter's NiN, AlexNet and VGG. Subclasses give their d2l default
 * learning rate and build their network for `resize`² inputs and `numClasses` outputs (seeded when asked).
 */
export abstract class ImageClassifier extends Classifier {
  readonly numClasses: number;
  readonly resize: number;
  readonly net: tf.LayersModel;

  protected constructor(
    {
      resize = 224,
      lr,
      numClasses = 10,
      seed,
      init,
      lastBias = 0,
      labelSmoothing = 0,
      tta = false,
    }: ImageClassifierOptions,
    defaultLr: number,
    build: (resize: number, numClasses: number, lastBias: number) => tf.LayersModel,
  ) {
    super(lr ?? defaultLr, seed);
    this.numClasses = numClasses;
    this.resize = resize;
    this.labelSmoothing = labelSmoothing;
    this.tta = tta;
    this.net = withInitSeed(seed, () => build(resize, numClasses, lastBias), init);
    this.net.setUserDefinedMetadata(classifierMetadata(this.constructor.name, resize, numClasses)); // saved in model.json
  }
}

/** Per-class score extremes and prediction counts of a batch of scores [B, numClasses]. */
export function classScoreStats(yHat: tf.Tensor, numClasses: number): ClassScoreStats {
  return tf.tidy(() => ({
    maxScore: Array.from(tf.max(yHat, 0).dataSync()),
    minScore: Array.from(tf.min(yHat, 0).dataSync()),
    predicted: Array.from(tf.bincount(tf.cast(tf.argMax(yHat, 1), 'int32') as tf.Tensor1D, [], numClasses).dataSync()),
  }));
}

/** Flip test-time augmentation: the mean of `predict`'s logits for the images and for their mirror images. */
export function flipAveraged(predict: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => tf.div(tf.add(predict(x), predict(mirrorImages(x))), 2) as tf.Tensor2D);
}

/**
 * The mirror images (flipped left to right) of a batch of NHWC images, for flip test-time augmentation: a row
 * reversal of the pixel array, which is exact and about 100× faster than TF.js's CPU Reverse kernel on images.
 * Inference only: the result is a new tensor outside any gradient.
 */
export function mirrorImages(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const source = x.dataSync() as Float32Array;
  const mirrored = new Float32Array(source.length);
  for (let row = 0; row < n * h; row++) {
    const base = row * w * c;
    for (let col = 0; col < w; col++) {
      const from = base + col * c,
        to = base + (w - 1 - col) * c;
      for (let k = 0; k < c; k++) mirrored[to + k] = source[from + k]!;
    }
  }
  return tf.tensor4d(mirrored, [n, h, w, c]);
}
