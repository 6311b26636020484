import { Step, type StepAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import { f32, isFloat32, NATIVE_MIN_ELEMENTS, nativeKernel, output, sizeOf } from '../kernel_utils.js';

// x: any shape → x > 0 ? 1 : alpha
export const stepConfig = nativeKernel<{ x: TensorInfo }, StepAttrs>(Step, ({ inputs: { x }, attrs, backend: b }) =>
  isFloat32(x) && sizeOf(x.shape) >= NATIVE_MIN_ELEMENTS
    ? output(b, [...x.shape], (y) => b.addon.step(f32(b, x), y, attrs.alpha))
    : null,
);
