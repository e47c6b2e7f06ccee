/**
 * Today's graph from the claims (claims-storage decision): after every write, the entities and
 * relationships it touched are re-derived from their claims, on today's UTC date as known now.
 * - an entity is live (`Entity` and its kind label) when its existence claim is asserted and
 *   valid today, else held back (`HEntity`, `H<Kind>`); each sourced property holds the newest
 *   recorded of its claims held today, or nothing;
 * - a relationship is live (its public type) when its claim is asserted and valid today and both
 *   ends are live, else held back (`H_<TYPE>`); its properties are derived like an entity's
 *   (a held-back one's too: a read at a past slice finds it); a relationship coming back gets its
 *   page keys again (they may be stale);
 * - every node and relationship carries a copy of its own claim's interval and times, and the
 *   list of its fields that are `settled` (the same at every slice it is held at).
 * - every relationship carries its span, and large nodes their held degrees (held-degrees.ts).
 * An entity whose liveness flips, or whose existence interval moves, takes all its relationships
 * along for re-derivation.
 */
import { ENTITY_LABELS, ENTITY_RELATIONSHIP_TYPES, type EntityRelationshipType } from '../graph/model.js';
import { valueOrderedFields } from '../graph/ordering.js';
import { SET_PAGE_KEYS } from '../graph/page-keys.js';
import type { Run } from '../neo4j/db.js';
import { HELD_ENTITY, heldLabel, heldType, sourcedProperties, sourcedRelationshipProperties } from './model.js';
import { applySpanDeltas, RESPAN, spanDeltas } from './held-degrees.js';
import { COPY_CLAIM } from './store.js';
import { graphDate, graphDateTime, utcToday, valueAt } from './time.js';

/** What a write asks to re-derive: entities by id, relationships by claim id and type. */
export interface Touched {
  entities: Iterable<string>;
  relationships: Iterable<{ claimId: string; type: EntityRelationshipType }>;
}

/** Valid on `$asOf` (today) and asserted: the claim copy on `x` or a claim node. */
const inForce = (x: string) =>
  `(${x}.retractedAt IS NULL AND (${x}.validFrom IS NULL OR ${x}.validFrom <= $asOf)` +
  ` AND (${x}.validTo IS NULL OR ${x}.validTo > $asOf))`;

const ifThen = (condition: string, body: string) =>
  `FOREACH (_ IN CASE WHEN ${condition} THEN [1] ELSE [] END | ${body})`;

/** Null-safe "some position differs" between two lists of values. */
const differs = (before: string, after: string) =>
  `any(i IN range(0, size(${before}) - 1) WHERE NOT coalesce(${before}[i] = ${after}[i],` +
  ` ${before}[i] IS NULL AND ${after}[i] IS NULL))`;

/** What of an entity's existence claim its relationships' spans read (held-degrees.ts). */
const EXISTENCE = (n: string) => `[${n}.validFrom, ${n}.validTo, ${n}.retractedAt]`;

const ENTITY_LIVENESS = `
UNWIND $ids AS id
MATCH (n:Entity|${HELD_ENTITY} {id: id})
OPTIONAL MATCH (c:Claim {id: n.claimId})
WITH n, c, ${EXISTENCE('n')} AS existedBefore
${ifThen('c IS NOT NULL', COPY_CLAIM('c', 'n'))}
WITH n, ${inForce('n')} AS live, n:Entity AS wasLive, ${differs('existedBefore', EXISTENCE('n'))} AS moved
${ENTITY_LABELS.map(
  (l) =>
    `${ifThen(`live AND NOT wasLive AND n:${heldLabel(l)}`, `REMOVE n:${HELD_ENTITY}:${heldLabel(l)} SET n:Entity:${l}`)}
${ifThen(`wasLive AND NOT live AND n:${l}`, `REMOVE n:Entity:${l} SET n:${HELD_ENTITY}:${heldLabel(l)}`)}`,
).join('\n')}
RETURN n.id AS id, live <> wasLive AS flipped, moved, [l IN labels(n) WHERE l IN $kinds][0] AS kind`;

/**
 * A field's value held today, when the field has any claim; a field no claim speaks of (written
 * by hand, or before claims) keeps the value it has.
 */
const claimedValue = (x: string, subjectExpr: string, field: string) =>
  `CASE WHEN EXISTS { MATCH (:Claim {subject: ${subjectExpr}, field: '${field}'}) } ` +
  `THEN ${valueAt(subjectExpr, field)} ELSE ${x}.${field} END`;

/**
 * The fields of `x` (subject `subjectExpr`) whose value is the same at every slice `x` itself is
 * held at, so a time read takes `x.field` instead of seeking the field's claims (time.ts,
 * `valueAt`). A field is settled when it has exactly one claim, never retracted, open-ended, in
 * force today (so `x.field` holds its value), valid from no later than `x` and recorded no later
 * than `x`: then every slice that holds `x` holds that claim and no other. `fields`: the names, or
 * a Cypher list expression of them.
 */
export const settledFields = (x: string, subjectExpr: string, fields: readonly string[] | string): string =>
  `[f IN ${typeof fields === 'string' ? fields : `[${fields.map((f) => `'${f}'`).join(', ')}]`} WHERE ` +
  `COUNT { MATCH (:Claim {subject: ${subjectExpr}, field: f}) } = 1 AND ` +
  `EXISTS { MATCH (c:Claim {subject: ${subjectExpr}, field: f}) WHERE c.retractedAt IS NULL AND c.validTo IS NULL` +
  ` AND (c.validFrom IS NULL OR (c.validFrom <= $asOf AND c.validFrom <= ${x}.validFrom))` +
  ` AND c.recordedAt <= ${x}.recordedAt }]`;

/**
 * Sets `fields` of `x` to their values held today (subject `subjectExpr`) and which of them are
 * settled, stamping `updatedAt` when a value changed; the stamp never goes back, as a write that
 * began before the node was made may finish after.
 */
function deriveValues(x: string, subjectExpr: string, fields: readonly string[]): string {
  const list = `[${fields.map((f) => `${x}.${f}`).join(', ')}]`;
  const stamp = `CASE WHEN ${x}.updatedAt > datetime($now) THEN ${x}.updatedAt ELSE datetime($now) END`;
  return `WITH ${x}, ${list} AS before
SET ${fields.map((f) => `${x}.${f} = ${claimedValue(x, subjectExpr, f)}`).join(', ')}
SET ${x}.settled = ${settledFields(x, subjectExpr, fields)}
WITH ${x}, before, ${list} AS after
${ifThen(differs('before', 'after'), `SET ${x}.updatedAt = ${stamp}`)}`;
}

/**
 * Marks the claims of each field of entity `x` in `fields` (a Cypher list over the variables in
 * `scope`) for the claim index pages at a slice read in value order (src/plan/root-page.ts):
 * `unsettledField` is the field's name on every claim of a field not settled on `x`, and absent
 * otherwise, so that index holds only the values that change over time.
 */
export const markUnsettledClaims = (x: string, fields: string, scope = x): string =>
  `CALL (${scope}) { UNWIND ${fields} AS f MATCH (c:Claim {subject: ${x}.id, field: f})` +
  ` SET c.unsettledField = CASE WHEN f IN ${x}.settled THEN null ELSE f END }`;

const entityValues = (label: (typeof ENTITY_LABELS)[number]) => {
  const fields = Object.keys(sourcedProperties(label));
  const ordered = valueOrderedFields(label);
  return fields.length === 0
    ? null
    : `UNWIND $ids AS id MATCH (n:Entity|${HELD_ENTITY} {id: id})
${deriveValues('n', 'n.id', fields)}${
  ordered.length > 0 ? `\nWITH n\n${markUnsettledClaims('n', `[${ordered.map((f) => `'${f}'`).join(', ')}]`)}` : ''
}`;
};

/** The relationships of type `type` with these claim ids, live or held back. */
const byClaimId = (type: EntityRelationshipType) =>
  `CALL (id) { MATCH ()-[r:${type}]->() WHERE r.claimId = id RETURN r
  UNION MATCH ()-[r:${heldType(type)}]->() WHERE r.claimId = id RETURN r }`;

const relationshipState = (type: EntityRelationshipType) => `
UNWIND $ids AS id
${byClaimId(type)}
MATCH (c:Claim {id: id})
${COPY_CLAIM('c', 'r')}
WITH r, startNode(r) AS a, endNode(r) AS b
WITH r, a, b, ${inForce('r')} AND a:Entity AND b:Entity AS live, type(r) = '${type}' AS wasLive
CALL (r, a, b, live, wasLive) {
  WITH r, a, b WHERE live AND NOT wasLive
  CREATE (a)-[x:${type}]->(b) SET x = properties(r) DELETE r
  WITH a, x, b
  ${SET_PAGE_KEYS('a', 'x', 'b')}
}
CALL (r, a, b, live, wasLive) {
  WITH r, a, b WHERE wasLive AND NOT live
  CREATE (a)-[x:${heldType(type)}]->(b) SET x = properties(r) DELETE r
}
RETURN count(*) AS done`;

const relationshipValues = (type: EntityRelationshipType) => {
  const fields = Object.keys(sourcedRelationshipProperties(type));
  return fields.length === 0
    ? null
    : `UNWIND $ids AS id
${byClaimId(type)}
${deriveValues('r', 'r.claimId', fields)}`;
};

/** The claim ids of every relationship (live or held) touching these entities, by type. */
const RELATIONSHIPS_OF = `
UNWIND $ids AS id
MATCH (n:Entity|${HELD_ENTITY} {id: id})-[r:${[...ENTITY_RELATIONSHIP_TYPES, ...ENTITY_RELATIONSHIP_TYPES.map(heldType)].join('|')}]-()
WHERE r.claimId IS NOT NULL
RETURN DISTINCT r.claimId AS claimId, replace(type(r), 'H_', '') AS type`;

/** Re-derives today's graph for what a write touched, inside the write's transaction. */
export async function materialize(run: Run, touched: Touched, now: string): Promise<void> {
  const params = { asOf: graphDate(utcToday(new Date(now))), knownAt: graphDateTime(now), now };
  const ids = [...new Set(touched.entities)];
  const byType = new Map<EntityRelationshipType, Set<string>>();
  const add = (type: EntityRelationshipType, claimId: string) => {
    const set = byType.get(type) ?? new Set<string>();
    set.add(claimId);
    byType.set(type, set);
  };
  for (const r of touched.relationships) add(r.type, r.claimId);
  if (ids.length > 0) {
    const nodes = await run(ENTITY_LIVENESS, {
      ...params,
      ids,
      kinds: [...ENTITY_LABELS, ...ENTITY_LABELS.map(heldLabel)],
    });
    // An entity whose liveness or existence interval changed moves its relationships' spans too.
    const flipped = nodes.filter((r) => r.flipped || r.moved).map((r) => r.id);
    for (const label of ENTITY_LABELS) {
      const statement = entityValues(label);
      const ofKind = nodes.filter((r) => r.kind === label || r.kind === heldLabel(label)).map((r) => r.id);
      if (statement && ofKind.length > 0) await run(statement, { ...params, ids: ofKind });
    }
    if (flipped.length > 0) {
      for (const r of await run(RELATIONSHIPS_OF, { ids: flipped })) {
        add(r.type as EntityRelationshipType, String(r.claimId));
      }
    }
  }
  const spans = new Map() as ReturnType<typeof spanDeltas>;
  for (const [type, claimIds] of byType) {
    const list = [...claimIds];
    await run(relationshipState(type), { ...params, ids: list });
    const statement = relationshipValues(type);
    if (statement) await run(statement, { ...params, ids: list });
    spanDeltas(await run(`UNWIND $ids AS id ${byClaimId(type)} ${RESPAN}`, { ids: list }), spans);
  }
  await applySpanDeltas(run, spans, now);
}

/** The relationship indexes materialize and claim reads seek on: `claimId` of each type, live and held. */
export const claimIdIndexes = (): string[] =>
  ENTITY_RELATIONSHIP_TYPES.flatMap((type) =>
    [type, heldType(type)].map(
      (t) => `CREATE INDEX ${t.toLowerCase()}_claim_id IF NOT EXISTS FOR ()-[r:${t}]-() ON (r.claimId)`,
    ),
  );
