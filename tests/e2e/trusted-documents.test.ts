/** PERSISTED_OPERATIONS through HTTP: `only` runs known hashes and nothing else; `allow` adds APQ. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOperations } from '../../src/schema/examples.js';
import { buildManifest, documentHash, readManifest } from '../../src/trusted/manifest.js';
import { openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(() => t.close());

async function send(yoga: ReturnType<typeof testServer>, body: Record<string, unknown>) {
  const response = await yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}
const pq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

const stats = exampleOperations().find((e) => /graphStats/.test(e.query))!;

describe('PERSISTED_OPERATIONS=only', () => {
  it('serves a known hash and refuses a document or an unknown hash', async () => {
    const yoga = testServer(t.graph, {
      ...t.config,
      persistedOperations: { ...t.config.persistedOperations, mode: 'only', file: 'schema/persisted-operations.json' },
    });
    try {
      const known = await send(yoga, { extensions: pq(documentHash(stats.query)), variables: stats.variables });
      expect(known.errors).toBeUndefined();
      expect(Array.isArray(known.data?.graphStats)).toBe(true);

      const document = await send(yoga, { query: '{ graphStats { label count } }' });
      expect(document.data).toBeUndefined();
      expect(document.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');

      // Even the text of a known operation is refused: only its hash is trusted.
      expect((await send(yoga, { query: stats.query }))?.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');

      const unknown = await send(yoga, { extensions: pq(documentHash('{ __typename }')) });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(unknown.data).toBeUndefined();

      // Names every object has are hashes like any other: not found, never an internal error.
      for (const hash of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
        const named = await send(yoga, { extensions: pq(hash) });
        expect(
          named.errors?.map((e) => e.extensions?.code),
          hash,
        ).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
        expect(named.data).toBeUndefined();
      }
    } finally {
      await yoga.dispose();
    }
  });
});

describe('PERSISTED_OPERATIONS=allow', () => {
  it('runs known hashes, any document, and Automatic Persisted Queries', async () => {
    const yoga = testServer(t.graph, {
      ...t.config,
      persistedOperations: { ...t.config.persistedOperations, mode: 'allow', file: 'schema/persisted-operations.json' },
    });
    try {
      expect((await send(yoga, { extensions: pq(documentHash(stats.query)) })).data?.graphStats).toBeDefined();
      expect((await send(yoga, { query: '{ __typename }' })).data).toEqual({ __typename: 'Query' });

      // APQ: an unknown hash first, then the document with its hash, then the hash alone.
      const query = `{ graphStats { label } } # apq ${Date.now()}`;
      const hash = documentHash(query);
      const first = await send(yoga, { extensions: pq(hash) });
      expect(first.errors?.[0]).toMatchObject({
        message: 'PersistedQueryNotFound',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      });
      expect((await send(yoga, { query, extensions: pq(hash) })).errors).toBeUndefined();
      const third = await send(yoga, { extensions: pq(hash) });
      expect(third.errors).toBeUndefined();
      expect(third.data?.graphStats).toBeDefined();

      // A hash that is not the document's is refused (it would poison the store).
      const lying = await send(yoga, { query: '{ __typename }', extensions: pq(documentHash('{ something }')) });
      expect(lying.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await yoga.dispose();
    }
  });
});

describe('the manifest', () => {
  it('is up to date with schema/examples (npm run persisted:build)', () => {
    const { manifest } = buildManifest(['schema/examples', 'explorer']);
    expect(readManifest('schema/persisted-operations.json')).toEqual(manifest);
    for (const example of exampleOperations()) expect(manifest[documentHash(example.query)]).toBe(example.query);
  });

  it('refuses an entry whose key is not its document’s hash, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stargraph-pq-'));
    const file = join(dir, 'm.json');
    writeFileSync(file, JSON.stringify({ [documentHash('{ a }')]: '{ b }' }));
    expect(() => readManifest(file)).toThrow(/not the sha256 of its document/);
    expect(() =>
      testServer(t.graph, {
        ...t.config,
        persistedOperations: { ...t.config.persistedOperations, mode: 'only', file },
      }),
    ).toThrow(/PERSISTED_OPERATIONS_FILE/);
  });
});
