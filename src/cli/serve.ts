import { resolve } from 'node:path';

import { type NinServer, startServer } from '../web/server.js';
import { int, type Options, parse, UsageError } from './args.js';
import { activateBackend, backendHelp, backendOption } from './backend_option.js';

export const serveHelp = `nin serve [--model DIR] [--runs DIR] [--host 127.0.0.1] [--port 8080] [--data-dir DIR] [--backend onednn|cpu]

Serves the web page. Classify: a photo, a drawing or a test-set image classified in the browser with the saved
model (TF.js, wasm backend), showing the 28×28 image the model sees and the top-3 classes. Runs: the training
curves of each run in the runs directory, updated live while nin train writes it, its layer walk and parameter
count, and nin compare's parameter-economy table (<runs>/compare/). The API (POST /api/predict, GET /api/runs,
GET /api/runs/ID/metrics) computes in Node on the chosen backend.

  --model DIR     saved model or run directory (default: the newest run in --runs that has a model)
  --runs DIR      directory of run directories (default runs)
  --host HOST     address to listen on (default 127.0.0.1: this machine only)
  --port N        port (default 8080; 0 picks a free one)
  --data-dir DIR  Fashion-MNIST idx files for the test-set strip (default: as nin train finds them)
  --backend, --precision: where POST /api/predict and /api/explain compute:
${backendHelp}`;

export const serveOptions = {
  model: { type: 'string' },
  runs: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  ...backendOption,
} satisfies Options;

export async function serve(argv: string[]): Promise<void> {
  const { values } = parse(argv, serveOptions);
  if (values.help) return void console.log(serveHelp);
  const v = values as Record<string, string | undefined>;
  const port = int(v.port, 'port', { min: 0, fallback: 8080 });
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got '${v.port}'`);
  const host = v.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  const runsDir = resolve(v.runs ?? 'runs');
  await activateBackend(v.backend);

  let server: NinServer;
  try {
    server = await startServer({ host, port, runsDir, modelDir: v.model, data: { dataDir: v['data-dir'] } });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use; pick another with --port`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${host}:${port}; pick a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UsageError(`--host ${host} is not an address of this machine`);
    throw err;
  }
  // handlers first: whoever reads the URL may signal at once
  const closed = new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      console.error(`nin serve: ${signal}, closing`);
      void server.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const model = server.model
    ? `model ${server.model.dir} (${server.model.resize}×${server.model.resize})`
    : 'no model yet';
  console.log(`nin serve: ${server.url}  (${model}; runs ${runsDir})`);
  await closed;
}
