import type { Db } from '../../src/neo4j/db.js';
import { ENTITY_LABELS, type EntityLabel } from '../../src/graph/model.js';
import { searchKeysOf } from '../../src/graph/search.js';
import { SET_PAGE_KEYS } from '../../src/graph/page-keys.js';

export interface FixtureEntity {
  label: EntityLabel;
  slug: string;
  name: string;
  props?: Record<string, unknown>;
}

/** Creates entities with ids = slugs (tests only), one statement per label. */
export async function createEntities(db: Db, entities: FixtureEntity[]): Promise<void> {
  for (const label of ENTITY_LABELS) {
    const rows = entities
      .filter((e) => e.label === label)
      .map((e) => ({ id: e.slug, slug: e.slug, name: e.name, props: e.props ?? {} }));
    if (rows.length === 0) continue;
    await db.write(
      `UNWIND $rows AS row
       CREATE (n:Entity:${label} {id: row.id, slug: row.slug, name: row.name, aliases: [], createdAt: datetime(), updatedAt: datetime()})
       SET n += row.props
       SET n.searchKeys = ${searchKeysOf('n')}`,
      { rows },
    );
  }
}

/**
 * Creates relationships between fixture slugs, with their page keys as every write sets them;
 * `type` comes from test code, never a request.
 */
export async function relate(
  db: Db,
  type: string,
  pairs: Array<[string, string, Record<string, unknown>?]>,
): Promise<void> {
  await db.write(
    `UNWIND $pairs AS pair
     MATCH (a:Entity {slug: pair[0]}), (b:Entity {slug: pair[1]})
     CREATE (a)-[r:${type}]->(b) SET r += pair[2]
     ${SET_PAGE_KEYS('a', 'r', 'b')}`,
    { pairs: pairs.map(([a, b, p]) => [a, b, p ?? {}]) },
  );
}

export async function deleteFixtures(db: Db, prefix: string): Promise<void> {
  await db.write(
    `MATCH (n:Entity|HEntity) WHERE n.slug STARTS WITH $prefix
     OPTIONAL MATCH (i:Identifier {entity: n.id}) DETACH DELETE i`,
    { prefix },
  );
  await db.write('MATCH (n:Entity) WHERE n.slug STARTS WITH $prefix DETACH DELETE n', { prefix });
  await db.write('MATCH (s:Source) WHERE s.id STARTS WITH $prefix DETACH DELETE s', { prefix });
}
