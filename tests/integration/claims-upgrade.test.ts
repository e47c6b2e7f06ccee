/**
 * The start-up upgrade of a graph written before claims existed (src/claims/upgrade.ts), on a
 * throwaway Neo4j of this file's own: the upgrade reads the whole graph, and the run's shared
 * Neo4j holds other files' entities, written at the same time.
 *
 * The pre-claims graph is written by hand, and the claims it should become are written out below
 * from the model's rules (kind-specific properties, read-only ones such as `firstYearUsd` and
 * `excludes` included, and relationship properties are sourced; name, description and aliases are
 * not), not derived by the code under test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { upgradeToClaims } from '../../src/claims/upgrade.js';
import { sourcedProperties, sourcedRelationshipProperties } from '../../src/claims/model.js';
import type { EntityLabel } from '../../src/graph/model.js';
import { createLogger } from '../../src/logger.js';
import { createDriver, type Db, GraphDb } from '../../src/neo4j/db.js';
import { migrate } from '../../src/neo4j/migrate.js';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/neo4j/local-server.js';
import { openGraph } from '../../src/open-graph.js';
import { serverEnv, testConfig } from '../utils/graph.js';

const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-claims-upgrade-'));
let server: LocalNeo4j | undefined;
let graph: GraphDb | undefined;
let db: Db;
const silent = createLogger('silent');

const config = () => testConfig({ ...serverEnv(server!), SEED_ON_EMPTY: 'false', QUERY_TIMEOUT_MS: '60000' });

beforeAll(async () => {
  server = await startLocalNeo4j({ dataDir, heap: '512m', pageCache: '64m', mode: 'attached' });
  const c = config();
  graph = new GraphDb(createDriver({ ...c.neo4j, uri: server.uri }), c.neo4j.database, c.limits.queryTimeoutMs);
  db = graph.db();
  await migrate(db);
}, 180_000);

afterAll(async () => {
  await graph?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

beforeEach(async () => {
  await db.write('MATCH (n) DETACH DELETE n');
});

const CREATED = '2025-01-02T03:04:05.000Z';
const UPDATED = '2025-02-03T04:05:06.000Z';
const REL_CREATED = '2025-03-04T05:06:07.000Z';
const REL_UPDATED = '2025-04-05T06:07:08.000Z';
const UPGRADE_STARTED = '2026-12-07T00:00:00.000Z';

/**
 * Entities with creation times (one with only an update time, one with neither, as written by
 * hand), relationships with and without times (bulk-loaded ones have none), values set and
 * absent, and a source, which is no claim.
 */
const PRE_CLAIMS_GRAPH = `
CREATE (acme:Entity:Company {id: 'e-acme', slug: 'acme', name: 'Acme', description: 'A lab', aliases: ['ACME'],
  kind: 'AI_LAB', country: 'US', createdAt: datetime($created), updatedAt: datetime($updated)})
CREATE (beta:Entity:Company {id: 'e-beta', slug: 'beta', name: 'Beta', aliases: [], kind: 'INVESTOR',
  createdAt: datetime($created)})
CREATE (ann:Entity:Person {id: 'e-ann', slug: 'ann', name: 'Ann', aliases: [], createdAt: datetime($created)})
CREATE (plan:Entity:Project {id: 'e-plan', slug: 'plan', name: 'Plan', aliases: [], status: 'STALLED',
  announcedOn: date('2025-01-21'), pledgedUsd: 5.0e11, firstYearUsd: 1.0e11, updatedAt: datetime($updated)})
CREATE (site:Entity:Datacenter {id: 'e-site', slug: 'site', name: 'Site', aliases: [], powerMw: 1200.0})
CREATE (deal:Entity:Deal {id: 'e-deal', slug: 'deal', name: 'Deal', aliases: [], kind: 'COMPUTE_LEASE',
  valueUsd: 3.0e10, announcedOn: date('2025-06-30'), excludes: ['beta'], createdAt: datetime($created)})
CREATE (src:Source {id: 's-report', title: 'Report', createdAt: datetime($created)})
CREATE (src)-[:MENTIONS]->(acme)
CREATE (ann)-[:LEADS {title: 'CEO', since: date('2019-03-01'), createdAt: datetime($relCreated),
  updatedAt: datetime($relUpdated)}]->(acme)
CREATE (acme)-[:PARTY_TO {role: 'buyer'}]->(deal)
CREATE (beta)-[:PARTY_TO]->(deal)
CREATE (acme)-[:PARTICIPATES_IN {role: 'lead', committedUsd: 1.9e10, updatedAt: datetime($relUpdated)}]->(plan)
CREATE (deal)-[:PART_OF {createdAt: datetime($relCreated)}]->(plan)
CREATE (deal)-[:COVERS]->(site)
CREATE (beta)-[:INVESTS_IN {amountUsd: 1.0e9}]->(acme)
CREATE (acme)-[:ANNOUNCED {on: date('2025-01-21')}]->(plan)
CREATE (acme)-[:OPERATES]->(site)`;

async function writePreClaimsGraph() {
  await db.write(PRE_CLAIMS_GRAPH, {
    created: CREATED,
    updated: UPDATED,
    relCreated: REL_CREATED,
    relUpdated: REL_UPDATED,
  });
}

type Expected = Record<string, unknown>;
const entity = (subject: string, recordedAt: string): Expected => ({ kind: 'ENTITY', subject, recordedAt });
const value = (subject: string, field: string, v: unknown, recordedAt: string): Expected => ({
  kind: 'VALUE',
  subject,
  field,
  value: v,
  recordedAt,
});

/** The entity claims and their value claims the upgrade should write, by hand. */
const EXPECTED_ENTITY_CLAIMS: Expected[] = [
  entity('e-acme', CREATED),
  value('e-acme', 'kind', 'AI_LAB', CREATED),
  value('e-acme', 'country', 'US', CREATED),
  entity('e-beta', CREATED),
  value('e-beta', 'kind', 'INVESTOR', CREATED),
  entity('e-ann', CREATED),
  entity('e-plan', UPDATED),
  value('e-plan', 'status', 'STALLED', UPDATED),
  value('e-plan', 'announcedOn', '2025-01-21', UPDATED),
  value('e-plan', 'pledgedUsd', 5e11, UPDATED),
  value('e-plan', 'firstYearUsd', 1e11, UPDATED),
  entity('e-site', UPGRADE_STARTED),
  value('e-site', 'powerMw', 1200, UPGRADE_STARTED),
  entity('e-deal', CREATED),
  value('e-deal', 'kind', 'COMPUTE_LEASE', CREATED),
  value('e-deal', 'valueUsd', 3e10, CREATED),
  value('e-deal', 'announcedOn', '2025-06-30', CREATED),
  value('e-deal', 'excludes', ['beta'], CREATED),
];

/** Relationship claims, each with the value claims whose subject is its claim. */
const EXPECTED_RELATIONSHIP_CLAIMS: Array<[string, string, string, string, Record<string, unknown>]> = [
  ['e-ann', 'LEADS', 'e-acme', REL_CREATED, { title: 'CEO', since: '2019-03-01' }],
  ['e-acme', 'PARTY_TO', 'e-deal', UPGRADE_STARTED, { role: 'buyer' }],
  ['e-beta', 'PARTY_TO', 'e-deal', UPGRADE_STARTED, {}],
  ['e-acme', 'PARTICIPATES_IN', 'e-plan', REL_UPDATED, { role: 'lead', committedUsd: 1.9e10 }],
  ['e-deal', 'PART_OF', 'e-plan', REL_CREATED, {}],
  ['e-deal', 'COVERS', 'e-site', UPGRADE_STARTED, {}],
  ['e-beta', 'INVESTS_IN', 'e-acme', UPGRADE_STARTED, { amountUsd: 1e9 }],
  ['e-acme', 'ANNOUNCED', 'e-plan', UPGRADE_STARTED, { on: '2025-01-21' }],
  ['e-acme', 'OPERATES', 'e-site', UPGRADE_STARTED, {}],
];
const VALUE_COUNT =
  EXPECTED_ENTITY_CLAIMS.filter((c) => c.kind === 'VALUE').length +
  EXPECTED_RELATIONSHIP_CLAIMS.reduce((n, [, , , , values]) => n + Object.keys(values).length, 0);

/** Rows as JSON with their keys sorted, in order: for comparing collections whatever their order. */
const sortByJson = (rows: unknown[]) =>
  rows
    .map((r) => JSON.stringify(r, (_key, v) => (isRecord(v) ? Object.fromEntries(Object.entries(v).sort()) : v)))
    .sort();
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every claim, as stored (ids and all), with the claim ids nodes and relationships point at. */
async function readClaims() {
  const claims = await db.read('MATCH (c:Claim) RETURN properties(c) AS c');
  const nodes = await db.read(
    `MATCH (n) WHERE NOT n:Claim AND NOT n:StargraphMeta
     RETURN coalesce(n.slug, n.id) AS key, labels(n) AS labels, properties(n) AS p`,
  );
  const rels = await db.read('MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS p');
  return { claims: claims.map((r) => r.c as Record<string, unknown>), nodes, rels };
}

/** What reads see: every node's and relationship's properties, less the claim copies. */
async function readsSee() {
  const { nodes, rels } = await readClaims();
  const strip = (p: unknown) => {
    const { claimId: _id, recordedAt: _at, settled: _settled, ...rest } = p as Record<string, unknown>;
    return rest;
  };
  return {
    nodes: sortByJson(nodes.map((n) => ({ ...n, p: strip(n.p) }))),
    rels: sortByJson(rels.map((r) => ({ ...r, p: strip(r.p) }))),
  };
}

/** The sourced fields `p` holds a value for, sorted. */
const heldFields = (p: Record<string, unknown>, sourced: Record<string, unknown>) =>
  Object.keys(sourced)
    .filter((f) => p[f] !== undefined && p[f] !== null)
    .sort();

const CLAIM_ID = /^clm-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The graph holds exactly the expected claims, each once, open and uncited, and every entity and
 * relationship between entities points at its own claim with the same recording time.
 */
async function expectUpgraded() {
  const { claims, nodes, rels } = await readClaims();
  const byId = new Map(claims.map((c) => [c.id as string, c]));
  expect(byId.size).toBe(claims.length);
  for (const c of claims) {
    expect(c.id).toMatch(CLAIM_ID);
    for (const absent of ['validFrom', 'validTo', 'retractedAt', 'confidence', 'citeSources', 'citeQuotes'])
      expect(c[absent]).toBeUndefined();
  }
  // Relationship value claims name their relationship's claim: read it back as a-TYPE-b.
  const relationshipKey = new Map<string, string>();
  for (const r of rels) {
    const p = r.p as Record<string, unknown>;
    if (r.type === 'MENTIONS') {
      expect(p.claimId).toBeUndefined();
      continue;
    }
    const claim = byId.get(p.claimId as string);
    expect(claim).toMatchObject({ kind: 'RELATIONSHIP', subject: r.a, type: r.type, object: r.b });
    expect(p.recordedAt).toBe(claim!.recordedAt);
    // Each value has its one claim, recorded with the relationship's: all settled.
    expect([...(p.settled as string[])].sort()).toEqual(heldFields(p, sourcedRelationshipProperties(r.type as never)));
    relationshipKey.set(claim!.id as string, `${r.a}-${r.type}-${r.b}`);
  }
  for (const n of nodes) {
    const p = n.p as Record<string, unknown>;
    if (!(n.labels as string[]).includes('Entity')) {
      expect(p.claimId).toBeUndefined();
      continue;
    }
    expect(byId.get(p.claimId as string)).toMatchObject({ kind: 'ENTITY', subject: p.id, recordedAt: p.recordedAt });
    const kind = (n.labels as string[]).find((l) => l !== 'Entity') as EntityLabel;
    expect([...(p.settled as string[])].sort()).toEqual(heldFields(p, sourcedProperties(kind)));
  }
  const expected = [
    ...EXPECTED_ENTITY_CLAIMS,
    ...EXPECTED_RELATIONSHIP_CLAIMS.flatMap(([a, type, b, recordedAt, values]) => [
      { kind: 'RELATIONSHIP', subject: a, type, object: b, recordedAt },
      ...Object.entries(values).map(([field, v]) => value(`${a}-${type}-${b}`, field, v, recordedAt)),
    ]),
  ];
  const stored = claims.map(({ id: _id, ...c }) =>
    c.kind === 'VALUE' && relationshipKey.has(c.subject as string)
      ? { ...c, subject: relationshipKey.get(c.subject as string) }
      : c,
  );
  expect(sortByJson(stored)).toEqual(sortByJson(expected));
}

const startedAt = new Date(UPGRADE_STARTED);

describe('the claims upgrade', () => {
  it('makes every entity, relationship and sourced value an open claim, recorded when it was written', async () => {
    await writePreClaimsGraph();
    const before = await readsSee();
    const result = await upgradeToClaims(db, silent, { startedAt });
    expect(result).toEqual({
      entities: 6,
      relationships: EXPECTED_RELATIONSHIP_CLAIMS.length,
      values: VALUE_COUNT,
    });
    await expectUpgraded();
    // Nothing lost or changed: reads see every property they saw before.
    expect(await readsSee()).toEqual(before);
  });

  it('runs once: a second run finds nothing to do, writes nothing and logs nothing', async () => {
    await writePreClaimsGraph();
    await upgradeToClaims(db, silent, { startedAt });
    const first = await readClaims();
    const lines: string[] = [];
    const second = await upgradeToClaims(
      db,
      createLogger('info', (l) => lines.push(l)),
      { startedAt },
    );
    expect(second).toEqual({ entities: 0, relationships: 0, values: 0 });
    expect(lines).toEqual([]);
    const again = await readClaims();
    expect(sortByJson(again.claims)).toEqual(sortByJson(first.claims));
    expect(sortByJson(again.rels)).toEqual(sortByJson(first.rels));
  });

  it('resumes an interrupted run, in small batches, without a second claim for anything', async () => {
    await writePreClaimsGraph();
    const partial = await upgradeToClaims(db, silent, { startedAt, batchSize: 1, progressEvery: 1, limit: 4 });
    expect(partial).toMatchObject({ entities: 4, relationships: 0 });
    const [counted] = await db.read('MATCH (n:Entity) WHERE n.claimId IS NULL RETURN count(n) AS left');
    expect(counted!.left).toBe(2);
    // A second interruption, inside the relationships.
    await upgradeToClaims(db, silent, { startedAt, batchSize: 2, progressEvery: 1, limit: 6 });
    const rest = await upgradeToClaims(db, silent, { startedAt, batchSize: 1, progressEvery: 1 });
    expect(rest.entities + rest.relationships).toBe(6 + EXPECTED_RELATIONSHIP_CLAIMS.length - 4 - 6);
    await expectUpgraded();
  });

  it('claims, at the next start and once, the values of properties sourced after the graph was upgraded', async () => {
    await writePreClaimsGraph();
    await upgradeToClaims(db, silent, { startedAt });
    // The graph as an upgrade that did not yet source firstYearUsd and excludes left it: their
    // values on the nodes, no claim for them, not in the settled lists, and no list of fields.
    const late = ['firstYearUsd', 'excludes'];
    await db.write('MATCH (c:Claim) WHERE c.field IN $late DELETE c', { late });
    await db.write('MATCH (n:Entity) SET n.settled = [f IN n.settled WHERE NOT f IN $late]', { late });
    await db.write("MATCH (m:StargraphMeta {key: 'sourcedFields'}) DELETE m");
    const before = await readsSee();
    const lines: string[] = [];
    const next = await upgradeToClaims(
      db,
      createLogger('info', (l) => lines.push(l)),
      { startedAt },
    );
    // One value each: the project's first year and the deal's excluded company.
    expect(next).toEqual({ entities: 0, relationships: 0, values: 2 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'Claimed the values of newly sourced properties', values: 2 }),
    ]);
    // The same claims a first upgrade writes (recorded with their entity's, settled), reads unchanged.
    await expectUpgraded();
    expect(await readsSee()).toEqual(before);
    const after = await readClaims();
    const again = await upgradeToClaims(db, silent, { startedAt });
    expect(again).toEqual({ entities: 0, relationships: 0, values: 0 });
    expect(sortByJson((await readClaims()).claims)).toEqual(sortByJson(after.claims));
  });

  it('writes each claim once when two servers upgrade at the same time', async () => {
    await writePreClaimsGraph();
    const [a, b] = await Promise.all([
      upgradeToClaims(db, silent, { startedAt, batchSize: 1 }),
      upgradeToClaims(db, silent, { startedAt, batchSize: 1 }),
    ]);
    expect(a.entities + b.entities).toBe(6);
    expect(a.relationships + b.relationships).toBe(EXPECTED_RELATIONSHIP_CLAIMS.length);
    await expectUpgraded();
  });

  it('sets the Claim indexes aside for a bulk upgrade and puts them back as they were, online', async () => {
    await writePreClaimsGraph();
    const claimSchema = () =>
      db.read(
        `SHOW INDEXES YIELD name, labelsOrTypes, properties, type, owningConstraint, state
         WHERE 'Claim' IN labelsOrTypes RETURN name, properties, type, owningConstraint, state ORDER BY name`,
      );
    const before = await claimSchema();
    expect(before.length).toBeGreaterThanOrEqual(7);
    const lines: string[] = [];
    await upgradeToClaims(
      db,
      createLogger('info', (l) => lines.push(l)),
      { startedAt, bulkFrom: 1 },
    );
    const messages = lines.map((l) => JSON.parse(l).msg);
    expect(messages).toContain('Upgrading the graph to claims: Claim indexes set aside');
    expect(messages).toContain('Upgrading the graph to claims: Claim indexes online');
    expect(await claimSchema()).toEqual(before);
    await expectUpgraded();
  });

  it('runs at start-up, before creation times are filled in, with a progress line per stage', async () => {
    await writePreClaimsGraph();
    const lines: string[] = [];
    const opened = await openGraph(
      config(),
      createLogger('info', (l) => lines.push(l)),
    );
    await opened.close();
    const progress = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'Upgrading the graph to claims');
    expect(progress.map((l) => l.stage)).toEqual([
      'entities',
      ...['LEADS', 'ANNOUNCED', 'PARTICIPATES_IN', 'PARTY_TO', 'PART_OF', 'COVERS', 'OPERATES', 'INVESTS_IN'],
    ]);
    expect(progress[0]).toMatchObject({ upgraded: 6, of: 6, values: 12 });
    // The project without a creation time is recorded at its update; the site, with neither,
    // when the upgrade started (after this test began).
    const [plan] = await db.read(`MATCH (n:Entity {slug: 'plan'}) RETURN n.recordedAt AS at`);
    expect(plan!.at).toBe(UPDATED);
    const [site] = await db.read(`MATCH (n:Entity {slug: 'site'}) RETURN n.recordedAt AS at`);
    expect(Date.parse(site!.at as string)).toBeGreaterThan(Date.parse(UPGRADE_STARTED));
  });

  it('gives every relationship its span and a large node its held degree, once, at start-up', async () => {
    // A hub party to 60 deals, two of which start later, written before claims existed.
    await db.write(
      `CREATE (hub:Entity:Company {id: 'e-hub', slug: 'hub', name: 'Hub', aliases: []})
       WITH hub UNWIND range(1, 60) AS i
       CREATE (d:Entity:Deal {id: 'e-d' + i, slug: 'd' + i, name: 'D' + i, aliases: []})
       CREATE (hub)-[:PARTY_TO]->(d)`,
    );
    const opened = await openGraph(config(), silent);
    await opened.close();
    // The upgrade made every claim open, so each of the 60 counts from the open past on.
    const [held] = await db.read(
      `MATCH (h:HeldDegree {key: 'e-hub|PARTY_TO|OUT'}) RETURN [d IN h.days | toString(d)] AS days, h.deltas AS deltas`,
    );
    expect(held).toMatchObject({ days: ['0001-01-01'], deltas: [60] });
    const [spans] = await db.read(
      `MATCH ()-[r:PARTY_TO]->() RETURN count(*) AS all, count(CASE WHEN r.spanned THEN 1 END) AS spanned`,
    );
    expect(spans).toEqual({ all: 60, spanned: 60 });
    // Each deal has one relationship: below the size that keeps a held degree.
    const [small] = await db.read(`MATCH (h:HeldDegree) RETURN count(h) AS n`);
    expect(small!.n).toBe(1);
    // Done once: a graph whose held degree went missing after the pass is not scanned again.
    await db.write(`MATCH (h:HeldDegree) DELETE h`);
    const again = await openGraph(config(), silent);
    await again.close();
    const [none] = await db.read(`MATCH (h:HeldDegree) RETURN count(h) AS n`);
    expect(none!.n).toBe(0);
  });
});
