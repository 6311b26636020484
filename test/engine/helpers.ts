// Shared helpers of the engine's tests: seeded inputs, running one computation on the `cpu` and `onednn`
// backends, counting which native addon entry points ran, and element-wise comparison with explicit tolerances.
import assert from 'node:assert/strict';

import * as tf from '@tensorflow/tfjs';

import { loadAddon } from '../../src/engine/addon.js';
import { registerOnednnBackend, useBackend } from '../../src/engine/backend.js';
import { mulberry32 } from '../../src/util/seeded_random.js';

export type Backend = 'cpu' | 'onednn';

/** A small, fast, seeded PRNG: the same seed gives the same inputs on every run and backend. */
export const prng = mulberry32;

/** `size` float32 values uniform in [lo, hi), from `seed`. */
export function uniform(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = prng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** The four (transposeA, transposeB) cases of a matrix product. */
export const TRANSPOSE_PAIRS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Seeded float32 input values for a tensor of `shape` (uniform in [lo, hi)). */
export function values(shape: readonly number[], seed: number, lo = -1, hi = 1): Float32Array {
  return uniform(sizeOf(shape), seed, lo, hi);
}

// ---- native call counting ---------------------------------------------------------------------------------

const nativeCalls = new Map<string, number>();
let instrumented = false;

/** Wraps every function the addon exports with a counter (once; the backend holds the same module object). */
function instrumentAddon(): void {
  if (instrumented) return;
  const addon = loadAddon() as unknown as Record<string, unknown>;
  for (const [name, fn] of Object.entries(addon)) {
    if (typeof fn !== 'function' || name === 'info' || name === 'setNumThreads') continue;
    const original = fn as (...args: unknown[]) => unknown;
    addon[name] = (...args: unknown[]) => {
      nativeCalls.set(name, (nativeCalls.get(name) ?? 0) + 1);
      return original(...args);
    };
  }
  instrumented = true;
}

/** Native addon calls since the last reset (entry point → count). */
export function nativeCallCounts(): Map<string, number> {
  return new Map(nativeCalls);
}

export function resetNativeCalls(): void {
  nativeCalls.clear();
}

/** Registers the onednn backend and instruments its addon; call before the first test. */
export function setup(): void {
  registerOnednnBackend();
  instrumentAddon();
}

// ---- running on both backends -----------------------------------------------------------------------------

export interface Result {
  shape: number[];
  dtype: tf.DataType;
  values: Float32Array | Int32Array | Uint8Array;
}

export interface BothResults {
  cpu: Result[];
  onednn: Result[];
  /** Native addon entry points (conv2d, binary, reduce, …) that ran during the onednn run, with call counts. */
  calls: Map<string, number>;
}

type Computation = () => tf.Tensor | tf.Tensor[];

/** Runs `fn` (which creates its inputs from plain arrays) on `backend` and reads back every output. */
export async function runOn(
  backend: Backend,
  fn: Computation,
): Promise<{ results: Result[]; calls: Map<string, number> }> {
  await useBackend(backend);
  nativeCalls.clear();
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const results = outs.map((t) => ({ shape: [...t.shape], dtype: t.dtype, values: t.dataSync() as Result['values'] }));
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before, `${backend}: the computation leaked tensors`);
  return { results, calls: new Map(nativeCalls) };
}

/** Runs `fn` under 'cpu' and then under 'onednn'; both runs start from the same plain-array inputs. */
export async function onBoth(fn: Computation): Promise<BothResults> {
  const cpu = await runOn('cpu', fn);
  const onednn = await runOn('onednn', fn);
  return { cpu: cpu.results, onednn: onednn.results, calls: onednn.calls };
}

// ---- comparison -------------------------------------------------------------------------------------------

export interface Tolerance {
  atol: number;
  rtol: number;
}

/**
 * Asserts max |actual - expected| <= atol + rtol * |expected| element-wise. NaN must match NaN and infinities
 * must match exactly. The message names the worst element (by excess over its tolerance), both values and how
 * many elements failed.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  label: string,
): void {
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length} vs expected ${expected.length}`);
  let worst = -1,
    worstExcess = 0,
    failures = 0,
    maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    let excess: number;
    if (Number.isNaN(e) || Number.isNaN(a)) excess = Number.isNaN(e) && Number.isNaN(a) ? 0 : Infinity;
    else if (!Number.isFinite(e) || !Number.isFinite(a)) excess = a === e ? 0 : Infinity;
    else {
      const d = Math.abs(a - e);
      maxAbs = Math.max(maxAbs, d);
      excess = d - (atol + rtol * Math.abs(e));
    }
    if (excess > 0) {
      failures++;
      if (excess > worstExcess) [worst, worstExcess] = [i, excess];
    }
  }
  if (process.env.NIN_TEST_REPORT)
    console.log(`# ${label}: max |diff| ${maxAbs.toExponential(2)} (atol ${atol}, rtol ${rtol})`);
  if (failures > 0) {
    const a = actual[worst]!,
      e = expected[worst]!;
    assert.fail(
      `${label}: ${failures} of ${expected.length} elements out of tolerance (atol ${atol}, rtol ${rtol}); ` +
        `worst at index ${worst}: actual ${a}, expected ${e}, |diff| ${Math.abs(a - e)} ` +
        `(max finite |diff| ${maxAbs})`,
    );
  }
}

/** Largest |a - b| over the finite pairs (for reporting/debugging). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isFinite(d)) m = Math.max(m, d);
  }
  return m;
}

/** Compares every output of the onednn run with the cpu run: same shapes, dtypes and close values. */
export function assertBothClose(r: BothResults, tol: Tolerance, label: string, names?: string[]): void {
  assert.equal(r.onednn.length, r.cpu.length, `${label}: number of outputs`);
  r.cpu.forEach((c, i) => {
    const o = r.onednn[i]!;
    const what = `${label} [${names?.[i] ?? `output ${i}`}]`;
    assert.deepEqual(o.shape, c.shape, `${what}: shape`);
    assert.equal(o.dtype, c.dtype, `${what}: dtype`);
    assertClose(o.values, c.values, tol.atol, tol.rtol, what);
  });
}

/** Asserts that each named native entry point ran at least once during the onednn run. */
export function assertNative(r: BothResults, entryPoints: string[], label: string): void {
  for (const name of entryPoints) {
    assert.ok(
      (r.calls.get(name) ?? 0) > 0,
      `${label}: expected native '${name}' to run; ran: ${[...r.calls.keys()].join(', ') || 'none'}`,
    );
  }
}

/** Asserts that none of the named native entry points ran (the CPU fallback handled the op). */
export function assertNotNative(r: BothResults, entryPoints: string[], label: string): void {
  for (const name of entryPoints) {
    assert.equal(r.calls.get(name) ?? 0, 0, `${label}: expected the CPU fallback, but native '${name}' ran`);
  }
}

/** Runs `fn` on both backends, asserts the native entry points ran and all outputs agree. */
export async function compareBoth(
  label: string,
  fn: Computation,
  tol: Tolerance,
  native: string[],
  names?: string[],
): Promise<BothResults> {
  const r = await onBoth(fn);
  assertNative(r, native, label);
  assertBothClose(r, tol, label, names);
  return r;
}

/** Largest |v| of an array (to scale an absolute tolerance to a tensor's magnitude). */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}
