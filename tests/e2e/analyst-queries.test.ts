/**
 * Analyst queries on the seed through the HTTP API (README, "Analyst queries"): boolean and
 * relationship filters, filters and orderings on relationship connections, aggregates, planned
 * and loaded alike (READ_PLANNER on and off answer the same).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed, readSeed } from '../../src/graph/seed.js';
import { gql, openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let planned: ReturnType<typeof testServer>;
let loaded: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph({ DEBUG_EXTENSIONS: 'true' });
  await loadSeed(t.db);
  planned = testServer(t.graph, t.config);
  loaded = testServer(t.graph, { ...t.config, readPlanner: false });
});
afterAll(() => t.close());

/** Other test files share the database: every root read here is scoped to the seed's entities. */
const SEED = readSeed().entities.map((e) => e.slug);

type Slugs = { edges: Array<{ node: { slug: string } }> };
const slugs = (c: Slugs) => c.edges.map((e) => e.node.slug).sort();

/** The answer, the same with the planner on and off; and the planned read's round trips. */
async function read<T>(query: string, vars?: Record<string, unknown>): Promise<T & { roundTrips: number }> {
  const variables = query.includes('$seed') ? { ...vars, seed: SEED } : vars;
  const a = await gql<T>(planned, query, variables);
  expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
  const b = await gql<T>(loaded, query, variables);
  expect(b.errors, JSON.stringify(b.errors)).toBeUndefined();
  expect(b.data).toEqual(a.data);
  const roundTrips = (a.extensions as { cypher: { roundTrips: number } }).cypher.roundTrips;
  return { ...a.data!, roundTrips };
}

describe('relationship filters', () => {
  it('companies with a deal over $10bn with Oracle: OpenAI and Oracle, not SoftBank, Microsoft or CoreWeave', async () => {
    const { companies, roundTrips } = await read<{ companies: Slugs }>(`query($seed: [String!]) {
      companies(first: 50, filter: { slugs: $seed, deals: { some: { node: {
        valueUsd: { gte: 1e10 }, parties: { some: { node: { slugs: ["oracle"] } } } } } } }) {
        edges { node { slug } } } }`);
    expect(slugs(companies)).toEqual(['openai', 'oracle']);
    expect(roundTrips).toBe(1);
  });

  it('companies with at least 3 deals: OpenAI alone', async () => {
    const { companies } = await read<{ companies: Slugs }>(
      `query($seed: [String!]) { companies(first: 50, filter: { slugs: $seed, deals: { count: { gte: 3 } } }) { edges { node { slug } } } }`,
    );
    expect(slugs(companies)).toEqual(['openai']);
  });

  it('none and all: companies with deals, none of them over $10bn; all of them as customer', async () => {
    const all = await read<{ companies: Slugs }>(
      `query($seed: [String!]) { companies(first: 100, filter: { slugs: $seed,}) { edges { node { slug } } } }`,
    );
    const dealers = await read<{ companies: Slugs }>(
      `query($seed: [String!]) { companies(first: 100, filter: { slugs: $seed, deals: { count: { gte: 1 } } }) { edges { node { slug } } } }`,
    );
    const big = await read<{ companies: Slugs }>(
      `query($seed: [String!]) { companies(first: 100, filter: { slugs: $seed, deals: { some: { node: { valueUsd: { gte: 1e10 } } } } }) { edges { node { slug } } } }`,
    );
    const none = await read<{ companies: Slugs }>(
      `query($seed: [String!]) { companies(first: 100, filter: { slugs: $seed, deals: { count: { gte: 1 }, none: { node: { valueUsd: { gte: 1e10 } } } } }) { edges { node { slug } } } }`,
    );
    // Exactly the dealers without a big deal: CoreWeave (its deal has no value); OpenAI, Oracle
    // and Microsoft have one. Both sides non-empty, so a filter matching nothing cannot pass.
    expect(slugs(dealers.companies)).toEqual(['coreweave', 'microsoft', 'openai', 'oracle']);
    expect(slugs(big.companies)).toEqual(['microsoft', 'openai', 'oracle']);
    expect(slugs(none.companies)).toEqual(slugs(dealers.companies).filter((s) => !slugs(big.companies).includes(s)));
    expect(slugs(none.companies)).toEqual(['coreweave']);
    // `all` holds vacuously for companies without deals: those plus the all-customer dealers.
    const allCustomer = await read<{ companies: Slugs }>(
      `query($seed: [String!]) { companies(first: 100, filter: { slugs: $seed, deals: { all: { role: { eq: "customer" } } } }) { edges { node { slug } } } }`,
    );
    const withoutDeals = slugs(all.companies).filter((s) => !slugs(dealers.companies).includes(s));
    expect(withoutDeals).toEqual(['softbank']);
    expect(slugs(allCustomer.companies)).toEqual(expect.arrayContaining(withoutDeals));
    expect(slugs(allCustomer.companies)).not.toContain('oracle'); // Oracle is a provider/lessor
    // No seed dealer is a customer in every deal (OpenAI is also a lessee): SoftBank alone.
    expect(slugs(allCustomer.companies)).toEqual(['softbank']);
  });

  it('NOT and OR compose: OR is the union, NOT the complement, within the kinds', async () => {
    const q = (filter: string) =>
      `query($seed: [String!]) { companies(first: 100, filter: { slugs: $seed, AND: [${filter}] }) { edges { node { slug } } } }`;
    const everyone = slugs((await read<{ companies: Slugs }>(q('{}'))).companies);
    const openai = slugs((await read<{ companies: Slugs }>(q('{ name: { eq: "OpenAI" } }'))).companies);
    const oracle = slugs((await read<{ companies: Slugs }>(q('{ name: { startsWith: "orac" } }'))).companies);
    expect(openai).toEqual(['openai']);
    expect(oracle).toEqual(['oracle']);
    const either = slugs(
      (await read<{ companies: Slugs }>(q('{ OR: [{ slugs: ["openai"] }, { name: { startsWith: "orac" } }] }')))
        .companies,
    );
    expect(either).toEqual(['openai', 'oracle']);
    const neither = slugs(
      (await read<{ companies: Slugs }>(q('{ NOT: { OR: [{ slugs: ["openai"] }, { name: { eq: "Oracle" } }] } }')))
        .companies,
    );
    expect(neither).toEqual(everyone.filter((s) => s !== 'openai' && s !== 'oracle'));
    expect(neither).toEqual(['coreweave', 'microsoft', 'softbank']);
    const both = slugs(
      (
        await read<{ companies: Slugs }>(
          q('{ AND: [{ slugs: ["openai", "oracle"] }, { NOT: { slugs: ["oracle"] } }] }'),
        )
      ).companies,
    );
    expect(both).toEqual(['openai']);
    // A test on a property some companies lack is false, so NOT of it keeps them.
    const notUs = slugs((await read<{ companies: Slugs }>(q('{ NOT: { country: "US" } }'))).companies);
    const us = slugs((await read<{ companies: Slugs }>(q('{ country: "US" }'))).companies);
    expect([...notUs, ...us].sort()).toEqual(everyone);
    // Both sides hold companies (SoftBank is Japanese), so neither filter may match nothing.
    expect(notUs).toEqual(['softbank']);
    expect(us).toEqual(['coreweave', 'microsoft', 'openai', 'oracle']);
  });
});

describe('filters and orderings on relationship connections', () => {
  it("OpenAI's deals over $20bn, by value descending, with a filtered totalCount, in one round trip", async () => {
    const { entity, roundTrips } = await read<{
      entity: {
        deals: { totalCount: number; edges: Array<{ role: string; node: { slug: string; valueUsd: number } }> };
      };
    }>(`{
      entity(slug: "openai") { ... on Company {
        deals(filter: { valueUsd: { gte: 2e10 } }, orderBy: { field: VALUE_USD, direction: DESC }) {
          totalCount edges { role node { slug valueUsd } } } } } }`);
    const values = entity.deals.edges.map((e) => e.node.valueUsd);
    // The Oracle (30bn) and Microsoft (28bn) deals; the CoreWeave deal has no value.
    expect(values).toEqual([30e9, 28e9]);
    expect(values.length).toBe(entity.deals.totalCount);
    expect(values.every((v) => v >= 2e10)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(roundTrips).toBe(1);
  });

  it('pages a filtered, ordered relationship connection with cursors', async () => {
    const q = `query($after: String) { entity(slug: "openai") { ... on Company {
      deals(first: 1, after: $after, orderBy: { field: VALUE_USD, direction: DESC }) { edges { node { slug valueUsd } } pageInfo { hasNextPage endCursor } } } } }`;
    type R = {
      entity: {
        deals: {
          edges: Array<{ node: { slug: string; valueUsd: number } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const seen: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: R = await read<R>(q, { after });
      seen.push(...page.entity.deals.edges.map((e) => e.node.valueUsd));
      if (!page.entity.deals.pageInfo.hasNextPage) break;
      after = page.entity.deals.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(3);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });
});

describe('aggregates', () => {
  it("OpenAI's deals: count 3, value sum 58e9; by role customer 2 and lessee 1; one round trip", async () => {
    const { entity, roundTrips } = await read<{
      entity: {
        deals: {
          edges: Array<{ node: { valueUsd: number | null } }>;
          aggregate: {
            count: number;
            valueUsd: { sum: number; min: number; max: number; avg: number };
            groupBy: Array<{ key: string; count: number; valueUsd: { sum: number } }>;
          };
        };
      };
    }>(`{ entity(slug: "openai") { ... on Company { deals { edges { node { valueUsd } } aggregate {
          count valueUsd { sum min max avg }
          groupBy(field: ROLE) { key count valueUsd { sum } } } } } } }`);
    const { aggregate } = entity.deals;
    expect(aggregate.count).toBe(3);
    expect(aggregate.valueUsd.sum).toBe(58e9);
    // min, max and avg over the deals that have a value.
    const values = entity.deals.edges.map((e) => e.node.valueUsd).filter((v): v is number => v !== null);
    expect(values.length).toBeGreaterThan(0);
    expect(aggregate.valueUsd.min).toBe(Math.min(...values));
    expect(aggregate.valueUsd.max).toBe(Math.max(...values));
    expect(aggregate.valueUsd.avg).toBeCloseTo(58e9 / values.length, -3);
    expect(aggregate.groupBy.map((g) => [g.key, g.count])).toEqual([
      ['customer', 2],
      ['lessee', 1],
    ]);
    expect(aggregate.groupBy.reduce((s, g) => s + g.valueUsd.sum, 0)).toBe(58e9);
    expect(roundTrips).toBe(1);
  });

  it('respect the filter, on root connections too, with the page in the same statement', async () => {
    const { deals, roundTrips } = await read<{
      deals: {
        totalCount: number;
        edges: unknown[];
        aggregate: { count: number; valueUsd: { sum: number } };
        byYear: { groupBy: Array<{ key: string; count: number }> };
      };
    }>(`query($seed: [String!]) { deals(first: 100, filter: { slugs: $seed, valueUsd: { gte: 1e10 } }) {
          totalCount edges { node { slug } }
          aggregate { count valueUsd { sum } }
          byYear: aggregate { groupBy(field: ANNOUNCED_YEAR) { key count } } } }`);
    // Two of the seed's three deals (Oracle 30bn, Microsoft 28bn): the filter keeps some, drops one.
    expect(deals.totalCount).toBe(2);
    expect(deals.aggregate.valueUsd.sum).toBe(58e9);
    expect(deals.aggregate.count).toBe(deals.totalCount);
    expect(deals.edges).toHaveLength(deals.totalCount);
    expect(deals.aggregate.valueUsd.sum).toBeGreaterThanOrEqual(1e10 * deals.totalCount);
    expect(deals.byYear.groupBy.reduce((s, g) => s + g.count, 0)).toBe(deals.totalCount);
    expect(roundTrips).toBe(1);
  });

  it('of a nested connection, under every parent of a page, in one round trip', async () => {
    const { companies, roundTrips } = await read<{
      companies: {
        edges: Array<{ node: { slug: string; deals: { totalCount: number; aggregate: { count: number } } } }>;
      };
    }>(`query($seed: [String!]) { companies(first: 50, filter: { slugs: $seed, deals: { count: { gte: 1 } } }) { edges { node { slug
          deals(filter: { valueUsd: { gte: 1e9 } }) { totalCount aggregate { count } } } } } }`);
    expect(companies.edges.length).toBeGreaterThan(1);
    for (const e of companies.edges) expect(e.node.deals.aggregate.count).toBe(e.node.deals.totalCount);
    // Counts that differ by parent, zero included (CoreWeave's one deal has no value), so equal
    // counts cannot come from a filter that matches nothing.
    expect(Object.fromEntries(companies.edges.map((e) => [e.node.slug, e.node.deals.aggregate.count]))).toEqual({
      coreweave: 0,
      microsoft: 1,
      openai: 2,
      oracle: 1,
    });
    expect(roundTrips).toBe(1);
  });
});

describe('refused filters', () => {
  const refused = async (query: string, config: Record<string, string> = {}) => {
    const own = Object.keys(config).length > 0 ? await openTestGraph(config) : null;
    try {
      const yoga = own ? testServer(own.graph, own.config) : planned;
      const body = await gql(yoga, query);
      expect(body.errors).toHaveLength(1);
      return body.errors![0]!.extensions as Record<string, unknown>;
    } finally {
      await own?.close();
    }
  };

  it('an `in` list over MAX_PAGE_SIZE, a filter deeper than MAX_FILTER_DEPTH or wider than MAX_FILTER_CONDITIONS', async () => {
    const many = JSON.stringify(Array.from({ length: 101 }, (_, i) => `s${i}`));
    expect(await refused(`{ companies(filter: { name: { in: ${many} } }) { edges { node { slug } } } }`)).toMatchObject(
      { code: 'LIMIT_EXCEEDED', limit: 'MAX_PAGE_SIZE', max: 100, got: 101 },
    );
    expect(
      await refused(`{ companies(filter: { deals: { some: { role: { in: ${many} } } } }) { totalCount } }`),
    ).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_PAGE_SIZE' });
    let deep = '{ slugs: ["openai"] }';
    for (let i = 0; i < 8; i++) deep = `{ NOT: ${deep} }`; // depth 9
    expect(await refused(`{ companies(filter: ${deep}) { totalCount } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_FILTER_DEPTH',
      max: 8,
      got: 9,
    });
    const wide = `{ OR: [${Array.from({ length: 51 }, (_, i) => `{ country: "c${i}" }`).join(', ')}] }`;
    expect(await refused(`{ companies(filter: ${wide}) { totalCount } }`)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_FILTER_CONDITIONS',
      max: 50,
      got: 51,
    });
    // On a relationship connection too, at its own path.
    expect(
      await refused(
        `{ entity(slug: "openai") { ... on Company { deals(filter: ${deep.replaceAll('slugs', 'slugs')}) { totalCount } } } }`,
      ),
    ).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_FILTER_DEPTH' });
  });

  it('bounds are configurable', async () => {
    expect(
      await refused('{ companies(filter: { NOT: { slugs: ["a"] } }) { totalCount } }', { MAX_FILTER_DEPTH: '1' }),
    ).toMatchObject({ limit: 'MAX_FILTER_DEPTH', max: 1, got: 2 });
    expect(
      await refused('{ companies(filter: { slugs: ["a"], country: "US" }) { totalCount } }', {
        MAX_FILTER_CONDITIONS: '1',
      }),
    ).toMatchObject({ limit: 'MAX_FILTER_CONDITIONS', max: 1, got: 2 });
  });

  it('filter values never reach Cypher text', async () => {
    const hostile = `x') RETURN 1 //`;
    const { companies } = await read<{ companies: Slugs }>(
      `query($s: String!) { companies(filter: { name: { contains: $s }, deals: { some: { role: { eq: $s } } } }) { edges { node { slug } } } }`,
      { s: hostile },
    );
    expect(companies.edges).toEqual([]);
    // The same filter with harmless values matches: the empty answer above is the values' doing.
    const control = await read<{ companies: Slugs }>(
      `query($s: String!, $r: String!, $seed: [String!]) { companies(filter: { slugs: $seed, name: { contains: $s }, deals: { some: { role: { eq: $r } } } }) { edges { node { slug } } } }`,
      { s: 'openai', r: 'customer' },
    );
    expect(slugs(control.companies)).toEqual(['openai']);
  });
});
