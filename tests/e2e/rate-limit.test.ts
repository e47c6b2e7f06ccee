/**
 * Budgets per caller priced by cost (README, "Rate limits"), through the whole server: the
 * RateLimit-* headers and their decrement, 429 RATE_LIMITED with Retry-After once spent, an API
 * key's own budget, a JWT subject's tokens together, anonymous callers by address (the socket's,
 * or with TRUST_PROXY the forwarded one), a subscription charged once, `rateLimit(dryRun: true)`
 * charging and running nothing, a cached answer charged like any other, and RATE_LIMIT_MODE=measure
 * serving and logging.
 *
 * Costs by hand (src/query-cost.ts): a connection with `first: n` costs n, leaves nothing, an
 * object field 1; every request costs at least 1; `rateLimit` costs nothing.
 */
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityChange } from '../../src/live/changes.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import { openTestGraph, testConfig, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { sseSubscribe } from '../utils/sse.js';
import { waitUntil } from '../utils/wait.js';

type Server = ReturnType<typeof createServer>;
interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

/** Costs 10: `companies(first: 10)` (its edges, nodes and names add nothing). */
const TEN = '{ companies(first: 10, filter: { slugs: ["rate-limit-test-none"] }) { edges { node { name } } } }';
/** Costs 1: one object field. */
const ONE = '{ entity(slug: "rate-limit-test-none") { name } }';

let t: TestGraph;
const servers: Server[] = [];
const closers: Array<() => Promise<void>> = [];
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(async () => {
  for (const close of closers) await close();
  for (const server of servers) await server.dispose();
  await t.close();
});

function serve(env: Record<string, string>, logLines?: string[]): Server {
  const logger = logLines ? createLogger('warn', (line) => logLines.push(line)) : createLogger('silent');
  const server = createServer({ config: testConfig(env), graph: t.graph, logger });
  servers.push(server);
  return server;
}

async function post(server: Server, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await server.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const remaining = (answer: Answer) => Number(answer.headers.get('ratelimit-remaining'));

function expectRan(answer: Answer) {
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
}

describe('headers and charges', () => {
  it('charges each request its cost and says what is left in RateLimit-* headers and rateLimit', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '100', RATE_LIMIT_WINDOW_S: '600' });
    const first = await post(server, TEN);
    expectRan(first);
    expect(first.headers.get('ratelimit-limit')).toBe('100');
    expect(remaining(first)).toBe(90);
    const reset = Number(first.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(600);
    expect(remaining(await post(server, TEN))).toBe(80);
    expect(remaining(await post(server, ONE))).toBe(79);

    // Selecting rateLimit adds nothing to the cost, and shows this request's.
    const query = TEN.replace(/^\{/, '{ rateLimit { cost limit used remaining resetAt }');
    const shown = await post(server, query);
    expectRan(shown);
    const rateLimit = shown.body.data?.rateLimit as Record<string, unknown>;
    expect(rateLimit).toMatchObject({ cost: 10, limit: 100, used: 31, remaining: 69 });
    expect(remaining(shown)).toBe(69);
    const resetAt = Date.parse(rateLimit.resetAt as string);
    expect(resetAt).toBeGreaterThan(Date.now());
    expect(resetAt).toBeLessThanOrEqual(Date.now() + 600_000);
    // Alone it costs the least a request costs.
    expect((await post(server, '{ rateLimit { cost remaining } }')).body.data?.rateLimit).toEqual({
      cost: 1,
      remaining: 68,
    });
  });

  it('answers 429 RATE_LIMITED with Retry-After once spent, runs nothing and charges nothing for it', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '25', RATE_LIMIT_WINDOW_S: '600' });
    expect(remaining(await post(server, TEN))).toBe(15);
    expect(remaining(await post(server, TEN))).toBe(5);
    const refused = await post(server, TEN);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(refused.body.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      cost: 10,
      budget: 25,
      remaining: 5,
      resetAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(refused.headers.get('ratelimit-limit')).toBe('25');
    expect(remaining(refused)).toBe(5);
    // The refused request took nothing: what is left still buys a cheaper one.
    const cheap = await post(server, ONE);
    expectRan(cheap);
    expect(remaining(cheap)).toBe(4);
  });

  it('carries the headers on a request refused before it runs, without charging it', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '50' });
    const invalid = await post(server, '{ noSuchField }');
    expect(invalid.body.errors?.length).toBeGreaterThan(0);
    expect(invalid.headers.get('ratelimit-limit')).toBe('50');
    expect(remaining(invalid)).toBe(50);
    expect(remaining(await post(server, TEN))).toBe(40);
  });

  it('sends no headers and answers rateLimit null when no budget applies', async () => {
    const server = serve({});
    const answer = await post(server, '{ rateLimit { remaining } }');
    expectRan(answer);
    expect(answer.body.data).toEqual({ rateLimit: null });
    expect(answer.headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('callers', () => {
  const KEYS = 'rate-limit-small-key:read:30,rate-limit-plain-key:read';
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it('gives an API key with `:points` its own budget, and every caller a budget of its own', async () => {
    const server = serve({ API_KEYS: KEYS, RATE_LIMIT_POINTS: '100' });
    const small = await post(server, TEN, as('rate-limit-small-key'));
    expect(small.headers.get('ratelimit-limit')).toBe('30');
    expect(remaining(small)).toBe(20);
    const plain = await post(server, TEN, as('rate-limit-plain-key'));
    expect(plain.headers.get('ratelimit-limit')).toBe('100');
    expect(remaining(plain)).toBe(90);
    const anonymous = await post(server, TEN);
    expect(anonymous.headers.get('ratelimit-limit')).toBe('100');
    expect(remaining(anonymous)).toBe(90);
    expect(remaining(await post(server, TEN, as('rate-limit-small-key')))).toBe(10);
    expect(remaining(await post(server, TEN, as('rate-limit-small-key')))).toBe(0);
    expect((await post(server, ONE, as('rate-limit-small-key'))).status).toBe(429);
    // The others' budgets are untouched by it.
    expect(remaining(await post(server, ONE, as('rate-limit-plain-key')))).toBe(89);
  });

  it('limits only the keys with their own budget when RATE_LIMIT_POINTS is unset', async () => {
    const server = serve({ API_KEYS: KEYS });
    expect(remaining(await post(server, TEN, as('rate-limit-small-key')))).toBe(20);
    const plain = await post(server, TEN, as('rate-limit-plain-key'));
    expectRan(plain);
    expect(plain.headers.get('ratelimit-limit')).toBeNull();
    expect((await post(server, TEN)).headers.get('ratelimit-limit')).toBeNull();
  });

  it('charges every token of one JWT subject together, and another subject apart', async () => {
    const secret = 'rate-limit-test-secret-long-enough-for-hs256';
    const server = serve({ JWT_SECRET: secret, RATE_LIMIT_POINTS: '100' });
    const token = (sub: string, extra: Record<string, unknown> = {}) =>
      new SignJWT({ scope: 'read', sub, exp: Math.floor(Date.now() / 1000) + 600, ...extra })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(secret));
    expect(remaining(await post(server, TEN, as(await token('alice'))))).toBe(90);
    // Another token of the same subject draws on the same budget.
    expect(remaining(await post(server, TEN, as(await token('alice', { jti: 'second' }))))).toBe(80);
    expect(remaining(await post(server, TEN, as(await token('bob'))))).toBe(90);
  });

  /** POSTs from `localAddress` over real HTTP. */
  function postFrom(url: string, localAddress: string, query: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; remaining: number }>((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      });
      request.on('response', (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode!, remaining: Number(response.headers['ratelimit-remaining']) }),
        );
      });
      request.on('error', reject);
      request.end(JSON.stringify({ query }));
    });
  }

  async function listen(server: Server): Promise<string> {
    const http = createHttpServer(server);
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    closers.push(async () => {
      http.closeAllConnections();
      await new Promise((ok) => http.close(ok));
    });
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  }

  it('charges anonymous callers by socket address, ignoring X-Forwarded-For without TRUST_PROXY', async () => {
    const url = await listen(serve({ RATE_LIMIT_POINTS: '100' }));
    expect((await postFrom(url, '127.0.0.2', TEN)).remaining).toBe(90);
    expect((await postFrom(url, '127.0.0.3', TEN)).remaining).toBe(90);
    // Whatever a client says it forwards, its socket is what it is charged by.
    expect((await postFrom(url, '127.0.0.2', TEN, { 'x-forwarded-for': '203.0.113.7' })).remaining).toBe(80);
    expect((await postFrom(url, '127.0.0.2', TEN, { 'x-forwarded-for': '203.0.113.8' })).remaining).toBe(70);
  });

  it('with TRUST_PROXY charges the address the proxy forwards (its entry, the last)', async () => {
    const url = await listen(serve({ RATE_LIMIT_POINTS: '100', TRUST_PROXY: 'true' }));
    // One proxy, many clients behind it.
    expect((await postFrom(url, '127.0.0.4', TEN, { 'x-forwarded-for': '203.0.113.1' })).remaining).toBe(90);
    expect((await postFrom(url, '127.0.0.4', TEN, { 'x-forwarded-for': '203.0.113.2' })).remaining).toBe(90);
    // What the client put before the proxy's entry is its own word.
    const spoofed = await postFrom(url, '127.0.0.4', TEN, { 'x-forwarded-for': '198.51.100.9, 203.0.113.1' });
    expect(spoofed.remaining).toBe(80);
  });
});

describe('subscriptions', () => {
  /** Costs 2: graphChanged and its entity, one object field each. */
  const CHANGES = 'subscription ($slugs: [String!]) { graphChanged(slugs: $slugs) { change entity { slug } } }';

  it('charges a subscription once when it starts, not per event', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '1000' });
    const slug = uniquePrefix('rate-sub');
    const stream = await sseSubscribe(server, CHANGES, { slugs: [slug] });
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('ratelimit-remaining')).toBe('998');
      await waitUntil(() => server.live.subscribers > 0);
      const row = {
        id: `${slug}-id`,
        slug,
        name: slug,
        label: 'Company' as const,
        description: null,
        aliases: [],
        createdAt: null,
        updatedAt: null,
      };
      for (let i = 0; i < 3; i++) {
        await server.live.publish(entityChange('UPDATED', row));
        expect((await stream.next()).data?.data).toEqual({ graphChanged: { change: 'UPDATED', entity: { slug } } });
      }
    } finally {
      stream.close();
    }
    // Three events later, only the start was charged (and this request's 1).
    expect((await post(server, '{ rateLimit { remaining } }')).body.data?.rateLimit).toEqual({ remaining: 997 });
  });

  it('refuses a subscription over budget with 429 before its stream opens', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '1' });
    const stream = await sseSubscribe(server, CHANGES, { slugs: ['rate-sub-none'] });
    try {
      expect(stream.response.status).toBe(429);
      expect(stream.response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await stream.next()).data?.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
      expect(server.live.subscribers).toBe(0);
    } finally {
      stream.close();
    }
  });
});

describe('rateLimit(dryRun: true)', () => {
  it('prices the operation without charging it or running its other fields', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '100' });
    expect(remaining(await post(server, ONE))).toBe(99);
    const dry = await post(server, TEN.replace(/^\{/, '{ rateLimit(dryRun: true) { cost remaining limit }'));
    expectRan(dry);
    // Only rateLimit: `companies` did not run.
    expect(dry.body.data).toEqual({ rateLimit: { cost: 10, remaining: 99, limit: 100 } });
    expect(remaining(dry)).toBe(99);
    // Run for real, it costs what the dry run said.
    expect(remaining(await post(server, TEN))).toBe(89);
  });

  it('is free even for a caller whose budget is spent', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '10' });
    expect(remaining(await post(server, TEN))).toBe(0);
    const dry = await post(server, TEN.replace(/^\{/, '{ rateLimit(dryRun: true) { cost remaining }'));
    expectRan(dry);
    expect(dry.body.data).toEqual({ rateLimit: { cost: 10, remaining: 0 } });
  });
});

describe('the response cache', () => {
  it('charges a cached answer as it charges a run, and never caches rateLimit', async () => {
    const server = serve({ RATE_LIMIT_POINTS: '25', RESPONSE_CACHE_TTL_MS: '60000', DEBUG_EXTENSIONS: 'true' });
    const hit = (answer: Answer) => (answer.body.extensions?.responseCache as { hit?: boolean } | undefined)?.hit;
    const query = TEN.replace('rate-limit-test-none', uniquePrefix('rate-cache'));
    const first = await post(server, query);
    expect(hit(first)).toBe(false);
    expect(remaining(first)).toBe(15);
    const second = await post(server, query);
    expect(hit(second)).toBe(true);
    expect(remaining(second)).toBe(5);
    const third = await post(server, query);
    expect(third.status).toBe(429);
    expect(third.body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    const look = '{ rateLimit { remaining } }';
    expect((await post(server, look)).body.data).toEqual({ rateLimit: { remaining: 4 } });
    expect((await post(server, look)).body.data).toEqual({ rateLimit: { remaining: 3 } });
  });
});

describe('RATE_LIMIT_MODE=measure', () => {
  it('serves what it would refuse, logs it, and still sends the headers', async () => {
    const lines: string[] = [];
    const server = serve({ RATE_LIMIT_POINTS: '15', RATE_LIMIT_MODE: 'measure' }, lines);
    expect(remaining(await post(server, TEN))).toBe(5);
    expect(lines.filter((l) => l.includes('Rate limit would refuse'))).toEqual([]);
    const over = await post(server, TEN);
    expectRan(over);
    expect(over.body.data).toEqual({ companies: { edges: [] } });
    expect(over.headers.get('ratelimit-limit')).toBe('15');
    expect(remaining(over)).toBe(0);
    const logged = lines.filter((l) => l.includes('Rate limit would refuse')).map((l) => JSON.parse(l));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ cost: 10, budget: 15, used: 20 });
  });
});
