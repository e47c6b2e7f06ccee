/**
 * The one place that talks to Neo4j: a driver per process, and per-request handles that run
 * statements in read or write transactions and count round trips for `extensions.cypher`.
 */
import neo4j, {
  auth,
  isDate,
  isDateTime,
  isDuration,
  isInt,
  isLocalDateTime,
  isLocalTime,
  isNode,
  isRelationship,
  isTime,
  Neo4jError,
  type Driver,
  type ManagedTransaction,
  type SessionMode,
} from 'neo4j-driver';
import { GraphQLError } from 'graphql';
import { timedOut } from '../errors.js';
import { invalidBookmark } from './bookmarks.js';
import { Circuit, databaseUnavailable, type Probe } from './circuit.js';
import { statementSpan, type SpanParent } from '../tracing.js';
import { journaledAttempt, noteClaimChanges, type ClaimChangeNote } from '../claims/journal.js';

export interface QueryStats {
  roundTrips: number;
  dbTimeMs: number;
  /** Each statement run, when a request asked for its plan (use-debug-extensions.ts). */
  statements?: StatementTrace[];
  /** Reads run under PROFILE, so each statement says its db hits. */
  profile?: boolean;
  /** Statements run past MAX_TRACED_STATEMENTS, not traced. */
  statementsLeftOut?: number;
  /** A write committed through this request's handle (its response carries the bookmark). */
  wrote?: boolean;
  /** With tracing on: the request's `graphql.execute` span, each statement's span's parent (src/tracing.ts). */
  spanParent?: SpanParent;
}

/** One statement a request ran: its text and parameter names (never their values), rows and times. */
export interface StatementTrace {
  cypher: string;
  parameters: string[];
  rows: number;
  /** From sending the statement to having its last row, in this process. */
  roundTripMs: number;
  /** Neo4j's own time for it (until the first row, then until consumed). */
  dbTimeMs: number;
  /** Database hits, summed over the plan's operators: reads under PROFILE only. */
  dbHits?: number;
  /** The error's code when the statement failed. */
  error?: string;
}

/** Statements traced per request at most; more are counted in `statementsLeftOut`. */
export const MAX_TRACED_STATEMENTS = 200;

/** Adds a statement to the request's trace, when it keeps one. */
function trace(stats: QueryStats, entry: StatementTrace): void {
  const list = stats.statements;
  if (!list) return;
  if (list.length < MAX_TRACED_STATEMENTS) list.push(entry);
  else stats.statementsLeftOut = (stats.statementsLeftOut ?? 0) + 1;
}

/** Database hits of a PROFILE summary, every operator summed. */
function dbHitsOf(profile: unknown): number | undefined {
  if (!profile || typeof profile !== 'object') return undefined;
  const op = profile as { dbHits?: number; children?: unknown[] };
  return Number(op.dbHits ?? 0) + (op.children ?? []).reduce<number>((n, c) => n + (dbHitsOf(c) ?? 0), 0);
}

export interface RunOptions {
  /** Transaction timeout; the server stops the query past it. */
  timeoutMs?: number;
  /** Names the bound in the TIMEOUT error (e.g. `TRAVERSAL_TIMEOUT_MS`). */
  timeoutLimit?: string;
  /**
   * Rows as the driver gives them, without `plain()`: for planned statements, which return only
   * maps, lists, strings and numbers (temporal values converted in Cypher).
   */
  raw?: boolean;
}

export interface ReadOptions extends RunOptions {
  /**
   * Abandons the read: at its abort the read rejects with the signal's reason at once and its
   * session is closed, which resets the connection (Neo4j terminates the transaction) and hands
   * it back to the pool when Neo4j has stopped the statement.
   */
  signal?: AbortSignal;
}

export type Row = Record<string, unknown>;

/** Runs one statement inside a transaction (what `Db.writeTransaction` hands its work). */
export type Run = (cypher: string, params?: Row) => Promise<Row[]>;

export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string;
  database: string;
}

export function createDriver(connection: Neo4jConnection): Driver {
  return neo4j.driver(connection.uri, auth.basic(connection.user, connection.password), {
    // Our numbers (counts, dollars up to ~1e13, megawatts) fit in a double.
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 50,
    // Retries ride out a blip (a deadlock, a dropped connection); an outage is cut short by the
    // circuit (circuit.ts), not by these.
    maxTransactionRetryTime: 3_000,
    connectionAcquisitionTimeout: 10_000,
    connectionTimeout: 5_000,
    logging: { level: 'error', logger: () => {} },
  });
}

/** Errors that mean "the database is not there", as opposed to a bad statement or a timeout. */
export function isConnectivityError(error: unknown): boolean {
  if (!(error instanceof Neo4jError)) return false;
  return (
    error.code === 'ServiceUnavailable' || error.code === 'SessionExpired' || /DatabaseUnavailable/.test(error.code)
  );
}

/** What a probe's call says: answered, refused, or no answer in time (slow or gone: the circuit decides). */
function probeAnswer(call: Promise<unknown>): Promise<boolean | 'timeout'> {
  return call.then(
    () => true as const,
    (error: unknown) => {
      if (!isConnectivityError(error)) return true as const; // a wrong password is an answer too
      return /timed out|in \d+ ?ms/i.test((error as Error).message) ? ('timeout' as const) : false;
    },
  );
}

/**
 * A probe on a connection of its own (a fresh driver each time, so neither a pool full of busy
 * connections nor a pool full of dead ones can fool it), bounded by `timeoutMs`.
 */
export function connectionProbe(connection: Neo4jConnection, timeoutMs = 2_000): Probe {
  return async () => {
    const driver = neo4j.driver(connection.uri, auth.basic(connection.user, connection.password), {
      connectionTimeout: timeoutMs,
      connectionAcquisitionTimeout: timeoutMs,
      maxConnectionPoolSize: 1,
      logging: { level: 'error', logger: () => {} },
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<'timeout'>((ok) => {
        timer = setTimeout(() => ok('timeout'), timeoutMs + 500);
      });
      return await Promise.race([probeAnswer(driver.getServerInfo({ database: connection.database })), timeout]);
    } finally {
      clearTimeout(timer);
      void driver.close().catch(() => {});
    }
  };
}

/** Neo4j values → plain JSON-like values (temporal types as ISO strings, nodes as properties). */
export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (isInt(value)) return value.toNumber();
  if (isDate(value) || isDateTime(value) || isLocalDateTime(value) || isTime(value) || isLocalTime(value)) {
    return isDateTime(value) ? new Date(value.toString()).toISOString() : value.toString();
  }
  if (isDuration(value)) return value.toString();
  if (isNode(value)) return { ...(plain(value.properties) as Row), __labels: value.labels };
  if (isRelationship(value)) return { ...(plain(value.properties) as Row), __type: value.type };
  if (typeof value === 'object') {
    const out: Row = {};
    for (const [k, v] of Object.entries(value as Row)) out[k] = plain(v);
    return out;
  }
  return value;
}

export function translateError(error: unknown, options: RunOptions, timeoutMs: number): unknown {
  if (error instanceof Neo4jError) {
    if (/^Neo\.ClientError\.Transaction\.InvalidBookmark/.test(error.code)) return invalidBookmark('not a bookmark');
    if (/TransactionTimedOut|Transaction\.(TransactionTimedOut|Terminated)/.test(error.code)) {
      return timedOut(options.timeoutLimit ?? 'QUERY_TIMEOUT_MS', timeoutMs);
    }
    // Neo4j's own transient codes first: `Neo.TransientError.Database.DatabaseUnavailable` (a
    // database still starting after a crash) is a connectivity error too, and keeps its code.
    if (error.code.startsWith('Neo.TransientError.')) return databaseUnavailable(`transient: ${error.code}`);
    if (isConnectivityError(error)) return databaseUnavailable(`unreachable: ${error.code}`);
    // Every pooled connection stayed busy past the acquisition timeout: load, worth a retry.
    if (isAcquisitionTimeout(error)) return databaseUnavailable('busy: no free connection in time');
    // A transient failure the driver gave up retrying, or one on an auto-commit read (never
    // retried): a deadlock, a leader switch. Not the client's fault and worth a retry, so not an
    // internal error either.
    if (isTransientError(error)) return databaseUnavailable(`transient: ${error.code}`);
  }
  return error;
}

/** `work`'s outcome, or a rejection with the signal's reason when it aborts first. */
function untilAborted<T>(work: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** The driver's pool error for a connection not free in time: it has no code of its own, only this message. */
const isAcquisitionTimeout = (error: Neo4jError) => error.message.startsWith('Connection acquisition timed out');

/** A failure that is not the statement's fault and may pass on a retry (a deadlock, a database starting). */
export const isTransientError = (error: unknown): error is Neo4jError =>
  error instanceof Neo4jError && (error.retryable || error.code.startsWith('Neo.TransientError.'));

/**
 * Runs `work`, again while it fails with an error `retryable` accepts, `attempts` times at most,
 * waiting `delayMs(attempt)` after each failed attempt.
 */
export async function retrying<T>(
  work: () => Promise<T>,
  options: { retryable: (error: unknown) => boolean; attempts: number; delayMs?: (attempt: number) => number },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const delay = options.delayMs?.(attempt) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export interface GraphDbOptions {
  /** How the circuit checks the database; default: connectivity through `driver` itself. */
  probe?: Probe;
  /** Told when the circuit opens or closes. */
  onCircuitChange?: (open: boolean, reason: string) => void;
}

/** Process-wide: owns the driver and the circuit in front of it. */
export class GraphDb {
  readonly circuit: Circuit;

  constructor(
    readonly driver: Driver,
    readonly database: string,
    readonly defaultTimeoutMs: number,
    options: GraphDbOptions = {},
  ) {
    this.circuit = new Circuit({
      probe: options.probe ?? (() => probeAnswer(driver.getServerInfo({ database }))),
      onChange: options.onCircuitChange,
    });
  }

  /**
   * Readiness: whatever a fresh probe finds; while the circuit is open, no more than half a
   * second is spent finding out (a dead database must not make /ready itself slow).
   */
  async ready(): Promise<boolean> {
    if (!this.circuit.isOpen) return this.circuit.probeNow();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<boolean>((ok) => {
      timer = setTimeout(() => ok(false), 500);
    });
    try {
      return await Promise.race([this.circuit.probeNow(), giveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A `Db`: the handle statements run through, adding to `stats` (one per request). Not a driver
   * session: each statement or transaction opens and closes its own. With `signal`, every read
   * through it is abandoned when the signal aborts (as `ReadOptions.signal`).
   */
  db(stats: QueryStats = { roundTrips: 0, dbTimeMs: 0 }, signal?: AbortSignal, bookmarks: readonly string[] = []): Db {
    return new Db(this, stats, signal, bookmarks);
  }

  /** The bookmarks of the newest transactions this process has seen commit (or read after). */
  async bookmarks(): Promise<string[]> {
    return [...(await this.driver.executeQueryBookmarkManager.getBookmarks())];
  }

  async close(): Promise<void> {
    this.circuit.dispose();
    await this.driver.close();
  }
}

/** Per-request handle: every statement is one round trip, counted in `stats`. */
export class Db {
  constructor(
    readonly graph: GraphDb,
    readonly stats: QueryStats,
    /** Abandons every read through this handle when it aborts. */
    readonly signal?: AbortSignal,
    /**
     * Bookmarks the request brought (bookmarks.ts): its sessions start after those transactions,
     * as well as after every one this process has seen.
     */
    readonly bookmarks: readonly string[] = [],
  ) {}

  /** Session settings shared by every statement: the database and the bookmarks to wait for. */
  private sessionConfig(mode: SessionMode) {
    return {
      database: this.graph.database,
      defaultAccessMode: mode,
      bookmarkManager: this.graph.driver.executeQueryBookmarkManager,
      ...(this.bookmarks.length > 0 ? { bookmarks: [...this.bookmarks] } : {}),
    };
  }

  read(cypher: string, params: Row = {}, options: ReadOptions = {}): Promise<Row[]> {
    const signals = [options.signal, this.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return this.run('READ', cypher, params, { ...options, signal });
  }

  write(cypher: string, params: Row = {}, options: RunOptions = {}): Promise<Row[]> {
    return this.run('WRITE', cypher, params, options);
  }

  /**
   * Several statements in one write transaction: all or nothing. The claim changes it notes are
   * appended to the change log in the same transaction (src/claims/journal.ts).
   */
  async writeTransaction<T>(work: (run: Run) => Promise<T>, options: RunOptions = {}): Promise<T> {
    let notes: ClaimChangeNote[] = [];
    const value = await this.transaction(async (run) => {
      const attempt = await journaledAttempt(run, work);
      notes = attempt.notes;
      return attempt.value;
    }, options);
    noteClaimChanges(notes);
    return value;
  }

  private async transaction<T>(work: (run: Run) => Promise<T>, options: RunOptions): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.graph.defaultTimeoutMs;
    // Share executeQuery's bookmarks, so the reads that follow (often on a cluster follower)
    // see this transaction's writes.
    const session = this.graph.driver.session(this.sessionConfig(neo4j.session.WRITE));
    try {
      const done = await this.graph.circuit.run(() =>
        session.executeWrite(
          (tx: ManagedTransaction) =>
            work(async (cypher, params = {}) => {
              const started = performance.now();
              const result = await tx.run(cypher, params);
              const ms = performance.now() - started;
              this.stats.roundTrips += 1;
              this.stats.dbTimeMs += ms;
              this.record('WRITE', started, {
                cypher,
                parameters: Object.keys(params),
                rows: result.records.length,
                roundTripMs: ms,
                dbTimeMs: ms,
              });
              return result.records.map((r) => plain(r.toObject()) as Row);
            }),
          { timeout: timeoutMs },
        ),
      );
      this.stats.wrote = true;
      return done;
    } catch (error) {
      if (isConnectivityError(error)) this.graph.circuit.suspect();
      throw translateError(error, options, timeoutMs);
    } finally {
      void session.close().catch(() => {}); // never wait on a session the circuit cut off
    }
  }

  /**
   * One write statement as an auto-commit query, for `CALL { ... } IN TRANSACTIONS` (which
   * commits its own batches and cannot run inside a transaction). No timeout: it is for
   * maintenance at start-up, not for requests.
   */
  async writeAutoCommit(cypher: string, params: Row = {}): Promise<Row[]> {
    this.stats.roundTrips += 1;
    const result = await this.autoCommit(neo4j.session.WRITE, cypher, params);
    this.stats.wrote = true;
    return result.records.map((r) => plain(r.toObject()) as Row);
  }

  /**
   * One statement as an auto-commit query in a session of `mode`. For reads: routed to a follower
   * on a cluster like executeQuery's reads, but without the BEGIN/COMMIT exchange of a managed
   * transaction (docs/decisions/2026-12-07-auto-commit-reads.md). Bookmarks are shared with
   * writes, so a read after a write sees it.
   */
  private async autoCommit(mode: SessionMode, cypher: string, params: Row, timeoutMs?: number, signal?: AbortSignal) {
    signal?.throwIfAborted();
    const session = this.graph.driver.session(this.sessionConfig(mode));
    const abandon = () => void session.close().catch(() => {});
    signal?.addEventListener('abort', abandon, { once: true });
    try {
      const result = session.run(cypher, params, timeoutMs === undefined ? undefined : { timeout: timeoutMs });
      return await (signal ? untilAborted(result, signal) : result);
    } finally {
      signal?.removeEventListener('abort', abandon);
      // An abandoned session closes in the background: its close waits for Neo4j to stop the statement.
      if (!signal?.aborted) await session.close();
    }
  }

  /**
   * Every statement a request runs ends here, once: in its trace when it keeps one
   * (`extensions.plan`), and as a span under the request's execute span when the request is
   * traced. Statements outside a traced request (migrations, background work) make no span: each
   * would be a trace of its own.
   */
  private record(mode: 'READ' | 'WRITE', startedAt: number, entry: StatementTrace): void {
    if (this.stats.statements) trace(this.stats, entry);
    if (this.stats.spanParent) statementSpan(entry, mode, this.graph.database, startedAt, this.stats.spanParent);
  }

  private async run(mode: 'READ' | 'WRITE', cypher: string, params: Row, options: ReadOptions): Promise<Row[]> {
    const timeoutMs = options.timeoutMs ?? this.graph.defaultTimeoutMs;
    this.stats.roundTrips += 1;
    const started = performance.now();
    // PROFILE only where a request asked for it, and only on reads: it runs the statement as is.
    const profiled = this.stats.profile === true && mode === 'READ';
    const text = profiled ? `PROFILE ${cypher}` : cypher;
    try {
      const result = await this.graph.circuit.run(() =>
        mode === 'READ'
          ? this.autoCommit(neo4j.session.READ, text, params, timeoutMs, options.signal)
          : this.graph.driver.executeQuery(cypher, params, {
              database: this.graph.database,
              routing: neo4j.routing.WRITE,
              transactionConfig: { timeout: timeoutMs },
            }),
      );
      if (mode === 'WRITE') this.stats.wrote = true;
      const { resultAvailableAfter, resultConsumedAfter } = result.summary;
      const dbTimeMs = Number(resultAvailableAfter ?? 0) + Number(resultConsumedAfter ?? 0);
      this.stats.dbTimeMs += dbTimeMs;
      this.record(mode, started, {
        cypher,
        parameters: Object.keys(params),
        rows: result.records.length,
        roundTripMs: performance.now() - started,
        dbTimeMs,
        ...(profiled ? { dbHits: dbHitsOf(result.summary.profile) ?? 0 } : {}),
      });
      return options.raw
        ? result.records.map((r) => r.toObject())
        : result.records.map((r) => plain(r.toObject()) as Row);
    } catch (error) {
      if (isConnectivityError(error)) this.graph.circuit.suspect();
      const translated = translateError(error, options, timeoutMs);
      this.record(mode, started, {
        cypher,
        parameters: Object.keys(params),
        rows: 0,
        roundTripMs: performance.now() - started,
        dbTimeMs: 0,
        error: translated instanceof GraphQLError ? String(translated.extensions.code ?? 'ERROR') : 'ERROR',
      });
      throw translated;
    }
  }
}
