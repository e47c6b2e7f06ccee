/**
 * Ending and withdrawing claims: `disconnect` ends a relationship in the world (`validTo`),
 * `retractClaim` and `deleteEntity` withdraw what should never have been asserted (`retractedAt`:
 * a `knownAt` before it still shows it), and `purgeEntity` is the one real delete.
 */
import { ENTITY_RELATIONSHIP_TYPES, type EntityRelationshipType } from '../graph/model.js';
import type { Row, Run } from '../neo4j/db.js';
import { deleteWithHeldDegrees } from './held-degrees.js';
import { materialize } from './materialize.js';
import { HELD_ENTITY, heldType } from './model.js';
import { planDisconnect, type AssertedClaim } from './rules.js';
import { closeClaims } from './store.js';
import { utcToday } from './time.js';
import { noteClaimChanges } from './journal.js';

const ALL_TYPES = [...ENTITY_RELATIONSHIP_TYPES, ...ENTITY_RELATIONSHIP_TYPES.map(heldType)].join('|');

/**
 * Ends the relationship `type` from `fromId` to `toId` on `day` (default: the write's date).
 * Null when none was in force then; else its properties as they were.
 */
export async function disconnectClaims(
  run: Run,
  type: EntityRelationshipType,
  fromId: string,
  toId: string,
  now: string,
  day?: string,
): Promise<{ relationshipId: string; properties: Row } | null> {
  const rows = await run(
    `MATCH (a:Entity {id: $fromId})-[r:${type}|${heldType(type)}]->(b:Entity {id: $toId})
     WHERE r.retractedAt IS NULL
     RETURN r.claimId AS id, toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo,
            type(r) = '${type}' AS live, elementId(r) AS relationshipId, properties(r) AS properties`,
    { fromId, toId },
  );
  const claims = rows.map((r) => ({ ...r, value: null, recordedAt: '', citations: [] }) as unknown as AssertedClaim);
  const closes = planDisconnect(claims, day ?? utcToday(new Date(now)));
  if (closes.length === 0) return null;
  await closeClaims(run, closes, now);
  await materialize(run, { entities: [], relationships: closes.map((c) => ({ claimId: c.id, type })) }, now);
  const live = rows.find((r) => r.live) ?? rows[0]!;
  return { relationshipId: String(live.relationshipId), properties: live.properties as Row };
}

/**
 * Retracts claim `id` (and, for a relationship or existence claim, the copy its relationship or
 * entity carries), then re-derives today's graph. Null when there is no such claim; an already
 * retracted claim keeps its first retraction.
 */
export async function retractClaim(run: Run, id: string, reason: string, now: string): Promise<Row | null> {
  const [row] = await run(
    `MATCH (c:Claim {id: $id})
     SET c.retractedAt = coalesce(c.retractedAt, datetime($now)), c.retractReason = coalesce(c.retractReason, $reason)
     RETURN c.kind AS kind, c.subject AS subject, c.type AS type`,
    { id, reason, now },
  );
  if (!row) return null;
  noteClaimChanges([{ claimId: id, change: 'RETRACTED', on: now.slice(0, 10), at: now }]);
  if (row.kind === 'ENTITY') await materialize(run, { entities: [String(row.subject)], relationships: [] }, now);
  else if (row.kind === 'RELATIONSHIP') {
    const type = String(row.type) as EntityRelationshipType;
    await materialize(run, { entities: [], relationships: [{ claimId: id, type }] }, now);
  } else await materializeValueSubject(run, String(row.subject), now);
  return row;
}

/** A value claim's subject is an entity id or a relationship's claim id: re-derive whichever. */
async function materializeValueSubject(run: Run, subject: string, now: string): Promise<void> {
  const [rel] = await run(`MATCH (c:Claim {id: $subject, kind: 'RELATIONSHIP'}) RETURN c.type AS type`, { subject });
  if (rel) {
    const type = String(rel.type) as EntityRelationshipType;
    await materialize(run, { entities: [], relationships: [{ claimId: subject, type }] }, now);
  } else {
    await materialize(run, { entities: [subject], relationships: [] }, now);
  }
}

/**
 * `deleteEntity`: retracts the entity's existence, its values and every relationship claim touching it, and
 * drops the MENTIONS links to it (links, not claims). Null when no live entity has the id; else
 * how many relationships it had.
 */
export async function retractEntity(run: Run, id: string, now: string): Promise<{ relationships: number } | null> {
  const [row] = await run(
    `MATCH (n:Entity {id: $id})
     CALL (n) { MATCH (n)-[r:${ENTITY_RELATIONSHIP_TYPES.join('|')}|MENTIONS]-() RETURN count(r) AS live }
     CALL (n) { MATCH (n)<-[m:MENTIONS]-() DELETE m }
     CALL (n) {
       MATCH (n)-[r:${ALL_TYPES}]-() WHERE r.retractedAt IS NULL
       MATCH (c:Claim {id: r.claimId})
       SET c.retractedAt = datetime($now), c.retractReason = 'entity deleted'
       RETURN collect(c.id) AS retracted
     }
     CALL (n) {
       MATCH (v:Claim {subject: n.id}) WHERE v.kind = 'VALUE' AND v.retractedAt IS NULL
       SET v.retractedAt = datetime($now), v.retractReason = 'entity deleted'
       RETURN collect(v.id) AS values
     }
     MATCH (e:Claim {id: n.claimId})
     SET e.retractedAt = coalesce(e.retractedAt, datetime($now)), e.retractReason = coalesce(e.retractReason, 'entity deleted')
     RETURN live, retracted + values + e.id AS retracted`,
    { id, now },
  );
  if (!row) return null;
  const on = now.slice(0, 10);
  noteClaimChanges((row.retracted as string[]).map((claimId) => ({ claimId, change: 'RETRACTED', on, at: now })));
  await materialize(run, { entities: [id], relationships: [] }, now);
  return { relationships: Number(row.live) };
}

/**
 * `purgeEntity`: deletes the entity (live or held back), its relationships of every type, and every
 * claim about it or them. Null when no entity has the id.
 */
export async function purgeEntity(run: Run, id: string): Promise<{ claims: number } | null> {
  const [row] = await deleteWithHeldDegrees(run, [id], () =>
    run(
      `MATCH (n:Entity|${HELD_ENTITY} {id: $id})
     OPTIONAL MATCH (n)-[r:${ALL_TYPES}]-()
     WITH n, collect(DISTINCT r.claimId) AS relationshipClaims
     CALL (n, relationshipClaims) {
       CALL (n, relationshipClaims) {
         MATCH (c:Claim {subject: n.id}) RETURN c
         UNION MATCH (c:Claim {object: n.id}) RETURN c
         UNION UNWIND relationshipClaims AS rc MATCH (c:Claim {subject: rc}) RETURN c
       }
       DETACH DELETE c
       RETURN count(*) AS claims
     }
     DETACH DELETE n
     RETURN claims`,
      { id },
    ),
  );
  return row ? { claims: Number(row.claims) } : null;
}
