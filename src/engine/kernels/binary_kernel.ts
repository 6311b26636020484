// Broadcasting elementwise binary ops (bias adds, gradient products, SGD updates) on float32 tensors.
// Maximum and Minimum stay on the CPU kernels: oneDNN's binary max/min drop a NaN in the first operand.
import { Add, backend_util, Multiply, RealDiv, Sub, type TensorInfo, util } from '@tensorflow/tfjs-core';

import type { BinaryOp } from '../addon.js';
import { f32, isFloat32, NATIVE_MIN_ELEMENTS, nativeKernel, output, sizeOf } from '../kernel_utils.js';

function padTo(rank: number, shape: number[]): number[] {
  return [...new Array(rank - shape.length).fill(1), ...shape];
}

// oneDNN wants the first operand at the output's shape; a commutative op may swap its operands to get there.
function binaryKernel(kernelName: string, op: BinaryOp, commutative: boolean) {
  return nativeKernel<{ a: TensorInfo; b: TensorInfo }>(kernelName, ({ inputs: { a, b }, backend: be }) => {
    if (!isFloat32(a, b)) return null;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (sizeOf(outShape) < NATIVE_MIN_ELEMENTS) return null;
    const aShape = padTo(outShape.length, a.shape);
    const bShape = padTo(outShape.length, b.shape);
    let first = a,
      second = b,
      firstShape = aShape,
      secondShape = bShape;
    if (!util.arraysEqual(aShape, outShape)) {
      if (!commutative || !util.arraysEqual(bShape, outShape)) return null;
      [first, second, firstShape, secondShape] = [b, a, bShape, aShape];
    }
    return output(be, outShape, (out) =>
      be.addon.binary(op, f32(be, first), firstShape, f32(be, second), secondShape, out),
    );
  });
}

export const addConfig = binaryKernel(Add, 'add', true);
export const subConfig = binaryKernel(Sub, 'sub', false);
export const multiplyConfig = binaryKernel(Multiply, 'mul', true);
export const realDivConfig = binaryKernel(RealDiv, 'div', false);
