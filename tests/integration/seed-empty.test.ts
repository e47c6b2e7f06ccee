/**
 * "The seed loads by itself into an empty graph" (README), as the server does it: `openGraph`
 * with SEED_ON_EMPTY on a database with no entity. The run's shared Neo4j is never empty (other
 * files write to it at the same time), so this file starts a throwaway Neo4j of its own.
 *
 * Expected counts and facts are written out from the seed file's content, not read from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraph, type OpenGraph } from '../../src/open-graph.js';
import { loadSeed } from '../../src/graph/seed.js';
import { createLogger } from '../../src/logger.js';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/neo4j/local-server.js';
import { gql, serverEnv, testConfig, testServer } from '../utils/graph.js';

const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-seed-empty-'));
let server: LocalNeo4j | undefined;
const opened: OpenGraph[] = [];

beforeAll(async () => {
  server = await startLocalNeo4j({ dataDir, heap: '512m', pageCache: '64m', mode: 'attached' });
}, 180_000);

afterAll(async () => {
  for (const o of opened) await o.close().catch(() => {});
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** What the server does at start-up, on this file's Neo4j. */
async function open(seedOnEmpty: boolean) {
  // A fresh database builds its indexes on first start: slow on a loaded machine, not a failure.
  const config = testConfig({ ...serverEnv(server!), SEED_ON_EMPTY: String(seedOnEmpty), QUERY_TIMEOUT_MS: '60000' });
  const o = await openGraph(config, createLogger('silent'));
  opened.push(o);
  return { o, db: o.graph.db(), config };
}

async function close(o: OpenGraph) {
  opened.splice(opened.indexOf(o), 1);
  await o.close();
}

/**
 * Every node and relationship in the database, counted by label and by type; the server's own
 * bookkeeping (the day today's graph was last moved to, src/claims/horizon.ts) left out.
 */
async function census(db: Awaited<ReturnType<typeof open>>['db']) {
  const nodes = await db.read(
    `MATCH (n) WHERE NOT n:StargraphMeta
     UNWIND [l IN labels(n) WHERE l <> 'Entity'] AS label RETURN label, count(*) AS n ORDER BY label`,
  );
  const rels = await db.read('MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type');
  const [entities] = await db.read('MATCH (n:Entity) RETURN count(n) AS n');
  return {
    entities: Number(entities!.n),
    labels: Object.fromEntries(nodes.map((r) => [r.label as string, Number(r.n)])),
    types: Object.fromEntries(rels.map((r) => [r.type as string, Number(r.n)])),
  };
}

/** Every property of every node and relationship, timestamps included, as one string. */
async function snapshot(db: Awaited<ReturnType<typeof open>>['db']) {
  const nodes = await db.read(
    'MATCH (n) WHERE NOT n:StargraphMeta RETURN labels(n) AS l, properties(n) AS p ORDER BY coalesce(n.slug, n.id)',
  );
  const rels = await db.read(
    'MATCH (a)-[r]->(b) RETURN coalesce(a.slug, a.id) AS a, type(r) AS t, coalesce(b.slug, b.id) AS b, properties(r) AS p ORDER BY a, t, b',
  );
  return JSON.stringify({ nodes, rels });
}

const SEEDED = {
  entities: 14,
  // One claim per entity (14), relationship (16) and sourced value (42) of the seed file; one
  // Identifier per external identifier (Microsoft 3, SoftBank, Oracle, CoreWeave 2, OpenAI, Trump 1).
  labels: { Claim: 72, Company: 5, Datacenter: 3, Deal: 3, Identifier: 11, Person: 2, Project: 1, Source: 2 },
  types: {
    ANNOUNCED: 2,
    CITES: 1,
    COVERS: 2,
    LEADS: 1,
    MENTIONS: 19,
    OPERATES: 2,
    PARTICIPATES_IN: 2,
    PART_OF: 1,
    PARTY_TO: 6,
  },
};

describe('the seed and an empty graph', { timeout: 180_000 }, () => {
  it('with SEED_ON_EMPTY=false an empty graph stays empty', async () => {
    const { o, db } = await open(false);
    expect(await census(db)).toEqual({ entities: 0, labels: {}, types: {} });
    await close(o);
  });

  it('lands whole in an empty graph at start-up, with its facts', async () => {
    const { o, db, config } = await open(true);
    expect(await census(db)).toEqual(SEEDED);

    const [oracle] = await db.read(
      `MATCH (d:Deal {slug: 'openai-oracle-datacenter-deal'})
       RETURN d.valueUsd AS valueUsd, COLLECT { MATCH (c:Company)-[r:PARTY_TO]->(d) RETURN c.slug + ':' + r.role ORDER BY c.slug } AS parties`,
    );
    expect(oracle).toEqual({ valueUsd: 30e9, parties: ['openai:customer', 'oracle:provider'] });
    const [altman] = await db.read(
      `MATCH (:Person {slug: 'sam-altman'})-[r:LEADS]->(c:Company) RETURN c.slug AS company`,
    );
    expect(altman).toEqual({ company: 'openai' });

    // And through the API on that graph.
    const yoga = testServer(o.graph, config);
    const res = await gql<{ entity: { pledgedUsd: number; status: string; sources: Array<{ title: string }> } }>(
      yoga,
      '{ entity(slug: "stargate") { ... on Project { pledgedUsd status sources { title } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.entity).toMatchObject({ pledgedUsd: 500e9, status: 'STALLED' });
    expect(res.data!.entity.sources.map((s) => s.title).sort()).toEqual([
      "Stargate's slow start (French news report, July 2025)",
      "Wall Street Journal reporting on Stargate's progress",
    ]);
    await close(o);
  });

  it('is not loaded again into the seeded graph at the next start, and loading it again changes nothing', async () => {
    const first = await open(true);
    const before = await snapshot(first.db);
    await close(first.o);

    const second = await open(true);
    expect(await snapshot(second.db)).toBe(before);
    const again = await loadSeed(second.db);
    expect(again.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(again.updated).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(await snapshot(second.db)).toBe(before);
    expect(await census(second.db)).toEqual(SEEDED);
    await close(second.o);
  });

  it('leaves a graph that has any entity alone', async () => {
    const { o, db } = await open(false);
    await db.write('MATCH (n) DETACH DELETE n');
    await db.write(
      `CREATE (:Entity:Person {id: 'someone', slug: 'someone', name: 'Someone', aliases: [], createdAt: datetime(), updatedAt: datetime()})`,
    );
    await close(o);

    const reopened = await open(true);
    // Not seeded; the entity written without a claim gets its existence claim (src/claims/upgrade.ts).
    expect(await census(reopened.db)).toEqual({ entities: 1, labels: { Claim: 1, Person: 1 }, types: {} });
    await close(reopened.o);
  });
});
