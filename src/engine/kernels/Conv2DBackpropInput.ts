import {
  backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type TensorInfo, type KernelConfig,
} from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { convGeometry, isNativeConv } from '../geometry.js';
import { cpuKernel, f32, isFloat32, output } from '../kernel_utils.js';

const fallback = cpuKernel(Conv2DBackpropInput);

// dy: [N, OH, OW, OC], filter: [KH, KW, C, OC] → dx: [N, H, W, C]
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'onednn',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DBackpropInputAttrs;
    const b = backend as OneDnnBackend;
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (!isFloat32(dy, filter) || !isNativeConv(info)) return fallback({ inputs, backend: b, attrs });
    return output(b, [...inputShape], (dx) => b.addon.conv2dBackpropInput(f32(b, dy), f32(b, filter), dx, convGeometry(info)));
  },
};
