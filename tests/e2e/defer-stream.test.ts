/**
 * @defer and @stream over multipart/mixed: the entity at once, its slow parts as they arrive,
 * and what the deferred parts cost in statements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/graph/seed.js';
import { GraphDb, type Db, type QueryStats } from '../../src/neo4j/db.js';
import { openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

/** Remembers each request's stats, so a test can count the statements a request ran. */
class CountingGraph extends GraphDb {
  readonly requests: QueryStats[] = [];
  override db(stats?: QueryStats): Db {
    const s = stats ?? { roundTrips: 0, dbTimeMs: 0 };
    this.requests.push(s);
    return super.db(s);
  }
}

let t: TestGraph;
let graph: CountingGraph;
let yoga: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db);
  graph = new CountingGraph(t.graph.driver, t.graph.database, t.graph.defaultTimeoutMs);
  yoga = testServer(graph, t.config);
});
afterAll(async () => {
  await yoga.dispose();
  await t.close();
});

interface Part {
  data?: Record<string, unknown>;
  incremental?: Array<{ data?: Record<string, unknown>; items?: unknown[]; path: Array<string | number> }>;
  hasNext?: boolean;
  errors?: unknown[];
}

/** POSTs with Accept: multipart/mixed and returns the JSON parts in order. */
async function multipart(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ contentType: string; parts: Part[] }> {
  const response = await yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const parts = text
    .split(/\r?\n---/)
    .map((chunk) => chunk.slice(chunk.search(/\r?\n\r?\n/) + 1).trim())
    .filter((body) => body.startsWith('{'))
    .map((body) => JSON.parse(body) as Part);
  return { contentType: response.headers.get('content-type') ?? '', parts };
}

const PLAIN = /* GraphQL */ `
  query ($slug: String!) {
    entity(slug: $slug) {
      name
      ... on Company { dealStats { count totalValueUsd } }
    }
  }
`;
const DEFERRED = /* GraphQL */ `
  query ($slug: String!) {
    entity(slug: $slug) {
      name
      ... on Company @defer(label: "stats") { dealStats { count totalValueUsd } }
    }
  }
`;

describe('@defer', () => {
  it('sends the entity first and its deal statistics in an incremental payload, over multipart/mixed', async () => {
    const before = graph.requests.length;
    const { contentType, parts } = await multipart(DEFERRED, { slug: 'openai' });
    const deferredStatements = graph.requests.slice(before).reduce((n, s) => n + s.roundTrips, 0);
    expect(contentType).toContain('multipart/mixed');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const [initial, ...rest] = parts;
    expect(initial).toMatchObject({ data: { entity: { name: 'OpenAI' } }, hasNext: true });
    expect((initial!.data!.entity as Record<string, unknown>).dealStats).toBeUndefined();
    const incremental = rest.flatMap((p) => p.incremental ?? []);
    expect(incremental).toHaveLength(1);
    expect(incremental[0]!.path).toEqual(['entity']);
    const stats = (incremental[0]!.data as { dealStats: { count: number } }).dealStats;
    expect(stats.count).toBeGreaterThan(0);
    expect(parts.at(-1)!.hasNext).toBe(false);

    // The same answer as without @defer; a deferred fragment may cost its own statement (the
    // read planner cannot fold what is sent later) but never more than that.
    const mark = graph.requests.length;
    const plain = await yoga.fetch('http://stargraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: PLAIN, variables: { slug: 'openai' } }),
    });
    const plainBody = (await plain.json()) as { data: { entity: { dealStats: unknown } } };
    const plainStatements = graph.requests.slice(mark).reduce((n, s) => n + s.roundTrips, 0);
    expect(plainBody.data.entity.dealStats).toEqual(stats);
    expect(deferredStatements).toBeLessThanOrEqual(plainStatements + 1);
    console.log(`@defer: ${deferredStatements} statements deferred, ${plainStatements} inline`);
  });
});

describe('@stream', () => {
  it('streams the items of a list after the first', async () => {
    const { parts } = await multipart(/* GraphQL */ `
      query {
        search(text: "stargate", first: 5) @stream(initialCount: 1) { entity { slug } }
      }
    `);
    const initial = parts[0]!;
    expect(initial.hasNext).toBe(true);
    expect((initial.data!.search as unknown[]).length).toBe(1);
    const streamed = parts
      .slice(1)
      .flatMap((p) => p.incremental ?? [])
      .flatMap((i) => i.items ?? []);
    expect(streamed.length).toBeGreaterThan(0);
    expect(parts.at(-1)!.hasNext).toBe(false);
  });
});
