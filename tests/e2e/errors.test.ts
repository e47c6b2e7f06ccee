/**
 * The error promises of the README, through the GraphQL server: unexpected errors masked as
 * `Unexpected error.` in production (and shown in development), coded errors never masked,
 * GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED for invalid documents, `extensions.issues`
 * on invalid mutation input, and TIMEOUT from QUERY_TIMEOUT_MS on a normal (non-traversal) read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, GraphDb } from '../../src/neo4j/db.js';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
const prefix = uniquePrefix('errors');
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

async function post(
  yoga: ReturnType<typeof testServer>,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Awaited<ReturnType<typeof gql>> };
}

describe('unexpected errors', () => {
  // A genuine failure nobody turned into a coded error: the driver names a database that does
  // not exist, so Neo4j answers every statement with "Graph not found: <name>".
  const MISSING_DB = 'nosuchdb-errors-test';
  let broken: GraphDb;
  beforeAll(() => {
    const config = testConfig({ NEO4J_DATABASE: MISSING_DB });
    broken = new GraphDb(
      createDriver({ ...config.neo4j, uri: config.neo4j.uri! }),
      MISSING_DB,
      config.limits.queryTimeoutMs,
    );
  });
  afterAll(() => broken.close());
  const READ = '{ companies(first: 1) { edges { node { slug } } } }';

  it('are masked as "Unexpected error." under NODE_ENV=production, with nothing of the cause in the response', async () => {
    const yoga = testServer(broken, testConfig({ NODE_ENV: 'production', NEO4J_DATABASE: MISSING_DB }));
    const { text, body } = await post(yoga, READ);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(text).not.toContain(MISSING_DB);
    expect(text).not.toMatch(/not found|stack|Neo4jError/i);
  });

  it('are shown in development: the original message is in extensions.originalError', async () => {
    const yoga = testServer(broken, testConfig({ NODE_ENV: 'development', NEO4J_DATABASE: MISSING_DB }));
    const { body } = await post(yoga, READ);
    expect(body.errors).toHaveLength(1);
    const original = body.errors?.[0]?.extensions?.originalError as { message?: string } | undefined;
    expect(original?.message).toContain(MISSING_DB);
  });

  it('coded errors pass through unmasked in production', async () => {
    const yoga = testServer(t.graph, testConfig({ NODE_ENV: 'production' }));
    const cursor = await gql(yoga, '{ companies(first: 1, after: "not-a-cursor") { edges { node { slug } } } }');
    expect(cursor.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
    expect(cursor.errors?.[0]?.message).not.toBe('Unexpected error.');
    const page = await gql(yoga, '{ companies(first: 101) { edges { node { slug } } } }');
    expect(page.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_PAGE_SIZE',
      max: 100,
      got: 101,
    });
    expect(page.errors?.[0]?.message).not.toBe('Unexpected error.');
  });
});

describe('invalid documents', () => {
  let yoga: ReturnType<typeof testServer>;
  beforeAll(() => {
    yoga = testServer(t.graph, testConfig({ NODE_ENV: 'production' }));
  });

  it('a syntax error is GRAPHQL_PARSE_FAILED with its location, and runs nothing', async () => {
    const { body } = await post(yoga, '{ companies(first: 1 { edges { node { slug } } } }');
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/^Syntax Error/);
    expect((body.errors?.[0] as { locations?: unknown }).locations).toEqual([{ line: 1, column: 22 }]);
  });

  it('an unknown field is GRAPHQL_VALIDATION_FAILED naming it', async () => {
    const { body } = await post(yoga, '{ companies(first: 1) { edges { node { slug valuation } } } }');
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toContain('Cannot query field "valuation" on type "Company"');
  });

  it('an unknown enum value is GRAPHQL_VALIDATION_FAILED naming it', async () => {
    const { body } = await post(
      yoga,
      '{ companies(first: 1, orderBy: { field: VALUATION }) { edges { node { slug } } } }',
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toContain('VALUATION');
  });
});

describe('invalid mutation input', () => {
  it('lists every bad field with its path in extensions.issues, and writes nothing', async () => {
    const yoga = testServer(t.graph, testConfig({ API_KEYS: 'errors-test-writer:write' }));
    const slug = `${prefix}-deal`;
    const body = await gql(
      yoga,
      `mutation($input: UpsertDealInput!) { upsertDeal(input: $input) { slug } }`,
      {
        input: {
          slug,
          name: '   ',
          valueUsd: -5,
          aliases: ['Stargate deal', ''],
          parties: [
            { company: 'openai', role: 'buyer' },
            { company: 'oracle', role: ' ' },
          ],
        },
      },
      { authorization: 'Bearer errors-test-writer' },
    );
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    const error = body.errors![0]!;
    const issues = error.extensions?.issues as Array<{ path: Array<string | number>; message: string }>;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        ['input', 'name'],
        ['input', 'valueUsd'],
        ['input', 'aliases', 1],
        ['input', 'parties', 1, 'role'],
      ].sort(),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
    expect(byPath['input.name']).toBe('must not be empty');
    expect(byPath['input.valueUsd']).toBe('must not be negative');
    expect(byPath['input.aliases.1']).toBe('must not be empty');
    expect(byPath['input.parties.1.role']).toMatch(/\S/);
    // extensions.path is the first issue's, and the message says how many more there are.
    expect(error.extensions?.path).toEqual(issues[0]!.path);
    expect(error.message).toContain('(and 3 more)');
    const [row] = await t.db.read('MATCH (n:Entity {slug: $slug}) RETURN count(n) AS n', { slug });
    expect(row?.n).toBe(0);
  });
});

describe('QUERY_TIMEOUT_MS on a normal read', () => {
  // Neo4j stops a transaction past its timeout when its transaction monitor next looks (about
  // every second or two), between rows. So the read must provably outlast that by far, in
  // steps: each source title below is 100,000 × "z", and the filter asks for 49,999 × "z" then
  // "y". Java's substring search tries every start position and compares ~50,000 characters at
  // each before failing: about 2.5e9 comparisons, ~0.7 s per source, ~28 s for the read in all,
  // against a 1 s timeout (measured: 12 sources took 8.3 s with no timeout, and 0.9-1.2 s to be
  // stopped at 200 ms).
  const SOURCES = 40;
  const HAYSTACK = 'z'.repeat(100_000);
  const NEEDLE = `${'z'.repeat(49_999)}y`;
  const READ =
    'query($text: String!) { sources(first: 5, filter: { titleContains: $text }) { edges { node { id } } } }';

  it('answers TIMEOUT naming QUERY_TIMEOUT_MS, and the next request is served as usual', async () => {
    // Not openTestGraph: its migrations would run under the 1 s timeout too.
    const config = testConfig({ QUERY_TIMEOUT_MS: '1000' });
    const slow = new GraphDb(
      createDriver({ ...config.neo4j, uri: config.neo4j.uri! }),
      config.neo4j.database,
      config.limits.queryTimeoutMs,
    );
    try {
      const yoga = testServer(slow, config);
      // Dated far ahead, so other files' first pages of sources (oldest first) never see them.
      await t.db.write(
        'UNWIND range(1, $n) AS i CREATE (:Source {id: $prefix + "-src-" + i, title: $title, publishedOn: date("9999-12-31")})',
        {
          n: SOURCES,
          prefix,
          title: HAYSTACK,
        },
      );
      const started = performance.now();
      const body = await gql(yoga, READ, { text: NEEDLE });
      const ms = performance.now() - started;
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'TIMEOUT', limit: 'QUERY_TIMEOUT_MS', ms: 1000 });
      expect(body.errors?.[0]?.message).toContain('QUERY_TIMEOUT_MS');
      // Stopped by the timeout, not by running to its end (~28 s; more on a busy machine).
      expect(ms).toBeLessThan(10_000);
      await deleteFixtures(t.db, prefix);
      // The same statement (its plan now cached) with a short text answers well within 1 s.
      const after = await gql<{ sources: { edges: unknown[] } }>(yoga, READ, { text: 'no such title, errors test' });
      expect(after.errors).toBeUndefined();
      expect(after.data?.sources.edges).toEqual([]);
    } finally {
      await deleteFixtures(t.db, prefix);
      await slow.close();
    }
  });
});
