// Bad input and bad clients: oversized, mistyped and corrupt uploads, paths that try to leave their directories,
// requests to another host name, malformed HTTP, slow clients and concurrent load. None may crash or hang the
// server, and each gets a status and a message.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { readFashionMnistSplit } from '../../src/data/index.js';
import { useBackend } from '../../src/engine/backend.js';
import type { NinServer } from '../../src/web/server.js';
import {
  EPOCH_ONE,
  grayPng,
  mkdirp,
  rawRequest,
  saveUntrainedModel,
  startTestServer,
  statusOf,
  testImagePixels,
  writeRun,
} from './helpers.js';

describe('nin serve under bad input', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-web-security-'));
  const runsDir = mkdirp(join(work, 'runs'));
  let server: NinServer;
  let png: Uint8Array<ArrayBuffer>;
  const api = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);
  const post = (body: BodyInit, type = 'image/png', path = '/api/predict') =>
    api(path, { method: 'POST', headers: { 'Content-Type': type }, body });
  const alive = async () => assert.equal((await api('/api/runs')).status, 200, 'the server still answers');

  before(async () => {
    await useBackend('onednn');
    await saveUntrainedModel(join(work, 'model'));
    writeRun(runsDir, 'r1', EPOCH_ONE);
    png = await grayPng(testImagePixels(await readFashionMnistSplit('test', { limit: 1 }), 0));
    server = await startTestServer({
      runsDir,
      modelDir: join(work, 'model'),
      limits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, maxEventStreams: 2 },
    });
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a body over 5 MB gets 413, declared or streamed (chunked)', async () => {
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(png);
    const declared = await post(big);
    assert.equal(declared.status, 413);
    assert.match((await declared.json()).error, /larger than 5 MB/);

    const chunk = Buffer.alloc(1024 * 1024, 1).toString('latin1');
    const chunks = Array.from({ length: 6 }, () => `${(1024 * 1024).toString(16)}\r\n${chunk}\r\n`);
    const streamed = await rawRequest(server.url, [
      'POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ...chunks,
      '0\r\n\r\n',
    ]);
    assert.equal(statusOf(streamed.response), '413');
    await alive();
  });

  it('a content type other than PNG or JPEG gets 415', async () => {
    for (const type of ['text/plain', 'application/octet-stream', 'image/svg+xml', 'image/gif']) {
      const response = await post(png, type);
      assert.equal(response.status, 415, type);
      assert.match((await response.json()).error, /must be image\/png or image\/jpeg/);
    }
    assert.equal((await api('/api/predict', { method: 'POST', body: png })).status, 415, 'no Content-Type');
  });

  it('a body that is not the declared image, or a corrupt one, gets 400 with a message', async () => {
    const cases: [Uint8Array<ArrayBuffer>, string, RegExp][] = [
      [new Uint8Array(0), 'image/png', /empty/],
      [new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png', /not a PNG image/],
      [png, 'image/jpeg', /not a JPEG image/],
      [png.slice(0, 40), 'image/png', /cannot read the image/],
      [Uint8Array.from([...png.slice(0, 16), ...new Uint8Array(200).fill(7)]), 'image/png', /cannot read the image/],
      [Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg', /cannot read the image/],
    ];
    for (const [body, type, message] of cases) {
      const response = await post(body, type);
      assert.equal(response.status, 400, `${type}, ${body.length} bytes`);
      assert.match((await response.json()).error, message);
    }
    await alive();
  });

  it('run ids cannot leave the runs directory: .., encoded slashes, absolute paths, symlinks', async () => {
    const outside = mkdirp(join(work, 'outside'));
    writeFileSync(join(outside, 'record.json'), '{"secret": "outside"}');
    writeFileSync(join(outside, 'metrics.jsonl'), `${JSON.stringify(EPOCH_ONE[0])}\n`);
    symlinkSync(outside, join(runsDir, 'escape'));
    for (const id of [
      '..',
      '..%2F..%2Foutside',
      '%2E%2E',
      '..%2Foutside',
      '%2Fetc%2Fpasswd',
      encodeURIComponent(outside),
      '.hidden',
      'escape',
      '..%5Coutside',
      'r1%00',
    ]) {
      for (const suffix of ['', '/metrics', '/events']) {
        const { response } = await rawRequest(
          server.url,
          `GET /api/runs/${id}${suffix} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
        );
        assert.match(statusOf(response), /^40[04]$/, `${id}${suffix}: ${response.slice(0, 80)}`);
        assert.doesNotMatch(response, /secret|root:/);
      }
    }
    assert.deepEqual(
      (await (await api('/api/runs')).json()).runs.map((r: { id: string }) => r.id),
      ['r1'],
      'the symlink is not listed',
    );
  });

  it('static paths cannot leave their directories', async () => {
    for (const path of [
      '/static/../../../../etc/passwd',
      '/static/..%2F..%2F..%2Fpackage.json',
      '/vendor/..%2F..%2Fpackage.json',
      '/lib/../../package.json',
      '/lib/..%2F..%2F..%2Fpackage.json',
      '/model/..%2F..%2Fmodel%2Fmodel.json',
      '/model/.%2Fweights.bin',
      '//etc/passwd',
      '/static/%2e%2e/%2e%2e/package.json',
      '/api/samples/..%2F..%2Fpackage.json',
      '/lib/web/server.js',
      '/lib/cli/nin.js',
    ]) {
      const { response } = await rawRequest(
        server.url,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      assert.match(statusOf(response), /^40[04]$/, `${path}: ${response.slice(0, 80)}`);
      assert.doesNotMatch(response, /root:|"dependencies"|"modelTopology"/, path);
    }
  });

  it('answers only to loopback host names (DNS rebinding), and refuses other methods with 405', async () => {
    const { response } = await rawRequest(
      server.url,
      'GET /api/runs HTTP/1.1\r\nHost: attacker.example:8080\r\nConnection: close\r\n\r\n',
    );
    assert.equal(statusOf(response), '403');
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const ok = await rawRequest(
        server.url,
        `GET /api/runs HTTP/1.1\r\nHost: ${host}:8080\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(statusOf(ok.response), '200', host);
    }
    const del = await api('/api/runs', { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET');
    assert.equal((await api('/api/predict')).status, 405);
    assert.equal((await api('/api/runs/%E0%A4%A/metrics')).status, 400, 'malformed percent-encoding');
    for (const k of ['0', '11', 'abc', '1.5'])
      assert.equal((await post(png, 'image/png', `/api/predict?k=${k}`)).status, 400, `k=${k}`);
  });

  it('malformed HTTP gets 400 (or 431 for huge headers) and the server goes on', async () => {
    for (const garbage of [
      '\x00\x01\x02garbage\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      'NOT A REQUEST\r\n\r\n',
    ]) {
      const { response, timedOut } = await rawRequest(server.url, garbage);
      assert.equal(timedOut, false, JSON.stringify(garbage));
      assert.match(statusOf(response), /^4\d\d$/, JSON.stringify(garbage));
    }
    const huge = await rawRequest(
      server.url,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
    );
    assert.equal(statusOf(huge.response), '431');
    await alive();
  });

  it('slow clients are cut off by the header and request timeouts, and do not hold up others', async () => {
    const started = Date.now();
    // headers trickling in one byte every 100 ms, never finished in time
    const slowHeaders = rawRequest(
      server.url,
      [...`GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'x'.repeat(100)}`],
      { delayMs: 100, timeoutMs: 8000 },
    );
    // a complete header block, then a body that never comes
    const slowBody = rawRequest(
      server.url,
      'POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n',
      { timeoutMs: 8000 },
    );
    const t0 = Date.now();
    await alive();
    assert.ok(Date.now() - t0 < 1000, 'another client is answered at once');
    const [headers, body] = await Promise.all([slowHeaders, slowBody]);
    assert.equal(headers.timedOut, false, 'the slow-headers connection was closed by the server');
    assert.equal(body.timedOut, false, 'the slow-body connection was closed by the server');
    assert.equal(statusOf(headers.response), '408');
    assert.equal(statusOf(body.response), '408');
    assert.ok(Date.now() - started < 6000, `closed after ${Date.now() - started} ms`);
  });

  it('answers every one of many concurrent predictions, alike', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, () => post(png)));
    assert.deepEqual(
      responses.map((r) => r.status),
      new Array(12).fill(200),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    for (const body of bodies) assert.deepEqual(body, bodies[0]);
  });

  it('live streams are bounded (503 beyond the limit) and freed when their clients go', async () => {
    const open = () => {
      const controller = new AbortController();
      return { controller, response: api('/api/runs/r1/events', { signal: controller.signal }) };
    };
    const streams = [open(), open()];
    for (const s of streams) assert.equal((await s.response).status, 200);
    const third = await api('/api/runs/r1/events');
    assert.equal(third.status, 503);
    assert.match((await third.json()).error, /too many live streams/);
    for (const s of streams) s.controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    const again = open();
    assert.equal((await again.response).status, 200);
    again.controller.abort();
  });

  it('odd run directories (a file, a record that is no object, metrics that are a directory) do not break the list', async () => {
    writeFileSync(join(runsDir, 'not-a-dir'), 'x');
    const odd = mkdirp(join(runsDir, 'odd'));
    writeFileSync(join(odd, 'record.json'), '[1, 2, "not an object"]');
    mkdirSync(join(odd, 'metrics.jsonl')); // a directory where the file should be
    const { runs } = await (await api('/api/runs')).json();
    assert.deepEqual(runs.map((r: { id: string }) => r.id).sort(), ['odd', 'r1']);
    assert.equal((await api('/api/runs/odd')).status, 200);
    assert.equal((await api('/api/runs/odd/metrics')).status, 500, 'an error answered (and logged), not a crash');
    await alive();
  });
});
