// Downloads one file over HTTP(S) into a directory, atomically: the body goes to a temporary file next to the
// destination, is checked by `verify`, and only then renamed into place. A failed, truncated or corrupt download
// therefore never leaves a file that a later run would mistake for a good one.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { DataError } from './data_error.js';
import { makeDirectories } from '../util/make_directories.js';
import { barCells, ProgressBar, type ProgressSink } from '../util/progress_bar.js';

const MAX_REDIRECTS = 5;
/** A stalled connection fails after this long without data instead of hanging the run. */
const IDLE_TIMEOUT_MS = 60_000;

export interface DownloadOptions {
  /** Where the progress bar goes; false for none. */
  readonly progress: ProgressSink | false;
  /** Checks the complete temporary file (e.g. gunzip, parse, checksum); throws to reject it. */
  readonly verify?: (temporaryPath: string) => Promise<void>;
}

function request(url: URL): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : url.protocol === 'http:' ? http.get : undefined;
    if (!get) {
      reject(
        new DataError(`${url.href}: unsupported protocol ${url.protocol}; use an http:// or https:// mirror`, url.href),
      );
      return;
    }
    const req = get(url, resolve);
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
  });
}

/** The 200 response for `url`, following up to MAX_REDIRECTS redirects. */
async function successfulResponse(url: URL): Promise<http.IncomingMessage> {
  for (let redirects = 0; ; redirects++) {
    const response = await request(url);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location !== undefined && redirects < MAX_REDIRECTS) {
      response.resume(); // discard the redirect body so the socket is freed
      url = new URL(location, url);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new Error(`HTTP ${status} ${response.statusMessage ?? ''}`.trim());
    }
    return response;
  }
}

/** Bytes in the unit that suits `scale` (the total): "26.4 MB", "29.5 kB", "512 B". */
function inUnit(bytes: number, scale: number): string {
  return scale >= 1e6 ? (bytes / 1e6).toFixed(1) : scale >= 1e3 ? (bytes / 1e3).toFixed(1) : `${bytes}`;
}
const unitOf = (scale: number) => (scale >= 1e6 ? 'MB' : scale >= 1e3 ? 'kB' : 'B');

/** `label [####----] 14.0/26.4 MB  52%`, or `label 2.0 kB` without a Content-Length; in a log, a line per 10 %. */
export function downloadBar(sink: ProgressSink, label: string, total: number | undefined): ProgressBar {
  const line = (received: number) => {
    if (total === undefined || total === 0) return `${label} ${inUnit(received, received)} ${unitOf(received)}`;
    const fraction = Math.min(1, received / total);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${label} ${barCells(fraction, 24, 'hash')} ${inUnit(received, total)}/${inUnit(total, total)} ${unitOf(total)} ${percent}`;
  };
  return new ProgressBar(sink, { total, line, logSteps: 10, logStart: true, redrawMs: 100 });
}

/** Streams `url` into `temporaryPath`, drawing progress; throws if the body is shorter than Content-Length. */
async function fetchToFile(url: URL, temporaryPath: string, label: string, sink: ProgressSink | false): Promise<void> {
  const response = await successfulResponse(url);
  const lengthHeader = response.headers['content-length'];
  const total = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const bar = sink ? downloadBar(sink, label, total) : undefined;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      bar?.update(received);
      done(null, chunk);
    },
  });
  try {
    await pipeline(response, counter, createWriteStream(temporaryPath, { flags: 'wx' }));
    if (total !== undefined && received !== total) throw new Error('body shorter than its Content-Length');
  } catch (error) {
    bar?.abort(received);
    const of = total === undefined ? '' : ` of ${total}`;
    throw new Error(`${(error as Error).message} after ${received}${of} bytes`, { cause: error });
  }
  bar?.finish(received, { keep: true });
}

/** Downloads `url` to `destination` atomically (temporary file + verify + rename). */
export async function downloadFile(url: string, destination: string, options: DownloadOptions): Promise<void> {
  const directory = dirname(destination);
  try {
    makeDirectories(directory);
  } catch (error) {
    throw new DataError(
      `${directory}: cannot create the download directory (${(error as Error).message}); ` +
        `make it writable, set XDG_CACHE_HOME elsewhere, or put the files into FASHION_MNIST_DIR`,
      directory,
      { cause: error },
    );
  }
  const temporaryPath = `${destination}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  try {
    try {
      await fetchToFile(new URL(url), temporaryPath, url.slice(url.lastIndexOf('/') + 1), options.progress);
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError(
        `${url}: download failed (${(error as Error).message}); check the network, or set FASHION_MNIST_MIRROR ` +
          `to a working mirror, or put the files into FASHION_MNIST_DIR`,
        url,
        { cause: error },
      );
    }
    await options.verify?.(temporaryPath);
    await rename(temporaryPath, destination);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
}
