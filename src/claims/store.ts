/**
 * The statements that write `:Claim` nodes (claims-storage decision): reading the asserted claims
 * a write meets, and applying a `ClaimPlan` (close, cite, create). Every claim carries its
 * citations as three parallel lists (`citeSources`, `citeQuotes`, `citeLocators`, '' for none).
 * Values travel as parameters; the kinds and field names in the text come from the model.
 */
import { randomUUID } from 'node:crypto';
import neo4j from 'neo4j-driver';
import type { Row, Run } from '../neo4j/db.js';
import type { AssertedClaim, Citation, Interval } from './rules.js';
import { graphDate } from './time.js';
import type { ClaimKind } from './model.js';
import { noteClaimChanges } from './journal.js';

/** A new claim's id. */
export const newClaimId = (): string => `clm-${randomUUID()}`;

/** What every claim a write makes shares (SPEC 2a: per write, applying to every claim it makes). */
export interface ClaimArgs {
  citations: Citation[];
  /** Absent: the write's UTC date; null: always. */
  validFrom?: string | null;
  validTo?: string | null;
  confidence?: number | null;
}

/** The interval a write claims, its absent start being `today`. */
export const intervalOf = (args: ClaimArgs, today: string): Interval => ({
  from: args.validFrom === undefined ? today : args.validFrom,
  to: args.validTo ?? null,
});

/** The three citation lists a claim node stores. */
export function citationLists(citations: readonly Citation[]): Row {
  return {
    citeSources: citations.map((c) => c.source),
    citeQuotes: citations.map((c) => c.quote ?? ''),
    citeLocators: citations.map((c) => c.locator ?? ''),
  };
}

/** Cypher: a claim node `c`'s citations as `[{source, quote, locator}]` (source ids). */
export const citationsOf = (c: string) =>
  `[i IN range(0, size(coalesce(${c}.citeSources, [])) - 1) | {source: ${c}.citeSources[i],` +
  ` quote: nullIf(${c}.citeQuotes[i], ''), locator: nullIf(${c}.citeLocators[i], '')}]`;

/** A stored value as the rules compare it: dates as ISO text, integers as numbers. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (neo4j.isDate(value)) return value.toString();
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

/** Cypher returning a claim node's state for the rules, as `claim`. */
const ASSERTED = (c: string) =>
  `{id: ${c}.id, value: ${c}.value, validFrom: toString(${c}.validFrom), validTo: toString(${c}.validTo),` +
  ` recordedAt: toString(${c}.recordedAt), citations: ${citationsOf(c)}} AS claim`;

function toAsserted(row: Row): AssertedClaim {
  const c = row.claim as Row;
  return {
    id: String(c.id),
    value: plainValue(c.value),
    validFrom: (c.validFrom as string | null) ?? null,
    validTo: (c.validTo as string | null) ?? null,
    recordedAt: String(c.recordedAt),
    citations: ((c.citations as Citation[] | null) ?? []).map((x) => ({
      source: x.source,
      quote: x.quote ?? null,
      locator: x.locator ?? null,
    })),
  };
}

/** The asserted value claims of each (subject, field) asked, keyed `subject\0field`. */
export async function assertedValueClaims(
  run: Run,
  keys: Array<{ subject: string; field: string }>,
): Promise<Map<string, AssertedClaim[]>> {
  const out = new Map<string, AssertedClaim[]>();
  if (keys.length === 0) return out;
  const rows = await run(
    `UNWIND $keys AS k
     MATCH (c:Claim {subject: k.subject, field: k.field}) WHERE c.retractedAt IS NULL
     RETURN k.subject AS subject, k.field AS field, ${ASSERTED('c')}`,
    { keys },
  );
  for (const row of rows) {
    const key = valueKey(String(row.subject), String(row.field));
    const list = out.get(key) ?? [];
    list.push(toAsserted(row));
    out.set(key, list);
  }
  return out;
}

export const valueKey = (subject: string, field: string) => `${subject}\u0000${field}`;

/** A claim to create: everything but `recordedAt` (the write's instant). */
export interface NewClaim {
  id: string;
  kind: ClaimKind;
  subject: string;
  object?: string;
  type?: string;
  field?: string;
  value?: unknown;
  interval: Interval;
  citations: Citation[];
  confidence?: number | null;
}

/** A claim node's stored properties (dates as Neo4j dates). */
export function claimProperties(claim: NewClaim): Row {
  const props: Row = {
    id: claim.id,
    kind: claim.kind,
    subject: claim.subject,
    validFrom: claim.interval.from === null ? null : graphDate(claim.interval.from),
    validTo: claim.interval.to === null ? null : graphDate(claim.interval.to),
    confidence: claim.confidence ?? null,
    ...citationLists(claim.citations),
  };
  if (claim.object !== undefined) props.object = claim.object;
  if (claim.type !== undefined) props.type = claim.type;
  if (claim.field !== undefined) props.field = claim.field;
  if (claim.value !== undefined) props.value = claim.value;
  return props;
}

/** Creates claim nodes recorded at `$now`. */
export async function createClaims(run: Run, claims: NewClaim[], now: string): Promise<void> {
  if (claims.length === 0) return;
  noteClaimChanges(claims.map((c) => ({ claimId: c.id, change: 'RECORDED' as const, on: now.slice(0, 10), at: now })));
  await run(
    `UNWIND $claims AS props
     CREATE (c:Claim) SET c = props, c.recordedAt = datetime($now)`,
    { claims: claims.map(claimProperties), now },
  );
}

/**
 * Closes claims: `validTo`, and `closedAt`, when the graph learned of the end (a read `knownAt`
 * an earlier instant still sees the claim open). The copies follow at materialize.
 */
export async function closeClaims(
  run: Run,
  closes: Array<{ id: string; validTo: string }>,
  now: string,
): Promise<void> {
  if (closes.length === 0) return;
  noteClaimChanges(closes.map((c) => ({ claimId: c.id, change: 'ENDED' as const, on: c.validTo, at: null })));
  await run(
    `UNWIND $closes AS x
     MATCH (c:Claim {id: x.id}) SET c.validTo = x.validTo, c.closedAt = datetime($now)`,
    { closes: closes.map((x) => ({ id: x.id, validTo: graphDate(x.validTo) })), now },
  );
}

/** A claim's citations after a write added its own (merged), and the write's confidence. */
export interface CitationUpdate {
  id: string;
  citations: Citation[];
  confidence?: number | null;
}

/** Sets a claim's citation lists (already merged) and, when given, its confidence. */
export async function citeClaims(run: Run, cites: CitationUpdate[]): Promise<void> {
  if (cites.length === 0) return;
  await run(
    `UNWIND $cites AS x
     MATCH (c:Claim {id: x.id})
     SET c += x.lists, c.confidence = coalesce(x.confidence, c.confidence)`,
    {
      cites: cites.map((x) => ({ id: x.id, lists: citationLists(x.citations), confidence: x.confidence ?? null })),
    },
  );
}

/** Cypher: the copy of claim `c`'s interval and times onto the node or relationship `x`. */
export const COPY_CLAIM = (c: string, x: string) =>
  `SET ${x}.claimId = ${c}.id, ${x}.validFrom = ${c}.validFrom, ${x}.validTo = ${c}.validTo,` +
  ` ${x}.recordedAt = ${c}.recordedAt, ${x}.retractedAt = ${c}.retractedAt, ${x}.closedAt = ${c}.closedAt`;

/**
 * Every cited source MENTIONS the entities its claims are about (`Entity.sources` lists them);
 * rows `{source, entity}` by id. A citation naming no source fails the write (NOT_FOUND upstream).
 */
export async function mentionCited(run: Run, rows: Array<{ source: string; entity: string }>): Promise<number> {
  if (rows.length === 0) return 0;
  const [row] = await run(
    `UNWIND $rows AS row
     MATCH (s:Source {id: row.source})
     MATCH (n:Entity|HEntity {id: row.entity})
     MERGE (s)-[:MENTIONS]->(n)
     RETURN count(*) AS linked`,
    { rows },
  );
  return Number(row?.linked ?? 0);
}
