// One progress bar for the tool's long waits (a download, a training epoch). It decides when and how a line goes to
// its sink; the caller says what the line is. On a terminal the line is redrawn in place (at most every `redrawMs`);
// elsewhere (CI logs, pipes) a plain line goes out at each 1/`logSteps` of the way, so that logs stay short.

/** Where the bar is drawn: process.stderr, or anything with `write` (tests collect the text). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressBarOptions {
  /** units of the whole (bytes, batches); undefined when unknown: no log steps then, only the final line */
  total: number | undefined;
  /** the line for `done` units; `onTerminal`: the line will be redrawn in place */
  line: (done: number, onTerminal: boolean) => string;
  /** off a terminal: lines at 1/logSteps, 2/logSteps, … of the total (not at the end) */
  logSteps: number;
  /** off a terminal, also a line at 0 */
  logStart?: boolean;
  /** on a terminal, the least time between redraws */
  redrawMs?: number;
}

/** `width` cells of a bar filled to `fraction`: '#' and '-' ("[####----]"), or '=' with a '>' head ("[===>    ]"). */
export function barCells(fraction: number, width: number, style: 'hash' | 'arrow'): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  if (style === 'hash') return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return `[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}]`;
}

export class ProgressBar {
  private lastDrawMs = -Infinity;
  private lastStep: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly options: ProgressBarOptions,
  ) {
    this.lastStep = options.logStart ? -1 : 0;
  }

  update(done: number): void {
    const { total, line, logSteps, redrawMs = 0 } = this.options;
    if (this.sink.isTTY) {
      const now = Date.now();
      if (now - this.lastDrawMs < redrawMs) return;
      this.lastDrawMs = now;
      this.sink.write(`\r${line(done, true)}\x1b[K`);
      return;
    }
    if (total === undefined || total === 0) return;
    const step = Math.floor((logSteps * done) / total);
    if (step > this.lastStep && done < total) {
      this.lastStep = step;
      this.sink.write(`${line(done, false)}\n`);
    }
  }

  /** The last line, kept (`keep`); or, on a terminal, the bar's line cleared for the caller's own. */
  finish(done: number, { keep }: { keep: boolean }): void {
    if (keep)
      this.sink.write(
        `${this.sink.isTTY ? '\r' : ''}${this.options.line(done, !!this.sink.isTTY)}${this.sink.isTTY ? '\x1b[K' : ''}\n`,
      );
    else if (this.sink.isTTY) this.sink.write('\r\x1b[K');
  }

  /** Ends the terminal line after a failure, so that the error message starts on a line of its own. */
  abort(done: number): void {
    if (this.sink.isTTY) this.sink.write(`\r${this.options.line(done, true)} failed\x1b[K\n`);
  }
}

/** Seconds as m:ss or h:mm:ss; '--:--' when not finite. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : `${m}`}:${String(r).padStart(2, '0')}`;
}
