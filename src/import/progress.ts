/** Progress for long imports: a redrawn bar with rate and ETA on a TTY, plain lines otherwise. */

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const formatNumber = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private done = 0;
  private drawn = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: ProgressOutput = process.stderr,
    /** Rows already done before this run (a resume): not counted in the rate. */
    private readonly offset = 0,
    private readonly plainEveryMs = 5_000,
  ) {}

  /** The line shown for `done` rows (exposed for tests). */
  line(done = this.done): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? (done - this.offset) / elapsed : 0;
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = this.total > 0 ? (100 * done) / this.total : 100;
    const stats = `${pct.toFixed(1)}% ${formatNumber(done)}/${formatNumber(this.total)} rows · ${formatNumber(rate)} rows/s · ETA ${formatDuration(eta)}`;
    if (!this.out.isTTY) return `${this.label}: ${stats}`;
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - stats.length - this.label.length - 6));
    const filled = Math.round((width * Math.min(100, pct)) / 100);
    return `${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${stats}`;
  }

  update(done: number): void {
    this.done = done;
    const now = performance.now();
    const every = this.out.isTTY ? 100 : this.plainEveryMs;
    if (now - this.lastDraw < every && done < this.total) return;
    this.lastDraw = now;
    this.drawn = done;
    this.out.write(this.out.isTTY ? `\r\x1b[2K${this.line(done)}` : `${this.line(done)}\n`);
  }

  finish(): void {
    if (this.drawn === this.done) {
      if (this.out.isTTY) this.out.write('\n');
      return;
    }
    this.out.write(this.out.isTTY ? `\r\x1b[2K${this.line(this.done)}\n` : `${this.line(this.done)}\n`);
  }
}
