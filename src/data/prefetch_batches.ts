// An async iterator over batches that keeps `prefetch` batches in preparation while the consumer works on the
// current one. `dataMs` is how long the consumer actually waited, so a trainer can report the data time share.
import { performance } from 'node:perf_hooks';

/**
 * One batch: plain typed arrays (no tensors, so nothing leaks if a batch is dropped; wrap with
 * `tf.tensor4d(batch.x, batch.shape)` and `tf.tensor1d(batch.y, 'int32')`).
 */
export interface Batch {
  /** NHWC float32 [size, resize, resize, 1], values in [0, 1]. */
  readonly x: Float32Array;
  /** Class indices 0..9. */
  readonly y: Int32Array;
  /** Examples in this batch: batchSize, or fewer for the last batch of an epoch. */
  readonly size: number;
  /** Position of the batch in the epoch, from 0. */
  readonly index: number;
  readonly shape: readonly [number, number, number, 1];
  /** Milliseconds the consumer waited for this batch (0 when it was ready in time). */
  readonly dataMs: number;
}

export type PreparedBatch = Omit<Batch, 'dataMs'>;

/**
 * Yields batches first..count-1 from `prepare`, with up to `prefetch` of them requested ahead (0: on demand). The
 * batches before `first` (already trained on by a run that is resuming) are never prepared.
 */
export async function* prefetchBatches(
  count: number,
  prepare: (index: number) => Promise<PreparedBatch>,
  prefetch: number,
  first = 0,
): AsyncGenerator<Batch, void, undefined> {
  const queue: Promise<PreparedBatch>[] = [];
  let requested = first;
  const request = () => {
    const batch = prepare(requested++);
    // A prefetched batch may fail while the consumer is busy: mark it handled now, the await below still throws.
    batch.catch(() => undefined);
    queue.push(batch);
  };
  for (let index = first; index < count; index++) {
    const waitStart = performance.now();
    if (queue.length === 0) request();
    const next = queue.shift()!;
    while (queue.length < prefetch && requested < count) request();
    const batch = await next;
    yield { ...batch, dataMs: performance.now() - waitStart };
  }
}
