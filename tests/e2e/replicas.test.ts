/**
 * Two API replicas (two createServer objects, each with its own Redis clients, as two processes
 * would have) on one Redis and the suite's Neo4j: a write through one reaches the other's
 * subscriber and invalidates the read the other has cached, within a second. The import CLI,
 * run as a process of its own with the same REDIS_URL, reaches them too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../utils/cli.js';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, prefixTracker, testServer, type TestGraph } from '../utils/graph.js';
import { sseSubscribe } from '../utils/sse.js';
import { waitUntil } from '../utils/wait.js';

const WRITER = 'replica-writer-key-1';
const auth = { authorization: `Bearer ${WRITER}` };
const hit = (body: { extensions?: Record<string, unknown> }) =>
  (body.extensions?.responseCache as { hit?: boolean } | undefined)?.hit;

let t: TestGraph;
let first: ReturnType<typeof testServer>;
let second: ReturnType<typeof testServer>;
const prefixes = prefixTracker();
beforeAll(async () => {
  const redisUrl = inject('redisUrl');
  t = await openTestGraph({
    API_KEYS: `${WRITER}:write+read`,
    REDIS_URL: redisUrl,
    RESPONSE_CACHE_TTL_MS: '60000',
    DEBUG_EXTENSIONS: 'true',
  });
  first = testServer(t.graph, t.config);
  second = testServer(t.graph, t.config);
});
afterAll(async () => {
  for (const p of prefixes.all) await deleteFixtures(t.db, p);
  await first.dispose();
  await second.dispose();
  await t.close();
});

const COMPANY = 'query ($slug: String!) { entity(slug: $slug) { name } }';
/** Waits until `server` holds more subscribers than `before` (the new one is listening). */
const waitForSubscriber = async (server: ReturnType<typeof testServer>, before: number) => {
  await waitUntil(() => server.live.subscribers > before);
  expect(server.live.subscribers).toBeGreaterThan(before);
  // Redis confirms a SUBSCRIBE asynchronously; give it a moment before writing.
  await new Promise((r) => setTimeout(r, 100));
};

describe('two replicas on one Redis', () => {
  it('share the cache, and a write through one invalidates the other and reaches its subscriber', async () => {
    const p = prefixes.next('replica');
    const slug = `${p}-co`;
    const wrote = performance.now();
    expect(
      (
        await gql(
          first,
          'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
          { i: { slug, name: 'Before' } },
          auth,
        )
      ).errors,
    ).toBeUndefined();
    // A read that starts before the second replica has heard of that write is not stored there.
    for (let i = 0; i < 100 && !second.live.changedSince(wrote); i++) await new Promise((r) => setTimeout(r, 20));
    expect(second.live.changedSince(wrote)).toBe(true);

    expect(hit(await gql(second, COMPANY, { slug }))).toBe(false);
    expect(hit(await gql(second, COMPANY, { slug }))).toBe(true);
    // One cache: the first replica is served what the second cached.
    const shared = await gql(first, COMPANY, { slug });
    expect(hit(shared)).toBe(true);
    expect(shared.data).toEqual({ entity: { name: 'Before' } });

    const before = second.live.subscribers;
    const sub = await sseSubscribe(
      second,
      'subscription ($s: [String!]) { graphChanged(slugs: $s) { change entity { slug name } } }',
      { s: [slug] },
    );
    try {
      await waitForSubscriber(second, before);
      const started = performance.now();
      expect(
        (
          await gql(
            first,
            'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
            { i: { slug, name: 'After' } },
            auth,
          )
        ).errors,
      ).toBeUndefined();
      // The event is published once the write commits, so its delivery is timed from the write's
      // answer (the write itself can take seconds on a loaded machine). Redis delivers in
      // milliseconds; the 10 s bound only tells a delivered event from a lost one under load.
      const answered = performance.now();
      const event = await sub.next(30_000);
      const heard = performance.now();
      const heardMs = heard - started;
      expect(event.data?.data?.graphChanged).toEqual({ change: 'UPDATED', entity: { slug, name: 'After' } });
      expect(heard - answered).toBeLessThan(10_000);

      const after = await gql<{ entity: { name: string } }>(second, COMPANY, { slug });
      expect(hit(after)).toBe(false);
      expect(after.data?.entity.name).toBe('After');
      console.log(
        `replicas: the second replica's subscriber heard the first's write ${heardMs.toFixed(0)} ms after it was sent`,
      );
    } finally {
      sub.close();
    }
  });

  // The import is a child process (tsx start-up and its own graph connection): tens of seconds when loaded.
  it('the import CLI, a process of its own with REDIS_URL, announces IMPORTED per batch and invalidates the replicas’ cache', {
    timeout: 240_000,
  }, async () => {
    const p = prefixes.next('replica');
    const dir = mkdtempSync(join(tmpdir(), 'stargraph-replica-import-'));
    const file = join(dir, 'batch.ndjson');
    const rows = [1, 2, 3].map((i) =>
      JSON.stringify({ type: 'entity', label: 'Company', slug: `${p}-${i}`, name: `Imported ${i}` }),
    );
    writeFileSync(file, `${rows.join('\n')}\n`);

    const LIST = 'query ($s: [String!]) { companies(filter: { slugs: $s }) { totalCount } }';

    const slugs = [1, 2, 3].map((i) => `${p}-${i}`);
    expect(
      (await gql<{ companies: { totalCount: number } }>(second, LIST, { s: slugs })).data?.companies.totalCount,
    ).toBe(0);
    // Cached once a read ran with no write heard meanwhile (the test before wrote, too).
    let cached = false;
    for (let i = 0; i < 20 && !cached; i++) cached = hit(await gql(second, LIST, { s: slugs })) === true;
    expect(cached).toBe(true);

    const before = second.live.subscribers;
    const sub = await sseSubscribe(
      second,
      'subscription { graphChanged(kinds: [COMPANY]) { change imported { created { entities } } } }',
    );
    try {
      await waitForSubscriber(second, before);
      const imported = await runCli(['import', file, '--batch-size', '2', '--checkpoint-dir', dir], {
        REDIS_URL: inject('redisUrl'),
      });
      expect(imported.code, imported.stderr).toBe(0);
      const events = [await sub.next(5_000), await sub.next(5_000)].map((e) => e.data?.data?.graphChanged);
      expect(events).toEqual([
        { change: 'IMPORTED', imported: { created: { entities: 2 } } },
        { change: 'IMPORTED', imported: { created: { entities: 1 } } },
      ]);
      const after = await gql<{ companies: { totalCount: number } }>(second, LIST, { s: slugs });
      expect(hit(after)).toBe(false);
      expect(after.data?.companies.totalCount).toBe(3);
    } finally {
      sub.close();
    }
  });

  it('keeps its keys in Redis under rc: and expires them', async () => {
    const redis = new Redis(inject('redisUrl'));
    try {
      const keys = await redis.keys('rc:*');
      expect(keys.length).toBeGreaterThan(0);
      const ttl = await redis.pttl(keys.find((k) => k.startsWith('rc:r:'))!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a Redis that is away', () => {
  it('costs the cache and cross-replica events, never a read or a write', async () => {
    // A port nobody listens on: every Redis command fails.
    const { createServer: netServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = netServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const away = testServer(t.graph, {
      ...t.config,
      live: { ...t.config.live, redisUrl: `redis://127.0.0.1:${port}` },
    });
    const p = prefixes.next('replica');
    try {
      const written = await gql(
        away,
        'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
        { i: { slug: `${p}-x`, name: 'X' } },
        auth,
      );
      expect(written.errors).toBeUndefined();
      const read = await gql<{ entity: { name: string } }>(away, COMPANY, { slug: `${p}-x` });
      expect(read.errors).toBeUndefined();
      expect(read.data?.entity.name).toBe('X');
      expect(hit(read)).not.toBe(true);
    } finally {
      await away.dispose();
    }
  });
});
