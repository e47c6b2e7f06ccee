/**
 * The read planner on a real Neo4j with generated, power-law data: planned reads cost one round
 * trip whatever their depth, and answer exactly what the DataLoader path (planner off) answers,
 * on a corpus of operations with fragments, aliases, variables, directives, cursors and errors.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/graph/cursor.js';
import { deferredIndexOf } from '../../src/plan/cypher.js';
import { explainPlans } from '../../src/plan/explain.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { backfillEntities } from '../../src/graph/entity-backfill.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let planned: ReturnType<typeof testServer>;
let loaded: ReturnType<typeof testServer>;
const prefix = uniquePrefix('plan');
let slugs: Record<'companies' | 'people' | 'projects' | 'datacenters' | 'deals', string[]>;
let hub: string;
let hubProject: string;

beforeAll(async () => {
  t = await openTestGraph();
  planned = testServer(t.graph, { ...t.config, debugExtensions: true, readPlanner: true });
  loaded = testServer(t.graph, { ...t.config, debugExtensions: true, readPlanner: false });
  const data = generateGraph({ entities: 1200, seed: 11, prefix });
  await loadGraph(t.db, data, { batchSize: 500 });
  const of = (label: string) => data.entities.filter((e) => e.label === label).map((e) => e.slug);
  slugs = {
    companies: of('Company'),
    people: of('Person'),
    projects: of('Project'),
    datacenters: of('Datacenter'),
    deals: of('Deal'),
  };
  const [top] = await t.db.read(
    `MATCH (c:Company)-[:PARTY_TO]->() WHERE c.slug STARTS WITH $p RETURN c.slug AS slug, count(*) AS deals ORDER BY deals DESC, slug LIMIT 1`,
    { p: `${prefix}-` },
  );
  hub = top!.slug as string;
  const [project] = await t.db.read(
    `MATCH (p:Project)<-[:PARTICIPATES_IN]-() WHERE p.slug STARTS WITH $p RETURN p.slug AS slug, count(*) AS n ORDER BY n DESC, slug LIMIT 1`,
    { p: `${prefix}-` },
  );
  hubProject = project!.slug as string;
  expect((top!.deals as number) > 10).toBe(true);
}, 180_000);

afterAll(async () => {
  await deleteByPrefix(t.db, prefix);
  await t.close();
});

type Answer = Awaited<ReturnType<typeof gql>>;
const roundTrips = (answer: Answer) => (answer.extensions?.cypher as { roundTrips: number }).roundTrips;

const NESTED = `
  fragment Party on Company { slug name kind country leaders(first: 3) { totalCount edges { title since node { slug name } } } }
  query Nested($slugs: [String!], $first: Int, $withLeaders: Boolean!) {
    companies(first: $first, filter: { slugs: $slugs }) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id slug name createdAt updatedAt
        deals(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor role node {
          __typename slug name valueUsd kind announcedOn startsOn endsOn
          parties(first: 5) { edges { role node { ...Party ... on Company @include(if: $withLeaders) { investors { totalCount } } } } }
        } } }
      } }
    }
  }`;

/** The corpus: each entry runs through both servers and must answer the same. */
function corpus(): Array<{ name: string; query: string; variables?: Record<string, unknown> }> {
  return [
    {
      name: 'nested companies → deals → parties → leaders',
      query: NESTED,
      variables: { slugs: slugs.companies, first: 20, withLeaders: true },
    },
    {
      name: 'nested without the @include part',
      query: NESTED,
      variables: { slugs: slugs.companies, first: 7, withLeaders: false },
    },
    {
      name: 'a hub by slug: counts, two aliased pages of its deals, sources',
      query: `query($slug: String!) { entity(slug: $slug) { __typename id slug name aliases description entityKind
        sources { title publisher publishedOn language }
        ... on Company {
          deals { totalCount }
          leaders { totalCount }
          projects { totalCount edges { role committedUsd node { slug status pledgedUsd announcedOn } } }
          firstDeals: deals(first: 20) { edges { role node { slug valueUsd parties(first: 5) { edges { role node { slug } } } } } pageInfo { hasNextPage endCursor } }
          lastDeals: deals(last: 4) { edges { cursor node { slug } } pageInfo { hasPreviousPage startCursor } }
        } } }`,
      variables: { slug: hub },
    },
    {
      name: 'deals by value with a range filter, their parties, projects, datacenters',
      query: `query($slugs: [String!]) { deals(first: 15, filter: { slugs: $slugs, valueUsd: { gte: 1e8 } }, orderBy: { field: VALUE_USD, direction: DESC }) {
        totalCount edges { cursor node { slug valueUsd
          parties { edges { role node { slug investors(first: 2) { edges { amountUsd on node { slug } } } investments { totalCount } } } }
          projects { edges { node { slug status participants { totalCount } } } }
          datacenters { edges { node { slug powerMw targetDate status location operators { edges { node { slug } } } } } }
        } } } }`,
      variables: { slugs: slugs.deals },
    },
    {
      name: 'projects → announcedBy (Entity) with kind fragments',
      query: `query($slugs: [String!]) { projects(first: 10, filter: { slugs: $slugs }, orderBy: { field: CREATED_AT, direction: DESC }) {
        edges { node { slug announcedBy(first: 5) { totalCount edges { on node { __typename slug
          ... on Person { leads { edges { title node { slug } } } }
          ... on Company { deals(first: 2) { totalCount edges { node { slug } } } }
        } } }
        datacenters(first: 3) { edges { node { slug deals { edges { node { slug } } } } } }
        deals(last: 2) { edges { node { slug } } } } } } }`,
      variables: { slugs: slugs.projects },
    },
    {
      name: 'people → leads → the company’s investors; backward root page',
      query: `query($slugs: [String!]) { people(last: 12, filter: { slugs: $slugs }) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { slug name leads { edges { title since node { slug investors { edges { amountUsd node { slug } } } } } } announced { totalCount } } } } }`,
      variables: { slugs: slugs.people },
    },
    {
      name: 'datacenters with every relationship',
      query: `query($slugs: [String!]) { datacenters(first: 10, filter: { slugs: $slugs }, orderBy: { field: POWER_MW, direction: DESC }) {
        edges { node { slug powerMw operators { edges { node { slug } } } projects { edges { node { slug } } } deals { totalCount } } } } }`,
      variables: { slugs: slugs.datacenters },
    },
    {
      name: 'fields the planner leaves to loaders, mixed in at two levels',
      query: `query($slugs: [String!]) { companies(first: 5, filter: { slugs: $slugs }) { edges { node { slug dealStats { count totalValueUsd }
        deals(first: 3) { edges { node { slug excludedCompanies { slug } parties { totalCount edges { node { slug dealStats { count } } } } } } } } } } }`,
      variables: { slugs: slugs.companies },
    },
    {
      name: 'a project’s participants and the generic relationships under them',
      query: `query($slug: String!) { entity(slug: $slug) { ... on Project { participants(first: 4) { edges { role committedUsd node { slug
        relationships(types: [PARTY_TO], first: 3) { totalCount edges { type direction role node { slug } } } } } } } } }`,
      variables: { slug: hubProject },
    },
    {
      name: 'a nested page over the maximum: the error at the same path',
      query: `query($slugs: [String!]) { companies(first: 2, filter: { slugs: $slugs }) { edges { node { slug deals(first: 1000) { totalCount } } } } }`,
      variables: { slugs: slugs.companies },
    },
    {
      name: 'a malformed nested cursor: INVALID_CURSOR at the same path',
      query: `query($slug: String!) { entity(slug: $slug) { ... on Company { deals(first: 2, after: "bm9wZQ") { edges { node { slug } } } } } }`,
      variables: { slug: hub },
    },
    {
      name: 'an unknown slug',
      query: `{ entity(slug: "${prefix}-nobody") { slug ... on Company { deals { totalCount } } } }`,
    },
  ];
}

describe('read planner', () => {
  it('answers exactly as the DataLoader path does, on every operation of the corpus', {
    timeout: 240_000,
  }, async () => {
    for (const { name, query, variables } of corpus()) {
      const [a, b] = [await gql(planned, query, variables), await gql(loaded, query, variables)];
      const strip = (answer: Answer) => ({
        data: answer.data,
        errors: answer.errors?.map((e) => ({ path: e.path, code: e.extensions?.code })),
      });
      expect(strip(a), name).toEqual(strip(b));
      if (!name.includes('error') && !name.includes('INVALID_CURSOR')) expect(a.errors, name).toBeUndefined();
    }
  });

  it('pages a hub’s deals with the planner’s cursors on the loader path and the other way round', async () => {
    const page = (server: typeof planned, after: string | null) =>
      gql<{
        entity: {
          deals: { edges: Array<{ node: { slug: string } }>; pageInfo: { endCursor: string; hasNextPage: boolean } };
        };
      }>(
        server,
        `query($slug: String!, $after: String) { entity(slug: $slug) { ... on Company { deals(first: 4, after: $after) { edges { node { slug } } pageInfo { endCursor hasNextPage } } } } }`,
        { slug: hub, after },
      );
    const first = (await page(planned, null)).data!.entity.deals;
    const nextLoaded = (await page(loaded, first.pageInfo.endCursor)).data!.entity.deals;
    const nextPlanned = (await page(planned, first.pageInfo.endCursor)).data!.entity.deals;
    expect(nextPlanned).toEqual(nextLoaded);
    expect(nextPlanned.edges).toHaveLength(4);
    expect(nextPlanned.edges.map((e) => e.node.slug)).not.toContain(first.edges[0]!.node.slug);
    const third = (await page(loaded, nextPlanned.pageInfo.endCursor)).data!.entity.deals;
    expect((await page(planned, nextLoaded.pageInfo.endCursor)).data!.entity.deals).toEqual(third);
  });

  it('costs one round trip for a relationship tree of depth 1 to 4, with fragments, aliases, variables and @include', async () => {
    const levels = [
      `deals(first: 5) { edges { role node { slug } } }`,
      `deals(first: 5) { edges { role node { slug parties(first: 5) { totalCount edges { node { slug } } } } } }`,
      `deals(first: 5) { edges { node { slug parties(first: 5) { edges { role node { ...Leaders } } } } } }`,
      `deals(first: 5) { edges { node { slug parties(first: 5) { edges { node { ...Leaders leads: leaders(first: 2) @include(if: $on) { edges { node { leads(first: 2) { totalCount } } } } } } } } } }`,
    ];
    for (const [depth, selection] of levels.entries()) {
      const query = `query($slugs: [String!], $on: Boolean!) { companies(first: 20, filter: { slugs: $slugs }) { edges { node { ...Root } } } }
        fragment Root on Company { slug a: ${selection.replace('{', '@include(if: $on) {')} }
        ${selection.includes('...Leaders') ? 'fragment Leaders on Company { leaders(first: 3) { edges { title node { name } } } }' : ''}`;
      const answer = await gql(planned, query, { slugs: slugs.companies, on: true });
      expect(answer.errors, `depth ${depth + 1}`).toBeUndefined();
      expect((answer.data!.companies as { edges: unknown[] }).edges).toHaveLength(20);
      expect(roundTrips(answer), `depth ${depth + 1}`).toBe(1);
      // The loader path pays one statement per (field, level): what the planner saves.
      expect(
        roundTrips(await gql(loaded, query, { slugs: slugs.companies, on: true })),
        `depth ${depth + 1}, planner off`,
      ).toBeGreaterThan(depth + 1);
    }
  });

  it('accepts a 100 x 10 x 5 x 3 page under the default cost limit, in one round trip, and refuses 100 x 100 x 100 (x 1)', async () => {
    const page = (deals: number, parties: number, leaders: number) => `query($slugs: [String!]) {
      companies(first: 100, filter: { slugs: $slugs }) { edges { node { slug
        deals(first: ${deals}) { edges { role node { slug parties(first: ${parties}) { edges { role node { slug
          leaders(first: ${leaders}) { edges { title node { slug } } } } } } } } } } } } }`;
    const accepted = await gql(planned, page(10, 5, 3), { slugs: slugs.companies });
    expect(accepted.errors).toBeUndefined();
    expect((accepted.data!.companies as { edges: unknown[] }).edges).toHaveLength(100);
    expect(roundTrips(accepted)).toBe(1);
    // The response cache (on by default in production) adds `__typename` and `id` to every
    // selection set; the cost is measured on the document as sent, so the page still passes.
    const cached = testServer(t.graph, { ...t.config, live: { ...t.config.live, responseCacheTtlMs: 30_000 } });
    const viaCache = await gql(cached, page(10, 5, 3), { slugs: slugs.companies });
    expect(viaCache.errors).toBeUndefined();
    expect(viaCache.data).toEqual(accepted.data);
    await cached.dispose();
    const refused = await gql(planned, page(100, 100, 1), { slugs: slugs.companies });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_COMPLEXITY',
      got: 2_010_100,
    });
  });

  it('costs at most one more round trip per level of a field it cannot fold', async () => {
    const oneLevel = await gql(
      planned,
      `query($slugs: [String!]) { companies(first: 20, filter: { slugs: $slugs }) { edges { node { slug dealStats { count } deals(first: 5) { edges { node { slug } } } } } } }`,
      { slugs: slugs.companies },
    );
    expect(oneLevel.errors).toBeUndefined();
    expect(roundTrips(oneLevel)).toBe(2);
    const twoLevels = await gql(
      planned,
      `query($slugs: [String!]) { companies(first: 20, filter: { slugs: $slugs }) { edges { node { dealStats { count } deals(first: 5) { edges { node { parties(first: 5) { edges { node { dealStats { count } } } } } } } } } } }`,
      { slugs: slugs.companies },
    );
    expect(twoLevels.errors).toBeUndefined();
    // At most one more per level (3); the plan resolves both levels in one tick, so DataLoader
    // batches both levels' dealStats into one statement.
    expect(roundTrips(twoLevels)).toBe(2);
  });
});

describe('root pages in index order', () => {
  type Operator = { operatorType: string; dbHits: number; arguments: Record<string, unknown>; children: Operator[] };
  const operators = (op: Operator): Operator[] => [op, ...op.children.flatMap(operators)];
  async function profile(query: string, variables: Record<string, unknown> = {}) {
    const [statement] = Object.values(explainPlans(schema, parse(query), rootConnectionSpecs, variables));
    const result = await t.graph.driver.executeQuery(`PROFILE ${statement!.cypher}`, statement!.params, {
      database: t.graph.database,
    });
    const ops = operators(result.summary.profile as unknown as Operator);
    return {
      ops,
      names: ops.map((o) => o.operatorType.replace(/@.*/, '')),
      dbHits: ops.reduce((n, o) => n + o.dbHits, 0),
    };
  }

  it('reads a page of companies by name from the name index, and a page deep in the list costs what the first does', async () => {
    const first = await profile(`{ companies(first: 20) { edges { node { slug name } } } }`);
    expect(first.names).toContain('NodeIndexScan');
    expect(first.names).not.toContain('Sort');
    // The (name, id) index gives the full order, ties included: not even a PartialTop.
    expect(first.names).not.toContain('Top');
    expect(first.names).not.toContain('PartialTop');
    expect(first.names).not.toContain('NodeByLabelScan');
    // A cursor far down the list (the 50th page of 20 if there were that many): a range seek.
    const [deep] = await t.db.read(
      `MATCH (n:Company) WITH n ORDER BY n.name, n.id SKIP 200 LIMIT 1 RETURN n.name AS name, n.id AS id`,
    );
    const after = encodeCursor('Company:NAME:ASC', [deep!.name as string, deep!.id as string]);
    const later = await profile(
      `query($after: String) { companies(first: 20, after: $after) { edges { node { slug name } } } }`,
      { after },
    );
    expect(later.names.some((n) => n.startsWith('NodeIndexSeek'))).toBe(true);
    expect(later.names).not.toContain('NodeByLabelScan');
    expect(later.dbHits).toBeLessThanOrEqual(first.dbHits * 2);
  });

  it('reads deals by value from the value index once a range filter requires a value', async () => {
    const ranged = await profile(
      `{ deals(first: 20, filter: { valueUsd: { gte: 1e8 } }, orderBy: { field: VALUE_USD, direction: DESC }) { edges { node { slug valueUsd } } } }`,
    );
    expect(ranged.names.some((n) => n.startsWith('NodeIndexSeek'))).toBe(true);
    expect(ranged.names).not.toContain('Sort');
    expect(ranged.names).not.toContain('NodeByLabelScan');
  });
});

describe('pages by creation time', () => {
  type Operator = { operatorType: string; children: Operator[] };
  const names = (op: Operator): string[] => [op.operatorType.replace(/@.*/, ''), ...op.children.flatMap(names)];

  it('reads the (createdAt, id) index in order, newest first, without sorting the label', async () => {
    const query = `{ companies(first: 20, orderBy: { field: CREATED_AT, direction: DESC }) { edges { cursor node { slug } } } }`;
    const [statement] = Object.values(explainPlans(schema, parse(query), rootConnectionSpecs, {}));
    const result = await t.graph.driver.executeQuery(`PROFILE ${statement!.cypher}`, statement!.params, {
      database: t.graph.database,
    });
    const operators = names(result.summary.profile as unknown as Operator);
    expect(operators).toContain('NodeIndexScan');
    for (const sort of ['Sort', 'Top', 'PartialTop', 'NodeByLabelScan']) expect(operators).not.toContain(sort);
  });

  it('walks pages by cursor in the order of the instant, then id, as the loaders do', async () => {
    // This file's companies were loaded in batches that share one createdAt: ties broken by id.
    const reference = (
      await t.db.read(`MATCH (n:Company) WHERE n.slug IN $slugs RETURN n.slug AS slug ORDER BY n.createdAt, n.id`, {
        slugs: slugs.companies,
      })
    ).map((r) => r.slug as string);
    expect(reference.length).toBeGreaterThan(21);
    const query = `query($slugs: [String!], $after: String) { companies(first: 7, after: $after, filter: { slugs: $slugs }, orderBy: { field: CREATED_AT }) {
      pageInfo { endCursor } edges { node { slug } } } }`;
    type Page = { companies: { pageInfo: { endCursor: string }; edges: Array<{ node: { slug: string } }> } };
    for (const server of [planned, loaded]) {
      const walked: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 3; i++) {
        const answer: Answer = await gql(server, query, { slugs: slugs.companies, after });
        expect(answer.errors).toBeUndefined();
        const page = (answer.data as unknown as Page).companies;
        walked.push(...page.edges.map((e) => e.node.slug));
        after = page.pageInfo.endCursor;
      }
      expect(walked).toEqual(reference.slice(0, 21));
    }
  });

  it('gives an entity written by hand without createdAt a creation time at start-up, and then pages by it show the entity both ways', async () => {
    const slug = `${prefix}-undated`;
    await t.db.write(`CREATE (:Entity:Company {id: $slug, slug: $slug, name: 'Undated', aliases: [], kind: 'OTHER'})`, {
      slug,
    });
    const filled = await backfillEntities(t.db);
    expect(filled.createdAt).toBeGreaterThanOrEqual(1);
    const [row] = await t.db.read('MATCH (n:Company {slug: $slug}) RETURN n.createdAt IS NOT NULL AS dated', { slug });
    expect(row?.dated).toBe(true);
    const query = `query($slugs: [String!]) { companies(first: 3, filter: { slugs: $slugs }, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount edges { node { slug } } } }`;
    for (const server of [planned, loaded]) {
      const answer = await gql(server, query, { slugs: [slug, slugs.companies[0]!] });
      expect(answer.errors).toBeUndefined();
      const page = (answer.data as { companies: { totalCount: number; edges: Array<{ node: { slug: string } }> } })
        .companies;
      expect(page.totalCount).toBe(2);
      // The newest first: the creation time it was just given.
      expect(page.edges.map((e) => e.node.slug)).toEqual([slug, slugs.companies[0]]);
    }
  });
});

describe('relationship pages of a hub', () => {
  // A company party to 400 deals, names repeating (ties broken by id). Its page by name reads the
  // hub's page-key index (src/graph/page-keys.ts) instead of sorting its 400 relationships.
  const hubPrefix = uniquePrefix('hubpage');
  const hubSlug = `${hubPrefix}-hub`;
  const DEALS = 400;
  const page = `query($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
    entity(slug: $slug) { ... on Company { deals(first: $first, after: $after, last: $last, before: $before) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor role node { slug name } } } } } }`;
  type Deals = {
    pageInfo: Record<string, unknown>;
    edges: Array<{ cursor: string; role: string; node: { slug: string; name: string } }>;
  };
  const dealsOf = (answer: Answer) => ((answer.data as Record<string, unknown>).entity as { deals: Deals }).deals;
  let reference: Array<{ slug: string; name: string; id: string; role: string }>;

  beforeAll(async () => {
    const deals = Array.from({ length: DEALS }, (_, i) => ({
      id: `${hubPrefix}-deal-${String(i).padStart(3, '0')}`,
      slug: `${hubPrefix}-deal-${String(i).padStart(3, '0')}`,
      label: 'Deal' as const,
      // 40 names, 10 deals each, spread over the alphabet of the other tests' deals.
      name: `${String.fromCharCode(97 + (i % 26))}${i % 40} hub deal`,
      kind: 'OTHER',
    }));
    const leaders = ['ada', 'bo', 'cy'].map((name) => ({
      id: `${hubPrefix}-${name}`,
      slug: `${hubPrefix}-${name}`,
      label: 'Person' as const,
      name,
    }));
    await loadGraph(t.db, {
      entities: [{ id: hubSlug, slug: hubSlug, label: 'Company', name: 'Hub', kind: 'OTHER' }, ...deals, ...leaders],
      relationships: [
        ...deals.map((d, i) => ({
          type: 'PARTY_TO',
          from: hubSlug,
          to: d.slug,
          properties: { role: i % 2 ? 'buyer' : 'seller' },
        })),
        ...leaders.map((l) => ({ type: 'LEADS', from: l.slug, to: hubSlug, properties: { title: 'CEO' } })),
      ],
      sources: [],
      mentions: [],
    } as Parameters<typeof loadGraph>[1]);
    const rows = await t.db.read(
      `MATCH (:Entity {slug: $slug})-[r:PARTY_TO]->(d:Deal) RETURN d.slug AS slug, d.name AS name, d.id AS id, r.role AS role ORDER BY d.name, d.id`,
      { slug: hubSlug },
    );
    reference = rows as typeof reference;
    expect(reference).toHaveLength(DEALS);
  }, 120_000);

  afterAll(() => deleteByPrefix(t.db, hubPrefix));

  const slice = (from: number, to: number) =>
    reference.slice(from, to).map((d) => ({ slug: d.slug, name: d.name, role: d.role }));
  const edgesOf = (deals: Deals) => deals.edges.map((e) => ({ slug: e.node.slug, name: e.node.name, role: e.role }));

  const profiledHits = async (query: string, variables: Record<string, unknown>) => {
    const [statement] = Object.values(explainPlans(schema, parse(query), rootConnectionSpecs, variables));
    const profiled = await t.graph.driver.executeQuery(`PROFILE ${statement!.cypher}`, statement!.params, {
      database: t.graph.database,
    });
    type Operator = { dbHits: number; children: Operator[] };
    const hits = (op: Operator): number => op.dbHits + op.children.reduce((n, c) => n + hits(c), 0);
    return hits(profiled.summary.profile as unknown as Operator);
  };

  it('reads a page by name from the page-key index instead of sorting every relationship, and answers as the sort does', async () => {
    const first = await gql(planned, page, { slug: hubSlug, first: 3 });
    expect(first.errors).toBeUndefined();
    expect(roundTrips(first)).toBe(1);
    expect(edgesOf(dealsOf(first))).toEqual(slice(0, 3));
    // Sorting the hub's deals reads each of its 400 relationships and both keys of each deal.
    expect(await profiledHits(page, { slug: hubSlug, first: 3 })).toBeLessThan(50);
    const viaLoader = await gql(loaded, page, { slug: hubSlug, first: 3 });
    expect(viaLoader.data).toEqual(first.data);
  });

  it("computes a page below a repeated parent once: the hub's leaders, though it is a party to every deal listed", async () => {
    const query = `query($slugs: [String!]) { deals(first: 20, filter: { slugs: $slugs }) { edges { node { slug
      parties(first: 3) { edges { role node { slug leaders(first: 2) { totalCount edges { title node { slug name } } } } } } } } } }`;
    const variables = { slugs: reference.slice(0, 20).map((d) => d.slug) };
    const [statement] = Object.values(explainPlans(schema, parse(query), rootConnectionSpecs, variables));
    const { records } = await t.graph.driver.executeQuery(statement!.cypher, statement!.params, {
      database: t.graph.database,
    });
    // The row comes in [key, value] parts (compileRoot): one part per entry of a deferred table.
    const parts = records.map((r) => r.toObject() as { key: string; value: unknown });
    const tables = [...new Set(parts.map((p) => p.key).filter((k) => deferredIndexOf(k) !== null))];
    expect(tables).toHaveLength(1);
    // One entry: the hub, not one per deal it appears under.
    expect(parts.filter((p) => p.key === tables[0])).toHaveLength(1);
    expect(parts.filter((p) => p.key === 'edge')).toHaveLength(20);
    const answer = await gql(planned, query, variables);
    expect(answer.errors).toBeUndefined();
    expect(roundTrips(answer)).toBe(1);
    type Deal = {
      node: {
        parties: {
          edges: Array<{
            node: { slug: string; leaders: { totalCount: number; edges: Array<{ node: { name: string } }> } };
          }>;
        };
      };
    };
    const listed = (answer.data as { deals: { edges: Deal[] } }).deals.edges;
    expect(listed).toHaveLength(20);
    for (const deal of listed) {
      const [party] = deal.node.parties.edges;
      expect(party!.node.slug).toBe(hubSlug);
      expect(party!.node.leaders.totalCount).toBe(3);
      expect(party!.node.leaders.edges.map((e) => e.node.name)).toEqual(['ada', 'bo']);
    }
    expect((await gql(loaded, query, variables)).data).toEqual(answer.data);
  });

  it('pages forward and backward from a cursor in the middle, ties on the name included', async () => {
    const middle = await gql(planned, page, { slug: hubSlug, first: 3 });
    let cursor = dealsOf(middle).pageInfo.endCursor as string;
    // Walk forward: each page starts right after the previous one (3 pages, ties crossed).
    for (let at = 3; at < 12; at += 3) {
      const next = await gql(planned, page, { slug: hubSlug, first: 3, after: cursor });
      expect(next.errors).toBeUndefined();
      expect(edgesOf(dealsOf(next))).toEqual(slice(at, at + 3));
      expect(dealsOf(next).pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      expect(await gql(loaded, page, { slug: hubSlug, first: 3, after: cursor }).then((a) => a.data)).toEqual(
        next.data,
      );
      cursor = dealsOf(next).pageInfo.endCursor as string;
    }
    // Backward from the 12th: the three before it, in order.
    const back = await gql(planned, page, { slug: hubSlug, last: 3, before: cursor });
    expect(back.errors).toBeUndefined();
    expect(edgesOf(dealsOf(back))).toEqual(slice(8, 11));
    expect(await gql(loaded, page, { slug: hubSlug, last: 3, before: cursor }).then((a) => a.data)).toEqual(back.data);
    // The last page of all, backward without a cursor.
    const tail = await gql(planned, page, { slug: hubSlug, last: 3 });
    expect(edgesOf(dealsOf(tail))).toEqual(slice(DEALS - 3, DEALS));
  });
});
