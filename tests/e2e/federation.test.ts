/**
 * Apollo Federation v2 (README, "Federation"): stargraph with FEDERATION=true as a subgraph
 * behind a real gateway (Hive Gateway's runtime, defer/stream on) over a supergraph composed with
 * @theguild/federation-composition from the SDL the running server gives (`_service { sdl }`), beside
 * a second subgraph written here (stock quotes keyed by a company's slug). Queries cross both
 * ways, with @defer, and are checked against Neo4j; `_entities` costs one statement for a batch of
 * references, and the limits, the response cache and read auth apply to it.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { loadSeed } from '../../src/graph/seed.js';
import { GraphDb, type Db, type QueryStats } from '../../src/neo4j/db.js';
import { createEntities, deleteFixtures } from '../utils/fixtures.js';
import { sseSubscribe } from '../utils/sse.js';
import { gql, openTestGraph, prefixTracker, testConfig, testServer, type TestGraph } from '../utils/graph.js';

/** Remembers each request's stats, so a test can count the statements each subgraph call ran. */
class CountingGraph extends GraphDb {
  readonly requests: QueryStats[] = [];
  override db(stats?: QueryStats): Db {
    const s = stats ?? { roundTrips: 0, dbTimeMs: 0 };
    this.requests.push(s);
    return super.db(s);
  }
}

/** The second subgraph: quotes by company slug, and a root list naming companies by slug only. */
const QUOTES_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Company @key(fields: "slug") {
    slug: String!
    stockQuote: StockQuote
  }
  type StockQuote {
    ticker: String!
    priceUsd: Float!
  }
  type Quote {
    ticker: String!
    company: Company!
  }
  type Query {
    quotes: [Quote!]!
  }
`;
const QUOTES: Record<string, { ticker: string; priceUsd: number }> = {
  oracle: { ticker: 'ORCL', priceUsd: 231.5 },
  softbank: { ticker: '9984', priceUsd: 77.25 },
  openai: { ticker: 'PRIVATE', priceUsd: 0 },
};
const quotesSchema = buildSubgraphSchema({
  typeDefs: parse(QUOTES_SDL),
  resolvers: {
    Query: { quotes: () => Object.entries(QUOTES).map(([slug, q]) => ({ ticker: q.ticker, company: { slug } })) },
    Company: {
      __resolveReference: (ref: { slug: string }) => ({ slug: ref.slug }),
      stockQuote: (company: { slug: string }) => QUOTES[company.slug] ?? null,
    },
  },
} as never);

let t: TestGraph;
let counting: CountingGraph;
let stargraph: ReturnType<typeof testServer>;
let gateway: ReturnType<typeof createGatewayRuntime>;
let supergraphSdl: string;
let servedSdl: string;
const servers: Server[] = [];
const prefixes = prefixTracker();

async function listen(handler: Parameters<typeof createHttpServer>[1]): Promise<string> {
  const http = createHttpServer(handler);
  servers.push(http);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db);
  counting = new CountingGraph(t.graph.driver, t.graph.database, t.graph.defaultTimeoutMs);
  stargraph = testServer(counting, testConfig({ FEDERATION: 'true', DEBUG_EXTENSIONS: 'true' }));
  const stargraphUrl = await listen(stargraph);
  const quotesUrl = await listen(createYoga({ schema: quotesSchema, logging: false }));
  servedSdl = (await gql<{ _service: { sdl: string } }>(stargraph, '{ _service { sdl } }')).data!._service.sdl;
  const composed = composeServices([
    { name: 'stargraph', typeDefs: parse(servedSdl), url: stargraphUrl },
    { name: 'quotes', typeDefs: parse(QUOTES_SDL), url: quotesUrl },
  ]);
  expect(composed.errors ?? []).toEqual([]);
  supergraphSdl = composed.supergraphSdl!;
  gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    deferStream: true,
    logging: false,
  });
});

afterAll(async () => {
  for (const p of prefixes.all) await deleteFixtures(t.db, p);
  await gateway?.dispose();
  await stargraph?.dispose();
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  await t.close();
});

interface Part {
  data?: Record<string, unknown>;
  incremental?: Array<{ data?: Record<string, unknown>; path: Array<string | number> }>;
  hasNext?: boolean;
  errors?: unknown[];
}

/** POSTs to the gateway with Accept: multipart/mixed; the JSON parts in order. */
async function throughGateway(query: string): Promise<Part[]> {
  const response = await gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get('content-type')).toContain('multipart/mixed');
  return (await response.text())
    .split(/\r?\n---/)
    .map((chunk) => chunk.slice(chunk.search(/\r?\n\r?\n/) + 1).trim())
    .filter((body) => body.startsWith('{'))
    .map((body) => JSON.parse(body) as Part);
}

/** What Neo4j holds for a seeded company: the oracle for answers through the gateway. */
async function companyInGraph(slug: string) {
  const [row] = await t.db.read(
    'MATCH (n:Company {slug: $slug}) RETURN n.id AS id, n.name AS name, n.country AS country',
    {
      slug,
    },
  );
  return {
    id: encodeGlobalID('Company', String(row!.id)),
    name: row!.name as string,
    country: (row!.country ?? null) as string | null,
  };
}

describe('composition', () => {
  it('composes the running subgraph with another, and the committed subgraph.graphql is what it serves', async () => {
    // A supergraph joins both: Company from stargraph with its keys, stockQuote from quotes.
    expect(supergraphSdl).toContain('@join__type(graph: STARGRAPH, key: "id")');
    expect(supergraphSdl).toContain('@join__type(graph: STARGRAPH, key: "slug")');
    expect(supergraphSdl).toMatch(/stockQuote: StockQuote @join__field\(graph: QUOTES\)/);
    const committed = readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
    expect(`${servedSdl}\n`).toBe(committed);
  });
});

describe('through the gateway', () => {
  // Deferred under a concrete type: Hive Gateway 2.12 answers a deferred `... on Company` inside an
  // interface field (`entity(slug:)`) with null without asking the other subgraph.
  it('crosses stargraph → quotes with the quote deferred', async () => {
    const before = counting.requests.length;
    const parts = await throughGateway(/* GraphQL */ `
      {
        companies(first: 1, filter: { slugs: ["oracle"] }) {
          edges { node { name ... @defer { stockQuote { ticker priceUsd } } } }
        }
      }
    `);
    const oracle = await companyInGraph('oracle');
    expect(parts[0]!.data).toEqual({ companies: { edges: [{ node: { name: oracle.name } }] } });
    expect(parts[0]!.hasNext).toBe(true);
    const later = parts.slice(1).flatMap((p) => p.incremental ?? []);
    expect(later).toEqual([{ data: { stockQuote: QUOTES.oracle }, path: ['companies', 'edges', 0, 'node'] }]);
    expect(parts.at(-1)!.hasNext).toBe(false);
    expect(counting.requests.length).toBeGreaterThan(before);
  });

  it('crosses quotes → stargraph: `_entities` by slug, one statement per call, deferred fields too', async () => {
    const before = counting.requests.length;
    const parts = await throughGateway(/* GraphQL */ `
      {
        quotes {
          ticker
          company { name ... @defer { id country } }
        }
      }
    `);
    const expected = await Promise.all(Object.keys(QUOTES).map(companyInGraph));
    expect(parts[0]!.data).toEqual({
      quotes: Object.values(QUOTES).map((q, i) => ({ ticker: q.ticker, company: { name: expected[i]!.name } })),
    });
    const later = parts.slice(1).flatMap((p) => p.incremental ?? []);
    const deferred = new Map(later.map((inc) => [inc.path.join('.'), inc.data]));
    expected.forEach((company, i) => {
      expect(deferred.get(`quotes.${i}.company`)).toEqual({ id: company.id, country: company.country });
    });
    expect(parts.at(-1)!.hasNext).toBe(false);
    // Every call the gateway made to stargraph (`_entities` for three companies) was one statement.
    const calls = counting.requests.slice(before).filter((s) => s.roundTrips > 0);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((s) => s.roundTrips)).toEqual(calls.map(() => 1));
  });
});

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Entity { slug name }
    }
  }
`;

describe('_entities', () => {
  it('resolves 100 references of a type in one statement', async () => {
    const p = prefixes.next('fed');
    const slugs = Array.from({ length: 100 }, (_, i) => `${p}-c${String(i).padStart(3, '0')}`);
    await createEntities(
      t.db,
      slugs.map((slug) => ({ label: 'Company', slug, name: `Name ${slug}` })),
    );
    // By id (the global ID a gateway read from Company.id), in an order of its own.
    const representations = [...slugs]
      .reverse()
      .map((slug) => ({ __typename: 'Company', id: encodeGlobalID('Company', slug) }));
    const body = await gql<{ _entities: Array<{ slug: string; name: string }> }>(stargraph, ENTITIES, {
      representations,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities.map((e) => e.slug)).toEqual([...slugs].reverse());
    expect(body.data!._entities[0]!.name).toBe(`Name ${slugs.at(-1)}`);
    expect(body.extensions!.cypher).toMatchObject({ roundTrips: 1 });
    expect((body.extensions!.plan as { statements: unknown[] }).statements).toHaveLength(1);
    // What the entities select loads per field and level: their sources, one statement more.
    const withSources = await gql<{ _entities: Array<{ sources: unknown[] }> }>(
      stargraph,
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Company { sources { title } } } }',
      { representations },
    );
    expect(withSources.data!._entities).toEqual(slugs.map(() => ({ sources: [] })));
    expect(withSources.extensions!.cypher).toMatchObject({ roundTrips: 2 });
  });

  it('resolves every kind and both keys in that one statement; a reference of another kind is null', async () => {
    const p = prefixes.next('fed');
    const fixtures = (['Person', 'Company', 'Project', 'Datacenter', 'Deal'] as const).map((label) => ({
      label,
      slug: `${p}-${label.toLowerCase()}`,
      name: `${label} ${p}`,
    }));
    await createEntities(t.db, fixtures);
    const representations = [
      ...fixtures.map((f) => ({ __typename: f.label, id: encodeGlobalID(f.label, f.slug) })),
      ...fixtures.map((f) => ({ __typename: f.label, slug: f.slug })),
      // The person's slug asked for as a Company: not a company, so null.
      { __typename: 'Company', slug: fixtures[0]!.slug },
    ];
    const body = await gql<{ _entities: Array<{ __typename: string; slug: string } | null> }>(stargraph, ENTITIES, {
      representations,
    });
    expect(body.errors).toBeUndefined();
    const expected = fixtures.map((f) => ({ __typename: f.label, slug: f.slug, name: f.name }));
    expect(body.data!._entities).toEqual([...expected, ...expected, null]);
    expect(body.extensions!.cypher).toMatchObject({ roundTrips: 1 });
  });

  it('follows an id or slug merged away to the entity it was merged into', async () => {
    const writer = 'fed-merge-writer-0123456789';
    const server = testServer(t.graph, testConfig({ FEDERATION: 'true', API_KEYS: `${writer}:write+read` }));
    try {
      const p = prefixes.next('fed');
      const write = (query: string, variables: Record<string, unknown>) =>
        gql<Record<string, { id: string }>>(server, query, variables, { authorization: `Bearer ${writer}` });
      const upsert = 'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { id } }';
      await write(upsert, { i: { slug: `${p}-kept`, name: 'Kept' } });
      const merged = (await write(upsert, { i: { slug: `${p}-gone`, name: 'Gone' } })).data!.upsertCompany!.id;
      const merge = 'mutation ($keep: ID!, $merge: ID!) { mergeEntities(keep: $keep, merge: $merge) { id } }';
      expect((await write(merge, { keep: `${p}-kept`, merge: `${p}-gone` })).errors).toBeUndefined();
      const body = await gql<{ _entities: unknown[] }>(server, ENTITIES, {
        representations: [
          { __typename: 'Company', slug: `${p}-gone` },
          { __typename: 'Company', id: merged },
        ],
      });
      const kept = { __typename: 'Company', slug: `${p}-kept`, name: 'Kept' };
      expect(body.data!._entities).toEqual([kept, kept]);
    } finally {
      await server.dispose();
    }
  });

  it('answers null for references that name nothing, in that one statement', async () => {
    const representations = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? { __typename: 'Company', slug: `fed-no-such-company-${i}` }
        : { __typename: 'Deal', id: encodeGlobalID('Deal', `fed-no-such-deal-${i}`) },
    );
    const body = await gql<{ _entities: unknown[] }>(stargraph, ENTITIES, { representations });
    expect(body.data!._entities).toEqual(representations.map(() => null));
    expect(body.extensions!.cypher).toMatchObject({ roundTrips: 1 });
  });

  it('answers INVALID_ID for an id that is not a global ID of ours', async () => {
    const body = await gql(stargraph, ENTITIES, { representations: [{ __typename: 'Company', id: 'not-an-id' }] });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_ID']);
  });
});

describe('limits, cache and auth with FEDERATION=true', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ __typename: 'Company', slug: `fed-limits-none-${i}` }));

  it('bounds representations by MAX_LIST_ITEMS and prices each one as an item (MAX_COMPLEXITY)', async () => {
    const bounded = testServer(t.graph, testConfig({ FEDERATION: 'true', MAX_LIST_ITEMS: '5', MAX_COMPLEXITY: '40' }));
    try {
      const over = await gql(bounded, ENTITIES, { representations: many(6) });
      expect(over.errors?.map((e) => e.extensions)).toEqual([
        { code: 'LIMIT_EXCEEDED', limit: 'MAX_LIST_ITEMS', max: 5, got: 6 },
      ]);
      // 5 references, each selecting `relationships` (a 20-item page of a name): 5 + 5 × 20 = 105.
      const costly = await gql(
        bounded,
        `query ($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Entity { relationships { edges { node { name } } } } } }`,
        {
          representations: many(5),
        },
      );
      expect(costly.errors?.map((e) => e.extensions)).toEqual([
        { code: 'LIMIT_EXCEEDED', limit: 'MAX_COMPLEXITY', max: 40, got: 105 },
      ]);
      expect((await gql(bounded, ENTITIES, { representations: many(5) })).errors).toBeUndefined();
    } finally {
      await bounded.dispose();
    }
  });

  it('caches `_entities` answers and drops them when the entity changes, which subscribers hear', async () => {
    const writer = 'fed-writer-key-0123456789';
    const cached = testServer(
      t.graph,
      testConfig({
        FEDERATION: 'true',
        DEBUG_EXTENSIONS: 'true',
        RESPONSE_CACHE_TTL_MS: '60000',
        API_KEYS: `${writer}:write+read`,
      }),
    );
    try {
      const p = prefixes.next('fed');
      const slug = `${p}-cached`;
      const upsert = (name: string) =>
        gql(
          cached,
          'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
          { i: { slug, name } },
          {
            authorization: `Bearer ${writer}`,
          },
        );
      await upsert('Before');
      const read = () =>
        gql<{ _entities: Array<{ name: string }> }>(cached, ENTITIES, {
          representations: [{ __typename: 'Company', slug }],
        });
      const hitOf = (b: { extensions?: Record<string, unknown> }) =>
        (b.extensions?.responseCache as { hit?: boolean })?.hit;
      expect(hitOf(await read())).toBe(false);
      const second = await read();
      expect(hitOf(second)).toBe(true);
      expect(second.data!._entities[0]!.name).toBe('Before');
      // Subscriptions are served by the subgraph schema as by the plain one.
      const changes = await sseSubscribe(
        cached,
        'subscription ($slugs: [String!]) { graphChanged(slugs: $slugs) { change entity { slug name } } }',
        { slugs: [slug] },
      );
      try {
        await upsert('After');
        expect((await changes.next()).data?.data?.graphChanged).toEqual({
          change: 'UPDATED',
          entity: { slug, name: 'After' },
        });
      } finally {
        changes.close();
      }
      const third = await read();
      expect(hitOf(third)).toBe(false);
      expect(third.data!._entities[0]!.name).toBe('After');
    } finally {
      await cached.dispose();
    }
  });

  it('needs a read token for `_entities` and `_service` when reads need one', async () => {
    const closed = testServer(
      t.graph,
      testConfig({ FEDERATION: 'true', REQUIRE_AUTH_FOR_READS: 'true', API_KEYS: 'fed-reader-key-0123456789:read' }),
    );
    try {
      const refused = await gql(closed, ENTITIES, { representations: [{ __typename: 'Company', slug: 'oracle' }] });
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      // Scope auth still wraps the plain fields of the subgraph schema: a write needs `write`.
      const write = await gql(
        closed,
        'mutation { upsertCompany(input: { slug: "fed-never-written", name: "Never" }) { slug } }',
        {},
        { authorization: 'Bearer fed-reader-key-0123456789' },
      );
      expect(write.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      const sdl = await gql(closed, '{ _service { sdl } }');
      expect(sdl.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      const allowed = await gql<{ _entities: Array<{ slug: string }> }>(
        closed,
        ENTITIES,
        { representations: [{ __typename: 'Company', slug: 'oracle' }] },
        { authorization: 'Bearer fed-reader-key-0123456789' },
      );
      expect(allowed.data!._entities).toEqual([
        { __typename: 'Company', slug: 'oracle', name: (await companyInGraph('oracle')).name },
      ]);
    } finally {
      await closed.dispose();
    }
  });

  it('serves no `_entities` or `_service` without FEDERATION', async () => {
    const plain = testServer(t.graph, testConfig());
    try {
      const body = await gql(plain, '{ _service { sdl } }');
      expect(body.errors?.[0]?.message).toMatch(/Cannot query field "_service"/);
    } finally {
      await plain.dispose();
    }
  });
});
