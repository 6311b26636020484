import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs-core';

import { CONV2D_BACKPROP_FILTER_BIAS } from '../custom_kernels.js';
import { conv2DInfo, isNativeConv } from '../geometry.js';
import { computeInput, isFloat32, nativeKernel, sizeOf } from '../kernel_utils.js';

// x: [N, H, W, C], dy: [N, OH, OW, OC] → [dw: [KH, KW, C, OC], db: [OC]] (dispatched by
// ../gradients/FusedConv2D_grad.ts): oneDNN's backward-weights primitive sums dy for the bias while it streams dy for
// the filter, which saves a pass over dy. Geometries oneDNN does not take run the cpu version (../cpu_kernels.ts).
export const conv2DBackpropFilterBiasConfig = nativeKernel<
  { x: TensorInfo; dy: TensorInfo },
  Conv2DBackpropFilterAttrs
>(CONV2D_BACKPROP_FILTER_BIAS, ({ inputs: { x, dy }, attrs, backend: b }) => {
  const info = conv2DInfo(x.shape, attrs.filterShape, attrs);
  if (!isFloat32(x, dy) || !isNativeConv(info)) return null;
  // storage from the backend's pool, every element written by the primitive
  const dw = b.pool.alloc(sizeOf(attrs.filterShape)),
    db = b.pool.alloc(info.outChannels);
  b.addon.conv2dBackpropFilter(computeInput(b, x), computeInput(b, dy), dw, info, db, b.bf16);
  return [b.makeTensorInfo([...attrs.filterShape], 'float32', dw), b.makeTensorInfo([info.outChannels], 'float32', db)];
});
