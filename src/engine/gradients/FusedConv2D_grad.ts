// The gradient of FusedConv2D (conv + bias + ReLU/linear in one kernel), which TF.js itself never records: its
// fused ops run that kernel only outside gradient tapes, and in training fall back to Conv2D → Add → Relu, three
// kernels and two more activation-sized tensors per layer. With this gradient registered, a layer can run its
// training forward pass as one FusedConv2D (see ../../model/fused_conv2d_layer.ts):
// - the ReLU's derivative is taken from the output (y > 0 exactly where the pre-activation is > 0), so no
//   pre-activation tensor exists at all;
// - on onednn the filter and bias gradients come from one kernel (Conv2DBackpropFilterBias).
// Channels-last, undilated convolutions with a linear or ReLU activation only; others throw when differentiated.
import * as tf from '@tensorflow/tfjs-core';

import { CONV2D_BACKPROP_FILTER_BIAS } from '../custom_kernels.js';
import { reluGrad } from './Relu_grad.js';

type Pad = tf.FusedConv2DAttrs['pad'];

/** Whether this gradient covers a FusedConv2D with these attributes (and a bias). */
export function differentiableFusedConv2D(attrs: {
  dataFormat: string;
  dilations: number | [number, number];
  activation: string;
}): boolean {
  const dilated = Array.isArray(attrs.dilations) ? attrs.dilations.some((d) => d !== 1) : attrs.dilations !== 1;
  return attrs.dataFormat === 'NHWC' && !dilated && (attrs.activation === 'linear' || attrs.activation === 'relu');
}

export const fusedConv2DGradConfig: tf.GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as tf.FusedConv2DAttrs;
    if (!differentiableFusedConv2D(a)) {
      throw new Error(
        `no gradient for FusedConv2D with ${a.dataFormat}, dilations ${String(a.dilations)}, activation ${a.activation}`,
      );
    }
    const conv = {
      strides: a.strides,
      pad: a.pad as Pad,
      dataFormat: 'NHWC' as const,
      dimRoundingMode: a.dimRoundingMode,
    };
    // dz feeds the two gradient convolutions only
    const dz = a.activation === 'relu' ? reluGrad(dy as tf.Tensor, y, { forBf16Kernels: true }) : (dy as tf.Tensor);
    // Both are needed in training; computed here (inside the backward pass's scope) so one kernel makes both.
    const [dw, db] =
      tf.getKernel(CONV2D_BACKPROP_FILTER_BIAS, tf.getBackend()) !== undefined
        ? (tf
            .engine()
            .runKernel(
              CONV2D_BACKPROP_FILTER_BIAS,
              { x, dy: dz },
              { ...conv, filterShape: filter.shape },
            ) as tf.Tensor[])
        : [
            tf
              .engine()
              .runKernel(tf.Conv2DBackpropFilter, { x, dy: dz }, { ...conv, filterShape: filter.shape }) as tf.Tensor,
            tf.sum(dz, [0, 1, 2]),
          ];
    return {
      // not asked for when x is the network's input
      x: () =>
        tf
          .engine()
          .runKernel(tf.Conv2DBackpropInput, { dy: dz, filter }, { ...conv, inputShape: x.shape }) as tf.Tensor,
      filter: () => dw!,
      bias: () => db!,
    };
  },
};
