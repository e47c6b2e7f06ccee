/**
 * Writes as claims: what an upsert, `connect`, an import row says becomes claims by the rules
 * (rules.ts), then today's graph is re-derived for what it touched (materialize.ts). Every
 * function runs inside the caller's transaction (`run`) and is idempotent: the same write again
 * only adds citations it did not have.
 */
import { notFound } from '../errors.js';
import { RELATIONSHIPS, type EntityLabel, type EntityRelationshipType } from '../graph/model.js';
import { SET_PAGE_KEYS } from '../graph/page-keys.js';
import type { Row, Run } from '../neo4j/db.js';
import { materialize } from './materialize.js';
import { heldType, sourcedProperties, sourcedRelationshipProperties } from './model.js';
import { mergeCitations, planRelationshipWrite, planValueWrite, type AssertedClaim, type Citation } from './rules.js';
import {
  assertedValueClaims,
  citationsOf,
  citeClaims,
  claimProperties,
  closeClaims,
  createClaims,
  intervalOf,
  mentionCited,
  newClaimId,
  plainValue,
  valueKey,
  type CitationUpdate,
  type ClaimArgs,
  type NewClaim,
} from './store.js';
import { utcToday } from './time.js';
import { noteClaimChanges, type ClaimChangeNote } from './journal.js';

/** The journal's note of a claim recorded at `now`. */
const recorded = (claimId: string, now: string): ClaimChangeNote => ({
  claimId,
  change: 'RECORDED',
  on: now.slice(0, 10),
  at: now,
});

/** Sourced values written about one subject (an entity id, or a relationship's claim id). */
interface ValueWrite {
  subject: string;
  values: Record<string, unknown>;
  args: ClaimArgs;
}

/** Fails NOT_FOUND when a citation names a source the graph does not have. */
export async function checkCitedSources(run: Run, args: readonly ClaimArgs[]): Promise<void> {
  const ids = [...new Set(args.flatMap((a) => a.citations.map((c) => c.source)))];
  if (ids.length === 0) return;
  const found = await run('MATCH (s:Source) WHERE s.id IN $ids RETURN s.id AS id', { ids });
  const have = new Set(found.map((r) => String(r.id)));
  const missing = ids.filter((id) => !have.has(id));
  if (missing.length > 0) {
    throw notFound(`No source "${missing[0]!.slice(0, 100)}" to cite`, { path: ['input', 'citations'] });
  }
}

/** Applies the value rules to every (subject, field) written: closes, citations added, new claims. */
async function writeValues(run: Run, writes: ValueWrite[], now: string): Promise<void> {
  const today = utcToday(new Date(now));
  const keys = writes.flatMap((w) => Object.keys(w.values).map((field) => ({ subject: w.subject, field })));
  const existing = await assertedValueClaims(run, keys);
  const creates: NewClaim[] = [];
  const closes: Array<{ id: string; validTo: string }> = [];
  const cites = new Map<string, CitationUpdate>();
  for (const w of writes) {
    const interval = intervalOf(w.args, today);
    for (const [field, raw] of Object.entries(w.values)) {
      const claims = existing.get(valueKey(w.subject, field)) ?? [];
      const plan = planValueWrite(claims, plainValue(raw), interval);
      closes.push(...plan.close);
      if (plan.cite) addCitations(cites, claims, plan.cite, w.args);
      if (plan.create) {
        const claim = { id: newClaimId(), kind: 'VALUE' as const, subject: w.subject, field, value: raw };
        creates.push({ ...claim, interval: plan.create, citations: w.args.citations, confidence: w.args.confidence });
      }
    }
  }
  await closeClaims(run, closes, now);
  await citeClaims(run, [...cites.values()]);
  await createClaims(run, creates, now);
}

/** Records the citations (and confidence) a write adds to claim `id` among `claims`. */
function addCitations(
  cites: Map<string, CitationUpdate>,
  claims: readonly AssertedClaim[],
  id: string,
  args: ClaimArgs,
): void {
  if (args.citations.length === 0 && args.confidence == null) return;
  const before = cites.get(id)?.citations ?? claims.find((c) => c.id === id)?.citations ?? [];
  cites.set(id, { id, citations: mergeCitations(before, args.citations), confidence: args.confidence });
}

/** One entity a write names, by id (the node exists: the caller merged it by slug). */
export interface EntityClaimsWrite {
  id: string;
  label: EntityLabel;
  /** Sourced properties written (graph values; null removes). Others are ignored. */
  values: Record<string, unknown>;
  args: ClaimArgs;
  /** False when the existence claim comes from elsewhere (a file's claim records). */
  existence?: boolean;
}

// Locks each entity first (a property set and removed), so concurrent writes about one entity
// read its claims one after the other and never both claim anew.
const EXISTENCE = `
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.\`_claimLock\` = true REMOVE n.\`_claimLock\`
WITH row, n
OPTIONAL MATCH (c:Claim {id: n.claimId})
RETURN n.id AS id, c IS NULL AS unclaimed, c.id AS claimId, ${citationsOf('c')} AS citations`;

/** Existence claims: one for an entity that has none, the write's citations added to one it has. */
async function writeExistence(run: Run, writes: EntityClaimsWrite[], now: string): Promise<void> {
  const today = utcToday(new Date(now));
  if (writes.length === 0) return;
  const byId = new Map(writes.map((w) => [w.id, w]));
  const rows = await run(EXISTENCE, { rows: writes.map((w) => ({ id: w.id })) });
  const creates: Row[] = [];
  const cites: Array<CitationUpdate> = [];
  for (const row of rows) {
    const w = byId.get(String(row.id))!;
    if (w.existence === false) continue;
    if (row.unclaimed) {
      const claim = { id: newClaimId(), kind: 'ENTITY' as const, subject: w.id, citations: w.args.citations };
      creates.push({ id: w.id, props: claimProperties({ ...claim, interval: intervalOf(w.args, today) }) });
    } else if (w.args.citations.length > 0) {
      const before = (row.citations as Citation[]) ?? [];
      cites.push({ id: String(row.claimId), citations: mergeCitations(before, w.args.citations) });
    }
  }
  if (creates.length > 0) {
    noteClaimChanges(creates.map((c) => recorded(String((c.props as Row).id), now)));
    await run(
      `UNWIND $rows AS row
       MATCH (n:Entity {id: row.id})
       SET n.\`_claimLock\` = true REMOVE n.\`_claimLock\`
       WITH row, n WHERE n.claimId IS NULL
       CREATE (c:Claim) SET c = row.props, c.recordedAt = datetime($now)
       SET n.claimId = c.id, n.validFrom = c.validFrom, n.validTo = c.validTo, n.recordedAt = c.recordedAt`,
      { rows: creates, now },
    );
  }
  await citeClaims(run, cites);
}

/** The sourced values among `values` for `label` (editorial ones are not claims). */
export function sourcedValues(spec: Record<string, unknown>, values: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && Object.hasOwn(spec, k)));
}

/** Claims for entities the caller has merged by slug, then today's graph for them. */
export async function writeEntityClaims(run: Run, writes: EntityClaimsWrite[], now: string): Promise<void> {
  if (writes.length === 0) return;
  await writeExistence(run, writes, now);
  await writeValues(
    run,
    writes.map((w) => ({ subject: w.id, values: sourcedValues(sourcedProperties(w.label), w.values), args: w.args })),
    now,
  );
  await mentionCited(
    run,
    writes.flatMap((w) => w.args.citations.map((c) => ({ source: c.source, entity: w.id }))),
  );
  await materialize(run, { entities: writes.map((w) => w.id), relationships: [] }, now);
}

/** A relationship a write claims, its ends named by `key`. */
export interface RelationshipClaimsWrite {
  from: string;
  to: string;
  values: Record<string, unknown>;
  args: ClaimArgs;
}

export interface RelationshipClaimed {
  /** The row's index in the write. */
  index: number;
  claimId: string;
  created: boolean;
  fromId: string;
  toId: string;
}

// Locks the start entity first, so concurrent writes of one relationship read one after the other.
const assertedRelationships = (type: EntityRelationshipType, key: 'id' | 'slug') => `
UNWIND $rows AS row
MATCH (a:Entity {${key}: row.from}) WHERE any(l IN labels(a) WHERE l IN $fromLabels)
MATCH (b:Entity {${key}: row.to}) WHERE any(l IN labels(b) WHERE l IN $toLabels)
SET a.\`_claimLock\` = true REMOVE a.\`_claimLock\`
WITH row, a, b
OPTIONAL MATCH (a)-[r:${type}|${heldType(type)}]->(b) WHERE r.retractedAt IS NULL
OPTIONAL MATCH (c:Claim {id: r.claimId})
WITH row, a, b, collect(CASE WHEN c IS NULL THEN null ELSE {id: c.id, validFrom: toString(c.validFrom),
  validTo: toString(c.validTo), recordedAt: toString(c.recordedAt), citations: ${citationsOf('c')}} END) AS claims
RETURN row.index AS index, a.id AS fromId, b.id AS toId, claims`;

/**
 * Creates each row's relationship and claim, unless (checked again under the start entity's
 * lock, for writers outside one transaction such as two loads at once) an asserted claim of it
 * overlapping the row's interval appeared meanwhile: then that one stands. Returns the claim in
 * effect per row.
 */
const createRelationships = (type: EntityRelationshipType) => `
UNWIND $rows AS row
MATCH (a:Entity {id: row.fromId})
SET a.\`_claimLock\` = true REMOVE a.\`_claimLock\`
WITH row, a
MATCH (b:Entity {id: row.toId})
OPTIONAL MATCH (a)-[x:${type}|${heldType(type)}]->(b)
  WHERE x.retractedAt IS NULL
    AND (x.validTo IS NULL OR row.props.validFrom IS NULL OR x.validTo > row.props.validFrom)
    AND (row.props.validTo IS NULL OR x.validFrom IS NULL OR x.validFrom < row.props.validTo)
WITH row, a, b, head(collect(x.claimId)) AS existing
CALL (row, a, b, existing) {
  WITH row, a, b WHERE existing IS NULL
  CREATE (a)-[r:${type}]->(b)
  CREATE (c:Claim) SET c = row.props, c.recordedAt = datetime($now)
  SET r.createdAt = datetime($now), r.updatedAt = datetime($now), r.claimId = c.id, r.validFrom = c.validFrom,
    r.validTo = c.validTo, r.recordedAt = c.recordedAt
  WITH a, r, b
  ${SET_PAGE_KEYS('a', 'r', 'b')}
}
RETURN row.index AS index, coalesce(existing, row.props.id) AS claimId, existing IS NULL AS created`;

/**
 * Claims relationships of one type: each row is the same relationship as an asserted claim of it
 * overlapping the write (citations added), or a new one; its properties are value claims on it.
 * Rows whose ends are missing or of the wrong kind are left out of the answer.
 */
export async function writeRelationshipClaims(
  run: Run,
  type: EntityRelationshipType,
  key: 'id' | 'slug',
  writes: RelationshipClaimsWrite[],
  now: string,
): Promise<RelationshipClaimed[]> {
  if (writes.length === 0) return [];
  const today = utcToday(new Date(now));
  const spec = RELATIONSHIPS[type];
  const found = await run(assertedRelationships(type, key), {
    rows: writes.map((w, index) => ({ index, from: w.from, to: w.to })),
    fromLabels: spec.from,
    toLabels: spec.to,
  });
  const claimed: RelationshipClaimed[] = [];
  const creates: Row[] = [];
  const cites = new Map<string, CitationUpdate>();
  for (const row of found) {
    const index = Number(row.index);
    const w = writes[index]!;
    const existing = (row.claims as Row[]).map((c) => ({ ...c, value: null }) as unknown as AssertedClaim);
    const plan = planRelationshipWrite(existing, intervalOf(w.args, today));
    const ends = { fromId: String(row.fromId), toId: String(row.toId) };
    if (plan.cite) {
      addCitations(cites, existing, plan.cite, w.args);
      claimed.push({ index, claimId: plan.cite, created: false, ...ends });
    } else {
      const claim: NewClaim = {
        id: newClaimId(),
        kind: 'RELATIONSHIP',
        subject: ends.fromId,
        object: ends.toId,
        type,
        interval: plan.create!,
        citations: w.args.citations,
        confidence: w.args.confidence,
      };
      creates.push({ ...ends, index, props: claimProperties(claim) });
    }
  }
  if (creates.length > 0) {
    for (const row of await run(createRelationships(type), { rows: creates, now })) {
      const index = Number(row.index);
      const { fromId, toId } = creates.find((c) => c.index === index)! as { fromId: string; toId: string };
      claimed.push({ index, claimId: String(row.claimId), created: Boolean(row.created), fromId, toId });
      if (row.created) noteClaimChanges([recorded(String(row.claimId), now)]);
    }
  }
  await citeClaims(run, [...cites.values()]);
  const propertySpec = sourcedRelationshipProperties(type);
  await writeValues(
    run,
    claimed.map((c) => ({
      subject: c.claimId,
      values: sourcedValues(propertySpec, writes[c.index]!.values),
      args: writes[c.index]!.args,
    })),
    now,
  );
  await mentionCited(
    run,
    claimed.flatMap((c) =>
      writes[c.index]!.args.citations.flatMap((x) => [
        { source: x.source, entity: c.fromId },
        { source: x.source, entity: c.toId },
      ]),
    ),
  );
  await materialize(run, { entities: [], relationships: claimed.map((c) => ({ claimId: c.claimId, type })) }, now);
  return claimed;
}
