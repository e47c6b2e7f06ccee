/**
 * graphChanged over SSE, through HTTP (yoga.fetch): every committed write is heard, a
 * rolled-back one is not, subscribing needs what reads need, a slow subscriber is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-sse';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, prefixTracker, testServer, type TestGraph } from '../utils/graph.js';
import { sseSubscribe } from '../utils/sse.js';
import { entityChange } from '../../src/live/changes.js';
import { waitUntil } from '../utils/wait.js';

const WRITER = 'live-writer-key-1';
const READER = 'live-reader-key-1';
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

const SUBSCRIPTION = /* GraphQL */ `
  subscription Changes($kinds: [EntityKind!], $slugs: [String!]) {
    graphChanged(kinds: $kinds, slugs: $slugs) {
      change
      at
      entity { __typename slug name }
      relationship { type from { slug } to { slug } amountUsd }
      imported { created { entities relationships } }
    }
  }
`;

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefixes = prefixTracker();
beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITER}:write+read,${READER}:read` });
  yoga = testServer(t.graph, t.config);
});
afterAll(async () => {
  for (const p of prefixes.all) await deleteFixtures(t.db, p);
  await yoga.dispose();
  await t.close();
});

const write = (query: string, variables: Record<string, unknown> = {}) => gql(yoga, query, variables, auth(WRITER));
const upsertCompany = (slug: string, name = slug) =>
  write('mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }', { i: { slug, name } });

describe('graphChanged over SSE', () => {
  it('hears CREATED, CONNECTED, DISCONNECTED, DELETED and IMPORTED after their commits, and nothing for a failed write', async () => {
    const p = prefixes.next('live');
    const [a, b, person] = [`${p}-a`, `${p}-b`, `${p}-person`];
    const sub = await sseSubscribe(yoga, SUBSCRIPTION, { slugs: [a, b, person] });
    expect(sub.response.headers.get('content-type')).toContain('text/event-stream');
    try {
      expect((await upsertCompany(a, 'Alpha')).errors).toBeUndefined();
      const event = await sub.next();
      expect(event.event).toBe('next');
      expect(event.data?.data?.graphChanged).toMatchObject({
        change: 'CREATED',
        entity: { __typename: 'Company', slug: a, name: 'Alpha' },
      });
      expect(Date.parse(String((event.data?.data?.graphChanged as { at: string }).at))).toBeGreaterThan(
        Date.now() - 60_000,
      );

      await upsertCompany(b);
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({ change: 'CREATED', entity: { slug: b } });
      await upsertCompany(a, 'Alpha renamed');
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({
        change: 'UPDATED',
        entity: { slug: a, name: 'Alpha renamed' },
      });

      const connected = await write('mutation ($i: ConnectInput!) { connect(input: $i) { created } }', {
        i: { type: 'INVESTS_IN', from: a, to: b, properties: { amountUsd: 5e9 } },
      });
      expect(connected.errors).toBeUndefined();
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({
        change: 'CONNECTED',
        entity: null,
        relationship: { type: 'INVESTS_IN', from: { slug: a }, to: { slug: b }, amountUsd: 5e9 },
      });

      // A write that fails inside its transaction (the slug names a Person: CONFLICT) is rolled
      // back and announces nothing: the next event is the write after it.
      expect(
        (
          await write('mutation ($i: UpsertPersonInput!) { upsertPerson(input: $i) { slug } }', {
            i: { slug: person, name: 'P' },
          })
        ).errors,
      ).toBeUndefined();
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({
        change: 'CREATED',
        entity: { __typename: 'Person', slug: person },
      });
      const failed = await upsertCompany(person);
      expect(failed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(await sub.quietFor(300)).toBe(true);

      await write('mutation ($i: DisconnectInput!) { disconnect(input: $i) { removed } }', {
        i: { type: 'INVESTS_IN', from: a, to: b },
      });
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({
        change: 'DISCONNECTED',
        relationship: { type: 'INVESTS_IN', from: { slug: a }, to: { slug: b } },
      });
      // Nothing to remove: no change, no event.
      await write('mutation ($i: DisconnectInput!) { disconnect(input: $i) { removed } }', {
        i: { type: 'INVESTS_IN', from: a, to: b },
      });

      const deleted = await write('mutation ($id: ID!) { deleteEntity(id: $id) { slug } }', { id: b });
      expect(deleted.errors).toBeUndefined();
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({
        change: 'DELETED',
        entity: { __typename: 'Company', slug: b },
      });

      const imported = await write(
        'mutation ($i: ImportGraphInput!) { importGraph(input: $i) { created { entities } } }',
        {
          i: {
            companies: [{ slug: `${p}-c`, name: 'C' }],
            relationships: [{ type: 'INVESTS_IN', from: a, to: `${p}-c` }],
          },
        },
      );
      expect(imported.errors).toBeUndefined();
      expect((await sub.next()).data?.data?.graphChanged).toMatchObject({
        change: 'IMPORTED',
        imported: { created: { entities: 1, relationships: 1 } },
      });
      // An importGraph that fails (a missing endpoint) rolls back and announces nothing.
      const badImport = await write(
        'mutation ($i: ImportGraphInput!) { importGraph(input: $i) { created { entities } } }',
        {
          i: {
            companies: [{ slug: `${p}-d`, name: 'D' }],
            relationships: [{ type: 'INVESTS_IN', from: a, to: `${p}-nobody` }],
          },
        },
      );
      expect(badImport.errors?.length).toBeGreaterThan(0);
      expect(await sub.quietFor(300)).toBe(true);
    } finally {
      sub.close();
    }
  });

  it('filters by kind and slug: a subscriber hears only what it asked for', async () => {
    const p = prefixes.next('live');
    const people = await sseSubscribe(yoga, SUBSCRIPTION, { kinds: ['PERSON'] });
    const oneSlug = await sseSubscribe(yoga, SUBSCRIPTION, { slugs: [`${p}-watched`] });
    try {
      await upsertCompany(`${p}-ignored`);
      await upsertCompany(`${p}-watched`);
      await write('mutation ($i: UpsertPersonInput!) { upsertPerson(input: $i) { slug } }', {
        i: { slug: `${p}-someone`, name: 'S' },
      });
      expect((await people.next()).data?.data?.graphChanged).toMatchObject({
        change: 'CREATED',
        entity: { slug: `${p}-someone` },
      });
      expect((await oneSlug.next()).data?.data?.graphChanged).toMatchObject({
        change: 'CREATED',
        entity: { slug: `${p}-watched` },
      });
      expect(await oneSlug.quietFor(200)).toBe(true);
    } finally {
      people.close();
      oneSlug.close();
    }
  });

  it('works with the graphql-sse client', async () => {
    const p = prefixes.next('live');
    const client = createClient({
      url: 'http://stargraph.test/graphql',
      fetchFn: ((input: string, init?: RequestInit) => yoga.fetch(new URL(input), init ?? {})) as typeof fetch,
    });
    const before = yoga.live.subscribers;
    const iterator = client.iterate<{ graphChanged: { change: string; entity: { slug: string } } }>({
      query: SUBSCRIPTION,
      variables: { slugs: [`${p}-x`] },
    });
    try {
      const first = iterator.next();
      // The subscription is open once the server has a listener; writes before that are not heard.
      await waitUntil(() => yoga.live.subscribers > before);
      await upsertCompany(`${p}-x`);
      const { value } = await first;
      expect(value?.data?.graphChanged).toMatchObject({ change: 'CREATED', entity: { slug: `${p}-x` } });
    } finally {
      await iterator.return?.();
      client.dispose();
    }
  });

  it('drops a subscriber that falls behind, with a final SUBSCRIBER_TOO_SLOW error', async () => {
    const small = testServer(t.graph, { ...t.config, live: { ...t.config.live, subscriptionQueueMax: 3 } });
    try {
      const sub = await sseSubscribe(small, SUBSCRIPTION);
      await waitUntil(() => small.live.subscribers > 0);
      expect(small.live.subscribers).toBe(1);
      // 200 changes while the client reads nothing (published directly: no need for 200 writes).
      const entity = {
        id: 'x',
        slug: 'slow-x',
        name: 'X',
        label: 'Company' as const,
        description: null,
        aliases: [],
        createdAt: null,
        updatedAt: null,
      };
      for (let i = 0; i < 200; i++) await small.live.publish(entityChange('UPDATED', entity));
      const events = [];
      for (;;) {
        const event = await sub.next();
        events.push(event);
        if (event.event === 'complete' || event.data?.errors) break;
      }
      const last = events.at(-1)!;
      expect(last.data?.errors?.[0]?.extensions).toMatchObject({
        code: 'SUBSCRIBER_TOO_SLOW',
        limit: 'SUBSCRIPTION_QUEUE_MAX',
        max: 3,
      });
      // What came before the error is a bounded handful, not the 200 published.
      expect(events.length).toBeLessThan(20);
      await waitUntil(() => small.live.subscribers === 0);
      expect(small.live.subscribers).toBe(0);
      sub.close();
    } finally {
      await small.dispose();
    }
  });
});

describe('graphChanged needs what reads need', () => {
  let locked: ReturnType<typeof testServer>;
  beforeAll(() => {
    locked = testServer(t.graph, { ...t.config, auth: { ...t.config.auth, requireAuthForReads: true } });
  });
  afterAll(() => locked.dispose());

  it('refuses a subscriber without a token and serves one with the read scope', async () => {
    const anonymous = await sseSubscribe(locked, SUBSCRIPTION);
    const refused = await anonymous.next();
    expect(refused.data?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    anonymous.close();

    const p = prefixes.next('live');
    const reader = await sseSubscribe(locked, SUBSCRIPTION, { slugs: [`${p}-r`] }, auth(READER));
    try {
      await waitUntil(() => locked.live.subscribers > 0);
      const written = await gql(
        locked,
        'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
        { i: { slug: `${p}-r`, name: 'R' } },
        auth(WRITER),
      );
      expect(written.errors).toBeUndefined();
      expect((await reader.next()).data?.data?.graphChanged).toMatchObject({
        change: 'CREATED',
        entity: { slug: `${p}-r` },
      });
    } finally {
      reader.close();
    }
  });
});
