// A download progress bar for stderr: bytes received / total and percent. On a terminal it redraws one line in
// place (at most 10 times a second); in a log file it writes a line per 10% so the log stays short.

/** Where the bar is drawn: process.stderr, or anything with `write` (tests collect the text). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 24;
const REDRAW_INTERVAL_MS = 100;

/** Bytes in the unit that suits `scale` (the total): "26.4 MB", "29.5 kB", "512 B". */
function inUnit(bytes: number, scale: number): string {
  if (scale >= 1e6) return `${(bytes / 1e6).toFixed(1)}`;
  if (scale >= 1e3) return `${(bytes / 1e3).toFixed(1)}`;
  return `${bytes}`;
}

function unitOf(scale: number): string {
  return scale >= 1e6 ? 'MB' : scale >= 1e3 ? 'kB' : 'B';
}

export class ProgressBar {
  private lastDrawMs = -Infinity;
  private lastTenth = -1;

  /** `total` is undefined when the server sent no Content-Length; then only the byte count is shown. */
  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly total: number | undefined,
  ) {}

  update(received: number): void {
    if (this.sink.isTTY) {
      const now = Date.now();
      if (now - this.lastDrawMs < REDRAW_INTERVAL_MS) return;
      this.lastDrawMs = now;
      this.sink.write(`\r${this.line(received)}`);
      return;
    }
    // Without a known total there are no 10% steps: the log gets just the final line.
    if (this.total === undefined || this.total === 0) return;
    const tenth = Math.floor((10 * received) / this.total);
    if (tenth > this.lastTenth && tenth < 10) {
      this.lastTenth = tenth;
      this.sink.write(`${this.line(received)}\n`);
    }
  }

  finish(received: number): void {
    this.sink.write(`${this.sink.isTTY ? '\r' : ''}${this.line(received)}\n`);
  }

  /** Ends the terminal line after a failed download, so the error message starts on a fresh line. */
  abort(received: number): void {
    if (this.sink.isTTY) this.sink.write(`\r${this.line(received)} failed\n`);
  }

  private line(received: number): string {
    if (this.total === undefined || this.total === 0) return `${this.label} ${inUnit(received, received)} ${unitOf(received)}`;
    const fraction = Math.min(1, received / this.total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const total = this.total;
    return `${this.label} [${bar}] ${inUnit(received, total)}/${inUnit(total, total)} ${unitOf(total)} ${percent}`;
  }
}
