// The engine's own kernels, which TF.js does not have: their names and attributes in one place. Each has a native
// version on onednn (kernels/) and a JS version on TF.js's cpu (cpu_kernels.ts), so that the gradients and the
// dropout layer call runKernel wherever the active backend has the kernel, and onednn falls back to the JS version
// as it does to any inherited cpu kernel.

/** dy, y → dy where y > 0, else 0: the gradient through a ReLU whose output is y. */
export const RELU_GRAD = 'ReluGrad';
export interface ReluGradAttrs {
  /** only convolutions or matrix products read the result: in bf16 precision it may be stored as bfloat16 */
  forBf16Kernels?: boolean;
}

/** → inverted dropout's multiplier of shape `shape`, a function of `seed` alone (see dropout_mask.ts). */
export const DROPOUT_MASK = 'DropoutMask';
export interface DropoutMaskAttrs {
  shape: number[];
  /** keep · 2³², the hash values below which an element is kept */
  threshold: number;
  /** 1 / keep */
  scale: number;
  /** an unsigned 32-bit seed */
  seed: number;
}

/**
 * x: [N, H, W, C], dy: [N, OH, OW, OC] → [dw: [KH, KW, C, OC], db: [OC]]: a convolution's filter and bias gradients
 * in one kernel (oneDNN's backward-weights primitive sums dy for the bias while it streams dy for the filter).
 * Attributes: Conv2DBackpropFilter's.
 */
export const CONV2D_BACKPROP_FILTER_BIAS = 'Conv2DBackpropFilterBias';

/**
 * w, g, m, v (float32, one shape) → [w, m, v] after one AdamW step (see adamw_update.ts): Adam's moments and its
 * bias-corrected step, the weight first shrunk by `keep`.
 */
export const ADAMW_UPDATE = 'AdamWUpdate';
export interface AdamWUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  lr: number;
  /** 1 − lr·wd for a decayed weight, 1 for the others */
  keep: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ at step t (counting from 1) */
  correction1: number;
  correction2: number;
}
