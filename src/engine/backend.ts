// The `onednn` TF.js backend: the JS CPU backend with the kernels that dominate conv-net training and inference
// replaced by oneDNN primitives. Tensor data stays in the CPU backend's TypedArrays and is handed to C++ as is.
// The union package is the only one whose Node build registers TF.js's gradient functions (and the cpu backend).
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { totalmem } from 'node:os';

import { loadAddon, type OneDnnAddon } from './addon.js';
import { BACKEND_NAME } from './backend_name.js';
import { Bf16Storage } from './bf16_storage.js';
import { BufferPool } from './buffer_pool.js';
import { backendScoped } from './gradients/backend_scoped.js';
import { fusedConv2DGradConfig } from './gradients/FusedConv2D_grad.js';
import { reluGradConfig } from './gradients/Relu_grad.js';
import { cpuKernels } from './cpu_kernels.js';
import { nativeKernels } from './register_all_kernels.js';

export { BACKEND_NAME };

type DataId = object;
type BackendValues = tf.backend_util.BackendValues;

/**
 * What convolutions and matrix products compute in. 'bf16' rounds their inputs to bfloat16 inside the kernel and
 * accumulates in float32 (AVX512-BF16 CPUs only); tensors, stored weights, the optimizer, the loss and every other
 * kernel stay float32 either way. As under PyTorch's autocast, a fused convolution's output (and the gradient
 * between a ReLU and its convolution) is rounded to bfloat16: it is kept as bfloat16 and widened exactly when a
 * float32 kernel or user code reads it (see bf16_storage.ts).
 */
export type Precision = 'fp32' | 'bf16';
export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16'];

export class OneDnnBackend extends MathBackendCPU {
  readonly addon: OneDnnAddon;
  /** storage of native kernel outputs, recycled when no tensor and no user code can see it any more */
  readonly pool = new BufferPool();
  /** true while the precision is bf16; read by the conv and matmul kernels */
  bf16 = false;
  /** bfloat16 storage of tensors in bf16 precision (see bf16_storage.ts) */
  readonly bf16Storage: Bf16Storage;
  /** float32 storage of tensors whose values are still only in bf16Storage */
  private readonly deferredValues = new WeakMap<DataId, Float32Array>();

  constructor(addon: OneDnnAddon) {
    super();
    this.addon = addon;
    this.bf16Storage = new Bf16Storage(addon, Math.floor(totalmem() / 8));
    // Silences the CPU backend's "install tfjs-node for speed" banner: this is the fast path.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  // The storage hooks below keep the pool's holder counts and exposure marks (see buffer_pool.ts).
  override write(values: BackendValues, shape: number[], dtype: tf.DataType): DataId {
    this.pool.hold(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.pool.hold(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: DataId): BackendValues {
    const values = super.readSync(dataId);
    this.pool.expose(values);
    return values;
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  /**
   * A float32 tensor whose values a kernel wrote as bfloat16 (`copy`) into bf16Storage. Its storage `values` (from
   * the pool, unwritten) is written from the copy when its values are first read: every CPU kernel and readSync
   * read `data.get(dataId).values`, which becomes an accessor until then.
   */
  makeBf16TensorInfo(shape: number[], values: Float32Array, copy: Uint16Array): tf.TensorInfo {
    const info = this.makeTensorInfo(shape, 'float32', values);
    this.bf16Storage.defer(values, copy);
    this.deferredValues.set(info.dataId, values);
    const entry = this.data.get(info.dataId);
    const settle = (v: BackendValues) => {
      this.deferredValues.delete(info.dataId);
      Object.defineProperty(entry, 'values', { value: v, writable: true, enumerable: true, configurable: true });
    };
    Object.defineProperty(entry, 'values', {
      enumerable: true,
      configurable: true,
      get: () => {
        this.bf16Storage.materialize(values);
        settle(values);
        return values;
      },
      set: (v: BackendValues) => {
        this.bf16Storage.release(values);
        settle(v);
      },
    });
    return info;
  }

  /** A tensor's storage as it is: unlike `data.get(dataId).values`, never writes deferred float32 values. */
  storedValues(dataId: DataId): BackendValues | undefined {
    // `has` first: `data.get` of an id this backend does not hold asks the engine to move it here, which reads it here
    return this.deferredValues.get(dataId) ?? (this.data.has(dataId) ? this.data.get(dataId)!.values : undefined);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.storedValues(dataId);
    const released = super.disposeData(dataId, force);
    if (released && values !== undefined && !this.data.has(dataId)) {
      this.deferredValues.delete(dataId);
      this.bf16Storage.release(values); // before the pool may hand the storage out again
      this.pool.release(values);
    }
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    this.bf16Storage.clear();
    super.dispose();
  }
}

let registered = false;

/**
 * Registers the `onednn` backend and its kernels (idempotent: the first call's priority stays). Throws, naming the
 * package to install, when the addon is unavailable; the `cpu` backend stays usable either way. At the default
 * priority 0 TF.js uses it only when asked (useBackend, tf.setBackend); above cpu's 1 it becomes TF.js's default.
 */
export function registerOnednnBackend({ priority = 0 }: { priority?: number } = {}): void {
  if (registered) return;
  const addon = loadAddon();
  tf.registerBackend(BACKEND_NAME, () => new OneDnnBackend(addon), priority);
  // the engine's own kernels in JS on cpu first: onednn falls back to them, and callers on cpu run them
  for (const kernel of cpuKernels) if (!tf.getKernel(kernel.kernelName, 'cpu')) tf.registerKernel(kernel);
  tf.copyRegisteredKernels('cpu', BACKEND_NAME);
  for (const kernel of nativeKernels) {
    if (tf.getKernel(kernel.kernelName, BACKEND_NAME)) tf.unregisterKernel(kernel.kernelName, BACKEND_NAME);
    tf.registerKernel({ ...kernel, backendName: BACKEND_NAME });
  }
  tf.registerGradient(backendScoped(BACKEND_NAME, reluGradConfig)); // other backends keep TF.js's
  tf.registerGradient(fusedConv2DGradConfig); // TF.js has none: FusedConv2DLayer trains through it on every backend
  registered = true;
}

/**
 * Makes `name` the active backend. Call before building a model: tensors made under another backend are moved on
 * first use, which costs a copy.
 */
export async function useBackend(
  name: 'onednn' | 'cpu',
  { precision = 'fp32' }: { precision?: Precision } = {},
): Promise<void> {
  if (name === BACKEND_NAME) registerOnednnBackend();
  if (!(await tf.setBackend(name))) throw new Error(`TF.js could not initialise the '${name}' backend`);
  if (name === BACKEND_NAME) {
    engineInfo(); // reads the engine's settings: a bad NIN_WINOGRAD is an error here, before any work
    setPrecision(precision);
  } else if (precision !== 'fp32') throw new Error(`precision ${precision} needs the onednn backend, not ${name}`);
}

/** Whether this CPU computes bf16 natively (AVX512-BF16); false when the addon is unavailable. */
export function cpuHasBf16(): boolean {
  try {
    return loadAddon().info().bf16;
  } catch {
    return false;
  }
}

/** Why bf16 cannot run here, after the name of what asked for it ("bf16 precision", "--precision bf16"). */
export const NO_BF16 = 'needs a CPU with AVX512-BF16 (lscpu lists avx512_bf16); this one does not have it: use fp32';

/**
 * Sets the precision of the active onednn backend's convolutions and matrix products. bf16 on a CPU without
 * AVX512-BF16 throws (oneDNN would emulate it, slower than fp32).
 */
export function setPrecision(precision: Precision): void {
  const backend = tf.backend();
  if (!(backend instanceof OneDnnBackend))
    throw new Error(`precision ${precision} needs the onednn backend, not ${tf.getBackend()}`);
  if (precision === 'bf16' && !backend.addon.info().bf16) {
    throw new Error(`bf16 precision ${NO_BF16}`);
  }
  backend.bf16 = precision === 'bf16';
}

/** The precision of the active backend's convolutions and matrix products. */
export function getPrecision(): Precision {
  const backend = tf.backend();
  return backend instanceof OneDnnBackend && backend.bf16 ? 'bf16' : 'fp32';
}

/** Sets the number of threads oneDNN computes with (default: OMP_NUM_THREADS, else all cores). */
export function setNumThreads(threads: number): void {
  loadAddon().setNumThreads(threads);
}

/**
 * oneDNN's version and thread count when the active backend is `onednn`, whether the CPU has bf16, and whether fp32
 * 3×3 and 5×5 convolutions run as Winograd (NIN_WINOGRAD=auto|on|off); undefined on any other backend.
 */
export function engineInfo(): { version: string; threads: number; bf16: boolean; winograd: boolean } | undefined {
  const backend = tf.backend();
  return backend instanceof OneDnnBackend ? backend.addon.info() : undefined;
}
