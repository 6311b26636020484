// What the server answers: the pages and their files, the model files for TF.js in the browser, and the JSON API.
//   GET  /api/model                    the served model: input size, parameters, backend (or why there is none)
//   POST /api/predict?k=3              PNG or JPEG body → top-k classes, computed in Node
//   POST /api/explain                  PNG or JPEG body → every class's confidence map (NiN), computed in Node
//   GET  /api/samples                  two test images of each class; /api/samples/<index>.png the images
//   GET  /api/runs                     the runs, newest first
//   GET  /api/runs/:id                 one run: summary, record, finished epochs, layer walk
//   GET  /api/runs/:id/metrics         its metric points
//   GET  /api/runs/:id/events          the same, live (server-sent events)
//   GET  /api/compare                  the parameter-economy table of <runs>/compare/, if written
import { isAbsolute, relative } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { fashionMnistLike, ImageError } from '../data/image_file.js';
import { TEXT_LABELS } from '../data/text_labels.js';
import { type ExplainedImage, explainedJson } from '../explain/explain_images.js';
import { ClassMapsError } from '../model/class_maps.js';
import { HttpError } from './http_error.js';
import { checkImageSignature, declaredImageType } from './image_upload.js';
import { layerWalk, recordModelName } from './layer_walk.js';
import { readBody } from './request_body.js';
import { sendBody, sendJson } from './responses.js';
import { Router, type RequestContext } from './router.js';
import { streamRunEvents } from './run_events.js';
import { COMPARE_DIR, type RunsDirectory } from './runs_directory.js';
import type { ServedModel } from './served_model.js';
import { sendFile } from './static_files.js';
import type { TestSamples } from './test_samples.js';

export interface ServerLimits {
  /** request bodies (uploaded images) beyond this get 413 */
  maxBodyBytes: number;
  /** a client must have sent its request headers within this time */
  headersTimeoutMs: number;
  /** … and its whole request (an upload) within this one */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** open live-run streams at most; more get 503 */
  maxEventStreams: number;
  /** how often a live-run stream looks at the run's files */
  pollMs: number;
  heartbeatMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 5 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxEventStreams: 32,
  pollMs: 500,
  heartbeatMs: 15_000,
};

export interface App {
  runs: RunsDirectory;
  model: ServedModel | undefined;
  /** why there is no model, for the page */
  noModelReason: string;
  samples: TestSamples;
  staticFiles: ReadonlyMap<string, string>;
  /** URL path → HTML */
  pages: ReadonlyMap<string, string>;
  limits: ServerLimits;
}

export function routes(app: App): Router {
  let eventStreams = 0;
  const requireModel = () => {
    if (!app.model) throw new HttpError(503, app.noModelReason);
    return app.model;
  };
  const requireRun = (id: string) => {
    const run = app.runs.run(id);
    if (!run) throw new HttpError(404, `no run '${id}' in the runs directory`);
    return run;
  };
  const runDetail = (id: string) => {
    const run = requireRun(id);
    const record = app.runs.record(run) ?? null;
    const name = recordModelName(record ?? undefined);
    return {
      summary: app.runs.summary(id, run),
      record,
      epochs: app.runs.epochs(run, record ?? undefined),
      layers: (name && layerWalk(name, record?.config?.resize)) || null,
    };
  };

  const router = new Router()
    .get('/api/model', ({ res }) => {
      const model = app.model;
      if (!model) return sendJson(res, 200, { available: false, reason: app.noModelReason });
      const dir = relative(process.cwd(), model.dir);
      sendJson(res, 200, {
        available: true,
        dir: dir.startsWith('..') || isAbsolute(dir) ? model.dir : dir, // as the user would type it
        resize: model.resize,
        parameters: model.parameters(),
        backend: tf.getBackend(),
      });
    })
    .get('/model/:file', ({ res, params }) => {
      const body = requireModel().file(params.file!);
      if (!body) throw new HttpError(404, `the model has no file '${params.file}'`);
      sendBody(
        res,
        body,
        params.file!.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream',
      );
    })
    .post('/api/predict', (ctx) => predict(ctx, requireModel(), app.limits.maxBodyBytes))
    .post('/api/explain', (ctx) => explain(ctx, requireModel(), app.limits.maxBodyBytes))
    .get('/api/samples', async ({ res }) => sendJson(res, 200, { samples: await app.samples.strip() }))
    .get('/api/samples/:file', async ({ res, params }) => {
      const index = /^(\d{1,5})\.png$/.exec(params.file!)?.[1];
      if (index === undefined) throw new HttpError(404, `no sample '${params.file}': ask for <index>.png`);
      sendBody(res, await app.samples.png(Number(index)), 'image/png', { 'Cache-Control': 'max-age=3600' });
    })
    .get('/api/runs', ({ res }) => sendJson(res, 200, { runs: app.runs.list() }))
    .get('/api/runs/:id', ({ res, params }) => sendJson(res, 200, runDetail(params.id!)))
    .get('/api/runs/:id/metrics', ({ res, params }) =>
      sendJson(res, 200, { points: app.runs.metrics(requireRun(params.id!)) }),
    )
    .get('/api/runs/:id/events', ({ req, res, params }) => {
      const id = params.id!;
      const run = requireRun(id);
      if (eventStreams >= app.limits.maxEventStreams) {
        throw new HttpError(503, `too many live streams open (${app.limits.maxEventStreams}); close some pages`, {
          'Retry-After': '10',
        });
      }
      eventStreams++;
      res.on('close', () => eventStreams--);
      streamRunEvents(req, res, run, {
        pollMs: app.limits.pollMs,
        heartbeatMs: app.limits.heartbeatMs,
        summaryFiles: [run.record],
        summary: () => runDetail(id),
      });
    })
    .get('/api/compare', ({ res }) => sendJson(res, 200, { dir: COMPARE_DIR, ...app.runs.compare() }));
  for (const [path, file] of app.staticFiles) router.get(path, ({ res }) => sendFile(res, file));
  for (const [path, html] of app.pages) router.get(path, ({ res }) => sendBody(res, html, 'text/html; charset=utf-8'));
  return router;
}

/** The uploaded PNG or JPEG as a 28×28 Fashion-MNIST-like image. */
async function uploadedImage(req: RequestContext['req'], maxBodyBytes: number): Promise<Uint8Array> {
  const type = declaredImageType(req.headers['content-type']);
  const body = await readBody(req, maxBodyBytes);
  checkImageSignature(body, type);
  try {
    return await fashionMnistLike(body);
  } catch (err) {
    if (err instanceof ImageError) throw new HttpError(400, err.message);
    throw err;
  }
}

async function predict({ req, res, url }: RequestContext, model: ServedModel, maxBodyBytes: number): Promise<void> {
  const k = topK(url.searchParams.get('k'));
  const image = await uploadedImage(req, maxBodyBytes);
  sendJson(res, 200, { top: model.classify(image, k), resize: model.resize, backend: tf.getBackend() });
}

async function explain({ req, res }: RequestContext, model: ServedModel, maxBodyBytes: number): Promise<void> {
  const image = await uploadedImage(req, maxBodyBytes);
  let explained: ExplainedImage;
  try {
    explained = model.explain(image);
  } catch (err) {
    if (err instanceof ClassMapsError) throw new HttpError(422, err.message);
    throw err;
  }
  sendJson(res, 200, { ...explainedJson(explained), backend: tf.getBackend() });
}

function topK(value: string | null): number {
  if (value === null) return 3;
  const k = Number(value);
  if (!/^\d+$/.test(value) || k < 1 || k > TEXT_LABELS.length)
    throw new HttpError(400, `k must be an integer from 1 to ${TEXT_LABELS.length}, got '${value}'`);
  return k;
}
