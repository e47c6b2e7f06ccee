/**
 * Reading claims: an entity's or relationship's history of a field (`claims`), one claim by id,
 * and conflicts. Batched per request like every other loader; a root field's `knownAt` hides
 * what was recorded after it and retractions made after it.
 */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import { ENTITY_RELATIONSHIP_TYPES } from '../graph/model.js';
import type { Row } from '../neo4j/db.js';
import { heldType } from './model.js';
import { overlaps, sameValue, type Citation } from './rules.js';
import { citationsOf } from './store.js';
import type { TimeSlice } from './time.js';

export interface ClaimRow {
  id: string;
  kind: 'ENTITY' | 'RELATIONSHIP' | 'VALUE';
  subject: string;
  object: string | null;
  type: string | null;
  field: string | null;
  value: unknown;
  validFrom: string | null;
  validTo: string | null;
  recordedAt: string;
  retractedAt: string | null;
  retractReason: string | null;
  confidence: number | null;
  citations: Citation[];
  /** When the graph learned of `validTo` (a claim closed by a later write); null otherwise. */
  closedAt?: string | null;
}

/** Cypher: a claim node `c` as a ClaimRow (dates as ISO text). */
export const claimRow = (c: string) =>
  `${c} { .id, .kind, .subject, .object, .type, .field, .retractReason, .confidence,` +
  ` value: CASE WHEN ${c}.value IS :: DATE THEN toString(${c}.value) ELSE ${c}.value END,` +
  ` validFrom: toString(${c}.validFrom), validTo: toString(${c}.validTo),` +
  ` recordedAt: toString(${c}.recordedAt), retractedAt: toString(${c}.retractedAt),` +
  ` closedAt: toString(${c}.closedAt), citations: ${citationsOf(c)} }`;

/** Instants compare as instants (the graph's text may carry a zone offset). */
const instant = (iso: string) => Date.parse(iso);

/** A claim as known at `knownAt`: null when recorded later; a later retraction not yet made. */
export function asKnownAt(claim: ClaimRow, knownAt: string | null): ClaimRow | null {
  if (knownAt === null) return claim;
  if (instant(claim.recordedAt) > instant(knownAt)) return null;
  if (claim.closedAt && instant(claim.closedAt) > instant(knownAt)) claim = { ...claim, validTo: null, closedAt: null };
  if (claim.retractedAt !== null && instant(claim.retractedAt) > instant(knownAt))
    return { ...claim, retractedAt: null, retractReason: null };
  return claim;
}

/** Newest recorded first, then by id. */
const newestFirst = (a: ClaimRow, b: ClaimRow) =>
  instant(b.recordedAt) - instant(a.recordedAt) || a.id.localeCompare(b.id);

/** Every claim about `subject` (of `field`, when given), as known at the slice. */
export function subjectClaimsLoader(ctx: Context, slice: TimeSlice | null) {
  const knownAt = slice?.knownAt ?? null;
  return requestLoader(ctx, `claimsBySubject:${knownAt ?? ''}`, () => {
    return new DataLoader<string, ClaimRow[]>(async (subjects) => {
      const rows = await ctx.db.read(
        `UNWIND $subjects AS subject MATCH (c:Claim {subject: subject}) RETURN subject, ${claimRow('c')} AS claim`,
        { subjects },
      );
      const bySubject = new Map<string, ClaimRow[]>();
      for (const row of rows) {
        const claim = asKnownAt(row.claim as ClaimRow, knownAt);
        if (!claim) continue;
        const list = bySubject.get(String(row.subject)) ?? [];
        list.push(claim);
        bySubject.set(String(row.subject), list);
      }
      return subjects.map((s) => (bySubject.get(s) ?? []).sort(newestFirst));
    });
  });
}

/** Claims by id, as known at the slice (null: none, or not yet recorded then). */
export function claimByIdLoader(ctx: Context, slice: TimeSlice | null) {
  const knownAt = slice?.knownAt ?? null;
  return requestLoader(ctx, `claimById:${knownAt ?? ''}`, () => {
    return new DataLoader<string, ClaimRow | null>(async (ids) => {
      const rows = await ctx.db.read(
        `UNWIND $ids AS id MATCH (c:Claim {id: id}) RETURN id, ${claimRow('c')} AS claim`,
        {
          ids,
        },
      );
      const byId = new Map(rows.map((r) => [String(r.id), asKnownAt(r.claim as ClaimRow, knownAt)]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  });
}

/**
 * The claims on the same field as `claim` whose validity overlaps it with a different value, both
 * still asserted: kept and shown side by side, never merged.
 */
export function conflictsOf(claim: ClaimRow, sameField: readonly ClaimRow[]): ClaimRow[] {
  if (claim.kind !== 'VALUE' || claim.retractedAt !== null) return [];
  const interval = (c: ClaimRow) => ({ from: c.validFrom, to: c.validTo });
  return sameField.filter(
    (other) =>
      other.id !== claim.id &&
      other.field === claim.field &&
      other.retractedAt === null &&
      !sameValue(other.value, claim.value) &&
      overlaps(interval(other), interval(claim)),
  );
}

const ALL_TYPES = [...ENTITY_RELATIONSHIP_TYPES, ...ENTITY_RELATIONSHIP_TYPES.map(heldType)];

/**
 * The relationship a relationship claim stands for (live or held back), as traversals return
 * relationships: `{ id, type, from, to, properties }`. Each type's claimId index is sought in turn.
 */
export function relationshipByClaimLoader(ctx: Context) {
  return requestLoader(ctx, 'relationshipByClaim', () => {
    const seek = ALL_TYPES.map((t) => `MATCH ()-[r:${t}]->() WHERE r.claimId = id RETURN r`).join(' UNION ');
    return new DataLoader<string, Row | null>(async (ids) => {
      const rows = await ctx.db.read(
        `UNWIND $ids AS id CALL (id) { ${seek} }
         RETURN id, { id: elementId(r), type: replace(type(r), 'H_', ''), from: startNode(r).id, to: endNode(r).id,
                      properties: properties(r) } AS relationship`,
        { ids },
      );
      const byId = new Map(rows.map((r) => [String(r.id), r.relationship as Row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  });
}
