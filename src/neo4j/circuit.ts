/**
 * A circuit breaker in front of Neo4j, so that requests fail fast while the database is away.
 *
 * The driver retries a failed connection for `maxTransactionRetryTime` with backoff (one to a few
 * seconds), which is right for a blip and wrong for an outage: every request would wait it out.
 * So a statement that has not answered within `suspectAfterMs` makes the circuit probe the
 * database on a connection of its own (a pool full of busy connections must not look like an
 * outage); when the probe finds it unreachable the circuit opens: statements in flight are
 * answered DATABASE_UNAVAILABLE at once, new ones are refused without touching the driver, and
 * a background probe closes the circuit again as soon as the database answers.
 *
 * Whoever knows for certain that the database went away (the supervisor of the local Neo4j
 * sees its process exit) opens the circuit directly.
 */
import { ErrorCode, StargraphError } from '../errors.js';

/**
 * true: the database answered; false: it is unreachable (connection refused, reset...);
 * 'timeout': no answer in time, which on a starved machine may only mean slow. Should settle
 * within a few seconds.
 */
export type Probe = () => Promise<boolean | 'timeout'>;

/** Probes in a row without an answer before the circuit opens on timeouts alone. */
const TIMEOUTS_TO_OPEN = 2;

export interface CircuitOptions {
  probe: Probe;
  /** A statement slower than this makes the circuit check the database (default 300 ms). */
  suspectAfterMs?: number;
  /** While open, how often the background probe tries (default 500 ms). */
  probeIntervalMs?: number;
  /** Told whenever the circuit opens or closes (for logs and metrics). */
  onChange?: (open: boolean, reason: string) => void;
}

export const databaseUnavailable = (detail?: string) =>
  new StargraphError(
    ErrorCode.DATABASE_UNAVAILABLE,
    'The graph database is not reachable right now',
    detail ? { reason: detail } : {},
  );

export class Circuit {
  private openedAt: number | undefined;
  private openReason = '';
  private probing: Promise<boolean> | undefined;
  private lastProbeStarted = 0;
  private timeoutsInARow = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Rejecters of statements in flight, called when the circuit opens. */
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly suspectAfterMs: number;
  private readonly probeIntervalMs: number;

  constructor(private readonly options: CircuitOptions) {
    this.suspectAfterMs = options.suspectAfterMs ?? 300;
    this.probeIntervalMs = options.probeIntervalMs ?? 500;
  }

  get isOpen(): boolean {
    return this.openedAt !== undefined;
  }

  /** Since when the circuit has been open (ms since epoch), if it is. */
  get openSince(): number | undefined {
    return this.openedAt;
  }

  /** The database is known to be away: refuse new work, fail work in flight, probe until it is back. */
  open(reason: string): void {
    if (this.openedAt !== undefined) return;
    this.openedAt = Date.now();
    this.openReason = reason;
    this.options.onChange?.(true, reason);
    const error = databaseUnavailable(reason);
    for (const reject of this.inFlight) reject(error);
    this.inFlight.clear();
    this.schedule();
  }

  private close(): void {
    if (this.openedAt === undefined) return;
    const downMs = Date.now() - this.openedAt;
    this.openedAt = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.options.onChange?.(false, `reachable again after ${downMs} ms (was: ${this.openReason})`);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.probeNow().then((up) => {
        if (!up && this.isOpen) this.schedule();
      });
    }, this.probeIntervalMs);
    this.timer.unref();
  }

  /** Checks the database now (one probe at a time); opens or closes the circuit by the answer. */
  probeNow(): Promise<boolean> {
    if (this.probing) return this.probing;
    this.lastProbeStarted = Date.now();
    this.probing = this.options
      .probe()
      .catch(() => false as const)
      .then((answer) => {
        this.probing = undefined;
        this.timeoutsInARow = answer === 'timeout' ? this.timeoutsInARow + 1 : 0;
        if (answer === true) this.close();
        else if (answer === false) this.open('the database refused a connectivity probe');
        else if (this.timeoutsInARow >= TIMEOUTS_TO_OPEN)
          this.open(`the database did not answer ${this.timeoutsInARow} connectivity probes in a row`);
        else if (this.isOpen) this.schedule();
        return answer === true;
      });
    return this.probing;
  }

  /** A statement was slow or failed on its connection: is the database still there? Rate-limited. */
  suspect(): void {
    if (this.isOpen || this.probing) return;
    if (Date.now() - this.lastProbeStarted < this.suspectAfterMs) return;
    void this.probeNow();
  }

  /**
   * Runs one database call under the circuit: refused at once while open, failed at once if the
   * circuit opens while it runs (its promise is left to settle on its own, unobserved).
   */
  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.openedAt !== undefined) throw databaseUnavailable(this.openReason);
    const work = call();
    let reject: ((error: Error) => void) | undefined;
    const cut = new Promise<never>((_, fail) => {
      reject = fail;
    });
    this.inFlight.add(reject!);
    const slow = setTimeout(() => this.suspect(), this.suspectAfterMs);
    slow.unref();
    try {
      return await Promise.race([work, cut]);
    } finally {
      clearTimeout(slow);
      this.inFlight.delete(reject!);
      work.catch(() => {}); // a call cut off by the circuit still settles later; nobody waits for it
    }
  }

  /** Stops the background probe (on shutdown). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
