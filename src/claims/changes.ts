/**
 * The change log (`changesBetween`): every claim that started, ended, was recorded or was
 * retracted between two days, for one entity (its own claims, its relationships' and their
 * values') or the whole graph. Each of the four dates has its own index, so the whole-graph log
 * seeks four ranges in order and an entity's log reads the claims about it, never every claim.
 */
import type { Db } from '../neo4j/db.js';
import { claimRow, type ClaimRow } from './read.js';
import { graphDate, graphDateTime } from './time.js';

export const CHANGE_KINDS = ['STARTED', 'ENDED', 'RECORDED', 'RETRACTED'] as const;
export type ClaimChangeKind = (typeof CHANGE_KINDS)[number];

export interface ClaimChangeRow {
  claim: ClaimRow;
  change: ClaimChangeKind;
  /** The day it happened. */
  on: string;
  /** RECORDED and RETRACTED: the instant. */
  at: string | null;
  /** Its number in the change log (change-log.ts), when read from there or a live event. */
  seq?: number;
}

/** One index range per date: each branch reads its range in order and stops at `$first`. */
const WHOLE_GRAPH = `
CALL () {
  MATCH (c:Claim) WHERE c.validFrom >= $from AND c.validFrom <= $to
  WITH c ORDER BY c.validFrom LIMIT toInteger($first) RETURN c, 'STARTED' AS change, c.validFrom AS on, null AS at
  UNION ALL
  MATCH (c:Claim) WHERE c.validTo >= $from AND c.validTo <= $to
  WITH c ORDER BY c.validTo LIMIT toInteger($first) RETURN c, 'ENDED' AS change, c.validTo AS on, null AS at
  UNION ALL
  MATCH (c:Claim) WHERE c.recordedAt >= $fromInstant AND c.recordedAt < $toInstant
  WITH c ORDER BY c.recordedAt LIMIT toInteger($first) RETURN c, 'RECORDED' AS change, date(c.recordedAt) AS on, c.recordedAt AS at
  UNION ALL
  MATCH (c:Claim) WHERE c.retractedAt >= $fromInstant AND c.retractedAt < $toInstant
  WITH c ORDER BY c.retractedAt LIMIT toInteger($first)
  RETURN c, 'RETRACTED' AS change, date(c.retractedAt) AS on, c.retractedAt AS at
}`;

/** The claims about one entity: its own, its relationships' (either end) and their values'. */
const WITHIN = `
CALL () {
  MATCH (c:Claim {subject: $within}) RETURN c
  UNION MATCH (c:Claim {object: $within}) RETURN c
  UNION MATCH (r:Claim {subject: $within}) WHERE r.kind = 'RELATIONSHIP' MATCH (c:Claim {subject: r.id}) RETURN c
  UNION MATCH (r:Claim {object: $within}) MATCH (c:Claim {subject: r.id}) RETURN c
}
UNWIND [['STARTED', c.validFrom, null], ['ENDED', c.validTo, null],
        ['RECORDED', date(c.recordedAt), c.recordedAt], ['RETRACTED', date(c.retractedAt), c.retractedAt]] AS e
WITH c, e[0] AS change, e[1] AS on, e[2] AS at
WHERE on IS NOT NULL AND on >= $from AND on <= $to`;

/**
 * Changes between `from` and `to` (both days included), oldest first, at most `first`; as known
 * at `knownAt` (what was recorded, and retracted, by then).
 */
export async function changesBetween(
  db: Db,
  args: { from: string; to: string; within: string | null; first: number; knownAt: string | null },
): Promise<ClaimChangeRow[]> {
  const knownAt = graphDateTime(args.knownAt ?? new Date().toISOString());
  const dayAfter = new Date(Date.parse(`${args.to}T00:00:00Z`) + 86_400_000).toISOString();
  const rows = await db.read(
    `${args.within === null ? WHOLE_GRAPH : WITHIN}
     WITH c, change, on, at
     WHERE c.recordedAt <= $knownAt AND (change <> 'RETRACTED' OR at <= $knownAt)
       AND (change <> 'ENDED' OR c.closedAt IS NULL OR c.closedAt <= $knownAt)
       AND (change = 'RECORDED' OR change = 'RETRACTED' OR c.retractedAt IS NULL OR c.retractedAt > $knownAt)
     WITH c, change, on, at ORDER BY on, at, c.id, change LIMIT toInteger($first)
     RETURN ${claimRow('c')} AS claim, change, toString(on) AS on, toString(at) AS at`,
    {
      from: graphDate(args.from),
      to: graphDate(args.to),
      fromInstant: graphDateTime(`${args.from}T00:00:00Z`),
      toInstant: graphDateTime(dayAfter),
      within: args.within,
      first: Math.max(0, Math.floor(args.first)),
      knownAt,
    },
  );
  return rows.map((r) => ({
    claim: r.claim as ClaimRow,
    change: r.change as ClaimChangeKind,
    on: String(r.on),
    at: (r.at as string | null) ?? null,
  }));
}
