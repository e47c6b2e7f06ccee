/**
 * Every cache stays under its byte bound whatever clients send (README, "Caches"): many distinct
 * large documents, many distinct reads and many Automatic Persisted Queries, each far more than
 * its cache holds, while /metrics reports each cache's entries and bytes. And the cache keys made
 * from a request's parameters before yoga checks them do not turn a bad parameter into a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentHash } from '../../src/trusted/manifest.js';
import { openTestGraph, testConfig, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const BOUNDS = { parse: 3_000_000, response: 50_000, apq: 1_000_000 };
beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(
    t.graph,
    testConfig({
      PARSE_CACHE_MAX_BYTES: String(BOUNDS.parse),
      RESPONSE_CACHE_TTL_MS: '60000',
      RESPONSE_CACHE_MAX_BYTES: String(BOUNDS.response),
      PERSISTED_OPERATIONS: 'allow',
      APQ_CACHE_MAX_BYTES: String(BOUNDS.apq),
    }),
  );
});
afterAll(async () => {
  await yoga.dispose();
  await t.close();
});

async function post(body: Record<string, unknown>) {
  const res = await yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
}

/** Each cache's gauges from /metrics, by cache name. */
async function cacheGauges() {
  const text = await (await yoga.fetch('http://stargraph.test/metrics')).text();
  // The live heap is reported beside them (0 until the first full GC).
  expect(text).toMatch(/^stargraph_heap_live_bytes \d+$/m);
  const out: Record<string, { entries: number; bytes: number; maxEntries: number; maxBytes: number }> = {};
  const names = { entries: 'entries', bytes: 'bytes', max_entries: 'maxEntries', max_bytes: 'maxBytes' } as const;
  for (const [, gauge, cache, value] of text.matchAll(/^stargraph_cache_(\w+)\{cache="([^"]+)"\} (\S+)$/gm)) {
    out[cache!] ??= { entries: 0, bytes: 0, maxEntries: 0, maxBytes: 0 };
    out[cache!]![names[gauge as keyof typeof names]] = Number(value);
  }
  return out;
}

/** A valid document of about `bytes`, distinct for each `i`: comment lines, then `{ __typename }`. */
const largeDocument = (i: number, bytes: number) =>
  `${`# filler ${i} ${'x'.repeat(60)}\n`.repeat(Math.ceil(bytes / 80))}{ __typename }`;

describe('keys made before yoga checks the parameters', () => {
  it('a `query` that is not a string is BAD_REQUEST, with or without a persisted hash (not a 500 from hashing it)', async () => {
    for (const body of [
      { query: 1 },
      { query: { kind: 'Document' } },
      { query: 1, extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
    ]) {
      const answer = await post(body);
      expect(
        answer.errors?.map((e) => e.extensions?.code),
        JSON.stringify(body),
      ).toEqual(['BAD_REQUEST']);
    }
  });
});

describe('caches bounded by bytes', () => {
  it('many distinct large documents keep the parse cache under PARSE_CACHE_MAX_BYTES', async () => {
    // 40 documents of 90 KB: ~14 MB by the parse cache's estimate, under 1,000 entries.
    for (let i = 0; i < 40; i++) {
      const body = await post({ query: largeDocument(i, 90_000) });
      expect(body.errors).toBeUndefined();
    }
    const { parse } = await cacheGauges();
    expect(parse!.maxBytes).toBe(BOUNDS.parse);
    expect(parse!.bytes).toBeLessThanOrEqual(BOUNDS.parse);
    expect(parse!.bytes).toBeGreaterThan(BOUNDS.parse / 2);
    expect(parse!.entries).toBeGreaterThan(0);
    expect(parse!.entries).toBeLessThan(40);
  });

  it('many distinct reads keep the response cache under RESPONSE_CACHE_MAX_BYTES, far below RESPONSE_CACHE_MAX', async () => {
    const query = 'query ($s: String!) { entity(slug: $s) { name } }';
    for (let i = 0; i < 300; i++) {
      const body = await post({ query, variables: { s: `caches-test-none-${i}` } });
      expect(body).toMatchObject({ data: { entity: null } });
    }
    const { response } = await cacheGauges();
    expect(response!.maxEntries).toBe(5000);
    expect(response!.bytes).toBeLessThanOrEqual(BOUNDS.response);
    expect(response!.entries).toBeGreaterThan(0);
    expect(response!.entries).toBeLessThan(300);
  });

  it('many Automatic Persisted Queries keep the APQ store under APQ_CACHE_MAX_BYTES', async () => {
    for (let i = 0; i < 60; i++) {
      const query = largeDocument(1_000 + i, 30_000);
      const extensions = { persistedQuery: { version: 1, sha256Hash: documentHash(query) } };
      expect((await post({ query, extensions })).errors).toBeUndefined();
    }
    // The last one learnt answers by its hash alone.
    const last = largeDocument(1_059, 30_000);
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(last) } } });
    expect(byHash).toMatchObject({ data: { __typename: 'Query' } });
    const { apq, parse, statement, ...rest } = await cacheGauges();
    expect(apq!.bytes).toBeLessThanOrEqual(BOUNDS.apq);
    expect(apq!.entries).toBeGreaterThan(0);
    expect(apq!.entries).toBeLessThan(60);
    for (const [name, cache] of Object.entries({ parse, statement, ...rest })) {
      expect(cache!.bytes, name).toBeLessThanOrEqual(cache!.maxBytes);
      expect(cache!.entries, name).toBeLessThanOrEqual(cache!.maxEntries);
    }
  });
});
