import { Step, type KernelConfig, type StepAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { cpuKernel, f32, isFloat32, NATIVE_MIN_ELEMENTS, output, sizeOf } from '../kernel_utils.js';

const fallback = cpuKernel(Step);

// x: any shape → x > 0 ? 1 : alpha (the ReLU gradient's mask)
export const stepConfig: KernelConfig = {
  kernelName: Step,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const { alpha } = attrs as unknown as StepAttrs;
    const b = backend as OneDnnBackend;
    if (!isFloat32(x) || sizeOf(x.shape) < NATIVE_MIN_ELEMENTS) return fallback({ inputs, backend: b, attrs });
    return output(b, [...x.shape], (y) => b.addon.step(f32(b, x), y, alpha));
  },
};
