// Network in Network (Lin et al., 2014), d2l's chapter: four NiN blocks with max-pools between, dropout before the
// last block, then global average pooling and flatten. No fully connected layer: 1,992,166 parameters.
import * as tf from '@tensorflow/tfjs';

import { Classifier } from './classifier.js';
import { StepSeededDropout } from './step_seeded_dropout.js';

type Size2 = number | [number, number];
const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : v);

let initSeed: number | undefined;
/** Glorot/Xavier-uniform kernels; seeded (one seed per layer, in build order) when the model is. */
function kernelInitializer(): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform(initSeed === undefined ? {} : { seed: initSeed++ });
}

/**
 * conv → ReLU → 1×1 conv → ReLU → 1×1 conv → ReLU, as one nested Sequential (one line of the layer walk).
 * `padding` is the chapter's explicit symmetric zero padding: 'same' where that is equal (stride 1, k = 2p + 1),
 * otherwise a ZeroPadding2D layer before a 'valid' conv. `inputShape` is [H, W, C].
 */
export function ninBlock(outChannels: number, kernelSize: Size2, strides: Size2, padding: Size2, inputShape: number[]): tf.Sequential {
  const [kh, kw] = pair(kernelSize), [sh, sw] = pair(strides), [ph, pw] = pair(padding);
  const block = tf.sequential();
  const conv = (k: [number, number], s: [number, number], pad: 'same' | 'valid', withInput: boolean) =>
    tf.layers.conv2d({
      filters: outChannels, kernelSize: k, strides: s, padding: pad, activation: 'relu',
      kernelInitializer: kernelInitializer(), biasInitializer: 'zeros', ...(withInput ? { inputShape } : {}),
    });
  if (ph === 0 && pw === 0) {
    block.add(conv([kh, kw], [sh, sw], 'valid', true));
  } else if (sh === 1 && sw === 1 && 2 * ph + 1 === kh && 2 * pw + 1 === kw) {
    block.add(conv([kh, kw], [sh, sw], 'same', true));
  } else {
    block.add(tf.layers.zeroPadding2d({ padding: [ph, pw], inputShape }));
    block.add(conv([kh, kw], [sh, sw], 'valid', false));
  }
  block.add(conv([1, 1], [1, 1], 'valid', false));
  block.add(conv([1, 1], [1, 1], 'valid', false));
  return block;
}

export interface NiNOptions {
  /** side of the square input images (224 in the chapter) */
  resize?: number;
  lr?: number;
  numClasses?: number;
  /** seeds the weight initialisation and the dropout masks (see Module.beginStep) */
  seed?: number;
}

export class NiN extends Classifier {
  readonly numClasses: number;
  readonly resize: number;
  readonly net: tf.Sequential;

  constructor({ resize = 224, lr = 0.1, numClasses = 10, seed }: NiNOptions = {}) {
    super(lr, seed);
    this.numClasses = numClasses;
    this.resize = resize;
    initSeed = seed;
    try {
      this.net = NiN.build(resize, numClasses);
    } finally {
      initSeed = undefined;
    }
  }

  private static build(resize: number, numClasses: number): tf.Sequential {
    const net = tf.sequential();
    const shape = () => (net.outputs[0]!.shape as number[]).slice(1);
    const maxPool = () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2 });
    net.add(ninBlock(96, 11, 4, 0, [resize, resize, 1]));
    net.add(maxPool());
    net.add(ninBlock(256, 5, 1, 2, shape()));
    net.add(maxPool());
    net.add(ninBlock(384, 3, 1, 1, shape()));
    net.add(maxPool());
    net.add(new StepSeededDropout({ rate: 0.5 }));
    net.add(ninBlock(numClasses, 3, 1, 1, shape()));
    const [h, w] = shape();
    net.add(tf.layers.averagePooling2d({ poolSize: [h!, w!], strides: [h!, w!], padding: 'valid' })); // global
    net.add(tf.layers.flatten());
    return net;
  }
}
