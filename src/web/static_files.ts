// Every file the server hands out as it is: the pages' stylesheet (src/web/static), TF.js and its wasm backend from
// node_modules (no CDN), and the compiled page scripts with what they import. A fixed table built at start-up: a URL path
// not in it is a 404 and never reaches the file system, so no path can escape.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

import { browserModules } from './browser_modules.js';
import { sendBody } from './responses.js';
import { PAGES, STATIC_DIR } from './pages.js';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The wasm backend's binaries: plain, SIMD, and SIMD with threads (used only when the page is cross-origin isolated). */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

function packageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

/** URL path → file. */
export function staticFiles(): Map<string, string> {
  const tfjs = join(packageDir('@tensorflow/tfjs'), 'dist');
  const wasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  return new Map([
    ['/static/style.css', join(STATIC_DIR, 'style.css')],
    ['/vendor/tf.es2017.min.js', join(tfjs, 'tf.es2017.min.js')],
    ['/vendor/tf-backend-wasm.es2017.min.js', join(wasm, 'tf-backend-wasm.es2017.min.js')],
    ...WASM_FILES.map((name): [string, string] => [`/vendor/${name}`, join(wasm, name)]),
    ...browserModules(PAGES.map((page) => page.module)),
  ]);
}

export async function sendFile(res: ServerResponse, file: string): Promise<void> {
  sendBody(res, await readFile(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
}
