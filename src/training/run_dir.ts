// The files of one training run, in one directory:
//   record.json       config, library versions, data checksums, parameter count, per-epoch summaries
//   metrics.jsonl/csv the ProgressBoard's points as they arrive
//   curves.svg/png    the d2l figure, redrawn after every epoch
//   checkpoint/       the last completed epoch: model.json + weights.bin + state.json (what --resume reads)
//   model/            the final model, TF.js LayersModel format
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class RunDir {
  constructor(readonly path: string) {}

  get record() { return join(this.path, 'record.json'); }
  get metricsJsonl() { return join(this.path, 'metrics.jsonl'); }
  get metricsCsv() { return join(this.path, 'metrics.csv'); }
  get curvesSvg() { return join(this.path, 'curves.svg'); }
  get curvesPng() { return join(this.path, 'curves.png'); }
  get checkpoint() { return join(this.path, 'checkpoint'); }
  get model() { return join(this.path, 'model'); }

  create(): void {
    mkdirSync(this.path, { recursive: true });
  }

  readJson<T>(file: string): T {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }

  /** Atomic: a reader (or a resume after a crash) sees the old file or the new one, never half of one. */
  writeJson(file: string, value: unknown): void {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    renameSync(tmp, file);
  }
}

/** runs/2026-11-25T23-50-12 style names: sortable, unique enough for one user. */
export function newRunName(now = new Date()): string {
  return now.toISOString().replace(/:/g, '-').replace(/\..+$/, '');
}
