/**
 * Progress of a long write (import, generate): on a terminal one line redrawn in place (`\r`)
 * with a bar, rate and ETA; anywhere else (a file, a pipe, a CI log) plain lines, at most one
 * every `plainEveryMs`, and always a final line when the work is done.
 */

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** A terminal is redrawn at most this often. */
const TTY_REDRAW_MS = 100;
/** Off a terminal, a line at most this often (plus the final line). */
export const PLAIN_LINE_EVERY_MS = 5_000;

const formatNumber = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Elapsed time of a finished step: tenths of a second under a minute, m:ss above. */
const formatElapsed = (seconds: number) => (seconds < 60 ? `${seconds.toFixed(1)}s` : formatDuration(seconds));

export class Progress {
  private readonly started = performance.now();
  private lastWrite = this.started;
  private done = 0;
  /** Rows in the last line written, -1 before the first. */
  private written = -1;
  private finished = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: ProgressOutput = process.stderr,
    /** Rows already done before this run (a resume): not counted in the rate. */
    private readonly offset = 0,
    private readonly plainEveryMs = PLAIN_LINE_EVERY_MS,
  ) {}

  /** The line shown for `done` rows (exposed for tests): with an ETA, or the time taken once done. */
  line(done = this.done): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? (done - this.offset) / elapsed : 0;
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = this.total > 0 ? (100 * done) / this.total : 100;
    const when = done >= this.total ? `in ${formatElapsed(elapsed)}` : `ETA ${formatDuration(eta)}`;
    const rows = `${formatNumber(done)}/${formatNumber(this.total)} rows`;
    const stats = `${pct.toFixed(1)}% ${rows} · ${formatNumber(rate)} rows/s · ${when}`;
    if (!this.out.isTTY) return `${this.label}: ${stats}`;
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - stats.length - this.label.length - 6));
    const filled = Math.round((width * Math.min(100, pct)) / 100);
    return `${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${stats}`;
  }

  /** `done` rows are written; reaching `total` writes the final line. */
  update(done: number): void {
    this.done = done;
    if (done >= this.total) {
      this.finish();
      return;
    }
    const now = performance.now();
    if (now - this.lastWrite < (this.out.isTTY ? TTY_REDRAW_MS : this.plainEveryMs)) return;
    this.lastWrite = now;
    this.write(done);
  }

  /** Ends the output with a line for the rows done so far; later calls write nothing. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.written !== this.done) this.write(this.done);
    if (this.out.isTTY) this.out.write('\n');
  }

  private write(done: number): void {
    this.written = done;
    this.out.write(this.out.isTTY ? `\r\x1b[2K${this.line(done)}` : `${this.line(done)}\n`);
  }
}
