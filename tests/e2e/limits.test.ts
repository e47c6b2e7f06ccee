/**
 * Query size limits through the GraphQL server: MAX_DEPTH, MAX_COMPLEXITY (and the cost rule the
 * README states), MAX_ALIASES, MAX_TOKENS, MAX_DOCUMENT_BYTES. Each limit is checked at the boundary: a document
 * exactly at the limit runs, one step over is refused with LIMIT_EXCEEDED naming the limit.
 *
 * The cost rule is the README's ("Query cost"): the cost is the number of items the answer can
 * hold. Written out, as these tests compute it by hand:
 *
 *   connection with first/last N  = N + N × (cost of what its edges select)  (N = 20 when unset)
 *                                    + what it selects beside edges (once, not N times)
 *   totalCount                     = 5 on a relationship connection, 100 on a root one
 *                                    (a count reads the whole set; tests/e2e/query-cost.test.ts)
 *   Entity.sources                 = 20 + 20 × (cost of what it selects)
 *   list of objects                = 10 + 10 × (cost of what it selects)
 *   other object field             = 1 + 1 × (cost of what it selects)
 *   edges, node, pageInfo          = cost of what they select (they add no item)
 *   plain (leaf) fields            = 0
 *   cost(document)                 = sum over its root fields
 *   depth(field)                   = 1 + the largest depth among the fields it selects (a leaf is 1)
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
 *   inner node  { name valueUsd }           = 0 (leaves)
 *   deals(first: 4) { totalCount edges }    = 4 + 4 × 0 + 5 (count)    = 9
 *   outer node  { name deals }              = 0 + 9                    = 9
 *   companies(first: 3) { edges }           = 3 + 3 × 9                = 30
 * (3 companies and up to 4 deals for each, 15 items, and 3 counts of a company's deals.)
 * depth: valueUsd 1, node 2, edges 3, deals 4, node 5, edges 6, companies 7.
 */
const NESTED = (outerFirst: number) => `{
  companies(first: ${outerFirst}, ${NONE}) {
    edges { node { name deals(first: 4) { totalCount edges { node { name valueUsd } } } } }
  }
}`;
const NESTED_COST = 30;
const NESTED_DEPTH = 7;
/** The same with first: 4 outside: 4 + 4 × 9 = 40. */
const NESTED_WIDER_COST = 40;

/**
 * No page size given: the default page of 20, and sources (unpaged) cost 20 per parent.
 *   cites(first: 2) { edges { node { id } } }  = 2 + 2 × 0   = 2
 *   sources { title cites }                    = 20 + 20 × 2 = 60
 *   node { slug name sources }                 = 60
 *   companies { edges }                        = 20 + 20 × 60 = 1,220
 */
const UNPAGED = `{ companies(${NONE}) { edges { node { slug name sources { title cites(first: 2) { edges { node { id } } } } } } } }`;
const UNPAGED_COST = 1220;

/**
 * `last` counts like `first`, and two root fields add up:
 *   deals(last: 5) { edges { node { slug } } } = 5 + 5 × 0       = 5
 *   people(first: 2) { totalCount }          = 2 + 100 (count) = 102
 *   total                                                      = 107
 */
const TWO_ROOTS = `{ deals(last: 5, ${NONE}) { edges { node { slug } } } people(first: 2, ${NONE}) { totalCount } }`;
const TWO_ROOTS_COST = 107;

/**
 * An object field costs 1 and multiplies nothing:
 *   deals(first: 30) { edges { node { slug } } } = 30 + 30 × 0 = 30
 *   entity(slug:) { ... on Company { deals } }   = 1 + 1 × 30  = 31
 */
const OBJECT_FIELD = `{ entity(slug: "limits-test-no-such-slug") { ... on Company { deals(first: 30) { edges { node { slug } } } } } }`;
const OBJECT_FIELD_COST = 31;

type Body = Awaited<ReturnType<typeof gql>>;

function expectRefused(body: Body, limit: string, max: number, got: number) {
  // Nothing answered: data is null, or null in every (nullable) root field.
  expect(Object.values(body.data ?? {}).every((v) => v === null)).toBe(true);
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
    expectRefused(
      await gql(serverWith({ MAX_COMPLEXITY: String(NESTED_COST - 1) }), NESTED(3)),
      'MAX_COMPLEXITY',
      NESTED_COST - 1,
      NESTED_COST,
    );
  });

  it('multiplies by the page size: one more item on the outer page is refused at the same limit', async () => {
    const yoga = serverWith({ MAX_COMPLEXITY: String(NESTED_COST) });
    expectRefused(await gql(yoga, NESTED(4)), 'MAX_COMPLEXITY', NESTED_COST, NESTED_WIDER_COST);
  });

  it(`costs a connection without first/last as a page of 20, and sources 20 per parent (${UNPAGED_COST})`, async () => {
    expectRan(await gql(serverWith({ MAX_COMPLEXITY: String(UNPAGED_COST) }), UNPAGED));
    expectRefused(
      await gql(serverWith({ MAX_COMPLEXITY: String(UNPAGED_COST - 1) }), UNPAGED),
      'MAX_COMPLEXITY',
      UNPAGED_COST - 1,
      UNPAGED_COST,
    );
  });

  it(`counts last like first and adds up root fields (${TWO_ROOTS_COST})`, async () => {
    expectRan(await gql(serverWith({ MAX_COMPLEXITY: String(TWO_ROOTS_COST) }), TWO_ROOTS));
    expectRefused(
      await gql(serverWith({ MAX_COMPLEXITY: String(TWO_ROOTS_COST - 1) }), TWO_ROOTS),
      'MAX_COMPLEXITY',
      TWO_ROOTS_COST - 1,
      TWO_ROOTS_COST,
    );
  });

  it(`costs an object field 1 without multiplying (${OBJECT_FIELD_COST})`, async () => {
    expectRan(await gql(serverWith({ MAX_COMPLEXITY: String(OBJECT_FIELD_COST) }), OBJECT_FIELD));
    expectRefused(
      await gql(serverWith({ MAX_COMPLEXITY: String(OBJECT_FIELD_COST - 1) }), OBJECT_FIELD),
      'MAX_COMPLEXITY',
      OBJECT_FIELD_COST - 1,
      OBJECT_FIELD_COST,
    );
  });

  it("uses the default of 25000: the README's 100 × 10 × 5 × 3 (21,100) runs, 100 × 100 × 100 (1,010,100) is refused", async () => {
    const yoga = serverWith({});
    // leaders(first: 3) = 3; parties(first: 5) = 5 + 5 × 3 = 20; deals(first: 10) = 10 + 10 × 20 = 210;
    // companies(first: 100) = 100 + 100 × 210 = 21,100 (100 + 1,000 + 5,000 + 15,000 items).
    const body = await gql(
      yoga,
      `{ companies(first: 100, ${NONE}) { edges { node { name deals(first: 10) { edges { node { name
         parties(first: 5) { edges { node { name leaders(first: 3) { edges { node { name } } } } } } } } } } } } }`,
    );
    expectRan(body);
    // parties(first: 100) = 100; deals(first: 100) = 100 + 100 × 100 = 10,100;
    // companies(first: 100) = 100 + 100 × 10,100 = 1,010,100.
    const tooBig = await gql(
      yoga,
      `{ companies(first: 100, ${NONE}) { edges { node { deals(first: 100) { edges { node { parties(first: 100) { edges { node { name } } } } } } } } } }`,
    );
    expectRefused(tooBig, 'MAX_COMPLEXITY', 25_000, 1_010_100);
  });
});

describe('MAX_DEPTH', () => {
  it(`measures the nested document at depth ${NESTED_DEPTH}: runs at that limit, refused one below`, async () => {
    expectRan(await gql(serverWith({ MAX_DEPTH: String(NESTED_DEPTH) }), NESTED(3)));
    expectRefused(
      await gql(serverWith({ MAX_DEPTH: String(NESTED_DEPTH - 1) }), NESTED(3)),
      'MAX_DEPTH',
      NESTED_DEPTH - 1,
      NESTED_DEPTH,
    );
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

describe('MAX_DOCUMENT_BYTES', () => {
  /** `{ __typename }` padded with a comment to exactly `bytes` bytes of UTF-8 (`é` is two). */
  const padded = (bytes: number, pad = 'x') => {
    const head = '{ __typename } #';
    const unit = Buffer.byteLength(pad);
    const room = bytes - Buffer.byteLength(head);
    return head + pad.repeat(Math.floor(room / unit)) + 'x'.repeat(room % unit);
  };

  it('runs a document of exactly MAX_DOCUMENT_BYTES bytes and refuses one byte more, counting UTF-8 bytes', async () => {
    const yoga = serverWith({ MAX_DOCUMENT_BYTES: '200' });
    for (const pad of ['x', 'é']) {
      expect(Buffer.byteLength(padded(200, pad))).toBe(200);
      const atLimit = await gql(yoga, padded(200, pad));
      expect(atLimit.errors).toBeUndefined();
      expect(atLimit.data).toEqual({ __typename: 'Query' });
      const over = await gql(yoga, padded(201, pad));
      expect(over.data).toBeUndefined();
      expect(over.errors?.map((e) => e.extensions)).toEqual([
        { code: 'LIMIT_EXCEEDED', limit: 'MAX_DOCUMENT_BYTES', max: 200 },
      ]);
    }
    // 100 two-byte characters are 200 bytes though 100 characters long: still at the limit.
    expect((await gql(yoga, padded(200, 'é'))).errors).toBeUndefined();
  });

  it('refuses a long document however it comes: comments, a string literal, GET', async () => {
    const yoga = serverWith({ MAX_DOCUMENT_BYTES: '1000' });
    const refused = { code: 'LIMIT_EXCEEDED', limit: 'MAX_DOCUMENT_BYTES', max: 1000 };
    // Neither a comment nor a string literal is a token: MAX_TOKENS lets both through.
    const comment = await gql(yoga, `{ __typename }\n#${'x'.repeat(5_000_000)}`);
    expect(comment.errors?.map((e) => e.extensions)).toEqual([refused]);
    const literal = await gql(yoga, `{ search(text: "${'y'.repeat(2_000)}") { score } }`);
    expect(literal.errors?.map((e) => e.extensions)).toEqual([refused]);
    const url = `http://stargraph.test/graphql?query=${encodeURIComponent(`{ __typename } #${'z'.repeat(1_500)}`)}`;
    const get = await yoga.fetch(url, { headers: { accept: 'application/json' } });
    const body = (await get.json()) as { errors?: Array<{ extensions?: unknown }> };
    expect(body.errors?.map((e) => e.extensions)).toEqual([refused]);
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
