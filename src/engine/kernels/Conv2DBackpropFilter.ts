import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { conv2DInfo, isNativeConv } from '../geometry.js';
import { computeInput, isFloat32, nativeKernel, output } from '../kernel_utils.js';

// x: [N, H, W, C], dy: [N, OH, OW, OC] → dw: [KH, KW, C, OC]
export const conv2DBackpropFilterConfig = nativeKernel<{ x: TensorInfo; dy: TensorInfo }, Conv2DBackpropFilterAttrs>(
  Conv2DBackpropFilter,
  ({ inputs: { x, dy }, attrs, backend: b }) => {
    const info = conv2DInfo(x.shape, attrs.filterShape, attrs);
    if (!isFloat32(x, dy) || !isNativeConv(info)) return null;
    return output(b, [...attrs.filterShape], (dw) =>
      b.addon.conv2dBackpropFilter(computeInput(b, x), computeInput(b, dy), dw, info, null, b.bf16),
    );
  },
);
