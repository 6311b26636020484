import { backend_util, FusedConv2D, type FusedConv2DAttrs, type TensorInfo, type KernelConfig } from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { convGeometry, isNativeConv } from '../geometry.js';
import { cpuKernel, f32, isFloat32, output, sizeOf } from '../kernel_utils.js';

const fallback = cpuKernel(FusedConv2D);

// Inference path of a conv layer (and training with a linear activation): conv + bias + ReLU in one oneDNN
// primitive, with bias and ReLU as post-ops. Other activations fall back to the CPU kernel.
// x: [N, H, W, C], filter: [KH, KW, C, OC], bias: [OC] → [N, OH, OW, OC]
export const fusedConv2DConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = attrs as unknown as FusedConv2DAttrs;
    const b = backend as OneDnnBackend;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides,
      dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat),
    );
    const biasOk = bias == null || (isFloat32(bias) && sizeOf(bias.shape) === info.outChannels);
    const activationOk = activation === 'linear' || activation === 'relu';
    if (!isFloat32(x, filter) || !isNativeConv(info) || !biasOk || !activationOk) {
      return fallback({ inputs, backend: b, attrs });
    }
    return output(b, [info.batchSize, info.outHeight, info.outWidth, info.outChannels], (y) =>
      b.addon.conv2d(f32(b, x), f32(b, filter), bias ? f32(b, bias) : null, y, convGeometry(info), activation === 'relu'),
    );
  },
};
