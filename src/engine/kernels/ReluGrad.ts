import type { TensorInfo } from '@tensorflow/tfjs-core';

import { RELU_GRAD } from '../gradients/Relu_grad.js';
import { f32, nativeKernel, output } from '../kernel_utils.js';

// dy, y: same shape → dy where y > 0, else 0 (dispatched only by ../gradients/Relu_grad.ts, for float32; there is
// no CPU kernel of this name, so it never falls back)
export const reluGradConfig = nativeKernel<{ dy: TensorInfo; y: TensorInfo }>(RELU_GRAD, ({ inputs: { dy, y }, backend: b }) =>
  output(b, [...dy.shape], (dx) => b.addon.reluGrad(f32(b, dy), f32(b, y), dx)),
);
