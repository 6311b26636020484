// Inverted dropout's multiplier as a function of a seed: element i is 1/keep where hash(seed, i) < keep · 2³², else
// 0. Every element is independent of the others, so the onednn backend fills the mask natively in parallel
// (kernel DropoutMask), and any other backend gets the same mask from the loop below. TF.js's own dropout draws a
// uniform tensor in a serial JS loop and runs Add, Floor and RealDiv on it: for NiN@224 at batch 128 that was 25 ms
// per step, the native fill 0.1 ms.
import * as tf from '@tensorflow/tfjs-core';

import { DROPOUT_MASK, type DropoutMaskAttrs } from './custom_kernels.js';

/** Wellons' lowbias32, as native/eltwise.cc computes it. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Fills `mask` as the DropoutMask kernel does. */
export function fillDropoutMask(mask: Float32Array, { threshold, scale, seed }: Omit<DropoutMaskAttrs, 'shape'>): void {
  for (let i = 0; i < mask.length; i++)
    mask[i] = mix32((Math.imul(i, 0x9e3779b9) + seed) >>> 0) < threshold ? scale : 0;
}

/** The multiplier of dropout at `rate` (in [0, 1)) for a tensor of `shape`, a function of `seed` alone. */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const keep = 1 - rate;
  const attrs: DropoutMaskAttrs = { shape, threshold: Math.floor(keep * 2 ** 32), scale: 1 / keep, seed: seed >>> 0 };
  if (tf.getKernel(DROPOUT_MASK, tf.getBackend())) {
    return tf.engine().runKernel(DROPOUT_MASK, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const mask = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fillDropoutMask(mask, attrs);
  return tf.tensor(mask, shape);
}
