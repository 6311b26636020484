// Helpers shared by the native kernels: typed access to tensor storage, output allocation, and the fall-back to
// the inherited CPU kernel for cases the native path does not cover (other dtypes, layouts, tiny tensors).
import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { Compute } from './addon.js';
import type { OneDnnBackend } from './backend.js';
import { BACKEND_NAME } from './backend_name.js';

/** Below this many elements a native call (fixed cost of a few µs) is slower than the JS loop. */
export const NATIVE_MIN_ELEMENTS = 16384;

/**
 * The float32 values of a tensor. A float32 tensor made by casting int32 or bool shares the original integer
 * storage on the CPU backend, so such storage is converted (a copy the caller does not keep).
 */
export function f32(backend: OneDnnBackend, t: TensorInfo): Float32Array {
  const values = backend.data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  if (values instanceof Int32Array || values instanceof Uint8Array) return Float32Array.from(values);
  throw new Error(`onednn: tensor of dtype ${t.dtype} has no numeric storage`);
}

/**
 * A tensor as a bf16-capable kernel reads it: its float32 values, or in bf16 precision its bfloat16 copy (made
 * once per tensor). Storage converted from integers is a temporary: the kernel converts it itself.
 */
export function computeInput(backend: OneDnnBackend, t: TensorInfo): Compute {
  const stored = backend.storedValues(t.dataId);
  return backend.bf16 && stored instanceof Float32Array ? backend.bf16Storage.of(stored) : f32(backend, t);
}

/**
 * A tensor as a kernel that takes either type reads it with the least memory traffic: in bf16 precision its
 * bfloat16 copy when it has one, else its float32 values. The copy is rounded unless the tensor is stored only as
 * bfloat16: for inputs whose rounding does not matter (the sign of a ReLU's output).
 */
export function storedInput(backend: OneDnnBackend, t: TensorInfo): Compute {
  const stored = backend.storedValues(t.dataId);
  const copy = backend.bf16 && stored instanceof Float32Array ? backend.bf16Storage.copyOf(stored) : undefined;
  return copy ?? f32(backend, t);
}

export function isFloat32(...tensors: TensorInfo[]): boolean {
  return tensors.every((t) => t.dtype === 'float32' && t.shape.every((d) => d > 0));
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Runs `fill` on storage of `shape` from the backend's pool and wraps it as a float32 tensor. The storage is
 * uninitialised (recycled or fresh): the kernel must overwrite every element.
 */
export function output(backend: OneDnnBackend, shape: number[], fill: (out: Float32Array) => void): TensorInfo {
  const values = backend.pool.alloc(sizeOf(shape));
  fill(values);
  return backend.makeTensorInfo(shape, 'float32', values);
}

/**
 * The bfloat16 storage of a tensor whose values exist only as bfloat16 (a bf16 kernel's output not read as float32
 * yet): its exact values. Undefined for any other tensor.
 */
export function deferredInput(backend: OneDnnBackend, t: TensorInfo): Uint16Array | undefined {
  const stored = backend.storedValues(t.dataId);
  return backend.bf16 && stored instanceof Float32Array && backend.bf16Storage.isDeferred(stored)
    ? backend.bf16Storage.copyOf(stored)
    : undefined;
}

/**
 * output() for a kernel that can write bfloat16: in bf16 precision it writes the values as bfloat16, and the
 * float32 values are made only if something reads them (see bf16_storage.ts).
 */
export function computeOutput(backend: OneDnnBackend, shape: number[], fill: (out: Compute) => void): TensorInfo {
  if (!backend.bf16) return output(backend, shape, fill);
  const size = sizeOf(shape);
  const copy = backend.bf16Storage.alloc(size);
  fill(copy);
  return backend.makeBf16TensorInfo(shape, backend.pool.alloc(size), copy);
}

/** What a native kernel's body receives: its inputs and attributes (typed by the kernel) and the backend. */
export interface NativeArgs<Inputs, Attrs> {
  inputs: Inputs;
  attrs: Attrs;
  backend: OneDnnBackend;
}

/**
 * A kernel of the onednn backend. `run` computes natively (one output, or several), or returns null for the cases
 * the native path does not cover (other dtypes or layouts, tiny tensors, geometries oneDNN rejects): then the cpu
 * kernel of that name runs (TF.js's, or for the engine's own kernels its JS version in cpu_kernels.ts).
 */
export function nativeKernel<Inputs, Attrs = object>(
  kernelName: string,
  run: (args: NativeArgs<Inputs, Attrs>) => TensorInfo | TensorInfo[] | null,
): KernelConfig {
  let cpu: KernelFunc | undefined;
  return {
    kernelName,
    backendName: BACKEND_NAME,
    kernelFunc: (args) => {
      const native = run({
        inputs: args.inputs as Inputs,
        attrs: args.attrs as Attrs,
        backend: args.backend as OneDnnBackend,
      });
      if (native) return native;
      cpu ??= getKernel(kernelName, 'cpu')?.kernelFunc;
      if (!cpu) throw new Error(`onednn: no cpu kernel ${kernelName} to fall back to`);
      return cpu(args) as TensorInfo | TensorInfo[];
    },
  };
}
