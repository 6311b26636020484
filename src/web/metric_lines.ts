// A run's metrics.jsonl as the server reads it, possibly while `nin train` appends to it: only complete lines, and
// only lines that are metric points (known name, finite numbers); anything else is skipped rather than passed to
// a page.
import { METRICS, type MetricName, type MetricPoint } from '../training/progress_board.js';

function asMetricPoint(line: string): MetricPoint | undefined {
  try {
    const { epoch, name, value } = JSON.parse(line) as Record<string, unknown>;
    if (typeof epoch !== 'number' || !Number.isFinite(epoch) || typeof value !== 'number' || !Number.isFinite(value))
      return undefined;
    if (!METRICS.includes(name as MetricName)) return undefined;
    return { epoch, name: name as MetricName, value };
  } catch {
    return undefined;
  }
}

/** The metric points of `text`'s newline-terminated lines. */
export function parseMetricLines(text: string): MetricPoint[] {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete.split('\n').flatMap((line) => asMetricPoint(line) ?? []);
}
