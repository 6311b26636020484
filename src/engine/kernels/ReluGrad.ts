import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { RELU_GRAD } from '../gradients/Relu_grad.js';
import { f32, output } from '../kernel_utils.js';

// dy, y: same shape → dy where y > 0, else 0 (dispatched only by ../gradients/Relu_grad.ts, for float32)
export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const b = backend as OneDnnBackend;
    return output(b, [...dy.shape], (dx) => b.addon.reluGrad(f32(b, dy), f32(b, y), dx));
  },
};
