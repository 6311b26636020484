// The bfloat16 storage of float32 tensors in bf16 precision. Every pass over memory costs: a training step reads
// each activation twice (forward, then the filter gradient) and each output gradient twice (data and filter
// gradients), and the tensors between convolutions are written once and read only by bf16 kernels. So:
// - a tensor that a bf16 kernel reads gets a bfloat16 copy, made once;
// - a kernel may write its output as bfloat16 only (`defer`): the tensor's float32 storage is then left unwritten
//   until something reads it as float32, which widens the copy into it (exact). Convolutions that write for other
//   convolutions never pay for float32 values nobody reads.
// A copy lives as long as the tensor's storage: the backend drops it when the storage is released, and its memory
// is recycled (fresh pages are slow to touch on these machines, see buffer_pool.ts).
import type { OneDnnAddon } from './addon.js';

export class Bf16Storage {
  private readonly copies = new Map<Float32Array, Uint16Array>();
  /** float32 arrays not written yet: their copy holds the tensor's values */
  private readonly deferred = new Set<Float32Array>();
  private readonly free = new Map<number, Uint16Array[]>();
  private freeBytes = 0;

  constructor(
    private readonly addon: OneDnnAddon,
    private readonly maxFreeBytes: number,
  ) {}

  /** The bfloat16 copy of `values`, converted on first use. `values` must be a tensor's own, immutable storage. */
  of(values: Float32Array): Uint16Array {
    let copy = this.copies.get(values);
    if (!copy) {
      copy = this.alloc(values.length);
      this.addon.toBf16(values, copy);
      this.copies.set(values, copy);
    }
    return copy;
  }

  /** The copy of `values` if it has one (no conversion). */
  copyOf(values: Float32Array): Uint16Array | undefined {
    return this.copies.get(values);
  }

  /** Uninitialised bfloat16 storage of `length` elements (recycled when possible), for a kernel to write. */
  alloc(length: number): Uint16Array {
    const recycled = this.free.get(length)?.pop();
    if (recycled) this.freeBytes -= recycled.byteLength;
    return recycled ?? new Uint16Array(Buffer.allocUnsafeSlow(length * 2).buffer, 0, length);
  }

  /** `copy` (from alloc, written) holds the values of the tensor storage `values`, which stays unwritten for now. */
  defer(values: Float32Array, copy: Uint16Array): void {
    this.copies.set(values, copy);
    this.deferred.add(values);
  }

  isDeferred(values: Float32Array): boolean {
    return this.deferred.has(values);
  }

  /** Writes a deferred `values` from its copy (a no-op once written). */
  materialize(values: Float32Array): void {
    if (!this.deferred.delete(values)) return;
    this.addon.fromBf16(this.copies.get(values)!, values);
  }

  /** The storage `values` is released (its contents may change): forget its copy and recycle the memory. */
  release(values: unknown): void {
    const copy = values instanceof Float32Array ? this.copies.get(values) : undefined;
    if (!copy) return;
    this.copies.delete(values as Float32Array);
    this.deferred.delete(values as Float32Array);
    if (this.freeBytes + copy.byteLength > this.maxFreeBytes) return;
    const list = this.free.get(copy.length) ?? [];
    list.push(copy);
    this.free.set(copy.length, list);
    this.freeBytes += copy.byteLength;
  }

  /** Tensors that have a bfloat16 copy now. */
  get size(): number {
    return this.copies.size;
  }

  clear(): void {
    this.copies.clear();
    this.deferred.clear();
    this.free.clear();
    this.freeBytes = 0;
  }
}
