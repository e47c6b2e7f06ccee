/**
 * Query size limits through the GraphQL server: MAX_DEPTH, MAX_COMPLEXITY (and the cost rule the
 * README states), MAX_ALIASES, MAX_TOKENS. Each limit is checked at the boundary: a document
 * exactly at the limit runs, one step over is refused with LIMIT_EXCEEDED naming the limit.
 *
 * The cost rule is the README's: "a connection's cost is its page size times what it selects".
 * Written out, as these tests compute it by hand:
 *
 *   cost(field)      = 1 + multiplier × (sum of the costs of the fields it selects)
 *   multiplier       = the page size (`first` or `last`) for a connection, 20 (the default page)
 *                      when neither is given; 1 for `edges`, `node` and plain object fields
 *   cost(leaf field) = 1
 *   cost(document)   = sum of the costs of its root fields
 *   depth(field)     = 1 + the largest depth among the fields it selects (a leaf is 1)
 *
 * If the cost model changes, the literal costs below must be edited deliberately.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, openTestGraph, testConfig, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(() => t.close());

/** A server on the test graph with the given limits (other settings as in tests). */
const serverWith = (env: Record<string, string>) => testServer(t.graph, testConfig(env));

// Filters that match nothing keep the reads trivial: the limits are checked before any resolver runs.
const NONE = 'filter: { slugs: ["limits-test-no-such-slug"] }';

/**
 * companies(3) → deals(4), with a totalCount. By hand:
 *   inner node  { name valueUsd }           = 1 + 1 × (1 + 1)        = 3
 *   inner edges { node }                    = 1 + 1 × 3              = 4
 *   deals(first: 4) { totalCount edges }    = 1 + 4 × (1 + 4)        = 21
 *   outer node  { name deals }              = 1 + 1 × (1 + 21)       = 23
 *   outer edges { node }                    = 1 + 1 × 23             = 24
 *   companies(first: 3) { edges }           = 1 + 3 × 24             = 73
 * depth: valueUsd 1, node 2, edges 3, deals 4, node 5, edges 6, companies 7.
 */
const NESTED = (outerFirst: number) => `{
  companies(first: ${outerFirst}, ${NONE}) {
    edges { node { name deals(first: 4) { totalCount edges { node { name valueUsd } } } } }
  }
}`;
const NESTED_COST = 73;
const NESTED_DEPTH = 7;
/** The same with first: 4 outside: 1 + 4 × 24 = 97. */
const NESTED_WIDER_COST = 97;

/**
 * No page size given: the default page of 20.
 *   node { slug name } = 1 + (1 + 1) = 3;  edges { node } = 1 + 3 = 4
 *   companies { edges } = 1 + 20 × 4 = 81
 */
const UNPAGED = `{ companies(${NONE}) { edges { node { slug name } } } }`;
const UNPAGED_COST = 81;

/**
 * `last` counts like `first`, and two root fields add up:
 *   deals(last: 5) { edges { node { slug } } } = 1 + 5 × (1 + (1 + 1)) = 16
 *   people(first: 2) { totalCount }          = 1 + 2 × 1             = 3
 *   total                                                            = 19
 */
const TWO_ROOTS = `{ deals(last: 5, ${NONE}) { edges { node { slug } } } people(first: 2, ${NONE}) { totalCount } }`;
const TWO_ROOTS_COST = 19;

type Body = Awaited<ReturnType<typeof gql>>;

function expectRefused(body: Body, limit: string, max: number, got: number) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.length).toBeGreaterThan(0);
  for (const error of body.errors ?? []) {
    expect(error.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit, max, got });
    expect(error.message).toContain(`(${limit})`);
  }
}

function expectRan(body: Body) {
  expect(body.errors).toBeUndefined();
  expect(body.data).toBeTruthy();
}

describe('MAX_COMPLEXITY and the cost rule', () => {
  it(`costs the nested document ${NESTED_COST}: runs at that limit, refused one below`, async () => {
    expectRan(await gql(serverWith({ MAX_COMPLEXITY: String(NESTED_COST) }), NESTED(3)));
    expectRefused(await gql(serverWith({ MAX_COMPLEXITY: String(NESTED_COST - 1) }), NESTED(3)), 'MAX_COMPLEXITY', NESTED_COST - 1, NESTED_COST);
  });

  it('multiplies by the page size: one more item on the outer page is refused at the same limit', async () => {
    const yoga = serverWith({ MAX_COMPLEXITY: String(NESTED_COST) });
    expectRefused(await gql(yoga, NESTED(4)), 'MAX_COMPLEXITY', NESTED_COST, NESTED_WIDER_COST);
  });

  it(`costs a connection without first/last as a page of 20 (${UNPAGED_COST})`, async () => {
    expectRan(await gql(serverWith({ MAX_COMPLEXITY: String(UNPAGED_COST) }), UNPAGED));
    expectRefused(await gql(serverWith({ MAX_COMPLEXITY: String(UNPAGED_COST - 1) }), UNPAGED), 'MAX_COMPLEXITY', UNPAGED_COST - 1, UNPAGED_COST);
  });

  it(`counts last like first and adds up root fields (${TWO_ROOTS_COST})`, async () => {
    expectRan(await gql(serverWith({ MAX_COMPLEXITY: String(TWO_ROOTS_COST) }), TWO_ROOTS));
    expectRefused(await gql(serverWith({ MAX_COMPLEXITY: String(TWO_ROOTS_COST - 1) }), TWO_ROOTS), 'MAX_COMPLEXITY', TWO_ROOTS_COST - 1, TWO_ROOTS_COST);
  });

  it('uses the default of 25000: a page of 100 companies with names runs, with 100 deals each is refused', async () => {
    const yoga = serverWith({});
    // node { name } = 2, edges = 3, companies(first: 100) = 1 + 100 × 3 = 301.
    expectRan(await gql(yoga, `{ companies(first: 100, ${NONE}) { edges { node { name } } } }`));
    // inner deals(first: 100) { edges { node { name } } } = 1 + 100 × 3 = 301; outer node = 1 + 1 + 301 = 303;
    // edges = 304; companies(first: 100) = 1 + 100 × 304 = 30401 > 25000.
    const body = await gql(yoga, `{ companies(first: 100, ${NONE}) { edges { node { name deals(first: 100) { edges { node { name } } } } } } }`);
    expectRefused(body, 'MAX_COMPLEXITY', 25_000, 30_401);
  });
});

describe('MAX_DEPTH', () => {
  it(`measures the nested document at depth ${NESTED_DEPTH}: runs at that limit, refused one below`, async () => {
    expectRan(await gql(serverWith({ MAX_DEPTH: String(NESTED_DEPTH) }), NESTED(3)));
    expectRefused(await gql(serverWith({ MAX_DEPTH: String(NESTED_DEPTH - 1) }), NESTED(3)), 'MAX_DEPTH', NESTED_DEPTH - 1, NESTED_DEPTH);
  });

  it('allows five connection hops under the default 16, not a sixth level beyond', async () => {
    const yoga = serverWith({});
    // Each hop is three levels (connection, edges, node): five hops = 15, plus a leaf = 16.
    const hops = (leaf: string) =>
      `{ companies(first: 1, ${NONE}) { edges { node { deals(first: 1) { edges { node { parties(first: 1) { edges { node {
         deals(first: 1) { edges { node { parties(first: 1) { edges { node { ${leaf} } } } } } } } } } } } } } } } }`;
    expectRan(await gql(yoga, hops('slug')));
    // deals(first: 1) { totalCount } adds two levels to the fifteen: 17.
    expectRefused(await gql(yoga, hops('deals(first: 1) { totalCount }')), 'MAX_DEPTH', 16, 17);
  });
});

describe('MAX_ALIASES and MAX_TOKENS', () => {
  it('runs a document with exactly MAX_ALIASES aliases and refuses one more', async () => {
    const yoga = serverWith({ MAX_ALIASES: '5' });
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const atLimit = await gql<Record<string, string>>(yoga, aliases(5));
    expect(atLimit.errors).toBeUndefined();
    expect(Object.keys(atLimit.data ?? {})).toHaveLength(5);
    const over = await gql(yoga, aliases(6));
    expect(over.data).toBeUndefined();
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_ALIASES', max: 5 });
  });

  it('runs a document of exactly MAX_TOKENS tokens and refuses one more token', async () => {
    const yoga = serverWith({ MAX_TOKENS: '10' });
    // `{`, n × `__typename`, `}`: n + 2 tokens.
    const doc = (n: number) => `{ ${Array.from({ length: n }, () => '__typename').join(' ')} }`;
    const atLimit = await gql(yoga, doc(8));
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data).toEqual({ __typename: 'Query' });
    const over = await gql(yoga, doc(9));
    expect(over.data).toBeUndefined();
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_TOKENS', max: 10 });
  });
});
