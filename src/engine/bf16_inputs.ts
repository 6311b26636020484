// bfloat16 copies of the tensors that convolutions and matrix products read in bf16 precision, made once per
// tensor: a training step reads each activation twice (forward, then the filter gradient) and each output
// gradient twice (data and filter gradients), and every conversion is a pass over memory. A copy lives as long
// as the tensor's storage: the backend drops it when the storage is released, and its memory is recycled (fresh
// pages are slow to touch on these machines, see buffer_pool.ts).
import type { OneDnnAddon } from './addon.js';

export class Bf16Inputs {
  private readonly copies = new Map<Float32Array, Uint16Array>();
  private readonly free = new Map<number, Uint16Array[]>();
  private freeBytes = 0;

  constructor(private readonly addon: OneDnnAddon, private readonly maxFreeBytes: number) {}

  /** The bfloat16 copy of `values`, converted on first use. `values` must be a tensor's own, immutable storage. */
  of(values: Float32Array): Uint16Array {
    let copy = this.copies.get(values);
    if (!copy) {
      const recycled = this.free.get(values.length)?.pop();
      if (recycled) this.freeBytes -= recycled.byteLength;
      copy = recycled ?? new Uint16Array(Buffer.allocUnsafeSlow(values.length * 2).buffer, 0, values.length);
      this.addon.toBf16(values, copy);
      this.copies.set(values, copy);
    }
    return copy;
  }

  /** The storage `values` is released (its contents may change): forget its copy and recycle the memory. */
  release(values: unknown): void {
    const copy = values instanceof Float32Array ? this.copies.get(values) : undefined;
    if (!copy) return;
    this.copies.delete(values as Float32Array);
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
    this.free.clear();
    this.freeBytes = 0;
  }
}
