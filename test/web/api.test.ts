// The server's API with real HTTP requests on 127.0.0.1: the model and its predictions (checked against TF.js's
// own resize), the test-set strip, runs with their live metrics (server-sent events while lines are appended),
// the compare table, and the files the pages load.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';

import { readFashionMnistSplit, TEXT_LABELS, type RawSplit } from '../../src/data/index.js';
import { useBackend } from '../../src/engine/backend.js';
import { loadModel } from '../../src/training/model_io.js';
import type { MetricPoint } from '../../src/training/progress_board.js';
import { browserModules, importSpecifiers } from '../../src/web/browser_modules.js';
import { PAGES } from '../../src/web/pages.js';
import type { NinServer } from '../../src/web/server.js';
import {
  EPOCH_ONE,
  grayPng,
  mkdirp,
  saveUntrainedModel,
  startTestServer,
  testImagePixels,
  writeRun,
} from './helpers.js';
import { eventStream } from './event_stream.js';

describe('nin serve API', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-web-api-'));
  const runsDir = mkdirp(join(work, 'runs'));
  const modelDir = join(work, 'model');
  let server: NinServer;
  let test: RawSplit;
  const api = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

  before(async () => {
    await useBackend('onednn');
    await saveUntrainedModel(modelDir);
    writeRun(runsDir, 'r1', EPOCH_ONE);
    test = await readFashionMnistSplit('test', { limit: 100 });
    server = await startTestServer({ runsDir, modelDir, limits: { pollMs: 50 } });
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('GET /api/model: the served model, its input size and parameters', async () => {
    const info = await (await api('/api/model')).json();
    assert.equal(info.available, true);
    assert.equal(info.resize, 67);
    assert.equal(info.parameters, 1_992_166);
    assert.equal(info.backend, 'onednn');
  });

  it('POST /api/predict: top-k in Node on onednn, equal to TF.js resizing the 28×28 image itself', async () => {
    const pixels = testImagePixels(test, 0);
    const response = await api('/api/predict?k=10', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: await grayPng(pixels),
    });
    assert.equal(response.status, 200);
    const { top, resize, backend } = await response.json();
    assert.equal(resize, 67);
    assert.equal(backend, 'onednn');
    assert.deepEqual(top.map((t: { label: string }) => t.label).sort(), [...TEXT_LABELS].sort());
    for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].probability >= top[i].probability, 'most probable first');

    // The same image through TF.js's resizeBilinear (half-pixel centres): the server's preprocessing agrees with it.
    const model = await loadModel(modelDir);
    const expected = tf.tidy(() => {
      const x = tf.tensor4d(
        Float32Array.from(pixels, (v) => v / 255),
        [1, 28, 28, 1],
      );
      return tf.softmax(model.predict(tf.image.resizeBilinear(x, [67, 67], false, true)) as tf.Tensor).dataSync();
    });
    for (const { index, label, probability } of top) {
      assert.equal(label, TEXT_LABELS[index]);
      assert.ok(Math.abs(probability - expected[index]!) < 1e-5, `${label}: ${probability} vs ${expected[index]}`);
    }

    const jpeg = new Uint8Array(
      await sharp(await grayPng(pixels))
        .jpeg()
        .toBuffer(),
    );
    const three = await (
      await api('/api/predict', { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: jpeg })
    ).json();
    assert.equal(three.top.length, 3, 'k defaults to 3');
  });

  it('POST /api/explain: 422 with the reason when the served model has 1×1 class maps (67×67)', async () => {
    const response = await api('/api/explain', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: await grayPng(testImagePixels(test, 0)),
    });
    assert.equal(response.status, 422);
    assert.match((await response.json()).error, /each class map is 1×1.*2×2 from \d+ px/);
  });

  it('GET /api/samples: two test images of each class, served as the PNGs of the test split', async () => {
    const { samples } = await (await api('/api/samples')).json();
    assert.equal(samples.length, 20);
    for (let label = 0; label < 10; label++)
      assert.equal(samples.filter((s: { label: number }) => s.label === label).length, 2);
    const first = samples[0];
    assert.deepEqual(first, { index: 0, label: test.labels[0], name: TEXT_LABELS[test.labels[0]!] });
    const png = await api(`/api/samples/${first.index}.png`);
    assert.equal(png.headers.get('content-type'), 'image/png');
    const image = sharp(Buffer.from(await png.arrayBuffer()));
    const meta = await image.metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 28, 28, 1]);
    const data = await image.extractChannel(0).raw().toBuffer();
    assert.deepEqual(new Uint8Array(data), testImagePixels(test, 0));
    assert.equal((await api('/api/samples/10000.png')).status, 404);
  });

  it('GET /api/runs, /api/runs/:id and /api/runs/:id/metrics: summaries, the layer walk, the points', async () => {
    mkdirp(join(runsDir, 'compare')); // not a run
    const { runs } = await (await api('/api/runs')).json();
    assert.deepEqual(
      runs.map((r: { id: string }) => r.id),
      ['r1'],
    );
    assert.equal(runs[0].epochsDone, 1);
    assert.equal(runs[0].epochs, 2);
    assert.equal(runs[0].valAcc, 0.66);
    assert.equal(runs[0].finished, false);
    assert.deepEqual([runs[0].recipe, runs[0].lr], ['d2l', 0.1], 'a record without a recipe is a d2l run at its lr');

    const detail = await (await api('/api/runs/r1')).json();
    assert.equal(detail.layers.parameters, 1_992_166);
    assert.equal(detail.layers.layers.length, 10);
    assert.equal(detail.layers.layers[0], 'Sequential output shape: (1, 15, 15, 96)');
    assert.equal(detail.layers.layers.at(-1), 'Flatten output shape: (1, 10)');
    assert.equal(detail.record.config.resize, 67);

    assert.deepEqual((await (await api('/api/runs/r1/metrics')).json()).points, EPOCH_ONE);
    assert.equal((await api('/api/runs/nope/metrics')).status, 404);
  });

  it('metrics.jsonl: lines that are not metric points (or not finished) never reach a client', async () => {
    const run = writeRun(runsDir, 'messy', EPOCH_ONE.slice(0, 2));
    appendFileSync(
      run.metricsJsonl,
      'not json\n{"epoch":"<img src=x>","name":"train_loss","value":1}\n{"epoch":1,"name":"other","value":1}\n{"epoch":1,"name":"val_acc","value":null}\n{"epoch":1,"name":"val_acc"',
    );
    assert.deepEqual((await (await api('/api/runs/messy/metrics')).json()).points, EPOCH_ONE.slice(0, 2));
    rmSync(run.path, { recursive: true });
  });

  it('GET /api/runs/:id/events: points appended by a training run reach the client live', async () => {
    const run = writeRun(runsDir, 'live', EPOCH_ONE.slice(0, 2));
    const stream = await eventStream(new URL('/api/runs/live/events', server.url));
    try {
      const first = await stream.next('metrics');
      assert.deepEqual(first, { reset: true, points: EPOCH_ONE.slice(0, 2) });
      const summary = await stream.next('run');
      assert.equal(summary.summary.id, 'live');

      const point: MetricPoint = { epoch: 1, name: 'train_loss', value: 1.25 };
      appendFileSync(run.metricsJsonl, `${JSON.stringify(point)}\n`);
      assert.deepEqual(await stream.next('metrics'), { reset: false, points: [point] });
      assert.deepEqual((await (await api('/api/runs/live/metrics')).json()).points.at(-1), point);

      // a line being written is sent once it is complete
      const half = JSON.stringify({ epoch: 1, name: 'val_loss', value: 0.8 });
      appendFileSync(run.metricsJsonl, half.slice(0, 10));
      await new Promise((r) => setTimeout(r, 200));
      appendFileSync(run.metricsJsonl, `${half.slice(10)}\n`);
      assert.deepEqual(await stream.next('metrics'), { reset: false, points: [JSON.parse(half)] });

      // a resume rewrites the file shorter: the client gets everything again
      writeFileSync(run.metricsJsonl, `${JSON.stringify(EPOCH_ONE[0])}\n`);
      assert.deepEqual(await stream.next('metrics'), { reset: true, points: [EPOCH_ONE[0]] });

      // a finished epoch rewrites record.json: the run's summary and epochs follow
      writeRun(runsDir, 'live', [...EPOCH_ONE.slice(0, 1), { epoch: 1, name: 'val_acc', value: 0.7 }], 3);
      const updated = await stream.next('run');
      assert.equal(updated.summary.valAcc, 0.7);
      assert.equal(updated.summary.epochsDone, 1);
      assert.equal(updated.summary.epochs, 3);
      assert.equal(updated.epochs[0].valAcc, 0.7);
    } finally {
      stream.close();
    }
  });

  it("GET /api/compare: nin compare's table from <runs>/compare/, when there is one", async () => {
    assert.deepEqual(await (await api('/api/compare')).json(), { dir: 'compare', rows: null, markdown: null });
    const models = [
      {
        name: 'NiN',
        params: 1_992_166,
        denseShare: 0,
        macs: 7.7e8,
        activationBytes: 4.1e7,
        trainImgPerSec: 90,
        inferImgPerSec: 311,
        testAcc: 0.84,
      },
      {
        name: 'AlexNet',
        params: 46_787_978,
        denseShare: 0.96,
        macs: 9.4e8,
        activationBytes: 2.1e7,
        trainImgPerSec: 70,
        inferImgPerSec: 250,
        nested: { a: 1 },
      },
    ];
    writeFileSync(join(runsDir, 'compare', 'compare.json'), JSON.stringify({ models }));
    writeFileSync(join(runsDir, 'compare', 'compare.md'), '| model | params |\n');
    const table = await (await api('/api/compare')).json();
    assert.deepEqual(table.rows[0], models[0]);
    assert.equal(table.rows[1].nested, '{"a":1}', 'nested values become text');
    assert.equal(table.markdown, '| model | params |\n');
  });

  it('serves the pages, TF.js and its wasm backend from node_modules, and the compiled page scripts', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/runs', 'text/html'],
      ['/static/style.css', 'text/css'],
      ['/vendor/tf.es2017.min.js', 'text/javascript'],
      ['/vendor/tf-backend-wasm.es2017.min.js', 'text/javascript'],
      ['/vendor/tfjs-backend-wasm-simd.wasm', 'application/wasm'],
      ['/lib/web/client/classify_page.js', 'text/javascript'],
      ['/lib/data/model_input.js', 'text/javascript'],
      ['/model/model.json', 'application/json'],
      ['/model/weights.bin', 'application/octet-stream'],
    ]) {
      const response = await api(path!);
      assert.equal(response.status, 200, path);
      assert.ok(
        response.headers.get('content-type')!.startsWith(type!),
        `${path}: ${response.headers.get('content-type')}`,
      );
      assert.match(response.headers.get('content-security-policy')!, /default-src 'self'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
    for (const path of ['/', '/runs']) {
      const html = await (await api(path)).text();
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, `${path}: nothing loaded from other hosts`);
      assert.match(html, new RegExp(`<a href="${path}" aria-current="page">`));
    }
  });

  it('/lib/: the page scripts and what they import, all browser-safe; a module importing Node is refused', () => {
    const modules = browserModules(PAGES.map((page) => page.module));
    for (const path of [
      '/lib/web/client/runs_page.js',
      '/lib/data/model_input.js',
      '/lib/data/fashion_mnist_look.js',
      '/lib/model/top_classes.js',
      '/lib/training/curves_svg.js',
    ]) {
      assert.ok(modules.has(path), `${path} is served`);
    }
    assert.ok(!modules.has('/lib/training/progress_board.js'), 'type-only imports pull in nothing');
    assert.throws(() => browserModules(['training/plot.js']), /plot\.js imports 'sharp'/);
    assert.deepEqual(
      importSpecifiers(
        "import a from './a.js';\nexport { b } from \"../b.js\";\nimport './c.js';\nexport const from = 'x';",
      ),
      ['./c.js', './a.js', '../b.js'],
    );
  });

  it('without a model: the page learns why, and predictions are 503', async () => {
    const empty = await startTestServer({ runsDir: mkdirp(join(work, 'empty-runs')) });
    try {
      const info = await (await fetch(new URL('/api/model', empty.url))).json();
      assert.equal(info.available, false);
      assert.match(info.reason, /no run with a saved model/);
      const predict = await fetch(new URL('/api/predict', empty.url), {
        method: 'POST',
        headers: { 'Content-Type': 'image/png' },
        body: await grayPng(testImagePixels(test, 0)),
      });
      assert.equal(predict.status, 503);
      assert.equal((await fetch(new URL('/model/model.json', empty.url))).status, 503);
    } finally {
      await empty.close();
    }
  });
});
