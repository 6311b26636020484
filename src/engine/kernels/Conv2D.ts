import { backend_util, Conv2D, type Conv2DAttrs, type TensorInfo, type KernelConfig } from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { convGeometry, isNativeConv } from '../geometry.js';
import { cpuKernel, f32, isFloat32, output } from '../kernel_utils.js';

const fallback = cpuKernel(Conv2D);

// x: [N, H, W, C], filter: [KH, KW, C, OC] → [N, OH, OW, OC]
export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    const b = backend as OneDnnBackend;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides,
      dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (!isFloat32(x, filter) || !isNativeConv(info)) return fallback({ inputs, backend: b, attrs });
    return output(b, [info.batchSize, info.outHeight, info.outWidth, info.outChannels], (y) =>
      b.addon.conv2d(f32(b, x), f32(b, filter), null, y, convGeometry(info), false),
    );
  },
};
