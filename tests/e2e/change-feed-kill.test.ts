/**
 * The resumable feed under faults: two API replicas as processes on one Redis, a stream of writes
 * through both, and one graphChanged subscriber over real HTTP that loses its connection (the
 * client drops it) and then its replica (SIGKILL), reconnecting each time with Last-Event-ID, the
 * second time to the other replica. It hears every claim change of its entities exactly once, in
 * log order: the same list `changes` pages out of the log. Slow (server processes): SLOW_SUITES.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { openTestGraph, serverEnv, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { startServeProcess, type ServeProcess } from '../utils/serve-process.js';
import { sseSubscribe, type SseEvent } from '../utils/sse.js';
import { lastChangeId, readChangeLog } from '../../src/claims/change-log.js';

const WRITER = 'feed-kill-writer-key-1';
const auth = { authorization: `Bearer ${WRITER}` };
const prefix = uniquePrefix('feed-kill');
const SLUGS = Array.from({ length: 60 }, (_, i) => `${prefix}-${i}`);
const SUBSCRIPTION = /* GraphQL */ `
  subscription ($slugs: [String!]) {
    graphChanged(slugs: $slugs) { id claimChanges { id } }
  }
`;

let t: TestGraph;
let a: ServeProcess | undefined;
let b: ServeProcess | undefined;

beforeAll(async () => {
  t = await openTestGraph();
  const env = {
    ...serverEnv({ uri: inject('neo4jUri'), user: inject('neo4jUser'), password: inject('neo4jPassword') }),
    API_KEYS: `${WRITER}:write+read`,
    REDIS_URL: inject('redisUrl'),
  };
  [a, b] = await Promise.all([startServeProcess(env), startServeProcess(env)]);
}, 600_000);
afterAll(async () => {
  a?.kill();
  await b?.stop();
  if (t) await deleteFixtures(t.db, prefix);
  await t?.close();
});

/** One upsert through `server`; false when the server is gone (its write may or may not have committed). */
async function upsert(server: ServeProcess, slug: string, country: string): Promise<boolean> {
  try {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...auth },
      body: JSON.stringify({
        query: 'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
        variables: { i: { slug, name: slug, country } },
      }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

describe('graphChanged across a dropped connection and a killed replica', () => {
  it('hears every change once, in order', async () => {
    const start = await lastChangeId(t.db);
    const heard: number[] = [];
    let lastId = String(start);
    const take = (event: SseEvent) => {
      expect(event.event).toBe('next');
      const change = event.data?.data?.graphChanged as { id: string | null; claimChanges: Array<{ id: string }> };
      expect(event.id).toBe(change.id ?? undefined);
      if (change.id === null) return;
      heard.push(...change.claimChanges.map((c) => Number(c.id)));
      lastId = event.id!;
    };

    // Writers: one through each replica, each slug written twice (created; its country changed,
    // which ends one claim and records another).
    let writing = true;
    const writer = async (via: () => ServeProcess, slugs: string[]) => {
      for (const slug of slugs) {
        await upsert(via(), slug, 'US');
        await upsert(via(), slug, 'FR');
      }
    };
    let sub = await sseSubscribe(
      `${a!.url}/graphql`,
      SUBSCRIPTION,
      { slugs: SLUGS },
      { ...auth, 'last-event-id': lastId },
    );
    const writers = Promise.all([
      writer(() => b!, SLUGS.slice(0, 30)),
      // Through A until it is killed, then through B.
      writer(() => (a!.process.exitCode === null && a!.process.signalCode === null ? a! : b!), SLUGS.slice(30)),
    ]).finally(() => (writing = false));

    // 1. The client drops its connection mid-stream and reconnects to the same replica.
    for (let i = 0; i < 10; i++) take(await sub.next(60_000));
    sub.close();
    sub = await sseSubscribe(`${a!.url}/graphql`, SUBSCRIPTION, { slugs: SLUGS }, { ...auth, 'last-event-id': lastId });

    // 2. Its replica dies mid-stream; it reconnects to the other one.
    for (let i = 0; i < 10; i++) take(await sub.next(60_000));
    a!.process.kill('SIGKILL');
    await a!.exited;
    sub.close();
    sub = await sseSubscribe(`${b!.url}/graphql`, SUBSCRIPTION, { slugs: SLUGS }, { ...auth, 'last-event-id': lastId });

    await writers;
    expect(writing).toBe(false);
    // The log's own list of changes to these entities, from the first id to the newest.
    const end = await lastChangeId(t.db);
    const logged: number[] = [];
    for (let after = start; after < end; ) {
      const page = await readChangeLog(t.db, after, 500);
      if (page.length === 0) break;
      const ids = new Set(SLUGS);
      for (const e of page)
        if (e.claim && (await subjectSlug(e.claim.subject)).some((s) => ids.has(s))) logged.push(e.seq);
      after = page.at(-1)!.seq;
    }
    while (heard.length < logged.length) take(await sub.next(60_000));
    sub.close();
    // Every change once, in order: nothing lost across the drop and the kill, nothing twice.
    expect(heard).toEqual(logged);
    expect(logged.length).toBeGreaterThanOrEqual(SLUGS.length * 2);
  }, 600_000);
});

const slugCache = new Map<string, string[]>();
/** The slugs of the entities a claim subject names (an entity, or a relationship's two ends). */
async function subjectSlug(subject: string): Promise<string[]> {
  if (!slugCache.has(subject)) {
    const rows = await t.db.read('MATCH (n:Entity {id: $id}) RETURN n.slug AS slug', { id: subject });
    slugCache.set(
      subject,
      rows.map((r) => String(r.slug)),
    );
  }
  return slugCache.get(subject)!;
}
