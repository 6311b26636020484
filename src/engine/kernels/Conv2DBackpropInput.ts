import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { conv2DInfo, isNativeConv } from '../geometry.js';
import { computeInput, computeOutput, f32, isFloat32, nativeKernel } from '../kernel_utils.js';

// dy: [N, OH, OW, OC], filter: [KH, KW, C, OC] → dx: [N, H, W, C] (in bf16 written as bfloat16, see ../bf16_storage.ts).
// A transposed convolution (tf.conv2dTranspose) may give a dy of another size than the geometry of `inputShape`
// implies; TF.js's cpu computes that case, so it goes there.
export const conv2DBackpropInputConfig = nativeKernel<{ dy: TensorInfo; filter: TensorInfo }, Conv2DBackpropInputAttrs>(
  Conv2DBackpropInput,
  ({ inputs: { dy, filter }, attrs, backend: b }) => {
    const info = conv2DInfo(attrs.inputShape, filter.shape, attrs);
    if (!isFloat32(dy, filter) || !isNativeConv(info)) return null;
    if (
      dy.shape[0] !== info.batchSize ||
      dy.shape[1] !== info.outHeight ||
      dy.shape[2] !== info.outWidth ||
      dy.shape[3] !== info.outChannels
    )
      return null;
    return computeOutput(b, [...attrs.inputShape], (dx) =>
      b.addon.conv2dBackpropInput(computeInput(b, dy), f32(b, filter), dx, info, b.bf16),
    );
  },
);
