// The one place that loads the native addon (build/Release/onednn.node) and the one description of what it
// exports. Every array argument is a dense float32 TypedArray in TF.js layout (NHWC activations, HWIO filters);
// outputs are allocated by the caller and written in place.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { backend_util } from '@tensorflow/tfjs-core';

import type { AdamWUpdateAttrs } from './custom_kernels.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';
export type PoolKind = 'max' | 'avg';

/**
 * A convolution's or pooling's geometry: TF.js's own Conv2DInfo (computeConv2DInfo, computePool2DInfo), passed as
 * it is; native/geometry.cc reads these fields by name.
 */
export type Geometry = Pick<
  backend_util.Conv2DInfo,
  | 'batchSize'
  | 'inHeight'
  | 'inWidth'
  | 'inChannels'
  | 'outHeight'
  | 'outWidth'
  | 'outChannels'
  | 'filterHeight'
  | 'filterWidth'
  | 'strideHeight'
  | 'strideWidth'
  | 'dilationHeight'
  | 'dilationWidth'
> & { padInfo: Pick<backend_util.PadInfo, 'top' | 'left' | 'bottom' | 'right'> };
/** C[b] = op(A[b]) · op(B[b]) with A [batchA, m, k] and B [batchB, k, n] before the transposes; a batch of 1 broadcasts. */
export interface MatMulDims {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

/** An input of a bf16-capable kernel: float32 values, or (in bf16 only) their bfloat16 copy as a Uint16Array. */
export type Compute = Float32Array | Uint16Array;

export interface OneDnnAddon {
  info(): { version: string; cpuIsa: number; threads: number; bf16: boolean; winograd: boolean };
  setNumThreads(threads: number): void;
  // `bf16`: compute in bfloat16 (inputs rounded inside the kernel, float32 accumulation and outputs)
  /** y as a Uint16Array: written as bfloat16 (bf16 only) */
  conv2d(
    x: Compute,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Compute,
    g: Geometry,
    relu: boolean,
    bf16: boolean,
  ): void;
  /** dx as a Uint16Array: written as bfloat16 (bf16 only) */
  conv2dBackpropInput(dy: Compute, filter: Float32Array, dx: Compute, g: Geometry, bf16: boolean): void;
  conv2dBackpropFilter(
    x: Compute,
    dy: Compute,
    dw: Float32Array,
    g: Geometry,
    dbias: Float32Array | null,
    bf16: boolean,
  ): void;
  /** one call's arrays all float32, or (max pooling) all bfloat16 */
  pool2d(kind: PoolKind, x: Compute, y: Compute, g: Geometry): void;
  pool2dGrad(kind: PoolKind, dy: Compute, x: Compute | null, dx: Compute, g: Geometry): void;
  matmul(
    a: Compute,
    b: Compute,
    bias: Float32Array | null,
    c: Float32Array,
    dims: MatMulDims,
    relu: boolean,
    bf16: boolean,
  ): void;
  /** float32 → bfloat16 (round to nearest even) */
  toBf16(src: Float32Array, dst: Uint16Array): void;
  /** bfloat16 → float32 (exact) */
  fromBf16(src: Uint16Array, dst: Float32Array): void;
  binary(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], out: Float32Array): void;
  reduce(op: ReduceOp, x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): void;
  relu(x: Float32Array, y: Float32Array): void;
  /** each array float32 or bfloat16 */
  reluGrad(dy: Compute, y: Compute, dx: Compute): void;
  step(x: Float32Array, y: Float32Array, alpha: number): void;
  /** one AdamW step: the new w, m and v written to wOut, mOut, vOut (see adamw_update.ts) */
  adamwUpdate(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    wOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    step: AdamWUpdateAttrs,
  ): void;
  /** mask[i] = hash(seed, i) < threshold ? scale : 0 (see dropout_mask.ts) */
  dropoutMask(mask: Float32Array, threshold: number, scale: number, seed: number): void;
}

// NIN_ONEDNN_ADDON points at another build of the addon (and lets tests simulate a missing one).
const addonPath =
  process.env.NIN_ONEDNN_ADDON ?? fileURLToPath(new URL('../../../build/Release/onednn.node', import.meta.url));
/** Where scripts/build-addon.mjs keeps the reason it did not build the addon (build/addon-skipped.txt). */
const skipReasonPath = join(dirname(dirname(addonPath)), 'addon-skipped.txt');
let loaded: OneDnnAddon | undefined;

/** The native addon cannot be had: not built (the reason, when the build kept one), or not loadable. */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

/** Loads the addon once; throws an EngineUnavailableError that says why and what to install when it cannot. */
export function loadAddon(): OneDnnAddon {
  if (loaded) return loaded;
  if (!existsSync(addonPath)) {
    const reason = existsSync(skipReasonPath)
      ? ` (the install skipped it: ${readFileSync(skipReasonPath, 'utf8').trim()})`
      : '';
    throw new EngineUnavailableError(
      `the onednn backend needs the native addon ${addonPath}, which was not built${reason}. ` +
        'Install oneDNN (apt-get install libdnnl-dev) and rebuild it with `npm rebuild` (or `npm ci`).',
    );
  }
  try {
    loaded = createRequire(import.meta.url)(addonPath) as OneDnnAddon;
  } catch (err) {
    throw new EngineUnavailableError(
      `the onednn backend's addon ${addonPath} failed to load (${(err as Error).message}). ` +
        'Is oneDNN installed (apt-get install libdnnl-dev)? Rebuild with `npm rebuild`.',
    );
  }
  return loaded;
}
