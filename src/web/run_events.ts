// Server-sent events for one run while `nin train` writes it: the metric points (all of them first, then each new
// line as it is appended) and the run's summary whenever one of the files it comes from changes. The files are
// polled, not watched: fs.watch misses changes on some file systems, and a poll every half second costs nothing.
import { open, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { MetricPoint } from '../training/progress_board.js';
import type { RunDir } from '../training/run_dir.js';
import { parseMetricLines } from './metric_lines.js';

export interface RunEventsOptions {
  pollMs: number;
  /** a comment line this often keeps proxies and the browser from timing the stream out */
  heartbeatMs: number;
  /** the run's current summary, sent as a `run` event at first and whenever one of `summaryFiles` changes */
  summary: () => unknown;
  summaryFiles: string[];
}

/** What a `metrics` event carries: all points (`reset`, e.g. after a resume rewrote the file) or the new ones. */
export interface MetricsEvent {
  reset: boolean;
  points: MetricPoint[];
}

export function streamRunEvents(
  req: IncomingMessage,
  res: ServerResponse,
  run: RunDir,
  options: RunEventsOptions,
): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  let offset = -1; // bytes of metrics.jsonl already sent as points; -1: nothing sent yet
  let summaryVersion = '';
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const read = await readNewLines(run.metricsJsonl, offset);
      if (read) {
        send('metrics', { reset: read.reset, points: read.points } satisfies MetricsEvent);
        offset = read.offset;
      }
      const mtimes = await Promise.all(
        options.summaryFiles.map(async (file) => (await stat(file).catch(() => undefined))?.mtimeMs ?? 0),
      );
      if (mtimes.join() !== summaryVersion) {
        summaryVersion = mtimes.join();
        send('run', options.summary());
      }
    } catch (err) {
      process.stderr.write(`nin serve: watching ${run.path}: ${(err as Error).message}\n`);
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(poll, options.pollMs);
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs);
  const stop = () => {
    clearInterval(timer);
    clearInterval(heartbeat);
  };
  req.on('close', stop);
  res.on('close', stop);
  void poll();
}

/**
 * The complete lines of `file` past `offset` as points; all of them (reset) on the first read or when the file
 * shrank. Undefined when there is nothing new to send.
 */
async function readNewLines(
  file: string,
  offset: number,
): Promise<{ reset: boolean; points: MetricPoint[]; offset: number } | undefined> {
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  const reset = offset < 0 || size < offset;
  const from = reset ? 0 : offset;
  if (!reset && size === from) return undefined;
  let bytes = Buffer.alloc(size - from);
  if (bytes.length > 0) {
    const handle = await open(file, 'r');
    try {
      bytes = bytes.subarray(0, (await handle.read(bytes, 0, bytes.length, from)).bytesRead);
    } finally {
      await handle.close();
    }
  }
  const complete = bytes.lastIndexOf(0x0a) + 1; // a line still being written waits for the next poll
  if (!reset && complete === 0) return undefined;
  return { reset, points: parseMetricLines(bytes.subarray(0, complete).toString('utf8')), offset: from + complete };
}
