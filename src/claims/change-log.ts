/**
 * The durable change log (SPEC section 2a): every claim change a GraphQL write commits, numbered
 * by one counter in the graph. A write transaction appends its changes as its last statement
 * (journal.ts, `journaledAttempt`): it locks the one `ChangeLogHead`, takes the next numbers and
 * creates one `ChangeLogEntry` per change, so the numbers commit with the write or not at all.
 * The head stays locked until the transaction commits, so numbers become visible in order: when
 * entry n can be read, every entry before it can too. Ids are the numbers as decimal text.
 * docs/decisions/2026-12-08-change-log-ids.md says why a counter and what it costs.
 */
import { ErrorCode, StargraphError, badInput } from '../errors.js';
import type { Db, Row, Run } from '../neo4j/db.js';
import type { ClaimChangeKind } from './changes.js';
import { claimRow, type ClaimRow } from './read.js';

/** A claim change as the journal notes it, with its log number once appended. */
export interface LoggedNote {
  claimId: string;
  change: ClaimChangeKind;
  on: string;
  at: string | null;
  /** Its number in the log (set when the transaction appends it). */
  seq?: number;
}

/** One entry read back: the change, its number, and the claim (null when it was purged since). */
export interface LogEntry {
  seq: number;
  /** The last number of the transaction that wrote it: entries sharing it were one commit. */
  tx: number;
  claimId: string;
  change: ClaimChangeKind;
  on: string;
  at: string | null;
  committedAt: string;
  claim: ClaimRow | null;
}

const APPEND = `
MERGE (h:ChangeLogHead {key: 'changes'}) ON CREATE SET h.last = 0, h.prunedThrough = 0
SET h.locked = true
WITH h, h.last AS base
SET h.last = base + size($notes)
WITH base, base + size($notes) AS tx
UNWIND range(0, size($notes) - 1) AS i
CREATE (:ChangeLogEntry {seq: base + i + 1, tx: tx, claimId: $notes[i].claimId, change: $notes[i].change,
  on: $notes[i].on, at: $notes[i].at, committedAt: datetime()})
RETURN DISTINCT base`;

/** Appends `notes` inside the transaction `run` belongs to; returns them numbered. */
export async function appendChangeLog(run: Run, notes: readonly LoggedNote[]): Promise<LoggedNote[]> {
  if (notes.length === 0) return [];
  const [row] = await run(APPEND, {
    notes: notes.map((n) => ({ claimId: n.claimId, change: n.change, on: n.on, at: n.at })),
  });
  const base = Number(row?.base ?? 0);
  return notes.map((n, i) => ({ ...n, seq: base + i + 1 }));
}

/** A change id (decimal text of a log number), or BAD_USER_INPUT naming `argumentName`. */
export function parseChangeId(value: string, argumentName: string): number {
  if (!/^\d{1,15}$/.test(value.trim())) throw badInput(`${argumentName}: not a change id`, { argumentName });
  return Number(value.trim());
}

export const changeLogExpired = (after: number, prunedThrough: number) =>
  new StargraphError(
    ErrorCode.CHANGE_LOG_EXPIRED,
    `Changes after ${after} are no longer kept (CHANGE_LOG_RETENTION_DAYS): the oldest kept change follows ` +
      `${prunedThrough}. Read the current state again, then follow changes from the newest id.`,
    { after: String(after), prunedThrough: String(prunedThrough) },
  );

/**
 * The entries after `after`, oldest first, at most `first`. Read on the leader (a write-mode
 * session), so an entry a live event announced is there to read. CHANGE_LOG_EXPIRED when entries
 * right after `after` were pruned.
 */
export async function readChangeLog(db: Db, after: number, first: number): Promise<LogEntry[]> {
  const rows = await db.write(
    `OPTIONAL MATCH (h:ChangeLogHead {key: 'changes'})
     WITH coalesce(h.prunedThrough, 0) AS prunedThrough
     OPTIONAL CALL (prunedThrough) {
       MATCH (e:ChangeLogEntry) WHERE e.seq > $after AND $after >= prunedThrough
       WITH e ORDER BY e.seq LIMIT toInteger($first)
       OPTIONAL MATCH (c:Claim {id: e.claimId})
       RETURN collect({seq: e.seq, tx: e.tx, claimId: e.claimId, change: e.change, on: e.on, at: e.at,
         committedAt: toString(e.committedAt), claim: CASE WHEN c IS NULL THEN null ELSE ${claimRow('c')} END}) AS entries
     }
     RETURN prunedThrough, entries`,
    { after, first: Math.max(0, Math.floor(first)) },
  );
  const row = rows[0] as Row;
  const prunedThrough = Number(row.prunedThrough ?? 0);
  if (after < prunedThrough) throw changeLogExpired(after, prunedThrough);
  return ((row.entries as LogEntry[] | null) ?? []).map((e) => ({ ...e, seq: Number(e.seq), tx: Number(e.tx) }));
}

/** The newest number in the log (0 when empty). */
export async function lastChangeId(db: Db): Promise<number> {
  const [row] = await db.read(`OPTIONAL MATCH (h:ChangeLogHead {key: 'changes'}) RETURN coalesce(h.last, 0) AS last`);
  return Number(row?.last ?? 0);
}

/**
 * Deletes entries committed before `before`, oldest first, in batches, and records the newest
 * number deleted as `prunedThrough` (a reader asking for changes after an older id hears
 * CHANGE_LOG_EXPIRED). Numbers grow with commit time, so the pruned entries are a prefix.
 * Returns how many were deleted.
 */
export async function pruneChangeLog(db: Db, before: Date, batch = 10_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [row] = await db.write(
      `MATCH (e:ChangeLogEntry) WHERE e.seq > 0
       WITH e ORDER BY e.seq LIMIT toInteger($batch)
       WITH e WHERE e.committedAt < datetime($before)
       WITH collect(e) AS old
       WITH old, reduce(m = 0, e IN old | CASE WHEN e.seq > m THEN e.seq ELSE m END) AS through
       FOREACH (e IN old | DELETE e)
       WITH size(old) AS n, through
       OPTIONAL MATCH (h:ChangeLogHead {key: 'changes'})
       FOREACH (_ IN CASE WHEN h IS NOT NULL AND through > h.prunedThrough THEN [1] ELSE [] END |
         SET h.prunedThrough = through)
       RETURN n`,
      { before: before.toISOString(), batch },
    );
    const n = Number(row?.n ?? 0);
    deleted += n;
    if (n < batch) return deleted;
  }
}

/** Entries after `after` (purged claims' included). */
export async function countChangeLog(db: Db, after: number): Promise<number> {
  const [row] = await db.read('MATCH (e:ChangeLogEntry) WHERE e.seq > $after RETURN count(e) AS n', { after });
  return Number(row?.n ?? 0);
}

/** How often each process prunes the change log. */
export const PRUNE_EVERY_MS = 3_600_000;

/**
 * Prunes entries older than `retentionDays` now and every hour until stopped (each replica does;
 * a prune finding nothing old costs one indexed read).
 */
export function scheduleChangeLogPruning(
  db: Db,
  retentionDays: number,
  onError: (error: Error) => void,
): { stop(): void } {
  const prune = () =>
    void pruneChangeLog(db, new Date(Date.now() - retentionDays * 86_400_000)).catch((error: Error) => onError(error));
  const first = setTimeout(prune, 10_000);
  const every = setInterval(prune, PRUNE_EVERY_MS);
  // Neither keeps the process alive.
  first.unref();
  every.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
