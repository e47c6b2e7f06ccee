import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import neo4j from 'neo4j-driver';
import { translateError } from '../../src/neo4j/db.js';
import { migrate, schemaStatements } from '../../src/neo4j/migrate.js';
import { pinnedNeo4jVersion } from '../../src/neo4j/local-server.js';
import { openTestGraph, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(() => t.close());

describe('the test database', () => {
  it('is a real Neo4j, of the pinned version when the project started it', async () => {
    const [row] = await t.db.read(
      'CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition',
    );
    expect(row?.name).toBe('Neo4j Kernel');
    expect(row?.edition).toMatch(/community|enterprise/);
    // The pinned version when the suite started Neo4j itself; any Neo4j 5 when NEO4J_URI names one.
    const version = (row?.versions as string[])[0];
    if (process.env.NEO4J_URI) expect(version).toMatch(/^5\./);
    else expect(version).toBe(pinnedNeo4jVersion());
  });

  it('has the constraints and indexes from cypher/schema after migration', async () => {
    const constraints = await t.db.read('SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type RETURN *');
    const byName = new Map(constraints.map((c) => [c.name, c]));
    expect(byName.get('entity_id')).toMatchObject({
      labelsOrTypes: ['Entity'],
      properties: ['id'],
      type: 'UNIQUENESS',
    });
    expect(byName.get('entity_slug')).toMatchObject({ labelsOrTypes: ['Entity'], properties: ['slug'] });
    expect(byName.get('source_id')).toMatchObject({ labelsOrTypes: ['Source'], properties: ['id'] });
    const [fulltext] = await t.db.read(
      "SHOW INDEXES YIELD name, type, state, properties WHERE name = 'entity_search' RETURN *",
    );
    expect(fulltext).toMatchObject({
      type: 'FULLTEXT',
      state: 'ONLINE',
      properties: ['name', 'aliases', 'description'],
    });
  });

  it('applies the schema idempotently: a second run changes nothing', async () => {
    const snapshot = async () =>
      JSON.stringify([
        await t.db.read('SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN * ORDER BY name'),
        await t.db.read('SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN * ORDER BY name'),
      ]);
    const before = await snapshot();
    const applied = await migrate(t.db);
    expect(applied).toBe(schemaStatements().length);
    expect(await snapshot()).toBe(before);
  });

  it('enforces slug uniqueness across entity kinds', async () => {
    const slug = `dup-${Date.now()}`;
    await t.db.write('CREATE (:Entity:Company {id: $id, slug: $slug, name: "A"})', { id: `${slug}-1`, slug });
    try {
      await expect(
        t.db.write('CREATE (:Entity:Person {id: $id, slug: $slug, name: "B"})', { id: `${slug}-2`, slug }),
      ).rejects.toThrow(/already exists/);
    } finally {
      await t.db.write('MATCH (n:Entity) WHERE n.slug = $slug DETACH DELETE n', { slug });
    }
  });
});

describe('migrations under concurrency', () => {
  it('two servers migrating the same database at once both succeed', async () => {
    // A scratch index of this test's own, so the shared schema other files use is untouched.
    const name = `race_probe_${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), 'stargraph-migrations-'));
    writeFileSync(join(dir, '001-race.cypher'), `CREATE INDEX ${name} IF NOT EXISTS FOR (n:RaceProbe) ON (n.key);\n`);
    const other = await openTestGraph();
    try {
      const results = await Promise.allSettled([
        migrate(t.db, dir),
        migrate(other.db, dir),
        migrate(t.graph.db(), dir),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const [row] = await t.db.read('SHOW INDEXES YIELD name WHERE name = $name RETURN count(*) AS n', { name });
      expect(row?.n).toBe(1);
    } finally {
      await t.db.write(`DROP INDEX ${name} IF EXISTS`);
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a driver whose pool has no free connection in time', () => {
  it('fails with DATABASE_UNAVAILABLE (busy), not an internal error', async () => {
    const { uri, user, password, database } = t.config.neo4j;
    const driver = neo4j.driver(uri!, neo4j.auth.basic(user, password), {
      maxConnectionPoolSize: 1,
      connectionAcquisitionTimeout: 300,
      logging: { level: 'error', logger: () => {} },
    });
    const holder = driver.session({ database });
    const tx = await holder.beginTransaction();
    const waiting = driver.session({ database });
    try {
      const failure = await waiting.run('RETURN 1').then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).not.toBeNull();
      const translated = translateError(failure, {}, 1000) as { extensions?: Record<string, unknown> };
      expect(translated.extensions).toEqual({
        code: 'DATABASE_UNAVAILABLE',
        reason: 'busy: no free connection in time',
      });
    } finally {
      await tx.rollback();
      await waiting.close();
      await holder.close();
      await driver.close();
    }
  });
});
