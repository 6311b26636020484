// Recycles the float32 storage of the native kernels' outputs. A training step allocates gigabytes of activations
// and gradients; fresh memory costs a page fault per 4 KiB on these VMs (~3 ms/MB), and V8 frees an ArrayBuffer
// only when it garbage-collects it, so without reuse every step pays for touching new pages (measured: NiN@224
// batch 32 trains at 55 img/s without this pool and 67 with it).
//
// Storage is reused only when nothing can still see it:
// - only arrays this pool allocated, and only once every tensor whose values are (a view of) that ArrayBuffer has
//   been released: TF.js shares storage between tensors through Slice's subarray views and between backends;
// - never once its values were handed out by readSync/read (dataSync(), data(), arraySync(), buffer(), a move to
//   another backend): user code may keep that array after disposing the tensor.
import { totalmem } from 'node:os';

type Values = unknown;

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly holders = new WeakMap<ArrayBufferLike, number>();
  private readonly exposed = new WeakSet<ArrayBufferLike>();
  private pooledBytes = 0;

  /** Upper bound of memory kept for reuse; beyond it released storage is left to the garbage collector. */
  constructor(private readonly maxPooledBytes = Math.floor(totalmem() / 4)) {}

  /** Uninitialised storage of `size` floats: recycled when possible. */
  alloc(size: number): Float32Array {
    const recycled = this.free.get(size)?.pop();
    if (recycled) {
      this.pooledBytes -= recycled.byteLength;
      return recycled;
    }
    const bytes = Buffer.allocUnsafeSlow(size * 4);
    const array = new Float32Array(bytes.buffer, bytes.byteOffset, size);
    this.holders.set(array.buffer, 0);
    return array;
  }

  /** A tensor now holds `values` (called for every write/move into the backend). */
  hold(values: Values): void {
    const buffer = bufferOf(values);
    const count = buffer && this.holders.get(buffer);
    if (count !== undefined) this.holders.set(buffer!, count + 1);
  }

  /** The tensor holding `values` was released; recycle the storage if this was its last holder. */
  release(values: Values): void {
    const buffer = bufferOf(values);
    const count = buffer && this.holders.get(buffer);
    if (count === undefined) return;
    this.holders.set(buffer!, count - 1);
    if (count - 1 > 0 || this.exposed.has(buffer!)) return;
    const whole = new Float32Array(buffer!);
    if (this.pooledBytes + whole.byteLength > this.maxPooledBytes) return;
    const list = this.free.get(whole.length) ?? [];
    list.push(whole);
    this.free.set(whole.length, list);
    this.pooledBytes += whole.byteLength;
  }

  /** `values` left the backend's control (read by user code): never recycle it. */
  expose(values: Values): void {
    const buffer = bufferOf(values);
    if (buffer) this.exposed.add(buffer);
  }

  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}

function bufferOf(values: Values): ArrayBufferLike | undefined {
  return values instanceof Float32Array ? values.buffer : undefined;
}
