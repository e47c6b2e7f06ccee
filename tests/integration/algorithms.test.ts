/**
 * `rank(by: PAGERANK | BETWEENNESS)` and `communities` through GraphQL on the real Neo4j: on
 * hand-built fixtures whose answers are known by construction (a star, a path, two cliques and
 * a bridge), on the seed (cross-checked against a power iteration over the `neighborhood` the
 * API itself returns), and their bounds. The algorithms alone: tests/unit/algorithms.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/graph/seed.js';
import { createEntities, deleteFixtures, relate, type FixtureEntity } from '../utils/fixtures.js';
import { gql, openTestGraph, prefixTracker, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefixes = prefixTracker();

beforeAll(async () => {
  // Answers, not timeouts or cost, are checked here (those have their own tests).
  t = await openTestGraph({ DEBUG_EXTENSIONS: 'true', TRAVERSAL_TIMEOUT_MS: '60000' });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
});

afterAll(async () => {
  for (const prefix of prefixes.all) await deleteFixtures(t.db, prefix);
  await t?.close();
});

type Ranked = Array<{ score: number; entity: { slug: string } }>;
type Communities = Array<{
  index: number;
  size: number;
  internalRelationships: number;
  entities: Array<{ slug: string }>;
}>;

async function ok<T>(query: string, variables?: Record<string, unknown>, server = yoga) {
  const res = await gql<T>(server, query, variables);
  expect(res.errors).toBeUndefined();
  return { data: res.data!, roundTrips: (res.extensions?.cypher as { roundTrips: number }).roundTrips };
}

async function refused(query: string, variables?: Record<string, unknown>, server = yoga) {
  const res = await gql(server, query, variables);
  expect(res.errors).toHaveLength(1);
  return {
    ...(res.errors![0]!.extensions as { code: string; limit?: string; argumentName?: string }),
    message: res.errors![0]!.message,
  };
}

/** Companies named after their slug's tail, related by INVESTS_IN (any entity type would do). */
async function fixture(
  label: string,
  names: string[],
  pairs: Array<[string, string]>,
  kinds: Record<string, FixtureEntity['label']> = {},
) {
  const prefix = prefixes.next(label);
  const slug = (x: string) => `${prefix}-${x}`;
  await createEntities(
    t.db,
    names.map((n) => ({ label: kinds[n] ?? 'Company', slug: slug(n), name: n.toUpperCase() })),
  );
  await relate(
    t.db,
    'INVESTS_IN',
    pairs.map(([a, b]) => [slug(a), slug(b)]),
  );
  return slug;
}

describe('on hand-built graphs', () => {
  it('PAGERANK puts the hub of a star first with its closed-form score; leaves tie and go by name; kinds filter', async () => {
    const leaves = ['l1', 'l2', 'l3', 'l4', 'l5'];
    const slug = await fixture(
      'star',
      ['hub', ...leaves],
      leaves.map((l) => ['hub', l]),
      { l4: 'Person', l5: 'Person' },
    );
    const { data } = await ok<{ all: Ranked; people: Ranked }>(
      `query($c: ID!) {
         all: rank(by: PAGERANK, within: $c, depth: 1, first: 3) { score entity { slug } }
         people: rank(by: PAGERANK, kinds: [PERSON], within: $c, depth: 1) { score entity { slug } } }`,
      { c: slug('hub') },
    );
    const alpha = 0.85;
    const n = 6;
    const hub = ((1 - alpha) / n + (alpha * 5 * (1 - alpha)) / n) / (1 - alpha * alpha);
    const leaf = (1 - alpha) / n + (alpha * hub) / 5;
    expect(data.all.map((r) => r.entity.slug)).toEqual([slug('hub'), slug('l1'), slug('l2')]);
    expect(data.all[0]!.score).toBeCloseTo(hub, 9);
    expect(data.all[1]!.score).toBeCloseTo(leaf, 9);
    expect(data.all[2]!.score).toBe(data.all[1]!.score);
    expect(data.people.map((r) => r.entity.slug)).toEqual([slug('l4'), slug('l5')]);
  });

  it('BETWEENNESS of a path matches the closed form; the ends (0) are left out', async () => {
    const ids = ['p0', 'p1', 'p2', 'p3', 'p4'];
    const slug = await fixture(
      'path',
      ids,
      ids.slice(1).map((id, i) => [ids[i]!, id]),
    );
    const { data } = await ok<{ rank: Ranked }>(
      `query($c: ID!) { rank(by: BETWEENNESS, within: $c, depth: 2) { score entity { slug } } }`,
      { c: slug('p2') },
    );
    const n = 5;
    const closed = (i: number) => (2 * i * (n - 1 - i)) / ((n - 1) * (n - 2));
    expect(data.rank.map((r) => r.entity.slug)).toEqual([slug('p2'), slug('p1'), slug('p3')]);
    data.rank.forEach((r) => expect(r.score).toBeCloseTo(closed(Number(r.entity.slug.slice(-1))), 10));
  });

  it('two cliques and a bridge: BETWEENNESS puts the bridge first, communities split the cliques', async () => {
    const a = ['a1', 'a2', 'a3', 'a4'];
    const b = ['b1', 'b2', 'b3', 'b4'];
    const pairs: Array<[string, string]> = [];
    for (const clique of [a, b])
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) pairs.push([clique[i]!, clique[j]!]);
    pairs.push(['a1', 'bridge'], ['bridge', 'b1']);
    const slug = await fixture('cliques', [...a, ...b, 'bridge'], pairs);
    const query = `query($c: ID!) {
      rank(by: BETWEENNESS, within: $c, depth: 2, first: 3) { score entity { slug } }
      communities(within: $c, depth: 2) { index size internalRelationships entities { slug sources { title } } } }`;
    const { data, roundTrips } = await ok<{ rank: Ranked; communities: Communities }>(query, { c: slug('bridge') });
    expect(data.rank.map((r) => r.entity.slug)).toEqual([slug('bridge'), slug('a1'), slug('b1')]);
    expect(data.rank.map((r) => r.score)).toEqual([
      expect.closeTo(16 / 28, 10),
      expect.closeTo(15 / 28, 10),
      expect.closeTo(15 / 28, 10),
    ]);

    const sides = data.communities.map((c) => c.entities.map((e) => e.slug.slice(prefixOf(slug).length + 1)));
    expect(data.communities.map((c) => [c.index, c.size])).toEqual([
      [0, 5],
      [1, 4],
    ]);
    expect(sides[0]).toContain('bridge');
    const withoutBridge = sides.map((s) => s.filter((x) => x !== 'bridge').sort());
    expect(withoutBridge.sort((x, y) => (x[0]! < y[0]! ? -1 : 1))).toEqual([a, b]);
    expect(data.communities.map((c) => c.internalRelationships)).toEqual([7, 6]);
    // Resolve (1) + the neighbourhood (1) + one batch for every entity's sources (1), twice over
    // (rank and communities each fetch theirs): no round trip per entity.
    expect(roundTrips).toBeLessThanOrEqual(5);

    // Seeded: the same neighbourhood (asked with a depth that reaches no further) gives the same communities.
    const again = await ok<{ communities: Communities }>(query.replaceAll('depth: 2', 'depth: 3'), {
      c: slug('bridge'),
    });
    expect(again.data.communities).toEqual(data.communities);

    // `types` narrows the neighbourhood: following LEADS only, the bridge is alone.
    const narrowed = await ok<{ communities: Communities }>(
      `query($c: ID!) { communities(within: $c, types: [LEADS]) { size entities { slug } } }`,
      { c: slug('bridge') },
    );
    expect(narrowed.data.communities).toEqual([{ size: 1, entities: [{ slug: slug('bridge') }] }]);
  });
});

const prefixOf = (slug: (x: string) => string) => slug('').slice(0, -1);

describe('on the seed', () => {
  it('PAGERANK around Stargate equals a power iteration over the neighbourhood the API returns', async () => {
    const { data } = await ok<{
      neighborhood: {
        truncated: boolean;
        nodes: Array<{ slug: string }>;
        relationships: Array<{ from: { slug: string }; to: { slug: string } }>;
      };
      rank: Array<{ score: number; entity: { slug: string; name: string } }>;
    }>(`{
      neighborhood(id: "stargate", depth: 2, limit: 1000) { truncated nodes { slug } relationships { from { slug } to { slug } } }
      rank(by: PAGERANK, within: "stargate", depth: 2, first: 100) { score entity { slug name } } }`);
    expect(data.neighborhood.truncated).toBe(false);
    const ids = data.neighborhood.nodes.map((n) => n.slug);
    const adjacency = new Map(ids.map((id) => [id, [] as string[]]));
    for (const r of data.neighborhood.relationships) {
      adjacency.get(r.from.slug)!.push(r.to.slug);
      adjacency.get(r.to.slug)!.push(r.from.slug);
    }
    let x = new Map(ids.map((id) => [id, 1 / ids.length]));
    for (let i = 0; i < 300; i++) {
      const next = new Map(ids.map((id) => [id, 0.15 / ids.length]));
      for (const [id, neighbours] of adjacency)
        for (const m of neighbours) next.set(m, next.get(m)! + (0.85 * x.get(id)!) / neighbours.length);
      x = next;
    }
    expect(data.rank).toHaveLength(ids.length);
    expect(data.rank).toHaveLength(ids.length);
    for (const r of data.rank) expect(r.score).toBeCloseTo(x.get(r.entity.slug)!, 9);
    // Highest first; equal scores (symmetric entities tie exactly) by name.
    for (let i = 1; i < data.rank.length; i++) {
      const [prev, cur] = [data.rank[i - 1]!, data.rank[i]!];
      expect(prev.score).toBeGreaterThanOrEqual(cur.score);
      if (prev.score === cur.score) expect(prev.entity.name <= cur.entity.name).toBe(true);
    }
    // OpenAI and Stargate each touch Sam Altman and four entities of degree 1: they tie, on top.
    expect(data.rank.slice(0, 2).map((r) => r.entity.slug)).toEqual(['openai', 'stargate']);
    expect(data.rank[0]!.score).toBe(data.rank[1]!.score);
    expect(data.rank.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 9);
  });

  it('communities around Stargate partition its neighbourhood; each datacenter triangle stays together', async () => {
    const { data } = await ok<{ neighborhood: { nodes: Array<{ slug: string }> }; communities: Communities }>(`{
      neighborhood(id: "stargate", depth: 3, limit: 1000) { nodes { slug } }
      communities(within: "stargate", depth: 3) { index size entities { slug } } }`);
    const all = data.communities.flatMap((c) => c.entities.map((e) => e.slug));
    expect(all.sort()).toEqual(data.neighborhood.nodes.map((n) => n.slug).sort());
    expect(data.communities.length).toBeGreaterThan(1);
    data.communities.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.size).toBe(c.entities.length);
      if (i > 0) expect(c.size).toBeLessThanOrEqual(data.communities[i - 1]!.size);
    });
    const communityOf = (slug: string) => data.communities.findIndex((c) => c.entities.some((e) => e.slug === slug));
    // Oracle, its deal with OpenAI and the datacenters the deal covers and Oracle operates: a
    // triangle with one edge out (the deal's other party). The same for CoreWeave.
    for (const [company, deal, datacenter] of [
      ['oracle', 'openai-oracle-datacenter-deal', 'oracle-openai-datacenters'],
      ['coreweave', 'openai-coreweave-datacenter-deal', 'coreweave-openai-datacenters'],
    ]) {
      expect(communityOf(deal!)).toBe(communityOf(company!));
      expect(communityOf(datacenter!)).toBe(communityOf(company!));
    }
    expect(communityOf('oracle')).not.toBe(communityOf('coreweave'));
  });
});

describe('bounds', () => {
  it('PAGERANK and BETWEENNESS without `within` are refused, naming it: never run on the whole graph', async () => {
    for (const by of ['PAGERANK', 'BETWEENNESS']) {
      const error = await refused(`{ rank(by: ${by}) { score } }`);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'within' });
      expect(error.message).toContain('within');
    }
  });

  it('depth over MAX_NEIGHBORHOOD_DEPTH is LIMIT_EXCEEDED for rank and communities; an unknown center NOT_FOUND', async () => {
    expect(await refused(`{ rank(by: PAGERANK, within: "stargate", depth: 4) { score } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_NEIGHBORHOOD_DEPTH',
    });
    expect(await refused(`{ communities(within: "stargate", depth: 4) { size } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_NEIGHBORHOOD_DEPTH',
    });
    expect(await refused(`{ communities(within: "stargate", depth: 0) { size } }`)).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await refused(`{ communities(within: "no-such-entity-anywhere") { size } }`)).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await refused(`{ communities(within: "stargate", types: [MENTIONS]) { size } }`)).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('a neighbourhood over MAX_NEIGHBORHOOD_LIMIT is refused, not computed on a part', async () => {
    const small = testServer(t.graph, { ...t.config, limits: { ...t.config.limits, maxNeighborhoodLimit: 5 } });
    const leaves = ['l1', 'l2', 'l3', 'l4', 'l5'];
    const slug = await fixture(
      'big',
      ['hub', ...leaves],
      leaves.map((l) => ['hub', l]),
    );
    for (const field of [
      `rank(by: BETWEENNESS, within: $c, depth: 1) { score }`,
      `communities(within: $c, depth: 1) { size }`,
    ]) {
      expect(await refused(`query($c: ID!) { ${field} }`, { c: slug('hub') }, small)).toMatchObject({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_NEIGHBORHOOD_LIMIT',
      });
    }
    // Five entities fit: a leaf's neighbourhood at depth 1 is itself and the hub.
    const { data } = await ok<{ communities: Communities }>(
      `query($c: ID!) { communities(within: $c, depth: 1) { size } }`,
      { c: slug('l1') },
      small,
    );
    expect(data.communities.map((c) => c.size)).toEqual([2]);
  });

  it('communities costs as many entities as a neighbourhood may hold: its entities are not counted twice', async () => {
    const tight = testServer(t.graph, {
      ...t.config,
      limits: { ...t.config.limits, maxComplexity: 2 * t.config.limits.maxNeighborhoodLimit },
    });
    await ok(`{ communities(within: "stargate", depth: 1) { size entities { slug } } }`, undefined, tight);
    expect(
      await refused(
        `{ communities(within: "stargate", depth: 1) { entities { sources { title } } } }`,
        undefined,
        tight,
      ),
    ).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_COMPLEXITY',
    });
  });
});
