import type { TensorInfo } from '@tensorflow/tfjs-core';

import { RELU_GRAD, type ReluGradAttrs } from '../custom_kernels.js';
import { computeOutput, deferredInput, f32, nativeKernel, output, storedInput } from '../kernel_utils.js';

// dy, y: same shape → dy where y > 0, else 0 (dispatched only by ../gradients/, for float32; there is no CPU
// kernel of this name, so it never falls back). Reads dy as stored (bfloat16 if that is all there is) and y's sign
// from its bfloat16 copy where one exists, and in bf16 precision writes bfloat16 when the caller says only bf16
// kernels read the result.
export const reluGradConfig = nativeKernel<{ dy: TensorInfo; y: TensorInfo }, ReluGradAttrs>(
  RELU_GRAD,
  ({ inputs: { dy, y }, attrs, backend: b }) =>
    (attrs.forBf16Kernels ? computeOutput : output)(b, [...dy.shape], (dx) =>
      b.addon.reluGrad(deferredInput(b, dy) ?? f32(b, dy), storedInput(b, y), dx),
    ),
);
