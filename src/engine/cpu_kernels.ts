// JS versions of the engine's own kernels (custom_kernels.ts) for TF.js's cpu backend: the gradients and the dropout
// layer then call runKernel on cpu as on onednn, and onednn's native kernels fall back to these where oneDNN cannot
// compute a case, as they fall back to any inherited cpu kernel.
import {
  Conv2DBackpropFilter,
  type DataType,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  Sum,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import { adamwLoop } from './adamw_update.js';
import {
  ADAMW_UPDATE,
  type AdamWUpdateAttrs,
  CONV2D_BACKPROP_FILTER_BIAS,
  DROPOUT_MASK,
  type DropoutMaskAttrs,
  RELU_GRAD,
} from './custom_kernels.js';
import { fillDropoutMask } from './dropout_mask.js';

const valuesOf = (b: MathBackendCPU, t: TensorInfo) => b.data.get(t.dataId).values as Float32Array;
const make = (b: MathBackendCPU, shape: number[], values: Float32Array, dtype: DataType = 'float32') =>
  b.makeTensorInfo(shape, dtype, values);
const cpuKernel = (name: string): KernelFunc => getKernel(name, 'cpu')!.kernelFunc;

export const cpuKernels: KernelConfig[] = [
  {
    kernelName: RELU_GRAD,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as MathBackendCPU;
      const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
      const dyv = valuesOf(b, dy),
        yv = valuesOf(b, y);
      const dx = new Float32Array(dyv.length);
      for (let i = 0; i < dx.length; i++) dx[i] = yv[i]! > 0 ? dyv[i]! : 0;
      return make(b, [...dy.shape], dx);
    },
  },
  {
    kernelName: DROPOUT_MASK,
    backendName: 'cpu',
    kernelFunc: ({ attrs, backend }) => {
      const a = attrs as unknown as DropoutMaskAttrs;
      const mask = new Float32Array(a.shape.reduce((n, d) => n * d, 1));
      fillDropoutMask(mask, a);
      return make(backend as MathBackendCPU, [...a.shape], mask);
    },
  },
  {
    kernelName: CONV2D_BACKPROP_FILTER_BIAS,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { dy } = args.inputs as { dy: TensorInfo };
      const sum = { inputs: { x: dy }, attrs: { axis: [0, 1, 2], keepDims: false }, backend: args.backend };
      return [cpuKernel(Conv2DBackpropFilter)(args) as TensorInfo, cpuKernel(Sum)(sum) as TensorInfo];
    },
  },
  {
    kernelName: ADAMW_UPDATE,
    backendName: 'cpu',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as MathBackendCPU;
      const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', TensorInfo>;
      const values = [w, g, m, v].map((t) => valuesOf(b, t));
      const out = values.slice(0, 3).map((a) => new Float32Array(a.length));
      adamwLoop(values, out, attrs as unknown as AdamWUpdateAttrs);
      return out.map((o) => make(b, [...w!.shape], o));
    },
  },
];
