/**
 * The query cost over real HTTP (README, "Query cost"; src/query-cost.ts): it is measured on the
 * request's variables as execution coerces them, a document it cannot measure is refused, and
 * counts, aggregates, groupings, relationship predicates and `Entity.sources` are priced by what
 * they read. For each of those, a document the old pricing let run (its cost by hand in the
 * comment) is refused at the default MAX_COMPLEXITY (25,000), while the same document without the
 * construct runs: the construct is what tips it.
 *
 * With D = 5 (assumed degree) and S = 100 (a root connection's set), D (a relationship one):
 *   totalCount / aggregate / each groupBy  = S × (1 + filter work) each, once per connection
 *   aggregate                              = 1 more, groupBy(first: n) n more
 *   relationship predicate some/none/all   = D × (1 + work of its node filter) per node tested
 *   connection with such a filter          = S × filter work to find its page
 *   Entity.sources                         = 20 + 20 × (what each source selects)
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph, testConfig, testServer, type TestGraph } from '../utils/graph.js';

type Body = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

let t: TestGraph;
const servers: Server[] = [];
/** The default limits, and MAX_COMPLEXITY 20 for costs at a boundary. */
let defaults: string;
let tight: string;

async function listen(env: Record<string, string>): Promise<string> {
  const http = createHttpServer(testServer(t.graph, testConfig(env)));
  servers.push(http);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  t = await openTestGraph();
  defaults = await listen({});
  tight = await listen({ MAX_COMPLEXITY: '20' });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  await t.close();
});

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<Body> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Body;
}

// Filters that match nothing keep the reads trivial: the cost is checked before any resolver runs.
const NONE = 'filter: { slugs: ["query-cost-test-no-such-slug"] }';

function expectRan(body: Body) {
  expect(body.errors).toBeUndefined();
  expect(body.data).toBeTruthy();
}

function expectOverCost(body: Body, got: number, max = 25_000) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.map((e) => e.extensions)).toEqual([
    { code: 'LIMIT_EXCEEDED', limit: 'MAX_COMPLEXITY', max, got },
  ]);
}

describe('variables', () => {
  const DEFAULTED = `query($n: Int = 100) { companies(first: $n, ${NONE}) { edges { node {
    deals(first: $n) { edges { node { parties(first: $n) { edges { node { name } } } } } } } } } }`;

  it("prices a page size from a variable's default as the default: 100 × 100 × 100 is refused", async () => {
    // parties 100; deals 100 + 100 × 100 = 10,100; companies 100 + 100 × 10,100 = 1,010,100.
    expectOverCost(await post(defaults, DEFAULTED), 1_010_100);
    expectOverCost(await post(defaults, DEFAULTED, {}), 1_010_100);
    // Sent, the variable wins: 10 + 10 × (10 + 10 × 10) = 1,110.
    expectRan(await post(defaults, DEFAULTED, { n: 10 }));
  });

  it('prices an omitted page size as the page of 20 it runs as', async () => {
    const omitted = `query($n: Int) { companies(first: $n, ${NONE}) { edges { node { slug } } } }`;
    expectRan(await post(tight, omitted));
    expectOverCost(await post(tight, omitted, { n: 21 }), 21, 20);
  });

  it('refuses a document it cannot measure, instead of running it unmeasured', async () => {
    // `null` through a defaulted variable into the required `field`: valid as a document, but the
    // argument does not coerce, so the cost cannot be measured. The pages below it cost 1,010,100:
    // unmeasured, graphql-js would fail `groupBy` alone and run the rest.
    const crafted = `query($f: CompanyGroupField = COUNTRY) { companies(first: 100, ${NONE}) {
      aggregate { groupBy(field: $f) { key } }
      edges { node { deals(first: 100) { edges { node { parties(first: 100) { edges { node { name } } } } } } } } } }`;
    const refused = await post(defaults, crafted, { f: null });
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(refused.errors?.[0]?.message).toMatch(/cost cannot be measured: Argument "field".*must not be null/);
    // Measurable (the default applies), the same document is refused for its cost.
    expect((await post(defaults, crafted)).errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_COMPLEXITY',
    });
    // A small one is refused all the same: it is not the cost that refuses it.
    const small = `query($f: CompanyGroupField = COUNTRY) { companies(first: 1, ${NONE}) { aggregate { groupBy(field: $f) { key } } } }`;
    expect((await post(defaults, small, { f: null })).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expectRan(await post(defaults, small, { f: 'KIND' }));
  });

  it('leaves variables that do not coerce to execution, which answers BAD_USER_INPUT and runs nothing', async () => {
    const body = await post(defaults, `query($n: Int) { companies(first: $n, ${NONE}) { totalCount } }`, { n: 'x' });
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/^Variable "\$n"/);
  });
});

describe('work that reads a whole set', () => {
  /** 100 companies × `deals(first: deals)` × `parties(first: 1) { <selection> }`. */
  const nested = (deals: number, selection: string) =>
    `{ companies(first: 100, ${NONE}) { edges { node { deals(first: ${deals}) { edges { node {
       parties(first: 1) { ${selection} } } } } } } } }`;
  const PAGE_INFO = 'pageInfo { hasNextPage }';

  it('totalCount: a count of each connection, 20,100 before, 70,100 now', async () => {
    // Before: totalCount was free: parties 1; deals 100 + 100 × 1 = 200; 100 + 100 × 200 = 20,100.
    expectRan(await post(defaults, nested(100, PAGE_INFO)));
    // Now: parties 1 + D (5) = 6; deals 100 + 100 × 6 = 700; 100 + 100 × 700 = 70,100.
    expectOverCost(await post(defaults, nested(100, 'totalCount')), 70_100);
  });

  it('aggregate: 15,100 before, 40,100 now', async () => {
    // Before: aggregate was one object: parties 1 + 1 = 2; deals 50 + 50 × 2 = 150; 100 + 15,000 = 15,100.
    // Now: parties 1 + 1 + D = 7; deals 50 + 50 × 7 = 400; 100 + 100 × 400 = 40,100.
    expectOverCost(await post(defaults, nested(50, 'aggregate { count }')), 40_100);
    // parties 1; deals 50 + 50 = 100; 100 + 10,000 = 10,100.
    expectRan(await post(defaults, nested(50, PAGE_INFO)));
  });

  it('groupBy: each grouping reads the set again, 12,100 before, 42,100 now', async () => {
    // The aggregate alone: parties 7; deals 30 + 30 × 7 = 240; 100 + 24,000 = 24,100: runs.
    expectRan(await post(defaults, nested(30, 'aggregate { count }')));
    // Before: groupBy(first: 1) was 1 item: parties 1 + (1 + 1) = 3; deals 30 + 90 = 120; 12,100.
    // Now: parties 1 + (1 + 1) + 2 reads × D = 13; deals 30 + 30 × 13 = 420; 100 + 42,000 = 42,100.
    expectOverCost(await post(defaults, nested(30, 'aggregate { groupBy(field: KIND, first: 1) { key } }')), 42_100);
  });

  it('relationship predicates: each level nested multiplies the work per company by D', async () => {
    /** `levels` predicates nested (deals → parties → deals ...), on a root page of one. */
    const nestedFilter = (levels: number) => {
      let inner = '{ slugs: ["query-cost-test-no-such-slug"] }';
      for (let i = levels; i > 0; i--) inner = `{ ${i % 2 ? 'deals' : 'parties'}: { some: { node: ${inner} } } }`;
      return `{ companies(first: 1, filter: { slugs: ["query-cost-test-no-such-slug"], AND: [${inner}] }) { edges { node { slug } } } }`;
    };
    // Before, both cost 1 (one item). Now each company tested costs 5 × (1 + 5 × (1 + 5)) = 155 at
    // three levels, 5 × (1 + 155) = 780 at four, and a root page tests S = 100: 1 + 15,500; 1 + 78,000.
    expectRan(await post(defaults, nestedFilter(3)));
    expectOverCost(await post(defaults, nestedFilter(4)), 78_001);
    // A predicate in an OR entry costs as much as anywhere else.
    const inOr = nestedFilter(4).replace('AND: [', 'OR: [{ name: { eq: "x" } }, ');
    expectOverCost(await post(defaults, inOr), 78_001);
  });

  it('Entity.sources: every source of each deal, 22,100 before, 42,100 now', async () => {
    const page = (selection: string) =>
      `{ companies(first: 100, ${NONE}) { edges { node { deals(first: 20) { edges { node { ${selection} } } } } } } }`;
    // Without sources: 100 + 100 × 20 = 2,100.
    expectRan(await post(defaults, page('slug')));
    // Before: a list of 10 per deal: 100 + 100 × (20 + 20 × 10) = 22,100.
    // Now: 20 per deal, as a connection without `first`: 100 + 100 × (20 + 20 × 20) = 42,100.
    expectOverCost(await post(defaults, page('sources { title }')), 42_100);
  });
});
