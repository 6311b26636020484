// MaxPool/AvgPool and their gradients share everything but the pooling kind, so one factory makes all four.
import {
  AvgPool, AvgPoolGrad, backend_util, MaxPool, MaxPoolGrad, type KernelConfig, type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { PoolKind } from '../addon.js';
import type { OneDnnBackend } from '../backend.js';
import { isOneDnnGeometry, poolGeometry } from '../geometry.js';
import { cpuKernel, f32, isFloat32, output } from '../kernel_utils.js';

type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function poolInfo(xShape: number[], attrs: PoolAttrs): backend_util.Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  return backend_util.computePool2DInfo(xShape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

// x: [N, H, W, C] → [N, OH, OW, C]
function forward(kernelName: string, kind: PoolKind): KernelConfig {
  const fallback = cpuKernel(kernelName);
  return {
    kernelName,
    backendName: 'onednn',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: TensorInfo };
      const b = backend as OneDnnBackend;
      if (!isFloat32(x) || x.shape.length !== 4) return fallback({ inputs, backend: b, attrs });
      const info = poolInfo(x.shape, attrs as unknown as PoolAttrs);
      if (!isOneDnnGeometry(info)) return fallback({ inputs, backend: b, attrs });
      return output(b, [...info.outShape], (y) => b.addon.pool2d(kind, f32(b, x), y, poolGeometry(info)));
    },
  };
}

// dy: [N, OH, OW, C], input: [N, H, W, C] → dx: [N, H, W, C]. Max pooling recomputes its argmax natively from
// `input` (see native/pool2d.cc); TF.js's saved `output` is not needed.
function backward(kernelName: string, kind: PoolKind): KernelConfig {
  const fallback = cpuKernel(kernelName);
  return {
    kernelName,
    backendName: 'onednn',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
      const b = backend as OneDnnBackend;
      if (!isFloat32(dy, input) || input.shape.length !== 4) return fallback({ inputs, backend: b, attrs });
      const info = poolInfo(input.shape, attrs as unknown as PoolAttrs);
      if (!isOneDnnGeometry(info)) return fallback({ inputs, backend: b, attrs });
      return output(b, [...input.shape], (dx) =>
        b.addon.pool2dGrad(kind, f32(b, dy), kind === 'max' ? f32(b, input) : null, dx, poolGeometry(info)),
      );
    },
  };
}

export const maxPoolConfig = forward(MaxPool, 'max');
export const avgPoolConfig = forward(AvgPool, 'avg');
export const maxPoolGradConfig = backward(MaxPoolGrad, 'max');
export const avgPoolGradConfig = backward(AvgPoolGrad, 'avg');
