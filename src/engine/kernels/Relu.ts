import { Relu, type TensorInfo } from '@tensorflow/tfjs-core';

import { f32, isFloat32, NATIVE_MIN_ELEMENTS, nativeKernel, output, sizeOf } from '../kernel_utils.js';

// x: any shape → x < 0 ? 0 : x
export const reluConfig = nativeKernel<{ x: TensorInfo }>(Relu, ({ inputs: { x }, backend: b }) =>
  isFloat32(x) && sizeOf(x.shape) >= NATIVE_MIN_ELEMENTS
    ? output(b, [...x.shape], (y) => b.addon.relu(f32(b, x), y))
    : null,
);
