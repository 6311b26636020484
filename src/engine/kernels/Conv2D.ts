import { Conv2D, type Conv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { conv2DInfo, isNativeConv } from '../geometry.js';
import { computeInput, f32, isFloat32, nativeKernel, output } from '../kernel_utils.js';

// x: [N, H, W, C], filter: [KH, KW, C, OC] → [N, OH, OW, OC]
export const conv2DConfig = nativeKernel<{ x: TensorInfo; filter: TensorInfo }, Conv2DAttrs>(
  Conv2D,
  ({ inputs: { x, filter }, attrs, backend: b }) => {
    const info = conv2DInfo(x.shape, filter.shape, attrs);
    if (!isFloat32(x, filter) || !isNativeConv(info)) return null;
    return output(b, [info.batchSize, info.outHeight, info.outWidth, info.outChannels], (y) =>
      b.addon.conv2d(computeInput(b, x), f32(b, filter), null, y, info, false, b.bf16),
    );
  },
);
