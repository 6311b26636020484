// The main thread's side of the resize worker: a pool of one thread (the main thread's oneDNN kernels already use
// both cores through OpenMP, so more resize threads would only compete with them). Requests are answered in order.
// The worker is unref'd while idle, so a program that forgets close() still exits.
import { Worker } from 'node:worker_threads';

import type { AugmentRequest, ResizeWorkerReply, ResizeWorkerRequest } from './resize_worker_protocol.js';

interface Pending {
  resolve(x: Float32Array): void;
  reject(error: Error): void;
}

export class ResizeWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 0;
  /** Image sets already sent to the current worker, by identity. */
  private registered = new WeakMap<Uint8Array, number>();
  private nextKey = 0;

  /** Resizes images `indices` of `images` (count × 28 × 28, shared memory) to an NHWC float32 batch, augmented if asked. */
  resize(images: Uint8Array, indices: Int32Array, side: number, augment?: AugmentRequest): Promise<Float32Array> {
    const worker = this.started();
    let key = this.registered.get(images);
    if (key === undefined) {
      if (!(images.buffer instanceof SharedArrayBuffer)) {
        throw new TypeError(
          'ResizeWorker.resize: images must be a view of a SharedArrayBuffer (as readFashionMnistSplit returns)',
        );
      }
      key = this.nextKey++;
      this.registered.set(images, key);
      this.post(worker, { type: 'images', key, images });
    }
    const id = this.nextRequestId++;
    const result = new Promise<Float32Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.pending.size === 1) worker.ref();
    this.post(worker, { type: 'resize', id, key, indices, side, augment }, [indices.buffer as ArrayBuffer]);
    return result;
  }

  /** Stops the thread; pending requests fail. A later resize() starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.forget(worker, new Error('ResizeWorker closed while a batch was being prepared'));
    await worker.terminate();
  }

  private post(worker: Worker, request: ResizeWorkerRequest, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(request, transfer);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./resize_worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: ResizeWorkerReply) => this.settle(worker, reply));
    worker.on('error', (error) =>
      this.forget(worker, new Error(`resize worker failed: ${error.message}`, { cause: error })),
    );
    worker.on('exit', (code) =>
      this.forget(worker, new Error(`resize worker exited (code ${code}) with batches pending`)),
    );
    this.worker = worker;
    this.registered = new WeakMap();
    return worker;
  }

  private settle(worker: Worker, reply: ResizeWorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if ('x' in reply) pending.resolve(reply.x);
    else pending.reject(new Error(`resize worker: ${reply.error}`));
  }

  /** Drops `worker` (if it is still the current one) and fails everything it had pending. */
  private forget(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    worker.unref();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) request.reject(error);
  }
}
