// Per-kernel time of a piece of work on a TF.js backend: every kernel of the backend wrapped with a timer while
// `work` runs, then restored. Convolution calls are also kept one by one with their arithmetic (multiply-adds × 2),
// so their time can be read as a rate, and max-pooling calls (forward and gradient) with their geometry. Used by nin_worker.ts
// (--profile), conv_roofline.ts and addon_ab.ts.
import * as tf from '@tensorflow/tfjs';
import {
  type backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  FusedConv2D,
  type KernelConfig,
  MaxPool,
  MaxPoolGrad,
  type NamedAttrMap,
  type NamedTensorInfoMap,
} from '@tensorflow/tfjs-core';

import { CONV2D_BACKPROP_FILTER_BIAS } from '../src/engine/custom_kernels.js';
import { conv2DInfo } from '../src/engine/geometry.js';
import { type PoolAttrs, poolInfo } from '../src/engine/kernels/pool2d_kernel.js';

export interface KernelTotal {
  kernel: string;
  calls: number;
  ms: number;
}

/** which of a convolution's three computations a kernel is */
export type ConvDirection = 'forward' | 'data gradient' | 'filter gradient';

export interface ConvCall {
  /** the TF.js kernel that ran it */
  kernel: string;
  direction: ConvDirection;
  /** its geometry as TF.js computes it */
  info: ReturnType<typeof conv2DInfo>;
  /** FusedConv2D's bias and activation, when it was that kernel */
  fused?: { bias: boolean; relu: boolean };
  /** convLabel's */
  geometry: string;
  /** floating-point operations (convFlop) */
  flop: number;
  ms: number;
}

/** A max pooling's call, forward or gradient: the pooling's geometry as TF.js computes it. */
export interface MaxPoolCall {
  kernel: typeof MaxPool | typeof MaxPoolGrad;
  info: backend_util.Conv2DInfo;
  ms: number;
}

type Conv2DAttrs = Parameters<typeof conv2DInfo>[2];

/** The direction and geometry of a convolution kernel's call, or undefined for any other kernel. */
function convGeometry(
  kernel: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): { direction: ConvDirection; info: ReturnType<typeof conv2DInfo> } | undefined {
  const a = attrs as unknown as Conv2DAttrs & { inputShape: number[]; filterShape: number[] };
  switch (kernel) {
    case Conv2D:
    case FusedConv2D:
      return { direction: 'forward', info: conv2DInfo(inputs.x!.shape, inputs.filter!.shape, a) };
    case Conv2DBackpropInput:
      return { direction: 'data gradient', info: conv2DInfo(a.inputShape, inputs.filter!.shape, a) };
    case Conv2DBackpropFilter:
    case CONV2D_BACKPROP_FILTER_BIAS:
      return { direction: 'filter gradient', info: conv2DInfo(inputs.x!.shape, a.filterShape, a) };
  }
  return undefined;
}

/** How many (output position, filter tap) pairs along one axis read the input rather than its zero padding. */
function validTaps(
  inSize: number,
  outSize: number,
  filter: number,
  stride: number,
  padBefore: number,
  dilation: number,
) {
  let n = 0;
  for (let o = 0; o < outSize; o++)
    for (let k = 0; k < filter; k++) {
      const i = o * stride - padBefore + k * dilation;
      if (i >= 0 && i < inSize) n++;
    }
  return n;
}

/** A convolution's arithmetic: one multiply and one add per input channel, output channel and (output pixel, filter
 * tap) pair that reads the image — taps on the zero padding left out, since kernels may skip them — the same count
 * for its forward pass, data gradient and filter gradient. */
export function convFlop(c: ReturnType<typeof conv2DInfo>): number {
  const rows = validTaps(c.inHeight, c.outHeight, c.filterHeight, c.strideHeight, c.padInfo.top, c.dilationHeight);
  const cols = validTaps(c.inWidth, c.outWidth, c.filterWidth, c.strideWidth, c.padInfo.left, c.dilationWidth);
  return 2 * c.batchSize * rows * cols * c.inChannels * c.outChannels;
}

/** A convolution's geometry per image, e.g. '26×26×96 → 26×26×256, 5×5/1'. */
export function convLabel(c: ReturnType<typeof conv2DInfo>): string {
  return (
    `${c.inHeight}×${c.inWidth}×${c.inChannels} → ${c.outHeight}×${c.outWidth}×${c.outChannels}, ` +
    `${c.filterHeight}×${c.filterWidth}/${c.strideHeight}`
  );
}

/** Runs `work` with every kernel of `backendName` timed; returns the totals per kernel (slowest first), and the
 * convolution and max-pooling calls in the order they ran. */
export function profileKernels(
  backendName: string,
  work: () => void,
): { totals: KernelTotal[]; convolutions: ConvCall[]; maxPools: MaxPoolCall[] } {
  const totals = new Map<string, { calls: number; ms: number }>();
  const convolutions: ConvCall[] = [];
  const maxPools: MaxPoolCall[] = [];
  const originals: KernelConfig[] = tf.getKernelsForBackend(backendName);
  const rewrap = (configs: KernelConfig[]) =>
    configs.forEach((k) => {
      tf.unregisterKernel(k.kernelName, backendName);
      tf.registerKernel(k);
    });
  rewrap(
    originals.map((k) => ({
      ...k,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const out = k.kernelFunc(args);
        const ms = performance.now() - t0;
        const e = totals.get(k.kernelName) ?? { calls: 0, ms: 0 };
        e.calls++;
        e.ms += ms;
        totals.set(k.kernelName, e);
        if (k.kernelName === MaxPool || k.kernelName === MaxPoolGrad) {
          const input = k.kernelName === MaxPool ? args.inputs.x! : args.inputs.input!;
          maxPools.push({ kernel: k.kernelName, info: poolInfo(input.shape, args.attrs as unknown as PoolAttrs), ms });
        }
        const conv = convGeometry(k.kernelName, args.inputs, args.attrs ?? {});
        if (conv) {
          const c = conv.info;
          const fused =
            k.kernelName === FusedConv2D
              ? {
                  bias: args.inputs.bias !== undefined,
                  relu: (args.attrs as { activation?: string }).activation === 'relu',
                }
              : undefined;
          convolutions.push({
            kernel: k.kernelName,
            direction: conv.direction,
            info: c,
            ...(fused ? { fused } : {}),
            geometry: convLabel(c),
            flop: convFlop(c),
            ms,
          });
        }
        return out;
      },
    })),
  );
  try {
    work();
  } finally {
    rewrap(originals);
  }
  return {
    totals: [...totals.entries()].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms),
    convolutions,
    maxPools,
  };
}
