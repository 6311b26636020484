import { DROPOUT_MASK, type DropoutMaskAttrs } from '../custom_kernels.js';
import { nativeKernel, output } from '../kernel_utils.js';

// → the dropout multiplier of shape `attrs.shape` (see ../dropout_mask.ts; TF.js has no kernel of this name)
export const dropoutMaskConfig = nativeKernel<object, DropoutMaskAttrs>(DROPOUT_MASK, ({ attrs, backend: b }) =>
  output(b, [...attrs.shape], (mask) => b.addon.dropoutMask(mask, attrs.threshold, attrs.scale, attrs.seed)),
);
