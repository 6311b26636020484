import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  getKernel,
  type KernelConfig,
  Sum,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { conv2DInfo, convGeometry, isNativeConv } from '../geometry.js';
import { computeInput, isFloat32, sizeOf } from '../kernel_utils.js';
import { BACKEND_NAME } from '../backend_name.js';

/**
 * The filter and bias gradients of a convolution in one kernel (dispatched by ../gradients/FusedConv2D_grad.ts on
 * onednn): oneDNN's backward-weights primitive sums dy for the bias while it streams dy for the filter, which
 * saves a pass over dy. TF.js has no kernel of this name; geometries oneDNN does not take run the CPU backend's
 * Conv2DBackpropFilter and Sum instead.
 * x: [N, H, W, C], dy: [N, OH, OW, OC] → [dw: [KH, KW, C, OC], db: [OC]]
 */
export const CONV2D_BACKPROP_FILTER_BIAS = 'Conv2DBackpropFilterBias';

export const conv2DBackpropFilterBiasConfig: KernelConfig = {
  kernelName: CONV2D_BACKPROP_FILTER_BIAS,
  backendName: BACKEND_NAME,
  kernelFunc: (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    const b = args.backend as OneDnnBackend;
    const info = conv2DInfo(x.shape, attrs.filterShape, attrs);
    if (!isFloat32(x, dy) || !isNativeConv(info)) {
      const cpu = (name: string) => getKernel(name, 'cpu')!.kernelFunc;
      return [
        cpu(Conv2DBackpropFilter)(args) as TensorInfo,
        cpu(Sum)({ inputs: { x: dy }, attrs: { axis: [0, 1, 2], keepDims: false }, backend: b }) as TensorInfo,
      ];
    }
    // storage from the backend's pool, every element written by the primitive
    const dw = b.pool.alloc(sizeOf(attrs.filterShape)),
      db = b.pool.alloc(info.outChannels);
    b.addon.conv2dBackpropFilter(computeInput(b, x), computeInput(b, dy), dw, convGeometry(info), db, b.bf16);
    return [
      b.makeTensorInfo([...attrs.filterShape], 'float32', dw),
      b.makeTensorInfo([info.outChannels], 'float32', db),
    ];
  },
};
