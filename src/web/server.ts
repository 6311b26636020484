// `nin serve`'s HTTP server: Node's http module, the routes of routes.ts, and the limits that keep one client
// from hurting the others: bounded bodies, header and request timeouts (slow clients are cut off), a clean 400
// for malformed HTTP, and every handler's error answered instead of thrown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { DataSourceOptions } from '../data/data_sources.js';
import { HttpError } from './http_error.js';
import { renderPages } from './pages.js';
import { DEFAULT_LIMITS, routes, type ServerLimits } from './routes.js';
import { sendError, setSecurityHeaders } from './responses.js';
import { RunsDirectory } from './runs_directory.js';
import { ServedModel } from './served_model.js';
import { staticFiles } from './static_files.js';
import { TestSamples } from './test_samples.js';

export interface ServerOptions {
  host: string;
  /** 0: any free port */
  port: number;
  runsDir: string;
  /** a model or run directory; default: the newest run in runsDir that has a model */
  modelDir?: string;
  /** where the Fashion-MNIST test split for the sample strip is read from (default: as `nin train` finds it) */
  data?: DataSourceOptions;
  limits?: Partial<ServerLimits>;
}

export interface NinServer {
  readonly url: string;
  readonly server: Server;
  readonly model: ServedModel | undefined;
  /** Stops accepting connections and ends open ones (live streams included). */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Loads the model, then listens; resolves once the server accepts connections. */
export async function startServer(options: ServerOptions): Promise<NinServer> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const runs = new RunsDirectory(options.runsDir);
  const modelDir = options.modelDir ?? runs.newestModelDir();
  const model = modelDir === undefined ? undefined : await ServedModel.load(modelDir);
  const router = routes({
    runs,
    model,
    limits,
    noModelReason: `no model: ${options.runsDir} has no run with a saved model yet; start nin serve with --model DIR, or train one with nin train`,
    samples: new TestSamples(options.data),
    staticFiles: staticFiles(),
    pages: renderPages(),
  });
  // A page on another site can make a browser resolve its own name to 127.0.0.1 (DNS rebinding); a loopback-only
  // server therefore answers only requests addressed to a loopback name.
  const checkHost = LOOPBACK_HOSTS.test(options.host);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      setSecurityHeaders(res);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (checkHost) checkLoopbackHost(req.headers.host);
      const { handler, params } = router.match(req.method ?? 'GET', url.pathname);
      await handler({ req, res, url, params });
    } catch (err) {
      sendError(res, err);
    }
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 2),
    },
    (req, res) => void handle(req, res),
  );
  server.on('clientError', answerClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    server,
    model,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function checkLoopbackHost(hostHeader: string | undefined): void {
  if (hostHeader === undefined) return; // HTTP/1.0; HTTP/1.1 requests without Host are refused by Node itself
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    throw new HttpError(400, `malformed Host header '${hostHeader}'`);
  }
  if (!LOOPBACK_HOSTS.test(hostname)) {
    throw new HttpError(403, `this server answers only requests to localhost or 127.0.0.1, not to '${hostname}'`);
  }
}

/** Malformed requests, oversized headers and timeouts: a short answer where the socket can still take one. */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
  const status =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
