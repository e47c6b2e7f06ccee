/**
 * Traversals against a real Neo4j: answers on the seed graph checked by hand, answers on a
 * generated graph checked against a breadth-first search in plain TypeScript, bounds, the
 * timeout path on a synthetic dense hub, and round trips that do not grow with result size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { deleteByPrefix, loadGraph, type GraphData } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { loadSeed, readSeed } from '../../src/graph/seed.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { README_BUYER_ROLES, SPEC_ENTITY_RELATIONSHIP_TYPES } from '../utils/spec-model.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;

beforeAll(async () => {
  // Large neighbourhoods with rich selections cost more than the default MAX_COMPLEXITY allows;
  // cost limits have their own tests.
  // These tests check answers; the timeout has its own tests (below and traversal-timeouts).
  // A generous one keeps a busy 2-core machine (a cold Neo4j plans each traversal) from failing them.
  t = await openTestGraph({ DEBUG_EXTENSIONS: 'true', MAX_COMPLEXITY: '200000', TRAVERSAL_TIMEOUT_MS: '60000' });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
});

afterAll(async () => {
  await t?.close();
});

// Written out (README, SPEC) rather than imported from src/, so a change to the code cannot move
// the expectation with it.
const ENTITY_TYPES = SPEC_ENTITY_RELATIONSHIP_TYPES;
const BUYER_ROLES = README_BUYER_ROLES;
/** Roles on PARTICIPATES_IN that put money into a project (README, moneyFlows). */
const FINANCING_ROLES = ['financier', 'investor', 'funder'];
/** How a deal is linked to the entities its value counts for in DEAL_VALUE. */
const DEAL_LINKS = ['PARTY_TO', 'PART_OF', 'COVERS'];

/** Rankings order by score, then name, then id (code-unit order, as Neo4j compares strings). */
const byScoreNameId = (
  a: { score: number; name: string; id: string },
  b: { score: number; name: string; id: string },
) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type Slugged = { slug: string };
interface PathJson {
  length: number;
  nodes: Array<Slugged & { __typename: string }>;
  relationships: Array<{ id: string; type: string; role: string | null; from: Slugged; to: Slugged }>;
}

const PATH = `length nodes { __typename slug } relationships { id type role from { slug } to { slug } }`;
const slugs = (p: { nodes: Slugged[] }) => p.nodes.map((n) => n.slug);

/** Each relationship joins consecutive nodes (either direction): the path is well formed. */
function expectConnected(path: PathJson) {
  expect(path.relationships).toHaveLength(path.length);
  expect(path.nodes).toHaveLength(path.length + 1);
  path.relationships.forEach((r, i) => {
    const ends = [r.from.slug, r.to.slug].sort();
    expect(ends).toEqual([path.nodes[i]!.slug, path.nodes[i + 1]!.slug].sort());
  });
}

async function ok<T>(query: string, variables?: Record<string, unknown>) {
  const res = await gql<T>(yoga, query, variables);
  expect(res.errors).toBeUndefined();
  return { data: res.data!, roundTrips: (res.extensions?.cypher as { roundTrips: number }).roundTrips };
}

async function refused(query: string, variables?: Record<string, unknown>) {
  const res = await gql(yoga, query, variables);
  expect(res.errors).toHaveLength(1);
  return res.errors![0]!.extensions as { code: string; limit?: string; max?: number; got?: number };
}

describe('on the seed graph', () => {
  it('finds the shortest path from Donald Trump to CoreWeave, by slug or global ID', async () => {
    const { data } = await ok<{ shortestPath: PathJson }>(
      `query($to: ID!) { shortestPath(from: "donald-trump", to: $to) { ${PATH} } }`,
      { to: encodeGlobalID('Company', 'seed-coreweave') },
    );
    const path = data.shortestPath;
    // Trump announced Stargate, which OpenAI leads; OpenAI and CoreWeave are parties to one deal.
    expect(slugs(path)).toEqual([
      'donald-trump',
      'stargate',
      'openai',
      'openai-coreweave-datacenter-deal',
      'coreweave',
    ]);
    expect(path.nodes.map((n) => n.__typename)).toEqual(['Person', 'Project', 'Company', 'Deal', 'Company']);
    expect(path.relationships.map((r) => [r.type, r.from.slug, r.to.slug, r.role])).toEqual([
      ['ANNOUNCED', 'donald-trump', 'stargate', null],
      ['PARTICIPATES_IN', 'openai', 'stargate', 'lead'],
      ['PARTY_TO', 'openai', 'openai-coreweave-datacenter-deal', 'customer'],
      ['PARTY_TO', 'coreweave', 'openai-coreweave-datacenter-deal', 'provider'],
    ]);
    expectConnected(path);
    expect(path.length).toBe(4);
  });

  it('answers null when no path follows the given types, and refuses bad bounds and types', async () => {
    const { data } = await ok<{ shortestPath: null }>(
      `{ shortestPath(from: "donald-trump", to: "coreweave", types: [LEADS]) { length } }`,
    );
    expect(data.shortestPath).toBeNull();
    expect(
      (
        await ok<{ shortestPath: null }>(
          `{ shortestPath(from: "donald-trump", to: "coreweave", maxHops: 3) { length } }`,
        )
      ).data.shortestPath,
    ).toBeNull();
    expect(
      await refused(`{ shortestPath(from: "donald-trump", to: "coreweave", maxHops: 99) { length } }`),
    ).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_HOPS',
      max: 8, // README default MAX_HOPS
      got: 99,
    });
    expect((await refused(`{ shortestPath(from: "donald-trump", to: "coreweave", maxHops: 0) { length } }`)).code).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      (await refused(`{ shortestPath(from: "donald-trump", to: "coreweave", types: [MENTIONS]) { length } }`)).code,
    ).toBe('BAD_USER_INPUT');
    expect((await refused(`{ shortestPath(from: "no-such-entity-here", to: "coreweave") { length } }`)).code).toBe(
      'NOT_FOUND',
    );
    expect((await refused(`{ shortestPath(from: "Not A Slug!", to: "coreweave") { length } }`)).code).toBe(
      'INVALID_ID',
    );
  });

  it('lists simple paths shortest first: every one a depth-first search of the seed file finds', async () => {
    // Reference: all simple paths of at most 6 hops in the seed's own records, in plain TypeScript.
    // Relationships are flat records or RELATIONSHIP claims (subject → object) in force today.
    const seed = readSeed();
    const today = new Date().toISOString().slice(0, 10);
    type RelationshipClaim = { kind: string; subject: string; object?: string; validFrom: string | null };
    const claimed = ((seed as { claims?: Array<RelationshipClaim & { validTo: string | null }> }).claims ?? [])
      .filter((c) => c.kind === 'RELATIONSHIP' && (c.validFrom ?? '') <= today && (c.validTo ?? '9999') > today)
      .map((c) => ({ from: c.subject, to: c.object! }));
    const next = new Map<string, string[]>();
    for (const r of [...seed.relationships, ...claimed]) {
      next.set(r.from, [...(next.get(r.from) ?? []), r.to]);
      next.set(r.to, [...(next.get(r.to) ?? []), r.from]);
    }
    const expected: string[] = [];
    const walk = (path: string[]) => {
      if (path.at(-1) === 'coreweave') return void expected.push(path.join(' > '));
      if (path.length > 6) return;
      for (const n of next.get(path.at(-1)!) ?? []) if (!path.includes(n)) walk([...path, n]);
    };
    walk(['donald-trump']);
    expect(expected).toHaveLength(4);

    const { data } = await ok<{ paths: PathJson[] }>(
      `{ paths(from: "donald-trump", to: "coreweave", maxHops: 6, first: 10) { ${PATH} } }`,
    );
    expect(data.paths.map((p) => slugs(p).join(' > ')).sort()).toEqual(expected.sort());
    expect(data.paths.map((p) => p.length)).toEqual([4, 5, 5, 6]);
    for (const path of data.paths) expectConnected(path);
    expect(data.paths.map((p) => slugs(p).join(' > '))).toContain(
      'donald-trump > stargate > sam-altman > openai > openai-coreweave-datacenter-deal > coreweave',
    );
    const firstTwo = await ok<{ paths: PathJson[] }>(
      `{ paths(from: "donald-trump", to: "coreweave", maxHops: 6, first: 2) { length } }`,
    );
    expect(firstTwo.data.paths.map((p) => p.length)).toEqual([4, 5]);
    expect(await refused(`{ paths(from: "donald-trump", to: "coreweave", first: 51) { length } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_PATHS',
    });
  });

  it("gives OpenAI's neighbourhood with the relationships among it", async () => {
    const { data } = await ok<{
      neighborhood: { nodes: Slugged[]; relationships: PathJson['relationships']; truncated: boolean };
    }>(`{ neighborhood(id: "openai") { nodes { slug } relationships { type from { slug } to { slug } } truncated } }`);
    const n = data.neighborhood;
    expect(n.nodes[0]!.slug).toBe('openai');
    expect(n.nodes.map((x) => x.slug).sort()).toEqual(
      [
        'openai',
        'sam-altman',
        'stargate',
        'openai-oracle-datacenter-deal',
        'openai-microsoft-server-rental',
        'openai-coreweave-datacenter-deal',
      ].sort(),
    );
    expect(n.truncated).toBe(false);
    // OpenAI's five, plus Sam Altman ANNOUNCED Stargate (both in the neighbourhood).
    expect(n.relationships.map((r) => `${r.from.slug} ${r.type} ${r.to.slug}`).sort()).toEqual(
      [
        'sam-altman LEADS openai',
        'sam-altman ANNOUNCED stargate',
        'openai PARTICIPATES_IN stargate',
        'openai PARTY_TO openai-oracle-datacenter-deal',
        'openai PARTY_TO openai-microsoft-server-rental',
        'openai PARTY_TO openai-coreweave-datacenter-deal',
      ].sort(),
    );
  });

  it('cuts a neighbourhood at the limit and says so, follows only the given types, refuses bounds', async () => {
    const cut = await ok<{ neighborhood: { nodes: Slugged[]; truncated: boolean } }>(
      `{ neighborhood(id: "openai", depth: 2, limit: 3) { nodes { slug } truncated } }`,
    );
    expect(cut.data.neighborhood.nodes).toHaveLength(3);
    expect(cut.data.neighborhood.nodes[0]!.slug).toBe('openai');
    expect(cut.data.neighborhood.truncated).toBe(true);
    const deals = await ok<{ neighborhood: { nodes: Slugged[]; truncated: boolean } }>(
      `{ neighborhood(id: "openai", types: [PARTY_TO]) { nodes { slug } truncated } }`,
    );
    expect(deals.data.neighborhood.nodes.map((n) => n.slug).sort()).toEqual(
      [
        'openai',
        'openai-oracle-datacenter-deal',
        'openai-microsoft-server-rental',
        'openai-coreweave-datacenter-deal',
      ].sort(),
    );
    expect(await refused(`{ neighborhood(id: "openai", depth: 9) { truncated } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_NEIGHBORHOOD_DEPTH',
    });
    expect(await refused(`{ neighborhood(id: "openai", limit: 1001) { truncated } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_NEIGHBORHOOD_LIMIT',
    });
  });

  it('ranks the companies around Stargate by deal value', async () => {
    const { data } = await ok<{ rank: Array<{ score: number; entity: Slugged }> }>(
      `{ rank(by: DEAL_VALUE, kinds: [COMPANY], within: "stargate", depth: 3) { score entity { slug } } }`,
    );
    // OpenAI: Oracle $30bn + Microsoft $28bn (the CoreWeave deal has no disclosed value).
    expect(data.rank.map((r) => [r.entity.slug, r.score])).toEqual([
      ['openai', 58e9],
      ['oracle', 30e9],
      ['microsoft', 28e9],
    ]);
    const degree = await ok<{ rank: Array<{ score: number; entity: Slugged }> }>(
      `{ rank(by: DEGREE, within: "openai", depth: 1, first: 2) { score entity { slug } } }`,
    );
    expect(degree.data.rank.map((r) => [r.entity.slug, r.score])).toEqual([
      ['openai', 5],
      ['stargate', 5],
    ]);
    expect(await refused(`{ rank(by: DEGREE, first: 1000) { score } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_PAGE_SIZE',
    });
  });

  it('gives deal statistics by side, batched in one round trip for many companies', async () => {
    const { data, roundTrips } = await ok<{ companies: { edges: Array<{ node: Slugged & { dealStats: unknown } }> } }>(
      `{ companies(first: 10, filter: { slugs: ["openai", "oracle", "microsoft", "coreweave", "softbank"] }) {
           edges { node { slug dealStats { count totalValueUsd valuedCount asBuyer { count totalValueUsd } asSeller { count totalValueUsd } } } } } }`,
    );
    const stats = Object.fromEntries(data.companies.edges.map(({ node }) => [node.slug, node.dealStats]));
    expect(stats.openai).toEqual({
      count: 3,
      totalValueUsd: 58e9,
      valuedCount: 2,
      asBuyer: { count: 3, totalValueUsd: 58e9 },
      asSeller: { count: 0, totalValueUsd: 0 },
    });
    expect(stats.oracle).toEqual({
      count: 1,
      totalValueUsd: 30e9,
      valuedCount: 1,
      asBuyer: { count: 0, totalValueUsd: 0 },
      asSeller: { count: 1, totalValueUsd: 30e9 },
    });
    expect(stats.microsoft).toMatchObject({
      count: 1,
      totalValueUsd: 28e9,
      asSeller: { count: 1, totalValueUsd: 28e9 },
    });
    expect(stats.coreweave).toMatchObject({
      count: 1,
      valuedCount: 0,
      totalValueUsd: 0,
      asSeller: { count: 1, totalValueUsd: 0 },
    });
    expect(stats.softbank).toMatchObject({ count: 0, totalValueUsd: 0 });
    expect(roundTrips).toBe(2);
  });

  it('finds common neighbours', async () => {
    const { data } = await ok<{ a: Slugged[]; b: Slugged[]; c: Slugged[] }>(
      `{ a: commonNeighbors(a: "openai", b: "softbank") { slug }
         b: commonNeighbors(a: "sam-altman", b: "donald-trump") { slug }
         c: commonNeighbors(a: "oracle", b: "microsoft") { slug } }`,
    );
    expect(data.a.map((e) => e.slug)).toEqual(['stargate']);
    expect(data.b.map((e) => e.slug)).toEqual(['stargate']);
    expect(data.c).toEqual([]);
  });

  it("follows SoftBank's money to Stargate's datacenter, and OpenAI's through its deals", async () => {
    const { data } = await ok<{ softbank: PathJson[]; openai: PathJson[] }>(
      `{ softbank: moneyFlows(from: "softbank") { ${PATH} } openai: moneyFlows(from: "openai") { ${PATH} } }`,
    );
    expect(data.softbank.map(slugs)).toEqual([
      ['softbank', 'stargate'],
      ['softbank', 'stargate', 'stargate-first-datacenter'],
    ]);
    expect(data.softbank[1]!.nodes[2]!.__typename).toBe('Datacenter');
    expect(data.softbank[1]!.relationships.map((r) => [r.type, r.from.slug, r.to.slug])).toEqual([
      ['PARTICIPATES_IN', 'softbank', 'stargate'],
      ['PART_OF', 'stargate-first-datacenter', 'stargate'],
    ]);
    const oneHop = await ok<{ softbank: PathJson[]; stargate: PathJson[] }>(
      `{ softbank: moneyFlows(from: "softbank", maxHops: 1) { ${PATH} } stargate: moneyFlows(from: "stargate", maxHops: 1) { ${PATH} } }`,
    );
    expect(oneHop.data.softbank.map(slugs)).toEqual([['softbank', 'stargate']]);
    expect(oneHop.data.stargate.map(slugs)).toEqual([['stargate', 'stargate-first-datacenter']]);
    // OpenAI leads Stargate (no money in the seed) and pays Oracle and CoreWeave for datacenters.
    expect(data.openai.map(slugs)).toEqual([
      ['openai', 'openai-coreweave-datacenter-deal', 'coreweave-openai-datacenters'],
      ['openai', 'openai-oracle-datacenter-deal', 'oracle-openai-datacenters'],
    ]);
  });

  it('keeps round trips flat however long the path or large the subgraph', async () => {
    const selection = `nodes { slug sources { title } ... on Company { dealStats { count } deals(first: 3) { edges { role node { slug } } } } }
                       relationships { id type from { name } to { name } }`;
    const short = await ok<{ shortestPath: PathJson }>(
      `{ shortestPath(from: "openai", to: "stargate") { ${selection} } }`,
    );
    const long = await ok<{ shortestPath: PathJson }>(
      `{ shortestPath(from: "donald-trump", to: "coreweave") { ${selection} } }`,
    );
    expect(short.data.shortestPath.nodes).toHaveLength(2);
    expect(long.data.shortestPath.nodes).toHaveLength(5);
    expect(long.roundTrips).toBe(short.roundTrips);
    const small = await ok(`{ neighborhood(id: "sam-altman", limit: 2) { ${selection} } }`);
    const large = await ok(`{ neighborhood(id: "openai", depth: 3) { ${selection} } }`);
    expect(large.roundTrips).toBe(small.roundTrips);
  });
});

describe('on a generated graph', () => {
  const prefix = uniquePrefix('trav');
  let data: GraphData;
  const adjacency = new Map<string, Set<string>>();

  /** Breadth-first distances from `start` over entity relationships, in plain TypeScript. */
  function distances(start: string, maxDepth = 99): Map<string, number> {
    const seen = new Map([[start, 0]]);
    let frontier = [start];
    for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const s of frontier) for (const n of adjacency.get(s) ?? []) if (!seen.has(n)) seen.set(n, d), next.push(n);
      frontier = next;
    }
    return seen;
  }

  beforeAll(async () => {
    data = generateGraph({ entities: 3_000, seed: 4, prefix, sources: 20 });
    await loadGraph(t.db, data);
    for (const r of data.relationships) {
      if (!ENTITY_TYPES.includes(r.type)) continue;
      if (!adjacency.has(r.from)) adjacency.set(r.from, new Set());
      if (!adjacency.has(r.to)) adjacency.set(r.to, new Set());
      adjacency.get(r.from)!.add(r.to);
      adjacency.get(r.to)!.add(r.from);
    }
  });

  afterAll(async () => {
    await deleteByPrefix(t.db, prefix);
  });

  const degree = (slug: string) => data.relationships.filter((r) => r.from === slug || r.to === slug).length;
  /** Companies by degree, highest first: the generator's hubs. */
  const hubs = () =>
    data.entities
      .filter((e) => e.label === 'Company')
      .map((e) => [e.slug, adjacency.get(e.slug)?.size ?? 0] as const)
      .sort((x, y) => y[1] - x[1])
      .map(([slug]) => slug);
  const hub = () => hubs()[0]!;

  it('finds shortest paths as long as a breadth-first search says', async () => {
    const from = `${prefix}-person-3`;
    const reach = distances(from, 8);
    const targets = [...reach.entries()].filter(([, d]) => d >= 2).slice(0, 5);
    expect(targets.length).toBeGreaterThan(0);
    for (const [to, distance] of targets) {
      const { data: res } = await ok<{ shortestPath: PathJson }>(
        `query($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxHops: 8) { ${PATH} } }`,
        { from, to },
      );
      expect(res.shortestPath.length).toBe(distance);
      expect(res.shortestPath.nodes[0]!.slug).toBe(from);
      expect(res.shortestPath.nodes.at(-1)!.slug).toBe(to);
      expectConnected(res.shortestPath);
    }
  });

  it('lists simple paths from the shortest one up, each within maxHops', async () => {
    const from = `${prefix}-person-3`;
    const reach = distances(from, 4);
    // Every shortest path, computed from the records: back from the target along the BFS layers,
    // one path per relationship sequence (two relationships between one pair make two paths).
    const between = new Map<string, number>();
    for (const r of data.relationships)
      if (ENTITY_TYPES.includes(r.type))
        between.set([r.from, r.to].sort().join(' '), (between.get([r.from, r.to].sort().join(' ')) ?? 0) + 1);
    const shortestPaths = (to: string): string[] => {
      if (to === from) return [from];
      return [...(adjacency.get(to) ?? [])]
        .filter((n) => reach.get(n) === reach.get(to)! - 1)
        .flatMap((n) =>
          shortestPaths(n).flatMap((p) => Array<string>(between.get([n, to].sort().join(' '))!).fill(`${p} > ${to}`)),
        );
    };
    // A target three hops away with no more shortest paths than one page holds.
    const to = [...reach.entries()]
      .filter(([, d]) => d === 3)
      .map(([slug]) => slug)
      .find((slug) => shortestPaths(slug).length <= 20);
    expect(to).toBeDefined();
    const expectedShortest = shortestPaths(to!);
    expect(expectedShortest.length).toBeGreaterThan(0);
    const { data: res } = await ok<{ paths: PathJson[] }>(
      `query($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxHops: 5, first: 20) { ${PATH} } }`,
      { from, to },
    );
    const distance = 3;
    expect(res.paths.length).toBeGreaterThanOrEqual(expectedShortest.length);
    expect(
      res.paths
        .filter((p) => p.length === distance)
        .map((p) => slugs(p).join(' > '))
        .sort(),
    ).toEqual(expectedShortest.sort());
    expect(res.paths[0]!.length).toBe(distance);
    const lengths = res.paths.map((p) => p.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    for (const p of res.paths) {
      expectConnected(p);
      expect(new Set(slugs(p)).size).toBe(p.nodes.length);
      expect(p.length).toBeLessThanOrEqual(5);
    }
  });

  it("cuts a hub's neighbourhood at the limit, nearest first", async () => {
    const near = distances(hub(), 2);
    const { data: res } = await ok<{
      neighborhood: { nodes: Slugged[]; relationships: PathJson['relationships']; truncated: boolean };
    }>(
      `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 50) { nodes { slug } relationships { from { slug } to { slug } } truncated } }`,
      { id: hub() },
    );
    const n = res.neighborhood;
    expect(near.size).toBeGreaterThan(50);
    expect(n.truncated).toBe(true);
    expect(n.nodes).toHaveLength(50);
    const ds = n.nodes.map((x) => near.get(x.slug));
    expect(ds[0]).toBe(0);
    expect(ds.every((d) => d !== undefined)).toBe(true);
    expect(ds).toEqual([...ds].sort((a, b) => a! - b!));
    // The relationships are exactly those of the generated data among the nodes kept.
    const kept = new Set(n.nodes.map((x) => x.slug));
    const among = data.relationships.filter((r) => ENTITY_TYPES.includes(r.type) && kept.has(r.from) && kept.has(r.to));
    expect(among.length).toBeGreaterThanOrEqual(49);
    expect(n.relationships.map((r) => `${r.from.slug} ${r.to.slug}`).sort()).toEqual(
      among.map((r) => `${r.from} ${r.to}`).sort(),
    );
  });

  it('gives a small neighbourhood whole', async () => {
    const leaf = `${prefix}-person-3`;
    const near = distances(leaf, 2);
    const { data: res } = await ok<{ neighborhood: { nodes: Slugged[]; truncated: boolean } }>(
      `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 1000) { nodes { slug } truncated } }`,
      { id: leaf },
    );
    expect(near.size).toBeGreaterThan(2);
    expect(near.size).toBeLessThanOrEqual(1000);
    expect(res.neighborhood.truncated).toBe(false);
    expect(res.neighborhood.nodes.map((x) => x.slug).sort()).toEqual([...near.keys()].sort());
  });

  /** Score of an entity by the README's rule, from the generated records. */
  function expectedScore(by: 'DEGREE' | 'DEAL_VALUE', slug: string): number {
    const entity = data.entities.find((e) => e.slug === slug)!;
    if (by === 'DEGREE') return degree(slug);
    if (entity.label === 'Deal') return Number(entity.valueUsd ?? 0);
    const deals = new Set<string>();
    for (const r of data.relationships) {
      if (!DEAL_LINKS.includes(r.type)) continue;
      if (r.from === slug) deals.add(r.to);
      if (r.to === slug) deals.add(r.from);
    }
    const dealValue = new Map(
      data.entities.filter((e) => e.label === 'Deal').map((e) => [e.slug, Number(e.valueUsd ?? 0)]),
    );
    return [...deals].reduce((sum, d) => sum + (dealValue.get(d) ?? 0), 0);
  }

  /** `rank(within: center, depth)` computed from the records: candidates by BFS, scored, ordered. */
  function expectedRanking(
    by: 'DEGREE' | 'DEAL_VALUE',
    center: string,
    depth: number,
    labels: string[] | null,
    first: number,
  ) {
    return [...distances(center, depth).keys()]
      .map((slug) => data.entities.find((e) => e.slug === slug)!)
      .filter((e) => !labels || labels.includes(e.label))
      .map((e) => ({ slug: e.slug, id: e.id, name: e.name, score: expectedScore(by, e.slug) }))
      .filter((e) => e.score > 0)
      .sort(byScoreNameId)
      .slice(0, first);
  }

  it('ranks a neighbourhood by degree and by deal value as computed from the generated records', async () => {
    // A hub whose two-hop neighbourhood fits under MAX_NEIGHBORHOOD_LIMIT and has many companies.
    const center = hubs().find((slug) => {
      const reach = distances(slug, 2);
      return reach.size < 900 && [...reach.keys()].filter((s) => s.includes('-company-')).length > 30;
    });
    expect(center).toBeDefined();
    type Ranked = Array<{ score: number; entity: Slugged }>;
    const { data: res } = await ok<{ degree: Ranked; value: Ranked; valueAll: Ranked }>(
      `query($c: ID!) {
         degree: rank(by: DEGREE, kinds: [COMPANY], within: $c, depth: 2, first: 100) { score entity { slug } }
         value: rank(by: DEAL_VALUE, kinds: [COMPANY], within: $c, depth: 2, first: 100) { score entity { slug } }
         valueAll: rank(by: DEAL_VALUE, within: $c, depth: 2, first: 100) { score entity { slug } } }`,
      { c: center },
    );
    const cases: Array<[Ranked, ReturnType<typeof expectedRanking>]> = [
      [res.degree, expectedRanking('DEGREE', center!, 2, ['Company'], 100)],
      [res.value, expectedRanking('DEAL_VALUE', center!, 2, ['Company'], 100)],
      [res.valueAll, expectedRanking('DEAL_VALUE', center!, 2, null, 100)],
    ];
    for (const [got, expected] of cases) {
      expect(expected.length).toBeGreaterThan(10);
      expect(got.map((r) => r.entity.slug)).toEqual(expected.map((e) => e.slug));
      got.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i]!.score, -3));
    }
    // Projects and datacenters score through their deals too.
    expect(new Set(res.valueAll.map((r) => r.entity.slug.replace(/^.*-(\w+)-\d+$/, '$1')))).toEqual(
      new Set(['company', 'deal', 'project', 'datacenter']),
    );
  });

  it('ranks the whole graph in score order, our entities with the scores of the generated records', async () => {
    const { data: res } = await ok<{
      byDegree: Array<{ score: number; entity: Slugged }>;
      byValue: Array<{ score: number; entity: Slugged }>;
    }>(
      `{ byDegree: rank(by: DEGREE, kinds: [COMPANY], first: 50) { score entity { slug } }
         byValue: rank(by: DEAL_VALUE, kinds: [COMPANY], first: 50) { score entity { slug } } }`,
    );
    for (const list of [res.byDegree, res.byValue]) {
      expect(list).toHaveLength(50);
      const scores = list.map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    // Other test files share the database: their entities may rank too, so ours are checked exactly.
    // This file's graph is the largest any test generates: even with every other file's generated
    // graph loaded at once, 19 of the top 50 by degree and 17 by deal value are ours.
    const ours = (list: typeof res.byDegree) => list.filter((x) => x.entity.slug.startsWith(prefix));
    expect(ours(res.byDegree).length).toBeGreaterThanOrEqual(5);
    expect(ours(res.byValue).length).toBeGreaterThanOrEqual(5);
    for (const r of ours(res.byDegree)) expect(r.score).toBe(expectedScore('DEGREE', r.entity.slug));
    for (const r of ours(res.byValue)) expect(r.score).toBeCloseTo(expectedScore('DEAL_VALUE', r.entity.slug), -3);
  });

  it('follows money only along the money rule, to projects and datacenters', async () => {
    const byKey = new Map(data.relationships.map((r) => [`${r.from} ${r.type} ${r.to}`, r]));
    const { data: res } = await ok<{
      moneyFlows: Array<PathJson & { nodes: Array<Slugged & { __typename: string }> }>;
    }>(`query($from: ID!) { moneyFlows(from: $from, maxHops: 4, first: 50) { ${PATH} } }`, { from: hub() });
    expect(res.moneyFlows.length).toBeGreaterThan(0);
    for (const path of res.moneyFlows) {
      expectConnected(path);
      expect(['Project', 'Datacenter']).toContain(path.nodes.at(-1)!.__typename);
      path.relationships.forEach((r, i) => {
        const forward = r.from.slug === path.nodes[i]!.slug;
        const rel = byKey.get(`${r.from.slug} ${r.type} ${r.to.slug}`);
        expect(rel, `${r.from.slug} ${r.type} ${r.to.slug} is in the generated data`).toBeDefined();
        if (!rel) return;
        const role = rel.properties?.role as string | undefined;
        const ok =
          (forward && ['INVESTS_IN', 'COVERS'].includes(r.type)) ||
          (forward &&
            r.type === 'PARTICIPATES_IN' &&
            (FINANCING_ROLES.includes(role ?? '') || rel.properties?.committedUsd != null)) ||
          (forward && r.type === 'PARTY_TO' && BUYER_ROLES.includes(role ?? '')) ||
          (forward && r.type === 'PART_OF' && path.nodes[i]!.__typename === 'Deal') ||
          (!forward &&
            r.type === 'PART_OF' &&
            path.nodes[i]!.__typename === 'Project' &&
            path.nodes[i + 1]!.__typename === 'Datacenter');
        expect(ok, `${r.type} step ${i} of ${slugs(path).join(' > ')}`).toBe(true);
      });
    }
    const lengths = res.moneyFlows.map((p) => p.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  });

  it('finds the common neighbours a set intersection finds', async () => {
    const a = hub();
    const b = hubs()[1]!;
    const expected = [...(adjacency.get(a) ?? [])].filter((n) => adjacency.get(b)?.has(n) && n !== a && n !== b).sort();
    const { data: res } = await ok<{ commonNeighbors: Slugged[] }>(
      `query($a: ID!, $b: ID!) { commonNeighbors(a: $a, b: $b, first: 100) { slug } }`,
      { a, b },
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThanOrEqual(100);
    expect(res.commonNeighbors.map((e) => e.slug).sort()).toEqual(expected);
  });

  it('keeps round trips flat for a large neighbourhood', async () => {
    const selection = `nodes { __typename slug ... on Company { dealStats { count } leaders(first: 2) { edges { node { name } } } }
                         ... on Deal { parties(first: 3) { edges { role node { slug } } } } }
                       relationships { type from { slug } to { slug } }`;
    type Res = { neighborhood: { nodes: Array<{ __typename: string }> } };
    const kinds = (r: Res) => [...new Set(r.neighborhood.nodes.map((n) => n.__typename))].sort();
    const small = await ok<Res>(`query($id: ID!) { neighborhood(id: $id, depth: 1, limit: 1000) { ${selection} } }`, {
      id: hub(),
    });
    const large = await ok<Res>(`query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 1000) { ${selection} } }`, {
      id: hub(),
    });
    expect(large.data.neighborhood.nodes.length).toBeGreaterThan(small.data.neighborhood.nodes.length + 100);
    // Same kinds of entity (so the same fields resolve), many more of them: same round trips.
    expect(kinds(small.data)).toEqual(kinds(large.data));
    expect(large.roundTrips).toBe(small.roundTrips);
  });
});

describe('ranking ties', () => {
  const prefix = uniquePrefix('ties');
  const slug = (x: string) => `${prefix}-${x}`;

  beforeAll(async () => {
    // Three companies with equal scores: two share a name, so only the id orders them. Created
    // out of order, so neither insertion order nor chance can pass for the rule.
    await createEntities(t.db, [
      { label: 'Company', slug: slug('b'), name: 'Same Name' },
      { label: 'Company', slug: slug('c'), name: 'Other Name' },
      { label: 'Company', slug: slug('a'), name: 'Same Name' },
      { label: 'Deal', slug: slug('deal'), name: 'Tie Deal', props: { valueUsd: 1e9 } },
    ]);
    await relate(t.db, 'PARTY_TO', [
      [slug('b'), slug('deal'), { role: 'buyer' }],
      [slug('c'), slug('deal'), { role: 'seller' }],
      [slug('a'), slug('deal'), { role: 'investor' }],
    ]);
  });
  afterAll(() => deleteFixtures(t.db, prefix));

  it('are broken by name, then by id', async () => {
    type Ranked = Array<{ score: number; entity: Slugged }>;
    const { data } = await ok<{ value: Ranked; degree: Ranked; top: Ranked }>(
      `query($c: ID!) {
         value: rank(by: DEAL_VALUE, kinds: [COMPANY], within: $c, depth: 1) { score entity { slug } }
         degree: rank(by: DEGREE, kinds: [COMPANY], within: $c, depth: 1) { score entity { slug } }
         top: rank(by: DEGREE, within: $c, depth: 1, first: 2) { score entity { slug } } }`,
      { c: slug('deal') },
    );
    expect(data.value.map((r) => [r.entity.slug, r.score])).toEqual([
      [slug('c'), 1e9],
      [slug('a'), 1e9],
      [slug('b'), 1e9],
    ]);
    expect(data.degree.map((r) => [r.entity.slug, r.score])).toEqual([
      [slug('c'), 1],
      [slug('a'), 1],
      [slug('b'), 1],
    ]);
    expect(data.top.map((r) => [r.entity.slug, r.score])).toEqual([
      [slug('deal'), 3],
      [slug('c'), 1],
    ]);
  });
});

describe('a traversal that explodes', () => {
  const prefix = uniquePrefix('dense');
  let slow: TestGraph;
  let slowYoga: ReturnType<typeof testServer>;

  beforeAll(async () => {
    // A hub inside a clique: between its two outside neighbours there is one simple path but
    // tens of millions of trails that loop through the clique and back through the hub.
    const clique = Array.from({ length: 30 }, (_, i) => `${prefix}-c${i}`);
    await createEntities(t.db, [
      ...clique.map((slug) => ({ label: 'Company' as const, slug, name: slug })),
      { label: 'Company', slug: `${prefix}-a`, name: 'A' },
      { label: 'Company', slug: `${prefix}-b`, name: 'B' },
    ]);
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < clique.length; i++)
      for (let j = i + 1; j < clique.length; j++) pairs.push([clique[i]!, clique[j]!]);
    await relate(t.db, 'INVESTS_IN', [...pairs, [`${prefix}-a`, clique[0]!], [clique[0]!, `${prefix}-b`]]);
    slow = await openTestGraph({ TRAVERSAL_TIMEOUT_MS: '50', MAX_HOPS: '10' });
    slowYoga = testServer(slow.graph, slow.config);
  });

  afterAll(async () => {
    await deleteFixtures(t.db, prefix);
    await slow?.close();
  });

  it('is stopped by the timeout with a TIMEOUT error naming it, while a simple query still answers', async () => {
    const started = performance.now();
    const exploding = gql(
      slowYoga,
      `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 10, first: 50) { length } }`,
      {
        a: `${prefix}-a`,
        b: `${prefix}-b`,
      },
    );
    const simple = (async () => {
      await new Promise((r) => setTimeout(r, 10));
      const s = performance.now();
      const res = await gql<{ entity: Slugged }>(slowYoga, `{ entity(slug: "openai") { slug } }`);
      return { res, ms: performance.now() - s };
    })();
    const [explodedRes, simpleRes] = await Promise.all([exploding, simple]);
    expect(simpleRes.res.data?.entity.slug).toBe('openai');
    expect(explodedRes.errors?.[0]?.extensions).toMatchObject({
      code: 'TIMEOUT',
      limit: 'TRAVERSAL_TIMEOUT_MS',
      ms: 50,
    });
    expect(explodedRes.errors?.[0]?.message).toMatch(/TRAVERSAL_TIMEOUT_MS/);
    // Neo4j checks for the timeout between steps: stopped well before it could finish.
    expect(performance.now() - started).toBeLessThan(20_000);
    // And the server answers the next request as usual (not a traversal: 50 ms is below
    // what planning a new traversal statement takes on a cold Neo4j).
    const after = await gql<{ entity: Slugged }>(slowYoga, `{ entity(slug: "stargate") { slug } }`);
    expect(after.data?.entity.slug).toBe('stargate');
  });
});

describe('a neighbourhood cut by its limit', () => {
  const prefix = uniquePrefix('cut');
  const slug = (x: string) => `${prefix}-${x}`;
  // Built so that every wrong cut shows. The center's own neighbours have the last names and
  // ids; the entities two and three hops out have the first ones, many of them hang off one
  // neighbour (a depth-first walk from it finds them before the other neighbours), and `near3`
  // is also three hops away through that hub (a walk that keeps the first path it finds puts it
  // at distance 3). A cut by name, by id, by the first paths found or by anything but distance
  // keeps some far entity while leaving out a nearer one.
  const near = [0, 1, 2, 3].map((i) => slug(`z-near${i}`));
  const far = Array.from({ length: 12 }, (_, i) => slug(`a-far${String(i).padStart(2, '0')}`));
  const farther = far.map((s) => `${s}-x`);
  const edges: Array<[string, string]> = [
    [slug('center'), near[0]!],
    [near[1]!, slug('center')],
    [slug('center'), near[2]!],
    [near[3]!, slug('center')],
    ...far.map((s): [string, string] => [near[0]!, s]),
    ...far.map((s, i): [string, string] => [s, farther[i]!]),
    [far[0]!, near[3]!],
  ];

  /** Hops from the center to every entity of the fixture, by a breadth-first search here. */
  const distance = new Map<string, number>([[slug('center'), 0]]);
  for (let frontier = [slug('center')], d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const [a, b] of edges)
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const)
        if (frontier.includes(from) && !distance.has(to)) {
          distance.set(to, d);
          next.push(to);
        }
    frontier = next;
  }

  beforeAll(async () => {
    await createEntities(t.db, [
      { label: 'Company', slug: slug('center'), name: 'M center' },
      ...near.map((s, i) => ({ label: 'Company' as const, slug: s, name: `Zz near ${i}` })),
      ...far.map((s, i) => ({ label: 'Company' as const, slug: s, name: `Aa far ${i}` })),
      ...farther.map((s, i) => ({ label: 'Company' as const, slug: s, name: `Aa farther ${i}` })),
    ]);
    await relate(t.db, 'INVESTS_IN', edges);
  });
  afterAll(() => deleteFixtures(t.db, prefix));

  async function cut(limit: number) {
    const { data } = await ok<{ neighborhood: { nodes: Slugged[]; truncated: boolean } }>(
      `query($id: ID!, $limit: Int!) { neighborhood(id: $id, depth: 3, limit: $limit) { nodes { slug } truncated } }`,
      { id: slug('center'), limit },
    );
    const kept = data.neighborhood.nodes.map((n) => n.slug);
    const omitted = [...distance.keys()].filter((s) => !kept.includes(s));
    return { kept, omitted, truncated: data.neighborhood.truncated };
  }

  it('keeps the nearest entities: none left out is nearer to the center than one kept', async () => {
    // The fixture as the test reads it: 4 entities at distance 1, 12 at 2, 12 at 3.
    expect([1, 2, 3].map((d) => [...distance.values()].filter((x) => x === d).length)).toEqual([4, 12, 12]);
    for (const limit of [3, 5, 8, 20]) {
      const { kept, omitted, truncated } = await cut(limit);
      expect(truncated).toBe(true);
      expect(kept).toHaveLength(limit);
      expect(kept[0]).toBe(slug('center'));
      const farthestKept = Math.max(...kept.map((s) => distance.get(s)!));
      const nearestOmitted = Math.min(...omitted.map((s) => distance.get(s)!));
      expect(farthestKept, `limit ${limit}: kept ${kept.join(', ')}`).toBeLessThanOrEqual(nearestOmitted);
      // Kept entities come back by distance.
      const ds = kept.map((s) => distance.get(s)!);
      expect(ds).toEqual([...ds].sort((a, b) => a - b));
    }
    // Cuts through distance 1 and 2 keep exactly as many of each distance as fit.
    const at = (kept: string[], d: number) => kept.filter((s) => distance.get(s) === d).length;
    const three = await cut(3);
    expect(at(three.kept, 1)).toBe(2);
    const eight = await cut(8);
    expect(eight.kept.slice(1, 5).sort()).toEqual([...near].sort());
    expect(at(eight.kept, 2)).toBe(3);
    const twenty = await cut(20);
    expect(at(twenty.kept, 2)).toBe(12);
    expect(at(twenty.kept, 3)).toBe(3);
    // The whole reach fits in 29: nothing cut.
    const whole = await cut(29);
    expect(whole.truncated).toBe(false);
    expect(whole.omitted).toEqual([]);
  });
});
