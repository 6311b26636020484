// Layer builders shared by the chapter's models: seeded Glorot (or He) initialisation, and convolutions with d2l's explicit
// symmetric zero padding (PyTorch's `padding=p`), which Keras-style layers only know as 'same' or 'valid'.
import * as tf from '@tensorflow/tfjs';

import { FusedConv2DLayer } from './fused_conv2d_layer.js';
import { StepSeededDropout } from './step_seeded_dropout.js';

export type Size2 = number | [number, number];
export const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Kernel initialisation: Glorot/Xavier-uniform (d2l's `init_cnn`) or He-normal (fan-in, for ReLU networks). */
export type KernelInit = 'xavier' | 'he';

let nextSeed: number | undefined;
let kernelInit: KernelInit = 'xavier';

/**
 * Builds a model with seeded initialisation: every kernel initialiser created inside `build` gets its own seed,
 * `seed`, `seed + 1`, … in build order, so one seed fixes all weights. Without a seed, weights are random.
 */
export function withInitSeed<T>(seed: number | undefined, build: () => T, init: KernelInit = 'xavier'): T {
  nextSeed = seed;
  kernelInit = init;
  try {
    return build();
  } finally {
    nextSeed = undefined;
    kernelInit = 'xavier';
  }
}

/** The kernel initialiser of the model being built (seeded inside `withInitSeed`). */
export function kernelInitializer(): ReturnType<typeof tf.initializers.glorotUniform> {
  const seed = nextSeed === undefined ? undefined : nextSeed++;
  if (kernelInit === 'xavier') return tf.initializers.glorotUniform(seed === undefined ? {} : { seed });
  // TF.js's truncated normal takes a seed of 0 for none (and draws from Math.random): count He's seeds from 1
  return tf.initializers.heNormal(seed === undefined ? {} : { seed: seed + 1 });
}

export interface Conv2dSpec {
  filters: number;
  kernelSize: Size2;
  strides?: Size2;
  padding?: Size2;
  /** [H, W, C] when this is the first layer of a Sequential */
  inputShape?: number[];
  /** initial value of every bias (default 0) */
  bias?: number;
  /** 'relu' (default: every convolution of the chapter's models) or 'linear' */
  activation?: 'relu' | 'linear';
}

/**
 * A convolution (ReLU unless told otherwise) with symmetric zero padding `padding`: one 'same' conv where that is
 * equal (stride 1, k = 2p + 1), a 'valid' conv when p = 0, otherwise a ZeroPadding2D layer and a 'valid' conv.
 */
export function paddedConv2d({
  filters,
  kernelSize,
  strides = 1,
  padding = 0,
  inputShape,
  bias = 0,
  activation = 'relu',
}: Conv2dSpec): tf.layers.Layer[] {
  const [kh, kw] = pair(kernelSize),
    [sh, sw] = pair(strides),
    [ph, pw] = pair(padding);
  const conv = (pad: 'same' | 'valid', withInput: boolean) =>
    new FusedConv2DLayer({
      filters,
      kernelSize: [kh, kw],
      strides: [sh, sw],
      padding: pad,
      activation,
      kernelInitializer: kernelInitializer(),
      biasInitializer: bias === 0 ? 'zeros' : tf.initializers.constant({ value: bias }),
      ...(withInput && inputShape ? { inputShape } : {}),
    });
  if (ph === 0 && pw === 0) return [conv('valid', true)];
  if (sh === 1 && sw === 1 && 2 * ph + 1 === kh && 2 * pw + 1 === kw) return [conv('same', true)];
  return [tf.layers.zeroPadding2d({ padding: [ph, pw], ...(inputShape ? { inputShape } : {}) }), conv('valid', false)];
}

/** A fully connected layer with the model's kernel initialiser; `activation` 'relu' for hidden layers, 'linear' for logits. */
export function dense(units: number, activation: 'relu' | 'linear'): tf.layers.Layer {
  return tf.layers.dense({ units, activation, kernelInitializer: kernelInitializer(), biasInitializer: 'zeros' });
}

/** The output shape of a Sequential so far, without the batch axis. */
export function outputShape(net: tf.Sequential): number[] {
  return (net.outputs[0]!.shape as number[]).slice(1);
}

/** AlexNet's and VGG's fully connected head: flatten → dense → ReLU → dropout → dense → ReLU → dropout → logits. */
export function denseHead(hidden: number, numClasses: number, dropout = 0.5): tf.layers.Layer[] {
  return [
    tf.layers.flatten(),
    dense(hidden, 'relu'),
    new StepSeededDropout({ rate: dropout }),
    dense(hidden, 'relu'),
    new StepSeededDropout({ rate: dropout }),
    dense(numClasses, 'linear'),
  ];
}
