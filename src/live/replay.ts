/**
 * Change events read back from the change log (src/claims/change-log.ts), for what live events
 * cannot give: a subscriber resuming after an id (`Last-Event-ID`), and the gaps a process finds
 * in what it hears (an event still in flight from another replica, or one whose writer died
 * between commit and publish). One committed transaction is one event, its id the transaction's
 * last number; its kind is read from its first claim change (an existence recorded: CREATED,
 * retracted: DELETED; a relationship recorded: CONNECTED, ended or retracted: DISCONNECTED;
 * anything else: UPDATED). Entities are as they are now; a relationship is not carried (its
 * claim is, in claimChanges).
 */
import type { EntityRow } from '../graph/entities.js';
import type { Db } from '../neo4j/db.js';
import { wholeEntity } from '../plan/cypher.js';
import { labelAt } from '../claims/time.js';
import { readChangeLog, type LogEntry } from '../claims/change-log.js';
import type { ChangeKind, GraphChangeEvent } from './changes.js';

/** Entries read per statement when replaying. */
export const REPLAY_PAGE = 500;

/** The entities each key names: an entity id, or a relationship claim id (both its ends). */
async function entitiesOf(db: Db, keys: readonly string[]): Promise<Map<string, EntityRow[]>> {
  if (keys.length === 0) return new Map();
  const rows = await db.read(
    `UNWIND $keys AS key
     OPTIONAL MATCH (r:Claim {id: key}) WHERE r.kind = 'RELATIONSHIP'
     UNWIND CASE WHEN r IS NULL THEN [key] ELSE [r.subject, r.object] END AS id
     MATCH (n:${labelAt('Entity', true)} {id: id})
     RETURN key, collect({row: ${wholeEntity('n', false)}, kind: [l IN labels(n) WHERE NOT l IN ['Entity', 'HEntity']][0]}) AS entities`,
    { keys: [...new Set(keys)] },
  );
  return new Map(
    rows.map((r) => [
      String(r.key),
      // A held-back node's kind is its H<Kind> label.
      (r.entities as Array<{ row: EntityRow; kind: string }>).map((e) => ({
        ...e.row,
        label: e.kind.replace(/^H/, '') as EntityRow['label'],
      })),
    ]),
  );
}

function kindOf(first: LogEntry): ChangeKind {
  const kind = first.claim?.kind;
  if (kind === 'ENTITY' && first.change === 'RECORDED') return 'CREATED';
  if (kind === 'ENTITY' && first.change === 'RETRACTED') return 'DELETED';
  if (kind === 'RELATIONSHIP' && first.change === 'RECORDED') return 'CONNECTED';
  if (kind === 'RELATIONSHIP') return 'DISCONNECTED';
  return 'UPDATED';
}

const keysOf = (entry: LogEntry): string[] =>
  entry.claim
    ? [entry.claim.subject, ...(entry.claim.kind === 'RELATIONSHIP' && entry.claim.object ? [entry.claim.object] : [])]
    : [];

/** Entries as events, one per transaction (entries of one transaction are consecutive). */
export async function eventsOf(db: Db, entries: readonly LogEntry[]): Promise<GraphChangeEvent[]> {
  const entities = await entitiesOf(db, entries.flatMap(keysOf));
  const groups: LogEntry[][] = [];
  for (const entry of entries) {
    const last = groups.at(-1);
    if (last && last[0]!.tx === entry.tx) last.push(entry);
    else groups.push([entry]);
  }
  return groups.map((group) => {
    const touchedRows = new Map<string, EntityRow>();
    for (const entry of group)
      for (const key of keysOf(entry)) for (const e of entities.get(key) ?? []) touchedRows.set(e.id, e);
    const touched = [...touchedRows.values()];
    const change = kindOf(group[0]!);
    const isEntityChange = change === 'CREATED' || change === 'DELETED' || change === 'UPDATED';
    return {
      id: String(group.at(-1)!.seq),
      change,
      at: new Date(group[0]!.committedAt).toISOString(),
      entity: isEntityChange ? (touched[0] ?? null) : null,
      relationship: null,
      counts: null,
      touched: touched.map((e) => ({ label: e.label, id: e.id, slug: e.slug })),
      kinds: [],
      sources: false,
      claimChanges: group.map((e) => ({ claimId: e.claimId, change: e.change, on: e.on, at: e.at, seq: e.seq })),
    };
  });
}

/**
 * The log's events after `after`, a page at a time, through `through` when given (else until
 * the log ends). A page ends on a transaction's last entry, so no event is split.
 */
export async function* replayLog(db: Db, after: number, through?: number): AsyncGenerator<GraphChangeEvent> {
  let cursor = after;
  for (;;) {
    const entries = (await readChangeLog(db, cursor, REPLAY_PAGE)).filter(
      (e) => through === undefined || e.seq <= through,
    );
    if (entries.length === 0) return;
    // A page cut inside a transaction leaves that transaction to the next page.
    const full = entries.length === REPLAY_PAGE ? entries.filter((e) => e.tx <= entries.at(-1)!.seq) : entries;
    const whole = full.length > 0 ? full : entries;
    for (const event of await eventsOf(db, whole)) yield event;
    cursor = whole.at(-1)!.seq;
    if (through !== undefined && cursor >= through) return;
  }
}
