import {
  backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type TensorInfo, type KernelConfig,
} from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { convGeometry, isNativeConv } from '../geometry.js';
import { cpuKernel, f32, isFloat32, output } from '../kernel_utils.js';

const fallback = cpuKernel(Conv2DBackpropFilter);

// x: [N, H, W, C], dy: [N, OH, OW, OC] → dw: [KH, KW, C, OC]
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { filterShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const b = backend as OneDnnBackend;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (!isFloat32(x, dy) || !isNativeConv(info)) return fallback({ inputs, backend: b, attrs });
    return output(b, [...filterShape], (dw) =>
      b.addon.conv2dBackpropFilter(f32(b, x), f32(b, dy), dw, convGeometry(info), null),
    );
  },
};
