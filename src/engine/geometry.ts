// TF.js's conv/pool info (computed by TF.js's own helpers, so padding and rounding match the CPU kernels) as the
// flat number lists the addon takes.
import type { backend_util } from '@tensorflow/tfjs-core';

import type { ConvGeometry, PoolGeometry } from './addon.js';

export function convGeometry(c: backend_util.Conv2DInfo): ConvGeometry {
  const p = c.padInfo;
  return [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
    p.top, p.left, p.bottom, p.right,
  ];
}

export function poolGeometry(c: backend_util.Conv2DInfo): PoolGeometry {
  const p = c.padInfo;
  return [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, p.top, p.left, p.bottom, p.right,
  ];
}

/** oneDNN computes channels-last convolutions without dilation in gradients, as TF.js does. */
export function isNativeConv(c: backend_util.Conv2DInfo): boolean {
  return c.dataFormat === 'channelsLast' && c.outHeight > 0 && c.outWidth > 0;
}
