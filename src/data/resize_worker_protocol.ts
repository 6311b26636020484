// Messages between ResizeWorker (main thread) and resize_worker.js.
import type { Augmentation } from './augment.js';

/** Training batches: augment each image as drawn from (seed, epoch, its index). */
export interface AugmentRequest {
  readonly augmentation: Augmentation;
  readonly seed: number;
  readonly epoch: number;
}

export type ResizeWorkerRequest =
  /** Registers a split's pixels (a view of a SharedArrayBuffer, so nothing is copied) under `key`. */
  | { readonly type: 'images'; readonly key: number; readonly images: Uint8Array }
  /** Resize images `indices` of set `key` to side×side; the reply carries the same `id`. */
  | {
      readonly type: 'resize';
      readonly id: number;
      readonly key: number;
      readonly indices: Int32Array;
      readonly side: number;
      readonly augment?: AugmentRequest;
    };

export type ResizeWorkerReply =
  | { readonly id: number; readonly x: Float32Array }
  | { readonly id: number; readonly error: string };
