// The pages in a real browser: Debian's Chromium, headless, driven by playwright-core. The classify page loads the
// saved model with TF.js (wasm) and must rank a test image as Node does, its true label first, showing the 28×28
// image it classified; the runs page must draw the run's curves and follow a point appended to metrics.jsonl.
// Screenshots go to test-artifacts/web/ (or $NIN_SCREENSHOT_DIR).
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';

import { fashionMnistLike } from '../../src/data/image_file.js';
import { readFashionMnistSplit, TEXT_LABELS, type RawSplit } from '../../src/data/index.js';
import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import type { ClassProbability } from '../../src/model/top_classes.js';
import { saveModel } from '../../src/training/model_io.js';
import type { RunDir } from '../../src/training/run_dir.js';
import type { NinServer } from '../../src/web/server.js';
import { grayPng, mkdirp, startTestServer, testImagePixels } from './helpers.js';
import { trainSmallRun } from './trained_run.js';

const CHROMIUM = process.env.NIN_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS =
  process.env.NIN_SCREENSHOT_DIR ?? fileURLToPath(new URL('../../../test-artifacts/web/', import.meta.url));

describe('the web page in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'nin-web-browser-'));
  let run: RunDir;
  let server: NinServer;
  let browser: Browser;
  let page: Page;
  let test: RawSplit;

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium; scripts/setup.sh does it) or set NIN_CHROMIUM`,
      );
    }
    await useBackend('onednn');
    run = await trainSmallRun(join(mkdirp(join(work, 'runs')), 'small-run'));
    test = await readFashionMnistSplit('test', { limit: 200 });
    server = await startTestServer({ runsDir: join(work, 'runs') }); // no --model: the newest run's
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Node's ranking (POST /api/predict, onednn) of test image `index`. */
  async function nodeTop(index: number, k = 3): Promise<ClassProbability[]> {
    const response = await fetch(new URL(`/api/predict?k=${k}`, server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: await grayPng(testImagePixels(test, index)),
    });
    return (await response.json()).top;
  }

  /** The 28×28 image the page shows as what the model saw. */
  function seenPixels(): Promise<number[]> {
    return page.$eval('#seen', (canvas) => {
      const rgba = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
      return Array.from({ length: 784 }, (_, i) => rgba[4 * i]!);
    });
  }

  it('classify: an uploaded test image is ranked as in Node, its true label first, and the page shows the 28×28 it saw', async () => {
    // the first test image Node gets right, by a margin, so that float differences cannot swap the top two
    let index = -1,
      expected: ClassProbability[] = [];
    for (let i = 0; i < test.count && index < 0; i++) {
      const top = await nodeTop(i);
      if (top[0]!.index === test.labels[i] && top[0]!.probability - top[1]!.probability > 0.05)
        [index, expected] = [i, top];
    }
    assert.ok(index >= 0, 'the trained model gets some test image right');

    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    assert.match((await page.textContent('#status'))!, /input 67×67 · TF\.js 4\.22\.0 on wasm/);
    const file = join(work, `test-image-${index}.png`);
    writeFileSync(file, await grayPng(testImagePixels(test, index)));
    await page.setInputFiles('#file', file);
    await page.waitForFunction(
      (name) => document.getElementById('caption')?.textContent === name,
      `test-image-${index}.png`,
    );

    const shown = await page.$$eval('#top li', (items) =>
      items.map((li) => ({ label: li.dataset.label!, probability: Number(li.dataset.probability) })),
    );
    assert.equal(shown[0]!.label, TEXT_LABELS[test.labels[index]!], 'the true label ranks first');
    assert.deepEqual(
      shown.map((s) => s.label),
      expected.map((e) => e.label),
      'the same top 3 as Node',
    );
    shown.forEach((s, i) =>
      assert.ok(
        Math.abs(s.probability - expected[i]!.probability) < 1e-3,
        `${s.label}: browser ${s.probability}, Node ${expected[i]!.probability}`,
      ),
    );

    assert.deepEqual(await seenPixels(), [...testImagePixels(test, index)], 'the model saw the test image unchanged');
    assert.match(
      (await page.textContent('#map-caption'))!,
      /^No class map to show: .*\(67×67\) each class map is 1×1.*2×2 from \d+ px/,
    );
    assert.equal(await page.isHidden('#map'), true);
    await page.screenshot({ path: join(ARTIFACTS, 'classify.png'), fullPage: true });
  });

  it("classify: a model at 128×128 shows the predicted class's confidence map, and any class's on a click, as Node computes them", async () => {
    const modelDir = join(work, 'nin128');
    const untrained = new NiN({ resize: 128, seed: 4, init: 'he', lastBias: 1 }); // maps > 0 from the start
    await saveModel(untrained.net, modelDir);
    untrained.net.dispose();
    const server128 = await startTestServer({ runsDir: join(work, 'runs'), modelDir });
    try {
      const png = await grayPng(testImagePixels(test, 2));
      const response = await fetch(new URL('/api/explain', server128.url), {
        method: 'POST',
        headers: { 'Content-Type': 'image/png' },
        body: png,
      });
      assert.equal(response.status, 200);
      const node = (await response.json()) as {
        predicted: string;
        mapHeight: number;
        classes: { label: string; map: number[][] }[];
      };
      assert.equal(node.mapHeight, 2);

      await page.goto(server128.url);
      await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
      const file = join(work, 'test-image-2.png');
      writeFileSync(file, png);
      await page.setInputFiles('#file', file);
      await page.waitForSelector('#map[data-values]:not([hidden])');
      const shown = () =>
        page.$eval('#map', (c) => ({
          label: (c as HTMLCanvasElement).dataset.class!,
          values: JSON.parse((c as HTMLCanvasElement).dataset.values!) as number[],
        }));
      const compare = (s: { label: string; values: number[] }) => {
        const expected = node.classes.find((c) => c.label === s.label)!.map.flat();
        s.values.forEach((v, i) =>
          assert.ok(Math.abs(v - expected[i]!) < 1e-4, `${s.label} cell ${i}: browser ${v}, Node ${expected[i]}`),
        );
      };
      const first = await shown();
      assert.equal(first.label, node.predicted, 'the predicted class first');
      compare(first);
      const other = TEXT_LABELS.find((l) => l !== node.predicted)!;
      await page.click(`#map-classes button[data-class="${other}"]`);
      await page.waitForFunction(
        (label) => (document.getElementById('map') as HTMLCanvasElement).dataset.class === label,
        other,
      );
      compare(await shown());
      assert.equal(await page.getAttribute(`#map-classes button[data-class="${other}"]`, 'aria-pressed'), 'true');
      assert.match((await page.textContent('#map-caption'))!, new RegExp(`^${other}: .* the mean of this 2×2 map`));
      await page.screenshot({ path: join(ARTIFACTS, 'classify-maps.png'), fullPage: true });
    } finally {
      await server128.close();
      await page.goto(server.url); // the next tests use the trained model's page
      await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    }
  });

  it('classify: a photo-like upload (dark on light, 10× larger) is inverted and fitted as nin predict does it', async () => {
    const index = 1;
    const inverted = testImagePixels(test, index).map((v) => 255 - v);
    const photo = await sharp(Buffer.from(inverted), { raw: { width: 28, height: 28, channels: 1 } })
      .resize(280, 280, { kernel: 'nearest' })
      .extend({ left: 60, right: 60, background: '#ffffff' })
      .jpeg({ quality: 95 })
      .toBuffer();
    const file = join(work, 'photo.jpg');
    writeFileSync(file, photo);
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.getElementById('caption')?.textContent === 'photo.jpg');
    const node = await fashionMnistLike(photo);
    const seen = await seenPixels();
    const meanDifference = seen.reduce((sum, v, i) => sum + Math.abs(v - node[i]!), 0) / seen.length;
    assert.ok(meanDifference < 12, `the browser's 28×28 is within ${meanDifference.toFixed(1)} grey levels of Node's`);
    assert.ok(
      seen.slice(0, 28).every((v) => v < 40),
      'the light background became black',
    );
  });

  it('classify: a corrupt upload is reported on the page', async () => {
    const file = join(work, 'corrupt.png');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]),
    );
    await page.setInputFiles('#file', file);
    await page.waitForSelector('#caption.error');
    assert.match((await page.textContent('#caption'))!, /corrupt\.png could not be read as an image/);
  });

  it('classify: a click on a test-set image, and a drawing, are classified too', async () => {
    const sample = page.locator('.sample').nth(4);
    const name = await sample.locator('span').textContent();
    await sample.click();
    await page.waitForFunction(() => /true label/.test(document.getElementById('caption')!.textContent!));
    assert.match((await page.textContent('#caption'))!, new RegExp(`true label: ${name}`));

    const pad = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(pad.x + 80, pad.y + 60);
    await page.mouse.down();
    for (const [x, y] of [
      [200, 60],
      [200, 240],
      [80, 240],
      [80, 60],
    ])
      await page.mouse.move(pad.x + x!, pad.y + y!, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('caption')!.textContent === 'your drawing');
    assert.equal(await page.locator('#top li').count(), 3);
  });

  it('runs: the curves of the run, its layer walk, and a point appended to metrics.jsonl shown live', async () => {
    // as a run with a weight average records it: the epochs' table gets a column for the last weights
    const record = JSON.parse(readFileSync(run.record, 'utf8')) as { epochs: Record<string, unknown>[] };
    for (const epoch of record.epochs) epoch.valAccLastWeights = 0.4321;
    writeFileSync(run.record, JSON.stringify(record));
    await page.goto(new URL('/runs', server.url).href);
    await page.waitForSelector('#curves svg polyline', { state: 'attached' });
    await page.waitForSelector('#layers');
    assert.equal(await page.locator('#curves polyline').count(), 3, 'train_loss, val_loss and val_acc');
    assert.equal(await page.textContent('#parameters'), '1,992,166');
    assert.match((await page.textContent('#layers'))!, /^Sequential output shape: \(1, 15, 15, 96\)$/m);
    assert.match((await page.textContent('#run-list'))!, /small-run/);
    await page.waitForSelector('#epochs table');
    assert.match((await page.textContent('#epochs thead'))!, /val_acc, last weights/);
    assert.match((await page.textContent('#epochs tbody'))!, /0\.432/);

    const before = Number(await page.getAttribute('#curves', 'data-points'));
    const trainLoss = () => page.getAttribute('#curves polyline:first-of-type', 'points');
    const line = await trainLoss();
    appendFileSync(run.metricsJsonl, `${JSON.stringify({ epoch: 1.25, name: 'train_loss', value: 0.4 })}\n`);
    await page.waitForFunction((n) => Number(document.getElementById('curves')!.dataset.points) === n, before + 1);
    assert.notEqual(await trainLoss(), line, 'the train_loss curve grew');
    assert.ok(await page.isVisible('#live'));
    await page.screenshot({ path: join(ARTIFACTS, 'runs.png'), fullPage: true });
  });
});
