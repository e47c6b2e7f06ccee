/**
 * Start-up upkeep of what every write sets on an entity, for entities written before it existed
 * or by hand (cypher/README.md):
 * - `searchKeys` (search.ts), without which search misses the entity;
 * - `createdAt`, without which pages by creation time leave it out: they read the (createdAt, id)
 *   index (root-connections.ts), which holds no node lacking it.
 * One scan of the entities for both, in batches; idempotent.
 */
import type { Db } from '../neo4j/db.js';
import { searchKeysOf } from './search.js';

export async function backfillEntities(db: Db, batchSize = 10_000): Promise<{ searchKeys: number; createdAt: number }> {
  const total = { searchKeys: 0, createdAt: 0 };
  for (;;) {
    const [row] = await db.write(
      `MATCH (n:Entity) WHERE n.searchKeys IS NULL OR n.createdAt IS NULL
       WITH n LIMIT toInteger($batchSize)
       WITH n, n.searchKeys IS NULL AS keys, n.createdAt IS NULL AS created
       FOREACH (_ IN CASE WHEN keys THEN [1] ELSE [] END | SET n.searchKeys = ${searchKeysOf('n')})
       FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
         SET n.createdAt = datetime(), n.updatedAt = coalesce(n.updatedAt, datetime()))
       RETURN count(n) AS updated,
              count(CASE WHEN keys THEN 1 END) AS keyed,
              count(CASE WHEN created THEN 1 END) AS dated`,
      { batchSize },
    );
    total.searchKeys += Number(row?.keyed ?? 0);
    total.createdAt += Number(row?.dated ?? 0);
    if (Number(row?.updated ?? 0) < batchSize) return total;
  }
}
