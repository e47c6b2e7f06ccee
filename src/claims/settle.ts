/**
 * Graphs given claims before settled fields existed (materialize.ts) get their `settled` lists
 * once, at start-up: every entity and relationship with a claim and no list yet, in batches of
 * their own transactions. Until then a time read of such a holder seeks its claims, which answers
 * the same, only slower. The `(:StargraphMeta {key: 'settled'})` node says the pass is done, so
 * later starts do not scan for it; writes and the claims upgrade keep the lists from then on.
 */
import { ENTITY_LABELS, ENTITY_RELATIONSHIP_TYPES, type EntityLabel } from '../graph/model.js';
import { valueOrderedFields } from '../graph/ordering.js';
import type { Logger } from '../logger.js';
import type { Db } from '../neo4j/db.js';
import { HELD_ENTITY, heldLabel, heldType, sourcedProperties, sourcedRelationshipProperties } from './model.js';
import { markUnsettledClaims, settledFields } from './materialize.js';
import { graphDate, utcToday } from './time.js';

const BATCH = 1000;

const ENTITIES = `
MATCH (n:Entity|${HELD_ENTITY}) WHERE n.settled IS NULL AND n.claimId IS NOT NULL
CALL (n) {
  WITH n, head([l IN labels(n) WHERE l <> 'Entity' AND l <> '${HELD_ENTITY}']) AS kind
  SET n.settled = ${settledFields('n', 'n.id', '$fieldsByLabel[kind]')}
  WITH n, $orderedByLabel[kind] AS ordered
  ${markUnsettledClaims('n', 'ordered', 'n, ordered')}
} IN TRANSACTIONS OF ${BATCH} ROWS
RETURN count(*) AS settled`;

const relationships = (type: (typeof ENTITY_RELATIONSHIP_TYPES)[number]) => `
MATCH ()-[r:${type}|${heldType(type)}]->() WHERE r.settled IS NULL AND r.claimId IS NOT NULL
CALL (r) {
  SET r.settled = ${settledFields('r', 'r.claimId', '$fields')}
} IN TRANSACTIONS OF ${BATCH} ROWS
RETURN count(*) AS settled`;

/** Settles what the graph holds without a `settled` list, once; returns how many it settled. */
export async function settleGraph(db: Db, logger: Logger): Promise<number> {
  const [done] = await db.read(`OPTIONAL MATCH (m:StargraphMeta {key: 'settled'}) RETURN m IS NOT NULL AS done`);
  if (done?.done === true) return 0;
  const started = performance.now();
  const asOf = graphDate(utcToday());
  const byKind = (fields: (label: EntityLabel) => string[]) =>
    Object.fromEntries(ENTITY_LABELS.flatMap((label) => [label, heldLabel(label)].map((l) => [l, fields(label)])));
  const fieldsByLabel = byKind((label) => Object.keys(sourcedProperties(label)));
  const orderedByLabel = byKind(valueOrderedFields);
  let settled = Number((await db.writeAutoCommit(ENTITIES, { asOf, fieldsByLabel, orderedByLabel }))[0]?.settled ?? 0);
  for (const type of ENTITY_RELATIONSHIP_TYPES) {
    const fields = Object.keys(sourcedRelationshipProperties(type));
    settled += Number((await db.writeAutoCommit(relationships(type), { asOf, fields }))[0]?.settled ?? 0);
  }
  await db.write(`MERGE (:StargraphMeta {key: 'settled'})`);
  if (settled > 0) {
    logger.info('Marked the settled values of the graph', {
      settled,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
  }
  return settled;
}
