// ReLU's gradient on onednn, in place of TF.js's (mul(dy, cast(step(x)))), which other backends keep
// (backend_scoped.ts); `reluGrad` also serves FusedConv2D's gradient on every backend:
// - it saves the ReLU's output instead of its input: y > 0 exactly where x > 0, and y is kept alive anyway as the
//   next layer's input, so the pre-activation tensor of each conv layer can be freed right after the forward pass;
// - on `onednn` it is one native pass (ReluGrad) instead of three (Step, Cast, Multiply).
// Elsewhere reluGrad computes the stock formula on y, which gives the same values.
import * as tf from '@tensorflow/tfjs-core';

import { RELU_GRAD, type ReluGradAttrs } from '../custom_kernels.js';

/** dy where y > 0, else 0: the gradient through a ReLU whose output is y. */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor, attrs: ReluGradAttrs = {}): tf.Tensor {
  return tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined && dy.dtype === 'float32'
    ? (tf.engine().runKernel(RELU_GRAD, { dy, y }, attrs as tf.NamedAttrMap) as tf.Tensor)
    : tf.mul(dy, tf.cast(tf.step(y), 'float32'));
}

export const reluGradConfig: tf.GradConfig = {
  kernelName: tf.Relu,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [y] = saved as [tf.Tensor];
    return { x: () => reluGrad(dy as tf.Tensor, y) };
  },
};
