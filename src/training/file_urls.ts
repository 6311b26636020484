// `file://` URLs for TF.js in Node, as tfjs-node has them: `model.save('file://DIR')` writes DIR/model.json and
// DIR/weights.bin (atomically, as `nin train` saves), and `tf.loadLayersModel('file://DIR/model.json')` (or
// 'file://DIR') reads them. Registered once, by `import 'nin-d2l'`.
import { dirname } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { fileHandler, fileSaveHandler, MODEL_JSON } from './model_io.js';

const SCHEME = 'file://';

/** The model directory a file:// URL names (its model.json's directory), or undefined for other URLs. */
export function fileUrlDirectory(url: string | string[]): string | undefined {
  if (typeof url !== 'string' || !url.startsWith(SCHEME)) return undefined;
  const path = decodeURIComponent(url.slice(SCHEME.length));
  return path.endsWith(`/${MODEL_JSON}`) || path === MODEL_JSON ? dirname(path) : path;
}

/** A router for `make`'s handlers; TF.js's routers answer null for URLs they do not take (its IORouter type omits it). */
const router = (make: (dir: string) => tf.io.IOHandler) => (url: string | string[]) => {
  const dir = fileUrlDirectory(url);
  return (dir === undefined ? null : make(dir)) as tf.io.IOHandler;
};

let registered = false;

export function registerFileUrls(): void {
  if (registered) return;
  tf.io.registerSaveRouter(router((dir) => fileSaveHandler(dir)));
  tf.io.registerLoadRouter(router(fileHandler));
  registered = true;
}
