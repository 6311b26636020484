// d2l's ProgressBoard: metric values drawn against (fractional) epochs, each plotted point the mean of `everyN`
// raw values, so a curve has a few points per epoch however many batches there are. Points are also written as
// JSON lines and CSV as they arrive, so a run can be watched (and resumed) from its files.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export const METRICS = ['train_loss', 'train_acc', 'val_loss', 'val_acc'] as const;
export type MetricName = (typeof METRICS)[number];

export interface MetricPoint {
  epoch: number;
  name: MetricName;
  value: number;
}

export class ProgressBoard {
  readonly points: MetricPoint[] = [];
  private readonly raw = new Map<MetricName, { x: number; y: number }[]>();

  /** `jsonlPath`/`csvPath`: files the plotted points are appended to (optional). */
  constructor(private readonly files: { jsonl?: string; csv?: string } = {}) {
    if (files.csv && !existsSync(files.csv)) writeFileSync(files.csv, 'epoch,metric,value\n');
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

  /** Restores points written by an earlier run (for --resume), without writing them again. */
  load(points: MetricPoint[]): void {
    this.points.push(...points);
  }

  series(name: MetricName): MetricPoint[] {
    return this.points.filter((p) => p.name === name);
  }

  private add(point: MetricPoint): void {
    this.points.push(point);
    if (this.files.jsonl) appendFileSync(this.files.jsonl, JSON.stringify(point) + '\n');
    if (this.files.csv) appendFileSync(this.files.csv, `${point.epoch},${point.name},${point.value}\n`);
  }
}

export function readMetrics(jsonlPath: string): MetricPoint[] {
  if (!existsSync(jsonlPath)) return [];
  return readFileSync(jsonlPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MetricPoint);
}
