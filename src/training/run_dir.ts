// The files of one training run, in one directory:
//   record.json       config, library versions, data checksums, parameter count, per-epoch summaries
//   metrics.jsonl/csv the ProgressBoard's points as they arrive
//   curves.svg/png    the d2l figure, redrawn after every epoch
//   checkpoint/       the newest checkpoints, step-<N>[-end]/: model.json + weights.bin + state.json + optimizer.bin
//                     (what --resume reads; see checkpoints.ts)
//   model/            the final model, TF.js LayersModel format
//   train.lock        while a process trains into it: that process's pid
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeDirectories } from '../util/make_directories.js';
import { removeStaleTemporaries, writeFileDurably } from './durable_files.js';
import { OutputError, outputError } from './output_error.js';

export class RunDir {
  constructor(readonly path: string) {}

  get record() {
    return join(this.path, 'record.json');
  }
  get metricsJsonl() {
    return join(this.path, 'metrics.jsonl');
  }
  get metricsCsv() {
    return join(this.path, 'metrics.csv');
  }
  get curvesSvg() {
    return join(this.path, 'curves.svg');
  }
  get curvesPng() {
    return join(this.path, 'curves.png');
  }
  get checkpoint() {
    return join(this.path, 'checkpoint');
  }
  get model() {
    return join(this.path, 'model');
  }
  get lockFile() {
    return join(this.path, 'train.lock');
  }

  /**
   * Creates the directory and proves it writable by writing (and flushing) a probe file, so that an unwritable
   * --out fails before any data is read; clears temporaries a killed run left. Throws OutputError.
   */
  create(): boolean {
    const existed = existsSync(this.path);
    try {
      makeDirectories(this.path);
    } catch (error) {
      throw outputError(`cannot create the run directory ${this.path}`, error);
    }
    removeStaleTemporaries(this.path);
    const probe = join(this.path, '.write-probe');
    writeFileDurably(probe, 'nin');
    rmSync(probe, { force: true });
    return !existed;
  }

  /** Removes the directory if nothing is in it: what a run that stopped before writing anything leaves. */
  removeIfEmpty(): void {
    try {
      if (readdirSync(this.path).length === 0) rmdirSync(this.path);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }

  /**
   * Claims the directory for this process's training: a second `nin train` into it (say, `--resume` of a run still
   * going) would interleave checkpoints and metrics. A lock whose process is gone (killed, crashed) is taken over.
   * Returns the function that releases it. Throws OutputError when a live process holds it.
   */
  lock(): () => void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockFile, `${process.pid}\n`, { flag: 'wx' });
        return () => rmSync(this.lockFile, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
          throw outputError(`cannot lock the run directory ${this.path}`, error);
      }
      const holder = Number.parseInt(readFileSync(this.lockFile, 'utf8'), 10);
      if (Number.isSafeInteger(holder) && holder !== process.pid && processIsAlive(holder)) {
        throw new OutputError(
          `another nin train (pid ${holder}) is training into ${this.path}; wait for it to end, stop it, or choose another --out ` +
            `(if no such process is training, remove ${this.lockFile})`,
        );
      }
      rmSync(this.lockFile, { force: true }); // stale: its process is gone
    }
    throw new OutputError(`cannot lock the run directory ${this.path}: ${this.lockFile} keeps reappearing`);
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
    writeFileDurably(file, `${JSON.stringify(value, null, 2)}\n`);
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** runs/2026-11-25T23-50-12 style names: sortable, unique enough for one user. */
export function newRunName(now = new Date()): string {
  return now.toISOString().replace(/:/g, '-').replace(/\..+$/, '');
}
