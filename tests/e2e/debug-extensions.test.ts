/**
 * `extensions.cypher = { roundTrips, dbTimeMs }`: always with DEBUG_EXTENSIONS=true; per request
 * with `x-debug-cypher: 1` only when DEBUG_EXTENSIONS_HEADER=true; never otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryStats, StatementTrace } from '../../src/neo4j/db.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
const prefix = uniquePrefix('dbgext');
const slugs = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
beforeAll(async () => {
  t = await openTestGraph();
  await createEntities(t.db, [
    ...slugs.map((slug) => ({ label: 'Company' as const, slug, name: slug })),
    { label: 'Deal', slug: `${prefix}-deal`, name: 'Deal' },
  ]);
  await relate(t.db, 'PARTY_TO', [
    [slugs[0]!, `${prefix}-deal`, { role: 'buyer' }],
    [slugs[1]!, `${prefix}-deal`, { role: 'seller' }],
  ]);
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

const ONE_READ = `query($slugs: [String!]) { companies(first: 10, filter: { slugs: $slugs }) { edges { node { slug } } } }`;
// With the read planner, a root connection and everything under it (its totalCount, each
// company's deals) is one statement; a second root connection is a second one: 2 round trips.
const TWO_READS = `query($slugs: [String!]) {
  companies(first: 10, filter: { slugs: $slugs }) { totalCount edges { node { slug deals(first: 5) { edges { node { slug } } } } } }
  people(first: 1, filter: { slugs: $slugs }) { edges { node { slug } } }
}`;
const DEBUG = { 'x-debug-cypher': '1' };

type Cypher = { roundTrips: number; dbTimeMs: number };

async function timed(yoga: ReturnType<typeof testServer>, query: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const body = await gql<{ companies: { edges: Array<{ node: { slug: string } }> } }>(yoga, query, { slugs }, headers);
  return { body, wallMs: performance.now() - started };
}

function expectPlausible(cypher: Cypher | undefined, roundTrips: number, wallMs: number) {
  expect(cypher).toBeDefined();
  expect(Object.keys(cypher!).sort()).toEqual(['dbTimeMs', 'roundTrips']);
  expect(cypher!.roundTrips).toBe(roundTrips);
  expect(cypher!.dbTimeMs).toBeGreaterThanOrEqual(0);
  // Each statement's time in Neo4j fits inside the request's wall-clock time; statements of
  // sibling fields run side by side, so the sum is bounded by one wall time per statement (and
  // Neo4j reports whole milliseconds, two per statement: allow that rounding).
  expect(
    cypher!.dbTimeMs,
    `dbTimeMs ${cypher!.dbTimeMs} against ${wallMs.toFixed(1)} ms of wall time`,
  ).toBeLessThanOrEqual(roundTrips * (wallMs + 2));
}

describe('with DEBUG_EXTENSIONS_HEADER=true', () => {
  let yoga: ReturnType<typeof testServer>;
  beforeAll(() => {
    yoga = testServer(t.graph, testConfig({ DEBUG_EXTENSIONS_HEADER: 'true' }));
  });

  it('x-debug-cypher: 1 adds extensions.cypher with the exact round trips', async () => {
    const one = await timed(yoga, ONE_READ, DEBUG);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data?.companies.edges.map((e) => e.node.slug)).toEqual(slugs);
    expectPlausible(one.body.extensions?.cypher as Cypher, 1, one.wallMs);

    const two = await timed(yoga, TWO_READS, DEBUG);
    expect(two.body.errors).toBeUndefined();
    expectPlausible(two.body.extensions?.cypher as Cypher, 2, two.wallMs);
  });

  it('a document that reads nothing reports 0 round trips', async () => {
    const body = await gql(yoga, '{ __typename }', undefined, DEBUG);
    expect(body.extensions?.cypher).toEqual({ roundTrips: 0, dbTimeMs: 0 });
  });

  it('adds nothing without the header, or with another value', async () => {
    for (const headers of [{}, { 'x-debug-cypher': '0' }, { 'x-debug-cypher': 'true' }] as Array<
      Record<string, string>
    >) {
      const { body } = await timed(yoga, ONE_READ, headers);
      expect(body.data?.companies.edges).toHaveLength(3);
      expect(body.extensions?.cypher).toBeUndefined();
    }
  });
});

describe('with the header setting off (the default)', () => {
  it('ignores x-debug-cypher: 1', async () => {
    const yoga = testServer(t.graph, testConfig({}));
    const { body } = await timed(yoga, ONE_READ, DEBUG);
    expect(body.data?.companies.edges).toHaveLength(3);
    expect(body.extensions?.cypher).toBeUndefined();
  });
});

describe('with DEBUG_EXTENSIONS=true', () => {
  it('adds extensions.cypher to every response, header or not', async () => {
    const yoga = testServer(t.graph, testConfig({ DEBUG_EXTENSIONS: 'true' }));
    const plain = await timed(yoga, ONE_READ);
    expectPlausible(plain.body.extensions?.cypher as Cypher, 1, plain.wallMs);
    const two = await timed(yoga, TWO_READS);
    expectPlausible(two.body.extensions?.cypher as Cypher, 2, two.wallMs);
  });
});

/** `extensions.plan` as the server sends it. */
type Plan = { statements: StatementTrace[] };

describe('extensions.plan: the statements a request ran', () => {
  const DEBUG_KEY = 'debug-extensions-debug-key-0123';
  const READ_KEY = 'debug-extensions-read-key-01234';
  let yoga: ReturnType<typeof testServer>;
  beforeAll(() => {
    // The header is not allowed to everyone here: only a token with the `debug` scope may ask.
    yoga = testServer(t.graph, testConfig({ API_KEYS: `${DEBUG_KEY}:read+debug,${READ_KEY}:read` }));
  });
  const asDebug = { ...DEBUG, authorization: `Bearer ${DEBUG_KEY}` };

  it('lists each statement with its text, parameter names but no values, rows and times', async () => {
    const { body, wallMs } = await timed(yoga, TWO_READS, asDebug);
    expect(body.errors).toBeUndefined();
    const plan = body.extensions?.plan as Plan;
    const cypher = body.extensions?.cypher as Cypher;
    expect(plan.statements).toHaveLength(cypher.roundTrips);
    expect(plan.statements).toHaveLength(2);
    for (const s of plan.statements) {
      expect(s.cypher).toMatch(/\bMATCH\b/);
      expect(s.parameters.length).toBeGreaterThan(0);
      expect(s.roundTripMs).toBeGreaterThanOrEqual(0);
      expect(s.roundTripMs).toBeLessThanOrEqual(wallMs + 1);
      expect(s.dbHits).toBeUndefined(); // only under PROFILE
    }
    for (const s of plan.statements) expect(Number.isInteger(s.rows) && s.rows >= 0).toBe(true);
    expect(plan.statements.some((s) => s.rows > 0)).toBe(true);
    // Values stay out of the plan: the slugs sent are nowhere in it.
    expect(JSON.stringify(plan)).not.toContain(prefix);
    const dbTime = plan.statements.reduce((n, s) => n + s.dbTimeMs, 0);
    expect(Math.abs(dbTime - cypher.dbTimeMs)).toBeLessThan(0.1);
  });

  it("x-debug-cypher: profile adds each read's db hits", async () => {
    const { body } = await timed(yoga, TWO_READS, { ...asDebug, 'x-debug-cypher': 'profile' });
    expect(body.errors).toBeUndefined();
    expect(body.data?.companies.edges.map((e) => e.node.slug)).toEqual(slugs);
    const plan = body.extensions?.plan as Plan;
    expect(plan.statements).toHaveLength(2);
    for (const s of plan.statements) expect(s.dbHits).toBeGreaterThan(0);
  });

  it('a failed statement is listed with its code', async () => {
    const stats: QueryStats = { roundTrips: 0, dbTimeMs: 0, statements: [] };
    const db = t.graph.db(stats);
    await expect(db.read('UNWIND [1, 0] AS d RETURN 1 / d AS q', { unused: 1 })).rejects.toThrow();
    expect(stats.statements).toHaveLength(1);
    expect(stats.statements![0]).toMatchObject({ parameters: ['unused'], rows: 0 });
    expect(stats.statements![0]!.error).toEqual(expect.any(String));
  });

  it('is not given without the debug scope when the header setting is off, nor from the response cache', async () => {
    for (const headers of [DEBUG, { ...DEBUG, authorization: `Bearer ${READ_KEY}` }]) {
      const { body } = await timed(yoga, ONE_READ, headers);
      expect(body.data?.companies.edges).toHaveLength(3);
      expect(body.extensions?.plan).toBeUndefined();
      expect(body.extensions?.cypher).toBeUndefined();
    }
    // With the response cache on, a debug answer is not cached for others, nor served from it.
    const cached = testServer(
      t.graph,
      testConfig({ API_KEYS: `${DEBUG_KEY}:read+debug`, RESPONSE_CACHE_TTL_MS: '60000' }),
    );
    const first = await timed(cached, ONE_READ, asDebug);
    expect((first.body.extensions?.plan as Plan).statements).toHaveLength(1);
    const plain = await timed(cached, ONE_READ);
    expect(plain.body.extensions?.plan).toBeUndefined();
    const again = await timed(cached, ONE_READ, asDebug);
    expect((again.body.extensions?.plan as Plan).statements).toHaveLength(1);
  });
});
