import { FusedConv2D, type FusedConv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { conv2DInfo, isNativeConv } from '../geometry.js';
import { computeInput, computeOutput, f32, isFloat32, nativeKernel, sizeOf } from '../kernel_utils.js';

// Inference path of a conv layer (and training with a linear activation): conv + bias + ReLU in one oneDNN
// primitive, with bias and ReLU as post-ops. Other activations fall back to the CPU kernel. In bf16 the output is
// written as bfloat16: the next convolution reads it as such (see ../bf16_storage.ts).
// x: [N, H, W, C], filter: [KH, KW, C, OC], bias: [OC] → [N, OH, OW, OC]
export const fusedConv2DConfig = nativeKernel<
  { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo },
  FusedConv2DAttrs
>(FusedConv2D, ({ inputs: { x, filter, bias }, attrs, backend: b }) => {
  const info = conv2DInfo(x.shape, filter.shape, attrs);
  const biasOk = bias == null || (isFloat32(bias) && sizeOf(bias.shape) === info.outChannels);
  const activationOk = attrs.activation === 'linear' || attrs.activation === 'relu';
  if (!isFloat32(x, filter) || !isNativeConv(info) || !biasOk || !activationOk) return null;
  return computeOutput(b, [info.batchSize, info.outHeight, info.outWidth, info.outChannels], (y) =>
    b.addon.conv2d(
      computeInput(b, x),
      f32(b, filter),
      bias ? f32(b, bias) : null,
      y,
      info,
      attrs.activation === 'relu',
      b.bf16,
    ),
  );
});
