/**
 * What a subscription may cost the server, over real HTTP (SSE on a loopback socket): its document
 * passes the query limits (depth, aliases, tokens, cost priced as a query with the same selection)
 * before any stream opens; open streams are capped per process (MAX_SUBSCRIPTIONS) and per caller
 * (MAX_SUBSCRIPTIONS_PER_TOKEN; anonymous callers by client address), a closed stream frees its
 * slot; a stream opened with a JWT ends with UNAUTHENTICATED when the token expires.
 */
import { type ClientRequest, createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { sseSubscribe, type SseEvent } from '../utils/sse.js';
import { entityChange } from '../../src/live/changes.js';
import { waitUntil } from '../utils/wait.js';

type Server = ReturnType<typeof testServer>;
type Stream = Awaited<ReturnType<typeof sseSubscribe>>;

const ALICE = 'sub-limits-alice-key';
const BOB = 'sub-limits-bob-key';
const CAROL = 'sub-limits-carol-key';
const KEYS = `${ALICE}:read,${BOB}:read,${CAROL}:read`;
const SECRET = 'subscription-limits-secret-long-enough-for-hs256';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const company = (slug: string) => ({
  id: `${slug}-id`,
  slug,
  name: slug,
  label: 'Company' as const,
  description: null,
  aliases: [],
  createdAt: null,
  updatedAt: null,
});

const CHANGES = 'subscription ($slugs: [String!]) { graphChanged(slugs: $slugs) { change entity { slug } } }';

let t: TestGraph;
const opened: Array<{ yoga: Server; close: () => Promise<void> }> = [];
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(async () => {
  for (const server of opened) await server.close();
  await t.close();
});

/** A server with `env` listening on a loopback port: its GraphQL URL, and the yoga behind it. */
async function serve(env: Record<string, string>) {
  const yoga = testServer(t.graph, testConfig({ API_KEYS: KEYS, ...env }));
  const http = createHttpServer(yoga);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  const close = async () => {
    http.closeAllConnections();
    await new Promise((ok) => http.close(ok));
    await yoga.dispose();
  };
  opened.push({ yoga, close });
  return { url, yoga };
}

/** An anonymous subscription sent from `localAddress`, left open (its events unread). */
function subscribeFrom(localAddress: string, url: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      localAddress,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    });
    request.on('response', () => resolve(request));
    request.on('error', reject);
    request.end(JSON.stringify({ query: CHANGES }));
  });
}

/** Waits until `yoga` holds `count` open subscriptions. */
async function holding(yoga: Server, count: number) {
  await waitUntil(() => yoga.live.subscribers === count);
  expect(yoga.live.subscribers).toBe(count);
}

/** The stream's first event is an error, and then it ends: nothing was subscribed. */
async function refusedWith(stream: Stream): Promise<Record<string, unknown> | undefined> {
  const first = await stream.next();
  const rest: SseEvent[] = [];
  for (;;) {
    try {
      rest.push(await stream.next());
    } catch (error) {
      expect((error as Error).message).toBe('the SSE stream ended');
      break;
    }
  }
  expect(rest.every((e) => e.event === 'complete')).toBe(true);
  expect(first.data?.data ?? null).toBeNull();
  expect(first.data?.errors).toHaveLength(1);
  return first.data?.errors?.[0]?.extensions;
}

describe('a subscription document passes the query limits before any stream opens', () => {
  // The cost rule (README, "Query cost"): deals(first: N) costs N, an object field 1 + what it selects.
  // entity { ... on Company { deals(first: N) } } as a query:            1 + N
  // graphChanged { entity { ... on Company { deals(first: N) } } }:      1 + (1 + N)
  const deals = (n: number) => `... on Company { deals(first: ${n}) { edges { node { name } } } }`;
  const query = (n: number) => `{ entity(slug: "sub-limits-nobody") { ${deals(n)} } }`;
  const subscription = (n: number) => `subscription { graphChanged { entity { ${deals(n)} } } }`;

  it('over MAX_COMPLEXITY: refused like the query with the same selection, over POST and GET', async () => {
    const { url, yoga } = await serve({ MAX_COMPLEXITY: '40' });
    // The query: deals(first: 40) costs 41, refused.
    const queried = await gql(yoga, query(40));
    expect(queried.errors?.[0]?.extensions).toEqual({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_COMPLEXITY',
      max: 40,
      got: 41,
    });
    for (const method of ['POST', 'GET'] as const) {
      const stream = await sseSubscribe(url, subscription(40), {}, {}, method);
      expect(stream.response.status).toBe(200);
      expect(await refusedWith(stream)).toEqual({ code: 'LIMIT_EXCEEDED', limit: 'MAX_COMPLEXITY', max: 40, got: 42 });
      expect(yoga.live.subscribers).toBe(0);
    }
    // One page smaller (deals(first: 38): 40) is accepted and opens.
    const within = await sseSubscribe(url, subscription(38));
    try {
      await holding(yoga, 1);
    } finally {
      within.close();
    }
    await holding(yoga, 0);
  });

  it.each([
    ['MAX_DEPTH', { MAX_DEPTH: '5' }, subscription(1), { max: 5, got: 6 }],
    ['MAX_ALIASES', { MAX_ALIASES: '1' }, 'subscription { graphChanged { a: at b: at } }', { max: 1 }],
    ['MAX_TOKENS', { MAX_TOKENS: '10' }, subscription(1), { max: 10 }],
  ])('over %s: refused with LIMIT_EXCEEDED naming it', async (limit, env, document, more) => {
    const { url, yoga } = await serve(env);
    const stream = await sseSubscribe(url, document);
    expect(await refusedWith(stream)).toEqual({ code: 'LIMIT_EXCEEDED', limit, ...more });
    expect(yoga.live.subscribers).toBe(0);
  });
});

describe('open subscriptions are capped', () => {
  it('per caller (MAX_SUBSCRIPTIONS_PER_TOKEN): one more is refused; closing one frees its slot', async () => {
    const { url, yoga } = await serve({ MAX_SUBSCRIPTIONS_PER_TOKEN: '2' });
    const p = uniquePrefix('sub-limits');
    const alice = [await sseSubscribe(url, CHANGES, {}, bearer(ALICE))];
    alice.push(await sseSubscribe(url, CHANGES, {}, bearer(ALICE)));
    const bob = await sseSubscribe(url, CHANGES, { slugs: [p] }, bearer(BOB));
    try {
      await holding(yoga, 3);
      expect(await refusedWith(await sseSubscribe(url, CHANGES, {}, bearer(ALICE)))).toEqual({
        code: 'TOO_MANY_SUBSCRIPTIONS',
        limit: 'MAX_SUBSCRIPTIONS_PER_TOKEN',
        max: 2,
      });
      await holding(yoga, 3);

      alice.shift()!.close();
      await holding(yoga, 2);
      alice.push(await sseSubscribe(url, CHANGES, { slugs: [p] }, bearer(ALICE)));
      await holding(yoga, 3);
      // The new one is a live stream like any other (a change published as a write publishes it).
      await yoga.live.publish(entityChange('CREATED', company(p)));
      expect((await alice.at(-1)!.next()).data?.data?.graphChanged).toEqual({ change: 'CREATED', entity: { slug: p } });
      expect((await bob.next()).data?.data?.graphChanged).toEqual({ change: 'CREATED', entity: { slug: p } });
    } finally {
      for (const stream of [...alice, bob]) stream.close();
    }
  });

  it('anonymous callers count by client address: a third from one address is refused, another address has its own', async () => {
    const { url, yoga } = await serve({ MAX_SUBSCRIPTIONS_PER_TOKEN: '2' });
    const anonymous = [await sseSubscribe(url, CHANGES), await sseSubscribe(url, CHANGES)];
    const withKey = await sseSubscribe(url, CHANGES, {}, bearer(CAROL));
    const elsewhere: ClientRequest[] = [];
    try {
      await holding(yoga, 3);
      expect(await refusedWith(await sseSubscribe(url, CHANGES))).toMatchObject({
        code: 'TOO_MANY_SUBSCRIPTIONS',
        limit: 'MAX_SUBSCRIPTIONS_PER_TOKEN',
      });
      // 127.0.0.2 is this machine too, but another client address.
      for (let i = 0; i < 2; i++) elsewhere.push(await subscribeFrom('127.0.0.2', url));
      await holding(yoga, 5);
      anonymous.shift()!.close();
      await holding(yoga, 4);
      anonymous.push(await sseSubscribe(url, CHANGES));
      await holding(yoga, 5);
    } finally {
      for (const stream of [...anonymous, withKey]) stream.close();
      for (const request of elsewhere) request.destroy();
    }
  });

  it('per process (MAX_SUBSCRIPTIONS): whoever asks once it is full is refused; closing one frees a slot', async () => {
    const { url, yoga } = await serve({ MAX_SUBSCRIPTIONS: '3', MAX_SUBSCRIPTIONS_PER_TOKEN: '2' });
    const held = [
      await sseSubscribe(url, CHANGES, {}, bearer(ALICE)),
      await sseSubscribe(url, CHANGES, {}, bearer(BOB)),
      await sseSubscribe(url, CHANGES, {}, bearer(BOB)),
    ];
    try {
      await holding(yoga, 3);
      expect(await refusedWith(await sseSubscribe(url, CHANGES, {}, bearer(CAROL)))).toEqual({
        code: 'TOO_MANY_SUBSCRIPTIONS',
        limit: 'MAX_SUBSCRIPTIONS',
        max: 3,
      });
      held.shift()!.close();
      await holding(yoga, 2);
      held.push(await sseSubscribe(url, CHANGES, {}, bearer(CAROL)));
      await holding(yoga, 3);
    } finally {
      for (const stream of held) stream.close();
    }
  });
});

describe('a subscription opened with a JWT', () => {
  const sign = (exp: number, sub = 'sub-limits-user') =>
    new SignJWT({ scope: 'read', sub, exp })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));

  it('ends with UNAUTHENTICATED when the token expires, not before, and frees its slot', async () => {
    const { url, yoga } = await serve({ JWT_SECRET: SECRET, REQUIRE_AUTH_FOR_READS: 'true' });
    // Two to three seconds ahead: time to open the stream on a busy machine, yet a short test.
    const exp = Math.floor(Date.now() / 1000) + 3;
    const stream = await sseSubscribe(url, CHANGES, {}, bearer(await sign(exp)));
    try {
      await holding(yoga, 1);
      const ended = await stream.next(15_000);
      // At `exp`, not at once (a timer's clock may differ from Date.now() by a few ms).
      expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 100);
      expect(ended.data?.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
      expect((await stream.next()).event).toBe('complete');
      await holding(yoga, 0);
    } finally {
      stream.close();
    }
  });

  it('counts every token of one subject as one caller', async () => {
    const { url, yoga } = await serve({ JWT_SECRET: SECRET, MAX_SUBSCRIPTIONS_PER_TOKEN: '1' });
    const later = Math.floor(Date.now() / 1000) + 600;
    const first = await sseSubscribe(url, CHANGES, {}, bearer(await sign(later)));
    const other = await sseSubscribe(url, CHANGES, {}, bearer(await sign(later, 'another-user')));
    try {
      await holding(yoga, 2);
      const again = await sseSubscribe(url, CHANGES, {}, bearer(await sign(later + 1)));
      expect(await refusedWith(again)).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS' });
    } finally {
      first.close();
      other.close();
    }
  });
});
