// Downloading from a mirror, tested against a local HTTP server on 127.0.0.1 serving small generated gzipped idx
// files (their digests injected as `expected`): files land in the cache with a progress bar, and a server error, a
// truncated body or a bad file leaves nothing behind in the cache.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { DataError } from '../../src/data/data_error.js';
import { mirrorUrl, OFFICIAL_MIRROR } from '../../src/data/data_sources.js';
import type { IdxFileName } from '../../src/data/fashion_mnist_files.js';
import { downloadBar } from '../../src/data/download.js';
import type { ProgressSink } from '../../src/util/progress_bar.js';
import { readFashionMnistSplit, type ReadSplitOptions } from '../../src/data/read_split.js';
import { digestsOf, smallDataset, withTempDir } from './fixtures.js';

delete process.env.FASHION_MNIST_DIR;
delete process.env.FASHION_MNIST_MIRROR;

type Behaviour = 'serve' | 'error500' | 'truncate' | 'wrongContent' | 'redirect';

const files = smallDataset(30, 12);
const expected = digestsOf(files);
const gzipped = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, gzipSync(bytes)])) as Record<
  IdxFileName,
  Buffer
>;

/** A local mirror; `behaviour` decides per file how the next requests are answered. */
class LocalMirror {
  readonly requests: string[] = [];
  behaviour: Partial<Record<IdxFileName, Behaviour>> = {};
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const path = request.url ?? '';
      this.requests.push(path);
      const name = path.replace(/^\/(moved\/)?/, '').replace(/\.gz$/, '') as IdxFileName;
      const body = gzipped[name];
      if (!body) return void response.writeHead(404).end();
      const behaviour = path.startsWith('/moved/') ? 'serve' : (this.behaviour[name] ?? 'serve');
      switch (behaviour) {
        case 'serve':
          return void response.writeHead(200, { 'content-length': body.length }).end(body);
        case 'error500':
          return void response.writeHead(500).end('internal error');
        case 'redirect':
          return void response.writeHead(302, { location: `/moved/${name}.gz` }).end();
        case 'wrongContent': {
          // A valid idx file with one byte changed (the first label, 0 → 1): only the checksum can tell.
          const other = gzipSync(Buffer.from(files[name]).fill(1, 8, 9));
          return void response.writeHead(200, { 'content-length': other.length }).end(other);
        }
        case 'truncate':
          // Promise the whole file, send half, then drop the connection.
          response.writeHead(200, { 'content-length': body.length });
          response.write(body.subarray(0, body.length >> 1), () => response.destroy());
          return;
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** Collects what the progress bar draws. */
class Recorder implements ProgressSink {
  text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): void {
    this.text += text;
  }
}

describe('download progress bar', () => {
  it('in a log: one line per 10% step and a final line with bytes/total and percent', () => {
    const log = new Recorder();
    const bar = downloadBar(log, 'f.gz', 26_421_856);
    for (let received = 0; received <= 26_421_856; received += 1_000_000) bar.update(received);
    bar.finish(26_421_856, { keep: true });
    const lines = log.text.trimEnd().split('\n');
    assert.equal(lines.length, 11); // 0%, 10%, …, 90%, then the final 100%
    assert.equal(lines[5], 'f.gz [#############-----------] 14.0/26.4 MB  52%'); // the first update past 50%
    assert.equal(lines[10], 'f.gz [########################] 26.4/26.4 MB 100%');
  });

  it('on a terminal: redraws in place; without Content-Length: bytes only', () => {
    const tty = new Recorder(true);
    const bar = downloadBar(tty, 'f.gz', undefined);
    bar.update(2048);
    bar.finish(4096, { keep: true });
    assert.equal(tty.text, '\rf.gz 2.0 kB\x1b[K\rf.gz 4.1 kB\x1b[K\n');
  });
});

describe('download from a mirror', () => {
  const mirror = new LocalMirror();
  let base: string;
  before(async () => (base = await mirror.start()));
  after(() => mirror.stop());

  const optionsFor = (cacheDir: string, progress: ProgressSink | false = false): ReadSplitOptions => ({
    cacheDir,
    systemDirs: [],
    mirror: base,
    expected,
    progress,
  });

  it('builds URLs as the Fashion-MNIST README does', () => {
    assert.equal(OFFICIAL_MIRROR, 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/');
    assert.equal(
      mirrorUrl(OFFICIAL_MIRROR, 'train-images-idx3-ubyte'),
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz',
    );
    assert.equal(mirrorUrl('http://host/dir', 't10k-labels-idx1-ubyte'), 'http://host/dir/t10k-labels-idx1-ubyte.gz');
  });

  it('downloads missing files into the cache with a progress bar, then reads them from the cache', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache', 'nin', 'fashion-mnist'); // created on demand
      const progress = new Recorder();
      mirror.behaviour = {};
      mirror.requests.length = 0;
      const train = await readFashionMnistSplit('train', optionsFor(cacheDir, progress));
      assert.equal(train.count, 30);
      assert.equal(train.files.images.path, join(cacheDir, 'train-images-idx3-ubyte.gz'));
      assert.deepEqual((await readdir(cacheDir)).sort(), ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
      // The final line of each file: full bar, received/total in one unit (equal), 100%.
      assert.match(progress.text, /^train-images-idx3-ubyte\.gz \[#{24}\] (\S+)\/\1 k?B 100%$/m);
      assert.match(progress.text, /^train-labels-idx1-ubyte\.gz \[#{24}\] (\S+)\/\1 k?B 100%$/m);
      assert.deepEqual(mirror.requests.sort(), ['/train-images-idx3-ubyte.gz', '/train-labels-idx1-ubyte.gz']);

      mirror.requests.length = 0;
      await readFashionMnistSplit('train', optionsFor(cacheDir));
      assert.deepEqual(mirror.requests, [], 'the second load must come from the cache');
    });
  });

  it('follows redirects', async () => {
    await withTempDir(async (cacheDir) => {
      mirror.behaviour = { 't10k-images-idx3-ubyte': 'redirect' };
      const test = await readFashionMnistSplit('test', optionsFor(cacheDir));
      assert.equal(test.count, 12);
    });
  });

  it('takes the mirror from FASHION_MNIST_MIRROR', async () => {
    await withTempDir(async (cacheDir) => {
      mirror.behaviour = {};
      process.env.FASHION_MNIST_MIRROR = base.slice(0, -1); // without the trailing slash
      try {
        const test = await readFashionMnistSplit('test', { cacheDir, systemDirs: [], expected, progress: false });
        assert.equal(test.count, 12);
      } finally {
        delete process.env.FASHION_MNIST_MIRROR;
      }
    });
  });

  const failures: [Behaviour, string][] = [
    ['error500', 'HTTP 500'],
    ['truncate', 'download failed (aborted after'],
    ['wrongContent', 'the mirror served a bad t10k-labels-idx1-ubyte.gz'],
  ];
  for (const [behaviour, message] of failures) {
    it(`${behaviour}: rejects with the URL named and leaves no file in the cache`, async () => {
      await withTempDir(async (cacheDir) => {
        mirror.behaviour = { 't10k-labels-idx1-ubyte': behaviour };
        await assert.rejects(readFashionMnistSplit('test', optionsFor(cacheDir)), (e: unknown) => {
          assert.ok(e instanceof DataError, String(e));
          assert.ok(e.message.includes(`${base}t10k-labels-idx1-ubyte.gz`), e.message);
          assert.ok(e.message.includes(message), e.message);
          assert.ok(e.message.includes('sources tried'), e.message);
          return true;
        });
        // The images file downloaded fine and stays; of the labels there is neither a file nor a partial one.
        assert.deepEqual(await readdir(cacheDir), ['t10k-images-idx3-ubyte.gz']);
      });
    });
  }
});
