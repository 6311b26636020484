// A one-line terminal progress bar for an epoch: done/total, img/s, running loss, ETA. Redrawn in place on a
// terminal; elsewhere (CI logs, pipes) a plain line every 25 %.
export class ProgressBar {
  private readonly started = performance.now();
  private lastQuarter = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    /** batches already done when the bar starts (a resumed epoch) */
    private readonly first = 0,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** `done`: batches done in the epoch; `images`: images since the bar started. */
  update(done: number, images: number, fields: Record<string, string>): void {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = images / Math.max(seconds, 1e-9);
    const eta = done > this.first ? (seconds / (done - this.first)) * (this.total - done) : NaN;
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' ');
    const text = `${this.label} ${done}/${this.total} ${rate.toFixed(1)} img/s ${extra} ETA ${formatDuration(eta)}`;
    if (this.stream.isTTY) {
      const width = 24, filled = Math.round((width * done) / this.total);
      const bar = '='.repeat(filled) + (filled < width ? '>' : '') + ' '.repeat(Math.max(0, width - filled - 1));
      this.stream.write(`\r[${bar}] ${text}\x1b[K`);
    } else {
      const quarter = Math.floor((4 * done) / this.total);
      if (quarter > this.lastQuarter && done < this.total) this.stream.write(text + '\n');
      this.lastQuarter = quarter;
    }
  }

  /** Clears the bar's line on a terminal, so the caller's summary line replaces it. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h > 0 ? `${h}:${String(m).padStart(2, '0')}` : `${m}`) + `:${String(r).padStart(2, '0')}`;
}
