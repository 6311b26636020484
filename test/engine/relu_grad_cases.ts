// The ReLU gradient kernel on every mix of float32 and bfloat16 arrays, checked against values computed here; shared
// by the in-process test and a child process that runs the portable loop (DNNL_MAX_CPU_ISA below AVX512-BF16).
import type { OneDnnAddon } from '../../src/engine/addon.js';
import { values } from './helpers.js';

/** Rounds float32 values to bfloat16 (round to nearest even), kept as float32. */
export function roundToBf16(v: Float32Array): Float32Array {
  const out = new Float32Array(v);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i]!;
    bits[i] = (((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16) >>> 0;
  }
  return out;
}

/** Descriptions of the combinations whose result differs from the expected one (none: the kernel is right). */
export function reluGradMismatches(addon: OneDnnAddon): string[] {
  const n = 1000; // not a multiple of any vector width
  const dy = values([n], 131, -4, 4),
    y = values([n], 132, -1, 1);
  dy[3] = NaN;
  y[5] = NaN;
  y[7] = 0;
  const bits = (v: Float32Array) => new Uint16Array(new Uint32Array(roundToBf16(v).buffer).map((u) => u >>> 16));
  const widen = (v: Uint16Array) => new Float32Array(new Uint32Array(Array.from(v, (h) => h << 16)).buffer);
  const show = (v: Float32Array) => Array.from(v, (x) => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? 0 : x)).join();
  const mismatches: string[] = [];
  for (const dyType of ['f32', 'bf16'] as const) {
    for (const yType of ['f32', 'bf16'] as const) {
      for (const outType of ['f32', 'bf16'] as const) {
        const dyValues = dyType === 'f32' ? dy : roundToBf16(dy),
          yValues = yType === 'f32' ? y : roundToBf16(y);
        const exact = dyValues.map((d, i) => (yValues[i]! > 0 ? d : Number.isNaN(yValues[i]!) ? NaN : d * 0));
        const expected = outType === 'f32' ? exact : roundToBf16(exact);
        const out = outType === 'f32' ? new Float32Array(n) : new Uint16Array(n);
        addon.reluGrad(dyType === 'f32' ? dy : bits(dy), yType === 'f32' ? y : bits(y), out);
        if (show(out instanceof Float32Array ? out : widen(out)) !== show(expected))
          mismatches.push(`dy ${dyType}, y ${yType}, dx ${outType}`);
      }
    }
  }
  return mismatches;
}
