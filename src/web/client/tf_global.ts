// TF.js in the page: the global `tf` that /vendor/tf.es2017.min.js and /vendor/tf-backend-wasm.es2017.min.js define (classic
// scripts, loaded before the page's modules), typed by the npm packages they come from.
import type * as tfjs from '@tensorflow/tfjs';
import type * as tfWasm from '@tensorflow/tfjs-backend-wasm';

export type TF = typeof tfjs & { wasm: typeof tfWasm };

export const tf = (globalThis as unknown as { tf: TF }).tf;
