/**
 * Two API replicas (two createServer objects, each with its own Redis client, as two processes
 * would have) on one Redis draw on one budget per caller: what one charges the other sees, a
 * caller spent on one is refused by the other, and a burst spread over both never spends more
 * than the budget (the charge is one Redis script: read, compare and add at once).
 */
import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import { openTestGraph, testConfig, type TestGraph } from '../utils/graph.js';

type Server = ReturnType<typeof createServer>;

/** Costs 10: `companies(first: 10)`. */
const TEN = '{ companies(first: 10, filter: { slugs: ["rate-limit-test-none"] }) { edges { node { name } } } }';
/** Costs 1. */
const ONE = '{ entity(slug: "rate-limit-test-none") { name } }';

let t: TestGraph;
let redis: Redis;
const servers: Server[] = [];
beforeAll(async () => {
  t = await openTestGraph();
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  for (const server of servers) await server.dispose();
  await redis.quit();
  await t.close();
});

/** Two replicas on the run's Redis, with a key of their own (Redis outlives one test). */
function replicas(points: number) {
  const key = `rate-replica-${randomUUID()}`;
  const config = testConfig({
    REDIS_URL: inject('redisUrl'),
    API_KEYS: `${key}:read`,
    RATE_LIMIT_POINTS: String(points),
    RATE_LIMIT_WINDOW_S: '600',
  });
  const make = () => createServer({ config, graph: t.graph, logger: createLogger('silent') });
  const pair = [make(), make()] as const;
  servers.push(...pair);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return { pair, headers: { authorization: `Bearer ${key}` }, redisKey: `rl:key:${digest}` };
}

async function post(server: Server, query: string, headers: Record<string, string>) {
  const response = await server.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  await response.json();
  return { status: response.status, remaining: Number(response.headers.get('ratelimit-remaining')) };
}

describe('two replicas on one Redis', () => {
  it('draw on one budget: what one charges, the other sees and refuses past', async () => {
    const { pair, headers, redisKey } = replicas(25);
    const [a, b] = pair;
    expect(await post(a, TEN, headers)).toEqual({ status: 200, remaining: 15 });
    expect(await post(b, TEN, headers)).toEqual({ status: 200, remaining: 5 });
    expect(await post(a, TEN, headers)).toEqual({ status: 429, remaining: 5 });
    expect(await post(b, TEN, headers)).toEqual({ status: 429, remaining: 5 });
    expect(await post(b, ONE, headers)).toEqual({ status: 200, remaining: 4 });
    // One counter in Redis, which ends with its window.
    expect(await redis.get(redisKey)).toBe('21');
    const ttl = await redis.pttl(redisKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('never spend more than the budget in a burst over both', async () => {
    const { pair, headers, redisKey } = replicas(20);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(pair[i % 2]!, ONE, headers)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
    expect(await redis.get(redisKey)).toBe('20');
  });
});
