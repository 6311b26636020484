// Writing responses: JSON bodies, error bodies, and the headers every response carries.
import type { ServerResponse } from 'node:http';

import { HttpError } from './http_error.js';

/**
 * The pages load scripts, styles, the model and wasm from this server only; nothing inline, no frames. wasm needs
 * 'wasm-unsafe-eval' to be compiled; the drawn and uploaded images are blob: or data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** A whole body at once, 200 unless `status` says otherwise. */
export function sendBody(
  res: ServerResponse,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
  status = 200,
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache',
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  sendBody(
    res,
    JSON.stringify(value),
    'application/json; charset=utf-8',
    { 'Cache-Control': 'no-store', ...headers },
    status,
  );
}

/** Answers `err` as `{ "error": message }`: its own status for an HttpError, 500 (message logged, not sent) otherwise. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(); // a stream already under way cannot carry an error status any more
    return;
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: err.message }, err.headers);
    return;
  }
  process.stderr.write(`nin serve: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  sendJson(res, 500, { error: 'internal server error (logged by the server)' });
}
