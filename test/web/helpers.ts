// Shared helpers of the web tests: a server on 127.0.0.1 with a free port, run directories as `nin train` writes
// them, test-set images as PNG files, and raw HTTP over a socket for requests fetch() would refuse to send.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { IMAGE_PIXELS } from '../../src/data/fashion_mnist_files.js';
import { grayscalePng } from '../../src/data/image_file.js';
import type { RawSplit } from '../../src/data/read_split.js';
import { NiN } from '../../src/model/nin.js';
import { saveModel } from '../../src/training/model_io.js';
import type { MetricPoint } from '../../src/training/progress_board.js';
import { RunDir } from '../../src/training/run_dir.js';
import { startServer, type ServerOptions } from '../../src/web/server.js';

export function startTestServer(options: Omit<ServerOptions, 'host' | 'port'>) {
  return startServer({ host: '127.0.0.1', port: 0, ...options });
}

/** An untrained NiN at 67×67 saved as `nin train` saves its final model. */
export async function saveUntrainedModel(dir: string): Promise<void> {
  const model = new NiN({ resize: 67, seed: 1 });
  await saveModel(model.net, dir);
  model.net.dispose();
}

/** A run directory with a record.json and metrics.jsonl shaped like those of `nin train`. */
export function writeRun(runsDir: string, id: string, points: MetricPoint[], epochs = 2): RunDir {
  const run = new RunDir(join(runsDir, id));
  run.create();
  const finished = points
    .filter((p) => p.name === 'val_acc')
    .map((p) => ({
      epoch: p.epoch,
      trainLoss: 1,
      trainAcc: 0.5,
      valLoss: 1,
      valAcc: p.value,
      seconds: 60,
      imagesPerSecond: 1000,
      dataShare: 0.01,
    }));
  run.writeJson(run.record, {
    config: { epochs, lr: 0.1, batchSize: 64, resize: 67, seed: 1 },
    model: { name: 'NiN', parameters: 1_992_166 },
    epochs: finished,
  });
  writeFileSync(run.metricsJsonl, points.map((p) => `${JSON.stringify(p)}\n`).join(''));
  return run;
}

export const EPOCH_ONE: MetricPoint[] = [
  { epoch: 0.5, name: 'train_loss', value: 2.1 },
  { epoch: 0.5, name: 'train_acc', value: 0.2 },
  { epoch: 1, name: 'train_loss', value: 1.2 },
  { epoch: 1, name: 'train_acc', value: 0.55 },
  { epoch: 1, name: 'val_loss', value: 0.9 },
  { epoch: 1, name: 'val_acc', value: 0.66 },
];

export function testImagePixels(split: RawSplit, index: number): Uint8Array {
  return split.images.slice(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
}

/** A 28×28 grayscale PNG, as bytes fetch() takes as a body. */
export async function grayPng(pixels: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await grayscalePng(pixels));
}

export function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Sends `request` as raw bytes (in pieces `delayMs` apart when given as an array) and resolves with everything the
 * server sent back once it closes the connection, or after `timeoutMs` (then `timedOut` is true).
 */
export function rawRequest(
  url: string,
  request: string | Buffer | (string | Buffer)[],
  { timeoutMs = 5000, delayMs = 0 } = {},
) {
  const { hostname, port } = new URL(url);
  return new Promise<{ response: string; timedOut: boolean }>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response: Buffer.concat(chunks).toString('latin1'), timedOut });
    });
    socket.on('connect', async () => {
      for (const piece of Array.isArray(request) ? request : [request]) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      }
    });
  });
}

/** The status code of a raw HTTP response ('' when there was none). */
export function statusOf(response: string): string {
  return /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? '';
}
