// Every kernel the onednn backend runs natively; all others are inherited from the CPU backend.
import type { KernelConfig } from '@tensorflow/tfjs-core';

import { adamwUpdateConfig } from './kernels/AdamWUpdate.js';
import { addConfig, multiplyConfig, realDivConfig, subConfig } from './kernels/binary_kernel.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropFilterBiasConfig } from './kernels/Conv2DBackpropFilterBias.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { dropoutMaskConfig } from './kernels/DropoutMask.js';
import { fusedConv2DConfig } from './kernels/FusedConv2D.js';
import { batchMatMulConfig, fusedMatMulConfig } from './kernels/matmul_kernel.js';
import { avgPoolConfig, avgPoolGradConfig, maxPoolConfig, maxPoolGradConfig } from './kernels/pool2d_kernel.js';
import { maxConfig, meanConfig, minConfig, sumConfig } from './kernels/reduce_kernel.js';
import { reluConfig } from './kernels/Relu.js';
import { reluGradConfig } from './kernels/ReluGrad.js';
import { stepConfig } from './kernels/Step.js';

export const nativeKernels: KernelConfig[] = [
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropFilterBiasConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  avgPoolConfig,
  avgPoolGradConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  sumConfig,
  meanConfig,
  maxConfig,
  minConfig,
  reluConfig,
  reluGradConfig,
  stepConfig,
  dropoutMaskConfig,
  adamwUpdateConfig,
];
