// BatchMatMul and _FusedMatMul (bias + ReLU post-ops): the dense layers of AlexNet and VGG.
import { backend_util, BatchMatMul, _FusedMatMul, type TensorInfo } from '@tensorflow/tfjs-core';

import { computeInput, f32, isFloat32, nativeKernel, output, sizeOf } from '../kernel_utils.js';

type MatMulAttrs = { transposeA: boolean; transposeB: boolean; activation?: string };

// a: [...batch, M, K] (or [..., K, M] transposed), b: [...batch, K, N] (or [..., N, K]) → [...batch, M, N]
function matmulKernel(kernelName: string) {
  type Inputs = { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  return nativeKernel<Inputs, MatMulAttrs>(kernelName, ({ inputs: { a, b: bm, bias }, attrs, backend: be }) => {
    const { transposeA, transposeB, activation = 'linear' } = attrs;
    if (!isFloat32(a, bm) || a.shape.length < 2 || bm.shape.length < 2) return null;
    const [m, ka] = transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
    const [kb, n] = transposeB ? bm.shape.slice(-2).reverse() : bm.shape.slice(-2);
    if (ka !== kb) return null; // the CPU kernel reports the mismatch
    const outerA = a.shape.slice(0, -2);
    const outerB = bm.shape.slice(0, -2);
    const batchA = sizeOf(outerA);
    const batchB = sizeOf(outerB);
    let outer: number[];
    try {
      outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
    } catch {
      return null; // the CPU kernel reports the mismatch
    }
    // oneDNN broadcasts a whole batch of 1 only: [2,3] against [3] or [3,1] against [1,3] go to the CPU kernel
    const batch = sizeOf(outer);
    const broadcastsWhole = (x: number) => x === batch || x === 1;
    const biasOk = bias == null || (isFloat32(bias) && sizeOf(bias.shape) === n);
    if (
      !broadcastsWhole(batchA) ||
      !broadcastsWhole(batchB) ||
      !biasOk ||
      (activation !== 'linear' && activation !== 'relu')
    )
      return null;
    return output(be, [...outer, m!, n!], (c) =>
      be.addon.matmul(
        computeInput(be, a),
        computeInput(be, bm),
        bias ? f32(be, bias) : null,
        c,
        { batchA, batchB, m: m!, k: ka!, n: n!, transposeA: Boolean(transposeA), transposeB: Boolean(transposeB) },
        activation === 'relu',
        be.bf16,
      ),
    );
  });
}

export const batchMatMulConfig = matmulKernel(BatchMatMul);
export const fusedMatMulConfig = matmulKernel(_FusedMatMul);
