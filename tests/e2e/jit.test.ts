/**
 * graphql-jit (src/plugins/use-jit.ts): it runs the big planned reads, not what it must not run
 * (input-object variables, @defer/@stream, mutations, unplanned root fields, variables that do
 * not coerce), and every answer, errors included (messages, paths, locations, codes, masking,
 * nulls), is the same as graphql-js gives with GRAPHQL_JIT=false.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { createDriver, GraphDb } from '../../src/neo4j/db.js';
import { jitAllows } from '../../src/plugins/use-jit.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

type Server = ReturnType<typeof testServer>;
type Answer = Awaited<ReturnType<typeof gql>>;

let t: TestGraph;
const prefix = uniquePrefix('jit');
const fixtures = uniquePrefix('jitfx');
let companies: string[];
/** [jit on, jit off], in development and in production (masked errors). */
let dev: [Server, Server];
let prod: [Server, Server];

const executor = (answer: Answer) => answer.extensions?.executor;

beforeAll(async () => {
  t = await openTestGraph();
  const server = (env: Record<string, string>) => testServer(t.graph, testConfig({ DEBUG_EXTENSIONS: 'true', ...env }));
  dev = [server({ GRAPHQL_JIT: 'true' }), server({ GRAPHQL_JIT: 'false' })];
  prod = [
    server({ NODE_ENV: 'production', GRAPHQL_JIT: 'true' }),
    server({ NODE_ENV: 'production', GRAPHQL_JIT: 'false' }),
  ];
  const data = generateGraph({ entities: 600, seed: 23, prefix });
  await loadGraph(t.db, data, { batchSize: 500 });
  companies = data.entities.filter((e) => e.label === 'Company').map((e) => e.slug);
  // A company stored without its (non-null) name, to compare how a null in a non-null field propagates.
  await createEntities(t.db, [
    { label: 'Company', slug: `${fixtures}-whole`, name: 'Whole' },
    { label: 'Deal', slug: `${fixtures}-deal`, name: 'Deal' },
  ]);
  await t.db.write(
    'CREATE (:Entity:Company {id: $id, slug: $id, aliases: [], createdAt: datetime(), updatedAt: datetime()})',
    { id: `${fixtures}-nameless` },
  );
  await relate(t.db, 'PARTY_TO', [
    [`${fixtures}-whole`, `${fixtures}-deal`, { role: 'buyer' }],
    [`${fixtures}-nameless`, `${fixtures}-deal`, { role: 'seller' }],
  ]);
}, 180_000);

afterAll(async () => {
  for (const s of [...dev, ...prod]) await s.dispose();
  await deleteByPrefix(t.db, prefix);
  await deleteFixtures(t.db, fixtures);
  await t.close();
});

const NESTED = `query Nested($slugs: [String!], $first: Int!) {
  companies(first: $first, filter: { slugs: $slugs }) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { __typename id slug name createdAt
      deals(first: 10) { totalCount edges { role node { slug name valueUsd announcedOn
        parties(first: 5) { edges { role node { slug name
          leaders(first: 3) { edges { title since node { slug name } } } } } } } } } } } }
  __typename
}`;

/** Both servers of a pair answer alike, whole errors included; returns the jit server's answer. */
async function same(pair: [Server, Server], query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const [on, off] = [await gql(pair[0], query, variables), await gql(pair[1], query, variables)];
  expect(executor(off)).toBe('graphql-js');
  // The response's own extensions say which executor ran; in development an unexpected error's
  // stack (extensions.originalError.stack) names the executor's frames: all else must be equal.
  const comparable = ({ extensions: _, ...answer }: Answer) =>
    JSON.parse(JSON.stringify(answer, (key, value) => (key === 'stack' ? undefined : value))) as unknown;
  expect(comparable(on)).toEqual(comparable(off));
  return on;
}

describe('graphql-jit', () => {
  it('runs the big planned read, answering exactly as graphql-js does', async () => {
    const answer = await same(dev, NESTED, { slugs: companies, first: 100 });
    expect(executor(answer)).toBe('graphql-jit');
    expect(answer.errors).toBeUndefined();
    const edges = (
      (answer.data as Record<string, unknown>).companies as { edges: Array<{ node: { deals: { edges: unknown[] } } }> }
    ).edges;
    expect(edges.length).toBeGreaterThan(20);
    expect(edges.some((e) => e.node.deals.edges.length > 0)).toBe(true);
    // A second run of the same document uses the compiled query: still the same answer.
    expect(executor(await same(dev, NESTED, { slugs: companies, first: 7 }))).toBe('graphql-jit');
    expect(executor(await same(prod, NESTED, { slugs: companies, first: 100 }))).toBe('graphql-jit');
  });

  it('applies @include and @skip on fields, inline fragments and fragment spreads as graphql-js does', async () => {
    const query = `query($slugs: [String!], $a: Boolean!, $b: Boolean!) {
      companies(first: 10, filter: { slugs: $slugs }) { edges { node { slug
        ...Deals @include(if: $a)
        ... @skip(if: $b) { name }
        ... on Company @include(if: $b) { kind leaders(first: 2) @skip(if: $a) { totalCount } }
        two: deals(first: 2) { edges { node { ...Deal @include(if: $b) } } }
        three: deals(first: 2) { edges { node { slug ...DealValue @skip(if: $a) } } }
        four: deals(first: 2) { edges { node { ... @skip(if: $a) { name } ... @include(if: $b) { name } } } }
        five: deals(first: 2) { edges { node { name @skip(if: $a) name @include(if: $b) } } }
        six: deals(first: 2) { edges { node { ...Deal @skip(if: $a) ...Deal @include(if: $b) } } }
      } } } }
      fragment Deals on Company { deals(first: 3) { totalCount edges { role node { slug } } } }
      fragment Deal on Deal { slug valueUsd }
      fragment DealValue on Deal { slug valueUsd }`;
    // Without \`six\` (a fragment spread twice under different conditions) graphql-jit runs it; with it, graphql-js.
    const once = query.replace(/ *six: .*\n/, '');
    expect(once).not.toContain('six:');
    for (const [a, b] of [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ]) {
      for (const [document, expected] of [
        [once, 'graphql-jit'],
        [query, 'graphql-js'],
      ] as const) {
        const answer = await same(dev, document, { slugs: companies, a, b });
        expect(executor(answer)).toBe(expected);
        expect(answer.errors).toBeUndefined();
      }
    }
  });

  it('gives the same errors, paths, codes and nulls: coded resolver errors, null in a non-null field, masked internals', async () => {
    const cases: Array<[string, Record<string, unknown>?]> = [
      // A nested page over the maximum and a malformed cursor: coded errors at their paths, siblings kept.
      [
        `query($slugs: [String!]) { companies(first: 3, filter: { slugs: $slugs }) { edges { node { slug deals(first: 1000) { totalCount } } } } }`,
        { slugs: companies },
      ],
      [
        `query($s: String!) { entity(slug: $s) { slug ... on Company { deals(first: 2, after: "bm9wZQ") { edges { node { slug } } } } } }`,
        { s: `${fixtures}-whole` },
      ],
      // Stored without a name: the non-null violation nulls the nearest nullable parent. (By
      // creation time: a page by name reads the page-key index, which holds no nameless party.)
      [
        `query($s: String!) { entity(slug: $s) { slug ... on Deal { parties(orderBy: { field: CREATED_AT }) { edges { role node { slug name } } } } } }`,
        { s: `${fixtures}-deal` },
      ],
      [`{ entity(slug: "${fixtures}-nameless") { slug name } }`],
      [`{ entity(slug: "${fixtures}-nobody") { slug } }`],
    ];
    for (const pair of [dev, prod]) {
      for (const [query, variables] of cases) {
        const answer = await same(pair, query, variables);
        expect(executor(answer), query).toBe('graphql-jit');
        if (!query.includes('nobody')) expect(answer.errors?.length, query).toBeGreaterThan(0);
      }
    }
    const nameless = await gql(dev[0], `{ entity(slug: "${fixtures}-nameless") { slug name } }`);
    expect(nameless.data).toEqual({ entity: null });
    // graphql-js raises it as an unexpected error: masked, the cause shown only in development.
    expect(nameless.errors?.[0]).toMatchObject({
      message: 'Unexpected error.',
      path: ['entity', 'name'],
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        originalError: { message: 'Cannot return null for non-nullable field Company.name.' },
      },
    });
    expect((await gql(dev[0], cases[0]![0], cases[0]![1])).errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
  });

  it('masks an internal error in production as graphql-js does', async () => {
    const MISSING_DB = 'nosuchdb-jit-test';
    const config = testConfig({ NEO4J_DATABASE: MISSING_DB });
    const broken = new GraphDb(
      createDriver({ ...config.neo4j, uri: config.neo4j.uri! }),
      MISSING_DB,
      config.limits.queryTimeoutMs,
    );
    const server = (jit: string) =>
      testServer(
        broken,
        testConfig({ NODE_ENV: 'production', NEO4J_DATABASE: MISSING_DB, DEBUG_EXTENSIONS: 'true', GRAPHQL_JIT: jit }),
      );
    const pair: [Server, Server] = [server('true'), server('false')];
    try {
      const answer = await same(pair, '{ companies(first: 1) { edges { node { slug } } } }');
      expect(executor(answer)).toBe('graphql-jit');
      expect(answer.errors).toEqual([
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['companies'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
    } finally {
      for (const s of pair) await s.dispose();
      await broken.close();
    }
  });

  it('leaves to graphql-js what it must not run, with the same answers', { timeout: 60_000 }, async () => {
    const graphqlJs: Array<[string, string, Record<string, unknown>?]> = [
      // Recursive filter inputs as variables: graphql-jit would never finish compiling this.
      [
        'an input-object variable',
        `query($f: CompanyFilter) { companies(first: 5, filter: $f) { edges { node { slug } } } }`,
        {
          f: { slugs: companies, OR: [{ nameContains: 'a' }, { deals: { some: { node: { valueUsd: { gte: 1 } } } } }] },
        },
      ],
      [
        'a list of input objects',
        `query($o: [CompanyFilter!]) { companies(first: 5, filter: { OR: $o }) { totalCount } }`,
        { o: [{ slugs: companies }] },
      ],
      [
        'a root field the planner does not fold',
        `query($s: [String!]) { companies(first: 2, filter: { slugs: $s }) { totalCount } search(text: "a") { score } }`,
        { s: companies },
      ],
      ['a variable that does not coerce', `query($n: Int!) { companies(first: $n) { totalCount } }`, { n: 'many' }],
      ['a missing required variable', `query($n: Int!) { companies(first: $n) { totalCount } }`, {}],
      [
        'an unknown enum value',
        `query($o: OrderDirection!) { companies(first: 1, orderBy: { field: NAME, direction: $o }) { totalCount } }`,
        { o: 'SIDEWAYS' },
      ],
    ];
    for (const [name, query, variables] of graphqlJs) {
      const answer = await same(dev, query, variables);
      expect(executor(answer), name).toBe('graphql-js');
    }
    // The bad variables' errors are graphql-js's own, coded.
    const bad = await gql(dev[0], graphqlJs[3]![1], graphqlJs[3]![2]);
    expect(bad.errors?.[0]).toMatchObject({
      message: 'Variable "$n" got invalid value "many"; Int cannot represent non-integer value: "many"',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('decides from the document: queries of planned root fields, no @defer/@stream, no input-object variables', () => {
    const allows = (query: string, operationName?: string) =>
      jitAllows(schema, parse(query), operationName, new Set([...rootConnectionSpecs.keys(), 'entity']));
    expect(allows(NESTED)).toBe(true);
    expect(
      allows(
        `query($s: String!) { a: entity(slug: $s) { slug } b: people(first: 1) { totalCount } ...Root } fragment Root on Query { __typename deals { totalCount } }`,
      ),
    ).toBe(true);
    expect(
      allows(
        `query($k: [EntityKind!], $d: OrderDirection) { companies(filter: { kinds: $k }, orderBy: { field: NAME, direction: $d }) { totalCount } }`,
      ),
    ).toBe(true);
    expect(allows(`{ __typename }`)).toBe(false);
    expect(allows(`{ companies { totalCount } ...R } fragment R on Query { search(text: "a") { score } }`)).toBe(false);
    expect(allows(`{ companies { totalCount } node(id: "x") { id } }`)).toBe(false);
    expect(allows(`query($f: DealFilter) { deals(filter: $f) { totalCount } }`)).toBe(false);
    expect(allows(`query($f: [[CompanyFilter!]]) { companies { totalCount } }`)).toBe(false);
    expect(allows(`{ companies(first: 2) { edges { node { slug ... @defer { name } } } } }`)).toBe(false);
    expect(allows(`{ companies(first: 2) { edges @stream { node { slug } } } }`)).toBe(false);
    const twice = `query($a: Boolean!) { companies { edges { node { ...C ...C @include(if: $a) } } } } fragment C on Company { slug }`;
    expect(allows(twice)).toBe(false);
    expect(allows(twice.replace(' @include(if: $a)', ''))).toBe(true);
    expect(allows(twice.replace('...C ...C', '...C'))).toBe(true);
    expect(allows(`mutation { deleteEntity(id: "x") { id } }`)).toBe(false);
    expect(allows(`subscription { graphChanged { at } }`)).toBe(false);
    expect(allows(`query A { companies { totalCount } } query B { search(text: "a") { score } }`, 'A')).toBe(true);
    expect(allows(`query A { companies { totalCount } } query B { search(text: "a") { score } }`, 'B')).toBe(false);
    expect(allows(`query A { companies { totalCount } } query B { companies { totalCount } }`)).toBe(false);
  });
});
