// Reductions over any axes: the bias gradient (Sum over N, H, W), global average pooling (Mean), Max, Min.
import { backend_util, Max, Mean, Min, Sum, type TensorInfo, util } from '@tensorflow/tfjs-core';

import type { ReduceOp } from '../addon.js';
import { f32, isFloat32, NATIVE_MIN_ELEMENTS, nativeKernel, output, sizeOf } from '../kernel_utils.js';

type ReduceAttrs = { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };

/**
 * Whether the reduced axes (ignoring size-1 axes) are adjacent: those reductions run in the addon's own loop, which
 * propagates NaN; others go to oneDNN's reduction, whose max/min drop NaN, so Max/Min of those use the CPU kernel.
 */
function isOneBlock(shape: number[], axes: number[]): boolean {
  const reduced = shape.map((d, i) => d > 1 && axes.includes(i)).filter((_, i) => shape[i]! > 1);
  const first = reduced.indexOf(true),
    last = reduced.lastIndexOf(true);
  return first < 0 || reduced.slice(first, last + 1).every(Boolean);
}

function reduceKernel(kernelName: string, op: ReduceOp) {
  return nativeKernel<{ x: TensorInfo }, ReduceAttrs>(kernelName, ({ inputs: { x }, attrs, backend: be }) => {
    const axes = util.parseAxisParam((attrs.axis ?? attrs.reductionIndices ?? null) as number[], x.shape);
    const nanSafe = op === 'sum' || op === 'mean' || isOneBlock(x.shape, axes);
    if (!isFloat32(x) || axes.length === 0 || !nanSafe || sizeOf(x.shape) < NATIVE_MIN_ELEMENTS) return null;
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const outShape = attrs.keepDims ? kept : backend_util.computeOutAndReduceShapes(x.shape, axes)[0];
    return output(be, outShape, (y) => be.addon.reduce(op, f32(be, x), x.shape, y, kept));
  });
}

export const sumConfig = reduceKernel(Sum, 'sum');
export const meanConfig = reduceKernel(Mean, 'mean');
export const maxConfig = reduceKernel(Max, 'max');
export const minConfig = reduceKernel(Min, 'min');
