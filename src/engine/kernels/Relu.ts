import { Relu, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { cpuKernel, f32, isFloat32, NATIVE_MIN_ELEMENTS, output, sizeOf } from '../kernel_utils.js';

const fallback = cpuKernel(Relu);

// x: any shape → max(x, 0)
export const reluConfig: KernelConfig = {
  kernelName: Relu,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const b = backend as OneDnnBackend;
    if (!isFloat32(x) || sizeOf(x.shape) < NATIVE_MIN_ELEMENTS) return fallback({ inputs, backend: b, attrs });
    return output(b, [...x.shape], (y) => b.addon.relu(f32(b, x), y));
  },
};
