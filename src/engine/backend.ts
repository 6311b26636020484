// The `onednn` TF.js backend: the JS CPU backend with the kernels that dominate conv-net training and inference
// replaced by oneDNN primitives. Tensor data stays in the CPU backend's TypedArrays and is handed to C++ as is.
// The union package is the only one whose Node build registers TF.js's gradient functions (and the cpu backend).
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import { loadAddon, type OneDnnAddon } from './addon.js';
import { BufferPool } from './buffer_pool.js';
import { reluGradConfig } from './gradients/Relu_grad.js';
import { nativeKernels } from './register_all_kernels.js';

export const BACKEND_NAME = 'onednn'; // no '_': TF.js's kernel registry splits its keys on it

type DataId = object;
type BackendValues = tf.backend_util.BackendValues;

export class OneDnnBackend extends MathBackendCPU {
  readonly addon: OneDnnAddon;
  /** storage of native kernel outputs, recycled when no tensor and no user code can see it any more */
  readonly pool = new BufferPool();

  constructor(addon: OneDnnAddon) {
    super();
    this.addon = addon;
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

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const released = super.disposeData(dataId, force);
    if (released && values !== undefined && !this.data.has(dataId)) this.pool.release(values);
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}

let registered = false;

/**
 * Registers the `onednn` backend and its kernels (idempotent). Throws, naming the package to install, when the
 * addon is unavailable; the `cpu` backend stays usable either way.
 */
export function registerOnednnBackend(): void {
  if (registered) return;
  const addon = loadAddon();
  tf.registerBackend(BACKEND_NAME, () => new OneDnnBackend(addon), 0);
  tf.copyRegisteredKernels('cpu', BACKEND_NAME);
  for (const kernel of nativeKernels) {
    if (tf.getKernel(kernel.kernelName, BACKEND_NAME)) tf.unregisterKernel(kernel.kernelName, BACKEND_NAME);
    tf.registerKernel({ ...kernel, backendName: BACKEND_NAME });
  }
  tf.registerGradient(reluGradConfig);
  registered = true;
}

/**
 * Makes `name` the active backend. Call before building a model: tensors made under another backend are moved on
 * first use, which costs a copy.
 */
export async function useBackend(name: 'onednn' | 'cpu'): Promise<void> {
  if (name === BACKEND_NAME) registerOnednnBackend();
  if (!(await tf.setBackend(name))) throw new Error(`TF.js could not initialise the '${name}' backend`);
}

/** Sets the number of threads oneDNN computes with (default: OMP_NUM_THREADS, else all cores). */
export function setNumThreads(threads: number): void {
  loadAddon().setNumThreads(threads);
}

/** oneDNN's version and thread count when the active backend is `onednn`; undefined on any other backend. */
export function engineInfo(): { version: string; threads: number } | undefined {
  const backend = tf.backend();
  return backend instanceof OneDnnBackend ? backend.addon.info() : undefined;
}
