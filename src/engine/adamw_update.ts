// One AdamW step of a weight: Adam's moments and its bias-corrected step (Kingma & Ba), the weight first shrunk
// by the decoupled weight decay (Loshchilov & Hutter), in one pass over w, g, m and v. TF.js's Adam runs a dozen
// tensor ops per weight; this is one kernel (AdamWUpdate), native on onednn (in parallel) and the loop below on
// any other backend, both in JavaScript's double-precision arithmetic with float32 storage, so they agree bit for bit.
import * as tf from '@tensorflow/tfjs-core';

import { ADAMW_UPDATE, type AdamWUpdateAttrs } from './custom_kernels.js';

/** The AdamWUpdate kernel's arithmetic, writing the new values to wOut, mOut and vOut (which may be w, m and v). */
export function adamwLoop(
  [w, g, m, v]: readonly Float32Array[],
  [wOut, mOut, vOut]: readonly Float32Array[],
  { beta1, beta2, epsilon, lr, keep, correction1, correction2 }: AdamWUpdateAttrs,
): void {
  for (let k = 0; k < w!.length; k++) {
    const gk = g![k]!;
    const mk = beta1 * m![k]! + (1 - beta1) * gk;
    const vk = beta2 * v![k]! + (1 - beta2) * gk * gk;
    mOut![k] = mk;
    vOut![k] = vk;
    wOut![k] = w![k]! * keep - (lr * (mk / correction1)) / (Math.sqrt(vk / correction2) + epsilon);
  }
}

/** [w, m, v] after one AdamW step of weight w with gradient g and moments m, v (new tensors; the inputs stay). */
export function adamwUpdate(
  w: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  attrs: AdamWUpdateAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (tf.getKernel(ADAMW_UPDATE, tf.getBackend())) {
    return tf.engine().runKernel(ADAMW_UPDATE, { w, g, m, v }, attrs as unknown as tf.NamedAttrMap) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
  }
  const inputs = [w, g, m, v].map((t) => t.dataSync() as Float32Array);
  const outputs = inputs.slice(0, 3).map((a) => new Float32Array(a.length));
  adamwLoop(inputs, outputs, attrs);
  return outputs.map((values) => tf.tensor(values, w.shape, 'float32')) as [tf.Tensor, tf.Tensor, tf.Tensor];
}
