import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { conv2DInfo, convGeometry, isNativeConv } from '../geometry.js';
import { computeInput, computeOutput, f32, isFloat32, nativeKernel } from '../kernel_utils.js';

// dy: [N, OH, OW, OC], filter: [KH, KW, C, OC] → dx: [N, H, W, C] (in bf16 written as bfloat16, see ../bf16_storage.ts)
export const conv2DBackpropInputConfig = nativeKernel<{ dy: TensorInfo; filter: TensorInfo }, Conv2DBackpropInputAttrs>(
  Conv2DBackpropInput,
  ({ inputs: { dy, filter }, attrs, backend: b }) => {
    const info = conv2DInfo(attrs.inputShape, filter.shape, attrs);
    if (!isFloat32(dy, filter) || !isNativeConv(info)) return null;
    return computeOutput(b, [...attrs.inputShape], (dx) => b.addon.conv2dBackpropInput(computeInput(b, dy), f32(b, filter), dx, convGeometry(info), b.bf16));
  },
);
