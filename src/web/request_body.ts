// Reading a request body with a size bound. Beyond the bound the request gets 413 and the rest of the body is
// read and dropped, so that a client still uploading receives the answer rather than a reset connection; past a
// hard cap (declared or sent) the connection is closed instead.
import type { IncomingMessage } from 'node:http';

import { HttpError } from './http_error.js';

/** Bytes of an oversized body drained before the connection is closed instead. */
const DRAIN_CAP = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (close: boolean) =>
    new HttpError(
      413,
      `request body larger than ${formatBytes(limit)}; send a smaller image`,
      close ? { Connection: 'close' } : {},
    );
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      if (declared <= DRAIN_CAP) drain(req, DRAIN_CAP);
      return reject(tooLarge(declared > DRAIN_CAP));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      drain(req, DRAIN_CAP - size);
      reject(tooLarge(false));
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req
      .on('data', onData)
      .on('end', onEnd)
      .on('error', (err) => reject(new HttpError(400, `the request body could not be read: ${err.message}`)));
  });
}

/** Reads and drops the rest of the body, destroying the connection once more than `budget` further bytes arrive. */
function drain(req: IncomingMessage, budget: number): void {
  let left = budget;
  req.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) req.socket.destroy();
  });
  req.resume();
}

export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${bytes} bytes`;
}
