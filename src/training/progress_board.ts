// d2l's ProgressBoard: metric values drawn against (fractional) epochs, each plotted point the mean of `everyN`
// raw values, so a curve has a few points per epoch however many batches there are. Points are also written as
// JSON lines and CSV as they arrive, so a run can be watched from its files. A checkpoint stores the points and the
// values still waiting to be averaged, so a run resumed mid-window plots the same points as an uninterrupted one.
import { appendFileSync, existsSync } from 'node:fs';

import { writeFileDurably } from './durable_files.js';
import { outputError } from './output_error.js';

export const METRICS = ['train_loss', 'train_acc', 'val_loss', 'val_acc'] as const;
export type MetricName = (typeof METRICS)[number];

export interface MetricPoint {
  epoch: number;
  name: MetricName;
  value: number;
}

/** Raw values drawn but not yet averaged into a point, per metric. */
export type PendingValues = Partial<Record<MetricName, { x: number; y: number }[]>>;

const CSV_HEADER = 'epoch,metric,value\n';

export class ProgressBoard {
  readonly points: MetricPoint[] = [];
  private readonly raw = new Map<MetricName, { x: number; y: number }[]>();

  /** `jsonlPath`/`csvPath`: files the plotted points are appended to (optional). */
  constructor(private readonly files: { jsonl?: string; csv?: string } = {}) {
    if (files.csv && !existsSync(files.csv)) append(files.csv, CSV_HEADER);
  }

  /** Adds a raw value; every `everyN` values of a metric become one plotted point (their mean). */
  draw(x: number, y: number, name: MetricName, everyN = 1): void {
    const pending = this.raw.get(name) ?? [];
    pending.push({ x, y });
    this.raw.set(name, pending);
    if (pending.length < Math.max(1, Math.floor(everyN))) return;
    const mean = (f: (p: { x: number; y: number }) => number) => pending.reduce((s, p) => s + f(p), 0) / pending.length;
    this.add({ epoch: mean((p) => p.x), name, value: mean((p) => p.y) });
    pending.length = 0;
  }

  /** A copy of the values waiting to become points. */
  pending(): PendingValues {
    return Object.fromEntries([...this.raw].map(([name, values]) => [name, values.map((v) => ({ ...v }))]));
  }

  /**
   * Puts the board back to a checkpoint's points and pending values, and rewrites the files to match: points a
   * killed run drew after its checkpoint are dropped.
   */
  restore(points: MetricPoint[], pending: PendingValues): void {
    this.points.splice(0, this.points.length, ...points);
    this.raw.clear();
    for (const [name, values] of Object.entries(pending))
      this.raw.set(
        name as MetricName,
        values.map((v) => ({ ...v })),
      );
    if (this.files.jsonl) writeFileDurably(this.files.jsonl, points.map((p) => `${JSON.stringify(p)}\n`).join(''));
    if (this.files.csv) writeFileDurably(this.files.csv, CSV_HEADER + points.map(csvLine).join(''));
  }

  series(name: MetricName): MetricPoint[] {
    return this.points.filter((p) => p.name === name);
  }

  private add(point: MetricPoint): void {
    this.points.push(point);
    if (this.files.jsonl) append(this.files.jsonl, `${JSON.stringify(point)}\n`);
    if (this.files.csv) append(this.files.csv, csvLine(point));
  }
}

function append(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (error) {
    throw outputError(`cannot write ${path}`, error);
  }
}

function csvLine(point: MetricPoint): string {
  return `${point.epoch},${point.name},${point.value}\n`;
}
