// BatchMatMul and _FusedMatMul (bias + ReLU post-ops): the dense layers of AlexNet and VGG.
import {
  backend_util, BatchMatMul, _FusedMatMul, type KernelConfig, type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { OneDnnBackend } from '../backend.js';
import { cpuKernel, f32, isFloat32, output, sizeOf } from '../kernel_utils.js';

type MatMulAttrs = { transposeA: boolean; transposeB: boolean; activation?: string };

// a: [...batch, M, K] (or [..., K, M] transposed), b: [...batch, K, N] (or [..., N, K]) → [...batch, M, N]
function matmulKernel(kernelName: string): KernelConfig {
  const fallback = cpuKernel(kernelName);
  return {
    kernelName,
    backendName: 'onednn',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b: bm, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
      const { transposeA, transposeB, activation = 'linear' } = attrs as unknown as MatMulAttrs;
      const backendOnednn = backend as OneDnnBackend;
      const run = () => fallback({ inputs, backend: backendOnednn, attrs });
      if (!isFloat32(a, bm) || a.shape.length < 2 || bm.shape.length < 2) return run();
      const [m, ka] = transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
      const [kb, n] = transposeB ? bm.shape.slice(-2).reverse() : bm.shape.slice(-2);
      if (ka !== kb) return run(); // the CPU kernel reports the mismatch
      const outerA = a.shape.slice(0, -2);
      const outerB = bm.shape.slice(0, -2);
      const batchA = sizeOf(outerA);
      const batchB = sizeOf(outerB);
      let outer: number[];
      try {
        outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
      } catch {
        return run(); // the CPU kernel reports the mismatch
      }
      // oneDNN broadcasts a whole batch of 1 only: [2,3] against [3] or [3,1] against [1,3] go to the CPU kernel
      const batch = sizeOf(outer);
      const broadcastsWhole = (b: number) => b === batch || b === 1;
      const biasOk = bias == null || (isFloat32(bias) && sizeOf(bias.shape) === n);
      if (!broadcastsWhole(batchA) || !broadcastsWhole(batchB) || !biasOk || (activation !== 'linear' && activation !== 'relu')) return run();
      return output(backendOnednn, [...outer, m, n], (c) =>
        backendOnednn.addon.matmul(
          f32(backendOnednn, a), f32(backendOnednn, bm), bias ? f32(backendOnednn, bias) : null, c,
          [batchA, batchB, m, ka, n, transposeA ? 1 : 0, transposeB ? 1 : 0], activation === 'relu',
        ),
      );
    },
  };
}

export const batchMatMulConfig = matmulKernel(BatchMatMul);
export const fusedMatMulConfig = matmulKernel(_FusedMatMul);
