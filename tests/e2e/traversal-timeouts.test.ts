/**
 * Traversal bounds and TRAVERSAL_TIMEOUT_MS through the GraphQL API on the real Neo4j
 * (README, "Traversals"):
 * - moneyFlows and commonNeighbors refuse arguments over their bounds with LIMIT_EXCEEDED naming
 *   the bound (MAX_HOPS, MAX_PATHS, MAX_PAGE_SIZE), defaults and configured values alike;
 * - paths and commonNeighbors, each on data where it runs well past the timeout (measured on
 *   this machine with no timeout: commonNeighbors ~13 s, paths minutes), answer TIMEOUT with
 *   `extensions.limit: "TRAVERSAL_TIMEOUT_MS"` at the timeout; shortestPath (a bidirectional
 *   breadth-first search, linear in the graph) cannot be made to run that long on test-sized
 *   data, nor can moneyFlows, so their timeouts are checked where they are passed
 *   (tests/unit/traversal-timeouts.test.ts);
 * - neighborhood and rank(within:) stay breadth-first searches bounded by their limit in a dense
 *   cluster, so they cannot explode (and answer right);
 * - a simple read answers promptly while a traversal explodes;
 * - a TIMEOUT abandons the statement: an abandoned read is terminated on Neo4j and its
 *   connection returns to the pool long before Neo4j's own timeout, and after a traversal's
 *   TIMEOUT no statement of it is left running (SHOW TRANSACTIONS) while the server answers on.
 *
 * QUERY_TIMEOUT_MS is set high here, so a traversal that lost its own timeout could not answer
 * TIMEOUT naming TRAVERSAL_TIMEOUT_MS. Neo4j only checks timeouts every 2 s; the API answers at
 * the timeout all the same (traversalRead in src/graph/traversals.ts).
 */
import { randomUUID } from 'node:crypto';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDb } from '../../src/neo4j/db.js';
import { createEntities, deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const prefix = uniquePrefix('boom');
const id = (name: string) => `${prefix}-${name}`;
/**
 * A clique of companies, INVESTS_IN both ways between every two (39,800 relationships):
 * trail-semantics searches explode in it, breadth-first ones do not.
 */
const BIG = 200;
/** Common neighbours m0..m9 of x and y, each joined to both by this many parallel relationships. */
const PARALLEL = 2_000;
const COMMON = 10;

let t: TestGraph;

beforeAll(async () => {
  t = await openTestGraph({ QUERY_TIMEOUT_MS: '60000' }); // building the fixtures is slow on a loaded machine
  await createEntities(t.db, [
    ...Array.from({ length: BIG }, (_, i) => ({ label: 'Company' as const, slug: id(`c${i}`), name: `Clique ${i}` })),
    ...Array.from({ length: COMMON }, (_, i) => ({
      label: 'Company' as const,
      slug: id(`m${i}`),
      name: `Middle ${i}`,
    })),
    ...Array.from({ length: COMMON }, (_, i) => ({
      label: 'Company' as const,
      slug: id(`w${i}`),
      name: `Common ${i}`,
    })),
    ...['a', 'b', 'x', 'y', 'u', 'v', 'lone'].map((n) => ({
      label: 'Company' as const,
      slug: id(n),
      name: `Outside ${n}`,
    })),
  ]);
  // Relationship types are literals here (test code), ids are parameters.
  await t.db.write(
    `UNWIND range(0, $k - 1) AS i
     MATCH (a:Entity {id: $p + '-c' + i})
     UNWIND range(0, $k - 1) AS j
     WITH a, i, j WHERE i <> j
     MATCH (b:Entity {id: $p + '-c' + j})
     CREATE (a)-[:INVESTS_IN]->(b)`,
    { p: prefix, k: BIG },
  );
  // a and b hang off the big clique at c0: one simple path a-c0-b, countless trails through the clique.
  await t.db.write(
    `MATCH (a:Entity {id: $p + '-a'}), (b:Entity {id: $p + '-b'}), (c:Entity {id: $p + '-c0'})
     CREATE (a)-[:INVESTS_IN]->(c), (c)-[:INVESTS_IN]->(b)`,
    { p: prefix },
  );
  // x and y: COMMON common neighbours, PARALLEL² matches for each before DISTINCT.
  await t.db.write(
    `MATCH (x:Entity {id: $p + '-x'}), (y:Entity {id: $p + '-y'})
     UNWIND range(0, $n - 1) AS i
     MATCH (m:Entity {id: $p + '-m' + i})
     UNWIND range(1, $parallel) AS copy
     CREATE (x)-[:INVESTS_IN]->(m), (m)-[:INVESTS_IN]->(y)`,
    { p: prefix, n: COMMON, parallel: PARALLEL },
  );
  // u and v: the same COMMON common neighbours w0..w9, one relationship each (answers at once).
  await t.db.write(
    `MATCH (u:Entity {id: $p + '-u'}), (v:Entity {id: $p + '-v'})
     UNWIND range(0, $n - 1) AS i
     MATCH (w:Entity {id: $p + '-w' + i})
     CREATE (u)-[:INVESTS_IN]->(w), (w)-[:INVESTS_IN]->(v)`,
    { p: prefix, n: COMMON },
  );
}, 180_000);

afterAll(async () => {
  if (t) await deleteFixtures(t.db, prefix);
  await t?.close();
}, 120_000);

type Errors = Awaited<ReturnType<typeof gql>>['errors'];
const only = (errors: Errors) => {
  expect(errors).toHaveLength(1);
  return errors![0]! as { message: string; extensions: Record<string, unknown> };
};

describe('bounds of moneyFlows and commonNeighbors', () => {
  // Generous timeouts: these check bounds, and a loaded machine must not turn them into TIMEOUTs.
  const relaxed = { TRAVERSAL_TIMEOUT_MS: '60000', QUERY_TIMEOUT_MS: '60000' };

  it('with the default bounds: MAX_HOPS 8 and MAX_PATHS 50 for moneyFlows, MAX_PAGE_SIZE 100 for commonNeighbors', async () => {
    const bounded = await openTestGraph(relaxed);
    try {
      const yoga = testServer(bounded.graph, bounded.config);
      const vars = { from: id('lone'), a: id('u'), b: id('lone') };
      const over = async (query: string) => only((await gql(yoga, query, vars)).errors).extensions;
      expect(await over('query($from: ID!) { moneyFlows(from: $from, maxHops: 9) { length } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_HOPS',
        max: 8,
        got: 9,
      });
      expect(await over('query($from: ID!) { moneyFlows(from: $from, first: 51) { length } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_PATHS',
        max: 50,
        got: 51,
      });
      expect(await over('query($a: ID!, $b: ID!) { commonNeighbors(a: $a, b: $b, first: 101) { slug } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_PAGE_SIZE',
        max: 100,
        got: 101,
      });
      // Zero or less is bad input, not a bound.
      expect((await over('query($from: ID!) { moneyFlows(from: $from, maxHops: 0) { length } }')).code).toBe(
        'BAD_USER_INPUT',
      );
      expect((await over('query($from: ID!) { moneyFlows(from: $from, first: 0) { length } }')).code).toBe(
        'BAD_USER_INPUT',
      );
      expect((await over('query($a: ID!, $b: ID!) { commonNeighbors(a: $a, b: $b, first: 0) { slug } }')).code).toBe(
        'BAD_USER_INPUT',
      );
      // At the bound is allowed (on an entity with no relationships: nothing to find).
      const at = await gql<{ moneyFlows: unknown[]; commonNeighbors: unknown[] }>(
        yoga,
        'query($from: ID!, $a: ID!, $b: ID!) { moneyFlows(from: $from, maxHops: 8, first: 50) { length } commonNeighbors(a: $a, b: $b, first: 100) { slug } }',
        vars,
      );
      expect(at.errors).toBeUndefined();
      expect(at.data).toEqual({ moneyFlows: [], commonNeighbors: [] });
    } finally {
      await bounded.close();
    }
  }, 120_000);

  it('with configured bounds (MAX_HOPS=3, MAX_PATHS=5, MAX_PAGE_SIZE=7)', async () => {
    const small = await openTestGraph({ ...relaxed, MAX_HOPS: '3', MAX_PATHS: '5', MAX_PAGE_SIZE: '7' });
    try {
      const yoga = testServer(small.graph, small.config);
      const vars = { from: id('lone'), a: id('u'), b: id('v') };
      const over = async (query: string) => only((await gql(yoga, query, vars)).errors).extensions;
      expect(await over('query($from: ID!) { moneyFlows(from: $from, maxHops: 4) { length } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_HOPS',
        max: 3,
        got: 4,
      });
      expect(await over('query($from: ID!) { moneyFlows(from: $from, maxHops: 3, first: 6) { length } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_PATHS',
        max: 5,
        got: 6,
      });
      expect(await over('query($a: ID!, $b: ID!) { commonNeighbors(a: $a, b: $b, first: 8) { slug } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_PAGE_SIZE',
        max: 7,
        got: 8,
      });
      // moneyFlows' default maxHops (4) is over MAX_HOPS 3 here: refused, not clamped.
      expect(await over('query($from: ID!) { moneyFlows(from: $from, first: 5) { length } }')).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_HOPS',
        max: 3,
        got: 4,
      });
      // At the bounds: u and v have exactly COMMON (10) common neighbours, so 7 come back, by name.
      const at = await gql<{ moneyFlows: unknown[]; commonNeighbors: Array<{ slug: string }> }>(
        yoga,
        'query($from: ID!, $a: ID!, $b: ID!) { moneyFlows(from: $from, maxHops: 3, first: 5) { length } commonNeighbors(a: $a, b: $b, first: 7) { slug } }',
        vars,
      );
      expect(at.errors).toBeUndefined();
      expect(at.data!.moneyFlows).toEqual([]);
      expect(at.data!.commonNeighbors.map((e) => e.slug)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => id(`w${i}`)));
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('TRAVERSAL_TIMEOUT_MS on every traversal that can explode', () => {
  const TIMEOUT_MS = 200;
  let slow: TestGraph;
  let yoga: ReturnType<typeof testServer>;

  beforeAll(async () => {
    slow = await openTestGraph({
      TRAVERSAL_TIMEOUT_MS: String(TIMEOUT_MS),
      QUERY_TIMEOUT_MS: '120000',
      MAX_HOPS: '10',
    });
    yoga = testServer(slow.graph, slow.config);
  });
  afterAll(async () => {
    await slow?.close();
  });

  const exploding: Array<[string, string, Record<string, unknown>]> = [
    [
      'paths (a clique hub between two entities)',
      'query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 10, first: 50) { length } }',
      { a: id('a'), b: id('b') },
    ],
    [
      'commonNeighbors (parallel relationships)',
      'query($a: ID!, $b: ID!) { commonNeighbors(a: $a, b: $b, first: 10) { slug } }',
      { a: id('x'), b: id('y') },
    ],
    // moneyFlows is not here: its breadth-first search over the big clique ends in about 0.4 s
    // once Neo4j has planned it, too close to the timeout to be sure to pass it on a fast machine.
    // Like shortestPath and the global rank, its timeout is tested in
    // tests/unit/traversal-timeouts.test.ts.
  ];

  for (const [name, query, variables] of exploding) {
    it(`${name} answers TIMEOUT naming TRAVERSAL_TIMEOUT_MS`, async () => {
      const started = performance.now();
      const res = await gql(yoga, query, variables);
      const ms = performance.now() - started;
      const error = only(res.errors);
      expect(error.extensions).toEqual({ code: 'TIMEOUT', limit: 'TRAVERSAL_TIMEOUT_MS', ms: TIMEOUT_MS });
      expect(error.message).toMatch(/TRAVERSAL_TIMEOUT_MS/);
      expect(res.data ?? null).toBeNull();
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
      // Answered at the timeout, not when Neo4j stops the search (up to 2 s later) or when it
      // ends (seconds to minutes later); 1.5 s of slack for a loaded machine.
      expect(ms).toBeLessThan(TIMEOUT_MS + 1_500);
      console.log(`[traversal-timeouts] ${name}: TIMEOUT after ${Math.round(ms)} ms`);
    }, 60_000);
  }
});

describe('neighbourhood searches in a dense cluster', () => {
  // A neighbourhood is a breadth-first search bounded by its limit, not a search over trails:
  // depth 3 in the 200-company clique (39,800 relationships) reads each relationship of the
  // clique about twice. Written as `ANY SHORTEST` to every reachable entity, the same search ran
  // for minutes (82 s at 250 companies) and Neo4j could not stop it. Measured here: rank 1.6 s
  // and the neighbourhood 9 s (most of it the 39,802 relationships of its answer) at load 17, so
  // the timeout is generous: these check answers, not speed.
  let roomy: TestGraph;
  let yoga: ReturnType<typeof testServer>;
  beforeAll(async () => {
    roomy = await openTestGraph({
      TRAVERSAL_TIMEOUT_MS: '20000',
      QUERY_TIMEOUT_MS: '60000',
      MAX_COMPLEXITY: '1000000',
    });
    yoga = testServer(roomy.graph, roomy.config);
  });
  afterAll(async () => {
    await roomy?.close();
  });
  const clique = Array.from({ length: BIG }, (_, i) => id(`c${i}`));

  it('neighborhood at depth 3 reaches the whole clique and its outliers, nearest first', async () => {
    const res = await gql<{ neighborhood: { truncated: boolean; nodes: Array<{ slug: string }> } }>(
      yoga,
      'query($c: ID!) { neighborhood(id: $c, depth: 3, limit: 1000) { truncated nodes { slug } } }',
      { c: id('c0') },
    );
    expect(res.errors).toBeUndefined();
    const slugs = res.data!.neighborhood.nodes.map((n) => n.slug);
    expect(res.data!.neighborhood.truncated).toBe(false);
    // c0's own neighbours are the rest of the clique and a and b, all at distance 1.
    expect(slugs[0]).toBe(id('c0'));
    expect(new Set(slugs)).toEqual(new Set([...clique, id('a'), id('b')]));
    expect(slugs).toHaveLength(BIG + 2);
  }, 120_000);

  it('a limit cuts at the nearest distance, and says it cut', async () => {
    const res = await gql<{ neighborhood: { truncated: boolean; nodes: Array<{ slug: string }> } }>(
      yoga,
      'query($c: ID!) { neighborhood(id: $c, depth: 3, limit: 50) { truncated nodes { slug } } }',
      { c: id('a') },
    );
    expect(res.errors).toBeUndefined();
    const slugs = res.data!.neighborhood.nodes.map((n) => n.slug);
    expect(res.data!.neighborhood.truncated).toBe(true);
    expect(slugs).toHaveLength(50);
    // a - c0 (distance 1), then b and the clique (distance 2): 49 kept besides a, c0 among them.
    expect(slugs.slice(0, 2)).toEqual([id('a'), id('c0')]);
    for (const slug of slugs.slice(2)) expect([...clique, id('b')]).toContain(slug);
  }, 120_000);

  it('rank(within:) at depth 3 ranks the clique by degree', async () => {
    const res = await gql<{ rank: Array<{ score: number; entity: { slug: string } }> }>(
      yoga,
      'query($c: ID!) { rank(by: DEGREE, within: $c, depth: 3, first: 3) { score entity { slug } } }',
      { c: id('c0') },
    );
    expect(res.errors).toBeUndefined();
    // c0: 199 × 2 within the clique, plus a and b; every other member 199 × 2.
    expect(res.data!.rank.map((r) => [r.entity.slug, r.score])).toEqual([
      [id('c0'), 2 * (BIG - 1) + 2],
      [id('c1'), 2 * (BIG - 1)],
      [id('c10'), 2 * (BIG - 1)],
    ]);
  }, 120_000);
});

describe('a simple read while a traversal explodes', () => {
  it('answers promptly, long before the exploding traversal is stopped', async () => {
    // Answered no sooner than 2 s (its timeout); the simple reads must not wait for it.
    const TIMEOUT_MS = 2_000;
    const slow = await openTestGraph({
      TRAVERSAL_TIMEOUT_MS: String(TIMEOUT_MS),
      QUERY_TIMEOUT_MS: '120000',
      MAX_HOPS: '10',
    });
    try {
      const yoga = testServer(slow.graph, slow.config);
      const READ = 'query($s: String!) { entity(slug: $s) { slug name } }';
      const warm = await gql(yoga, READ, { s: id('c1') });
      expect(warm.errors).toBeUndefined();

      const started = performance.now();
      let explodedAt = 0;
      const exploding = gql(
        yoga,
        'query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 10, first: 50) { length } }',
        { a: id('a'), b: id('b') },
      ).then((res) => {
        explodedAt = performance.now() - started;
        return res;
      });
      await new Promise((r) => setTimeout(r, 200));
      const latencies: number[] = [];
      for (let i = 1; i <= 5; i++) {
        const s = performance.now();
        const res = await gql<{ entity: { slug: string } }>(yoga, READ, { s: id(`c${i}`) });
        latencies.push(performance.now() - s);
        expect(res.data?.entity.slug).toBe(id(`c${i}`));
        expect(explodedAt).toBe(0); // the traversal is still running
      }
      const readsDoneAt = performance.now() - started;
      const exploded = await exploding;
      expect(only(exploded.errors).extensions).toMatchObject({
        code: 'TIMEOUT',
        limit: 'TRAVERSAL_TIMEOUT_MS',
        ms: TIMEOUT_MS,
      });
      console.log(
        `[traversal-timeouts] simple reads during an explosion: ${latencies.map((l) => Math.round(l)).join(', ')} ms; ` +
          `all done at ${Math.round(readsDoneAt)} ms, traversal stopped at ${Math.round(explodedAt)} ms`,
      );
      // A server that queued reads behind the traversal would answer them after it (>= 2 s).
      expect(Math.max(...latencies)).toBeLessThan(1_500);
      expect(readsDoneAt).toBeLessThan(explodedAt);
      expect(explodedAt).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(explodedAt).toBeLessThan(TIMEOUT_MS + 5_000);
    } finally {
      await slow.close();
    }
  }, 60_000);
});

describe('a TIMEOUT abandons the statement on Neo4j', () => {
  /** How many transactions on Neo4j run a statement whose parameter `key` is `value`. */
  const running = async (key: string, value: string) =>
    (
      await t.db.read('SHOW TRANSACTIONS YIELD transactionId, parameters WHERE parameters[$key] = $value RETURN 1', {
        key,
        value,
      })
    ).length;
  /** Checks `condition` every 100 ms until it holds (true) or `ms` have passed (false). */
  const eventually = async (condition: () => Promise<boolean>, ms: number) => {
    const giveUp = performance.now() + ms;
    while (!(await condition())) {
      if (performance.now() > giveUp) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  };
  /** A GraphDb with one pooled connection and Neo4j's transaction timeout two minutes away. */
  const oneConnection = () =>
    new GraphDb(
      neo4j.driver(t.config.neo4j.uri!, neo4j.auth.basic(t.config.neo4j.user, t.config.neo4j.password), {
        maxConnectionPoolSize: 1,
        connectionAcquisitionTimeout: 30_000,
        disableLosslessIntegers: true,
        logging: { level: 'error', logger: () => {} },
      }),
      t.config.neo4j.database,
      120_000,
    );

  it('an abandoned read is terminated on Neo4j and its one connection serves the next read', async () => {
    const graph = oneConnection();
    try {
      const db = graph.db();
      const marker = randomUUID();
      const abandon = new AbortController();
      // Every trail between a and b through the big clique: minutes of work, which Neo4j stops when told.
      const read = db.read(
        `MATCH (a:Entity {id: $a}), (b:Entity {id: $b})
         MATCH p = (a)(()-[:INVESTS_IN]-(:Entity)){1,10}(b)
         RETURN count(p) AS trails`,
        { a: id('a'), b: id('b'), marker },
        { signal: abandon.signal },
      );
      read.catch(() => {});
      expect(await eventually(async () => (await running('marker', marker)) === 1, 30_000)).toBe(true);
      const reason = new Error('abandoned by the test');
      abandon.abort(reason);
      await expect(read).rejects.toBe(reason);
      // Neo4j's own timeout is two minutes away: only the abandoned session can have stopped it.
      expect(await eventually(async () => (await running('marker', marker)) === 0, 20_000)).toBe(true);
      // The pool's one connection is free again (else this waits for the trails, then fails).
      expect(await db.read('RETURN 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await graph.close();
    }
  }, 90_000);

  it('after a traversal answered TIMEOUT none of its statements runs on Neo4j, and the server answers on', async () => {
    const graph = oneConnection();
    try {
      const config = { ...t.config, limits: { ...t.config.limits, traversalTimeoutMs: 300, maxHops: 10 } };
      const yoga = testServer(graph, config);
      const res = await gql(
        yoga,
        'query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 10, first: 50) { length } }',
        {
          a: id('a'),
          b: id('b'),
        },
      );
      expect(only(res.errors).extensions).toMatchObject({ code: 'TIMEOUT', limit: 'TRAVERSAL_TIMEOUT_MS' });
      // `paths` sends its entities as `from` and `to`; this file's ids are its own.
      expect(await eventually(async () => (await running('from', id('a'))) === 0, 20_000)).toBe(true);
      const read = await gql<{ entity: { slug: string } }>(yoga, 'query($s: String!) { entity(slug: $s) { slug } }', {
        s: id('c1'),
      });
      expect(read.data?.entity.slug).toBe(id('c1'));
    } finally {
      await graph.close();
    }
  }, 90_000);
});
