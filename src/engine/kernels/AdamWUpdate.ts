import type { TensorInfo } from '@tensorflow/tfjs-core';

import { ADAMW_UPDATE, type AdamWUpdateAttrs } from '../custom_kernels.js';
import { f32, isFloat32, NATIVE_MIN_ELEMENTS, nativeKernel, sizeOf } from '../kernel_utils.js';

type Inputs = Record<'w' | 'g' | 'm' | 'v', TensorInfo>;

// w, g, m, v → [w, m, v] after one AdamW step (see ../adamw_update.ts; TF.js has no kernel of this name)
export const adamwUpdateConfig = nativeKernel<Inputs, AdamWUpdateAttrs>(
  ADAMW_UPDATE,
  ({ inputs, attrs, backend: b }) => {
    const { w, g, m, v } = inputs;
    const size = sizeOf(w.shape);
    if (!isFloat32(w, g, m, v) || [g, m, v].some((t) => sizeOf(t.shape) !== size) || size < NATIVE_MIN_ELEMENTS) {
      return null;
    }
    const out = [0, 1, 2].map(() => b.pool.alloc(size)) as [Float32Array, Float32Array, Float32Array];
    b.addon.adamwUpdate(f32(b, w), f32(b, g), f32(b, m), f32(b, v), ...out, attrs);
    return out.map((values) => b.makeTensorInfo([...w.shape], 'float32', values));
  },
);
