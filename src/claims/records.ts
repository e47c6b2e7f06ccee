/**
 * Claim records in import files (the `claims` section of the seed's format, and of a full
 * export): claims written verbatim, ids and times kept, so an export imports back unchanged and
 * a file can state history as it was recorded. Subjects and objects name entities by slug; a
 * value claim on a relationship names the relationship claim's id.
 */
import { z } from 'zod';
import { ENTITY_RELATIONSHIP_TYPES, type EntityRelationshipType } from '../graph/model.js';
import { SET_PAGE_KEYS } from '../graph/page-keys.js';
import { citationSchema, dateSchema } from '../graph/write-input.js';
import type { Row, Run } from '../neo4j/db.js';
import { materialize } from './materialize.js';
import { CLAIM_KINDS, HELD_ENTITY, heldType } from './model.js';
import { citationLists, mentionCited } from './store.js';
import { graphDate, graphDateTime } from './time.js';

export interface ClaimRecord {
  id: string;
  kind: (typeof CLAIM_KINDS)[number];
  subject: string;
  object?: string | null;
  type?: string | null;
  field?: string | null;
  value?: unknown;
  validFrom?: string | null;
  validTo?: string | null;
  recordedAt?: string | null;
  retractedAt?: string | null;
  /** When the graph learned of `validTo` (a claim closed by a later write). */
  closedAt?: string | null;
  retractReason?: string | null;
  confidence?: number | null;
  citations?: Array<{ source: string; quote?: string | null; locator?: string | null }> | null;
}

const instantSchema = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date-time');

const claimRecordSchema = z
  .object({
    id: z.string().min(1).max(200),
    kind: z.enum(CLAIM_KINDS),
    subject: z.string().min(1).max(300),
    object: z.string().min(1).max(300).nullish(),
    type: z.enum(ENTITY_RELATIONSHIP_TYPES as [EntityRelationshipType, ...EntityRelationshipType[]]).nullish(),
    field: z.string().min(1).max(100).nullish(),
    value: z.unknown(),
    validFrom: dateSchema.nullish(),
    validTo: dateSchema.nullish(),
    recordedAt: instantSchema.nullish(),
    retractedAt: instantSchema.nullish(),
    closedAt: instantSchema.nullish(),
    retractReason: z.string().max(500).nullish(),
    confidence: z.number().min(0).max(1).nullish(),
    citations: z.array(citationSchema).max(100).nullish(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const need = (key: keyof ClaimRecord, ok: boolean) =>
      ok || ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `is required for a ${c.kind} claim` });
    if (c.kind === 'RELATIONSHIP') need('type', Boolean(c.type)) && need('object', Boolean(c.object));
    if (c.kind === 'VALUE') need('field', Boolean(c.field)) && need('value', c.value !== undefined && c.value !== null);
  });

/** Every problem of a `claims` section, as lines of a GraphDataError. */
export function claimRecordProblems(records: readonly unknown[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  records.forEach((record, i) => {
    const parsed = claimRecordSchema.safeParse(record);
    const where = `claim ${(record as { id?: unknown })?.id ?? `#${i}`}`;
    if (!parsed.success) {
      problems.push(...parsed.error.issues.slice(0, 3).map((x) => `${where}: ${x.path.join('.')} ${x.message}`));
      return;
    }
    if (ids.has(parsed.data.id)) problems.push(`${where}: id used twice`);
    ids.add(parsed.data.id);
  });
  return problems;
}

/** The entity slugs a file's claims give an existence claim (their records then make none). */
export const claimedEntitySlugs = (records: readonly ClaimRecord[]): Set<string> =>
  new Set(records.filter((c) => c.kind === 'ENTITY').map((c) => c.subject));

function storedProperties(c: ClaimRecord, subjectId: string, objectId: string | null, now: string): Row {
  return {
    id: c.id,
    kind: c.kind,
    subject: subjectId,
    object: objectId,
    type: c.type ?? null,
    field: c.field ?? null,
    value: c.value === undefined ? null : c.value,
    validFrom: c.validFrom ? graphDate(c.validFrom) : null,
    validTo: c.validTo ? graphDate(c.validTo) : null,
    recordedAt: graphDateTime(c.recordedAt ?? now),
    retractedAt: c.retractedAt ? graphDateTime(c.retractedAt) : null,
    closedAt: c.closedAt ? graphDateTime(c.closedAt) : null,
    retractReason: c.retractReason ?? null,
    confidence: c.confidence ?? null,
    ...citationLists(
      (c.citations ?? []).map((x) => ({ source: x.source, quote: x.quote ?? null, locator: x.locator ?? null })),
    ),
  };
}

const SLUG_IDS = `UNWIND $slugs AS slug MATCH (n:Entity|${HELD_ENTITY} {slug: slug}) RETURN slug, n.id AS id`;

// The start entity is locked first, so two loads of one file create each relationship once.
const relationshipFor = (type: EntityRelationshipType) => `
UNWIND $rows AS row
MATCH (a:Entity|${HELD_ENTITY} {id: row.from})
SET a.\`_claimLock\` = true REMOVE a.\`_claimLock\`
WITH row, a
MATCH (b:Entity|${HELD_ENTITY} {id: row.to})
// Setting an unchanged property locks both ends, so a concurrent load of the same claim waits here
// and then finds the relationship this one made instead of making a second.
SET a.id = a.id, b.id = b.id
WITH a, b, row
OPTIONAL MATCH (a)-[x:${type}|${heldType(type)}]->(b) WHERE x.claimId = row.claimId
WITH a, b, row, x WHERE x IS NULL
CREATE (a)-[r:${heldType(type)}]->(b)
SET r.createdAt = datetime($now), r.updatedAt = datetime($now), r.claimId = row.claimId
WITH a, r, b
${SET_PAGE_KEYS('a', 'r', 'b')}`;

/** Dates in a claim's value, for fields the model types as dates, become Neo4j dates. */
const storedValue = (c: ClaimRecord, dateFields: ReadonlySet<string>) =>
  typeof c.value === 'string' && c.field && dateFields.has(c.field) ? graphDate(c.value) : c.value;

/**
 * Writes claim records verbatim (MERGE by id: the same file again changes nothing), creates the
 * relationship a relationship claim stands for when it is missing, and re-derives today's graph.
 * Fails with the list of slugs no entity has.
 */
export async function writeClaimRecords(
  run: Run,
  records: readonly ClaimRecord[],
  dateFields: ReadonlySet<string>,
  now: string,
): Promise<{ missing: string[] }> {
  if (records.length === 0) return { missing: [] };
  const relationshipIds = new Set(records.filter((c) => c.kind === 'RELATIONSHIP').map((c) => c.id));
  const slugs = new Set<string>();
  for (const c of records) {
    if (!(c.kind === 'VALUE' && relationshipIds.has(c.subject))) slugs.add(c.subject);
    if (c.object) slugs.add(c.object);
  }
  const ids = new Map((await run(SLUG_IDS, { slugs: [...slugs] })).map((r) => [String(r.slug), String(r.id)]));
  // A value claim may be about a relationship claimed by an earlier batch or file.
  const unknown = [...slugs].filter((s) => !ids.has(s));
  const claimed = await run(
    "UNWIND $ids AS id MATCH (c:Claim {id: id}) WHERE c.kind = 'RELATIONSHIP' RETURN c.id AS id, c.type AS type",
    { ids: unknown },
  );
  for (const r of claimed) relationshipIds.add(String(r.id));
  const onRelationship = (c: ClaimRecord) => c.kind === 'VALUE' && relationshipIds.has(c.subject);
  const missing = unknown.filter((s) => !relationshipIds.has(s));
  if (missing.length > 0) return { missing };
  const stored = records.map((c) =>
    storedProperties(
      { ...c, value: storedValue(c, dateFields) },
      onRelationship(c) ? c.subject : ids.get(c.subject)!,
      c.object ? ids.get(c.object)! : null,
      now,
    ),
  );
  await run('UNWIND $claims AS props MERGE (c:Claim {id: props.id}) SET c += props', { claims: stored });
  const entities = records.filter((c) => c.kind === 'ENTITY');
  await run(`UNWIND $rows AS row MATCH (n:Entity|${HELD_ENTITY} {id: row.id}) SET n.claimId = row.claimId`, {
    rows: entities.map((c) => ({ id: ids.get(c.subject)!, claimId: c.id })),
  });
  const relationships = records.filter((c) => c.kind === 'RELATIONSHIP');
  for (const type of ENTITY_RELATIONSHIP_TYPES) {
    const rows = relationships
      .filter((c) => c.type === type)
      .map((c) => ({ from: ids.get(c.subject)!, to: ids.get(c.object!)!, claimId: c.id }));
    if (rows.length > 0) await run(relationshipFor(type), { rows, now });
  }
  await mentionCited(run, citedEntities(records, ids));
  const touchedEntities = new Set(
    records.filter((c) => !onRelationship(c) && c.kind !== 'RELATIONSHIP').map((c) => ids.get(c.subject)!),
  );
  const typeOf = new Map<string, string>(claimed.map((r) => [String(r.id), String(r.type)]));
  for (const c of relationships) typeOf.set(c.id, String(c.type));
  const touchedRelationships = [
    ...new Set([...relationships.map((c) => c.id), ...records.filter(onRelationship).map((c) => c.subject)]),
  ].map((claimId) => ({ claimId, type: typeOf.get(claimId) as EntityRelationshipType }));
  await materialize(run, { entities: touchedEntities, relationships: touchedRelationships }, now);
  return { missing: [] };
}

/** Each cited source MENTIONS the entities its claims are about. */
function citedEntities(records: readonly ClaimRecord[], ids: ReadonlyMap<string, string>) {
  const byRelationship = new Map(records.filter((c) => c.kind === 'RELATIONSHIP').map((c) => [c.id, c]));
  return records.flatMap((c) => {
    const relationship = c.kind === 'VALUE' ? byRelationship.get(c.subject) : undefined;
    const about = relationship
      ? [relationship.subject, relationship.object!]
      : [c.subject, ...(c.object ? [c.object] : [])];
    return (c.citations ?? []).flatMap((x) =>
      about
        .map((slug) => ids.get(slug))
        .filter((id): id is string => id !== undefined)
        .map((entity) => ({ source: x.source, entity })),
    );
  });
}
