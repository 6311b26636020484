// The files of one training run, in one directory:
//   record.json       config, library versions, data checksums, parameter count, per-epoch summaries
//   metrics.jsonl/csv the ProgressBoard's points as they arrive
//   curves.svg/png    the d2l figure, redrawn after every epoch
//   checkpoint/       the newest checkpoints, step-<N>[-end]/: model.json + weights.bin + state.json + optimizer.bin
//                     (what --resume reads; see checkpoints.ts)
//   model/            the final model, TF.js LayersModel format
import { readFileSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

import { makeDirectories } from '../data/make_directories.js';
import { removeStaleTemporaries, writeFileDurably } from './durable_files.js';
import { OutputError, outputError } from './output_error.js';

export class RunDir {
  constructor(readonly path: string) {}

  get record() { return join(this.path, 'record.json'); }
  get metricsJsonl() { return join(this.path, 'metrics.jsonl'); }
  get metricsCsv() { return join(this.path, 'metrics.csv'); }
  get curvesSvg() { return join(this.path, 'curves.svg'); }
  get curvesPng() { return join(this.path, 'curves.png'); }
  get checkpoint() { return join(this.path, 'checkpoint'); }
  get model() { return join(this.path, 'model'); }

  /**
   * Creates the directory and proves it writable by writing (and flushing) a probe file, so that an unwritable
   * --out fails before any data is read; clears temporaries a killed run left. Throws OutputError.
   */
  create(): void {
    try {
      makeDirectories(this.path);
    } catch (error) {
      throw outputError(`cannot create the run directory ${this.path}`, error);
    }
    removeStaleTemporaries(this.path);
    const probe = join(this.path, '.write-probe');
    writeFileDurably(probe, 'nin');
    rmSync(probe, { force: true });
  }

  /** Throws OutputError, before training starts, when the file system has less than `bytes` free (`what` says for what). */
  checkFreeSpace(bytes: number, what: string): void {
    const { bavail, bsize } = statfsSync(this.path);
    const free = bavail * bsize;
    if (free < bytes) {
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
      throw new OutputError(
        `not enough free space in ${this.path}: ${mb(free)} free, the run needs about ${mb(bytes)} (${what}); ` +
          `free some space, keep fewer checkpoints (--keep) or choose another --out`,
      );
    }
  }

  readJson<T>(file: string): T {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }

  /** Atomic and durable: a reader (or a resume after a crash) sees the old file or the new one, never half of one. */
  writeJson(file: string, value: unknown): void {
    writeFileDurably(file, JSON.stringify(value, null, 2) + '\n');
  }
}

/** runs/2026-11-25T23-50-12 style names: sortable, unique enough for one user. */
export function newRunName(now = new Date()): string {
  return now.toISOString().replace(/:/g, '-').replace(/\..+$/, '');
}
