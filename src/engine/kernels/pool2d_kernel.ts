// MaxPool/AvgPool and their gradients share everything but the pooling kind, so one factory makes all four.
// In bf16 precision, max pooling of a tensor stored only as bfloat16 (a convolution's output) runs on that storage
// and stores its result the same way: the maximum of bfloat16 values is exact, and no float32 copy is made.
import { AvgPool, AvgPoolGrad, backend_util, MaxPool, MaxPoolGrad, type TensorInfo } from '@tensorflow/tfjs-core';

import type { PoolKind } from '../addon.js';
import { hasPadding, isOneDnnPoolGeometry } from '../geometry.js';
import { computeInput, computeOutput, deferredInput, f32, isFloat32, nativeKernel, output } from '../kernel_utils.js';

export type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** The geometry of a pooling of an NHWC input of `shape` with a pooling kernel's attributes, as TF.js computes it. */
export function poolInfo(shape: readonly number[], attrs: PoolAttrs): backend_util.Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  return backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
}

/**
 * The pooling geometry of an NHWC float32 input, or null when the native kernels do not take it. A 1×1 window that
 * keeps the shape is TF.js cpu's identity, which returns the input as it is (NaN included): the fallback does that.
 */
function nativePoolInfo(x: TensorInfo, attrs: PoolAttrs): backend_util.Conv2DInfo | null {
  if (!isFloat32(x) || x.shape.length !== 4) return null;
  const info = poolInfo(x.shape, attrs);
  const identity =
    info.filterHeight === 1 && info.filterWidth === 1 && info.inShape.every((d, i) => d === info.outShape[i]);
  return isOneDnnPoolGeometry(info) && !identity ? info : null;
}

// x: [N, H, W, C] → [N, OH, OW, C]
function forward(kernelName: string, kind: PoolKind) {
  return nativeKernel<{ x: TensorInfo }, PoolAttrs>(kernelName, ({ inputs: { x }, attrs, backend: b }) => {
    const info = nativePoolInfo(x, attrs);
    if (!info) return null;
    const xBf16 = kind === 'max' ? deferredInput(b, x) : undefined;
    return xBf16
      ? computeOutput(b, [...info.outShape], (y) => b.addon.pool2d(kind, xBf16, y, info))
      : output(b, [...info.outShape], (y) => b.addon.pool2d(kind, f32(b, x), y, info));
  });
}

// dy: [N, OH, OW, C], input: [N, H, W, C] → dx: [N, H, W, C]. Max pooling recomputes its argmax natively from
// `input` (see native/pool2d.cc); TF.js's saved `output` is not needed. TF.js's cpu divides an average pool's
// gradient by the whole window even where the window covers padding (its forward pass divides by the pixels
// covered, as oneDNN does in both): padded average-pool gradients go to the cpu kernel, to give its numbers.
function backward(kernelName: string, kind: PoolKind) {
  return nativeKernel<{ dy: TensorInfo; input: TensorInfo }, PoolAttrs>(
    kernelName,
    ({ inputs: { dy, input }, attrs, backend: b }) => {
      const info = isFloat32(dy) ? nativePoolInfo(input, attrs) : null;
      if (!info || (kind === 'avg' && hasPadding(info))) return null;
      const xBf16 = kind === 'max' ? deferredInput(b, input) : undefined;
      return xBf16
        ? computeOutput(b, [...input.shape], (dx) => b.addon.pool2dGrad(kind, computeInput(b, dy), xBf16, dx, info))
        : output(b, [...input.shape], (dx) =>
            b.addon.pool2dGrad(kind, f32(b, dy), kind === 'max' ? f32(b, input) : null, dx, info),
          );
    },
  );
}

export const maxPoolConfig = forward(MaxPool, 'max');
export const avgPoolConfig = forward(AvgPool, 'avg');
export const maxPoolGradConfig = backward(MaxPoolGrad, 'max');
export const avgPoolGradConfig = backward(AvgPoolGrad, 'avg');
