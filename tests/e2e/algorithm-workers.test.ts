/**
 * Graph algorithms run off the event loop, through the server over HTTP on the real Neo4j
 * (README, "Graph algorithms and exports"):
 * - while betweenness computes on a large neighbourhood, /health answers (the answer arrives
 *   while the worker is still computing and the rank request still waits);
 * - an algorithm past ALGORITHM_TIMEOUT_MS answers TIMEOUT naming it, its worker is terminated,
 *   and the next algorithm is answered.
 * The pool alone (answers equal to in-process ones, queueing, closing):
 * tests/unit/algorithm-workers.test.ts.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmWorkers } from '../../src/graph/algorithm-workers.js';
import { seededRandom } from '../../src/graph/algorithms.js';
import { createEntities, deleteFixtures } from '../utils/fixtures.js';
import { openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const prefix = uniquePrefix('heavy');
const slug = (name: string) => `${prefix}-${name}`;
/** The hub's neighbourhood at depth 1: the hub and ENTITIES others, linked RELATIONSHIPS times among them. */
const ENTITIES = 1_000;
const RELATIONSHIPS = 6_000;

let t: TestGraph;
const servers: Server[] = [];

beforeAll(async () => {
  t = await openTestGraph({ QUERY_TIMEOUT_MS: '120000' });
  const others = Array.from({ length: ENTITIES }, (_, i) => slug(`e${i}`));
  await createEntities(t.db, [
    { label: 'Company', slug: slug('hub'), name: 'Hub' },
    ...others.map((s, i) => ({ label: 'Company' as const, slug: s, name: `Entity ${i}` })),
    ...['x', 'y', 'z'].map((n) => ({ label: 'Company' as const, slug: slug(n), name: n.toUpperCase() })),
  ]);
  // Relationship type from test code, ids as parameters; page keys are not needed by traversals.
  const random = seededRandom(7);
  const pairs = [
    ...others.map((s) => [slug('hub'), s]),
    ...Array.from({ length: RELATIONSHIPS }, () => [
      others[Math.floor(random() * ENTITIES)]!,
      others[Math.floor(random() ** 3 * ENTITIES)]!,
    ]),
    [slug('x'), slug('y')], // a small neighbourhood: x - y - z
    [slug('y'), slug('z')],
  ];
  await t.db.write(
    `UNWIND $pairs AS pair
     MATCH (a:Entity {id: pair[0]}), (b:Entity {id: pair[1]})
     CREATE (a)-[:INVESTS_IN]->(b)`,
    { pairs },
  );
}, 180_000);

afterAll(async () => {
  for (const http of servers) await new Promise((ok) => http.close(ok));
  if (t) await deleteFixtures(t.db, prefix);
  await t?.close();
}, 120_000);

/** A server over HTTP with `env` (neighbourhoods as large as the fixture, generous read timeouts). */
async function listen(env: Record<string, string>): Promise<string> {
  const config = testConfig({
    MAX_NEIGHBORHOOD_LIMIT: String(ENTITIES + 10),
    QUERY_TIMEOUT_MS: '120000',
    TRAVERSAL_TIMEOUT_MS: '120000',
    ...env,
  });
  const http = createHttpServer(testServer(t.graph, config));
  servers.push(http);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

type Answer = {
  data?: { rank?: Array<{ score: number; entity: { slug: string } }>; communities?: unknown[] };
  errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
};

const post = (base: string, query: string, variables: Record<string, unknown>): Promise<Answer> =>
  fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  }).then((res) => res.json() as Promise<Answer>);

const BETWEENNESS =
  'query($c: ID!) { rank(by: BETWEENNESS, within: $c, depth: 1, first: 3) { score entity { slug } } }';

describe('graph algorithms in worker threads', () => {
  it('/health answers while betweenness computes on a large neighbourhood', async () => {
    const base = await listen({ ALGORITHM_TIMEOUT_MS: '120000' });
    let answered = false;
    const ranking = post(base, BETWEENNESS, { c: slug('hub') }).finally(() => {
      answered = true;
    });
    // Event-driven: once a worker computes, ask /health; it must answer before the worker does.
    while (algorithmWorkers.busy === 0) {
      expect(answered).toBe(false);
      await new Promise((r) => setTimeout(r, 10));
    }
    const health = await fetch(`${base}/health`);
    const busyAtHealth = algorithmWorkers.busy;
    const answeredAtHealth = answered;
    expect(health.status).toBe(200);
    expect(busyAtHealth).toBe(1);
    expect(answeredAtHealth).toBe(false);
    const res = await ranking;
    expect(res.errors).toBeUndefined();
    // The hub joins every other entity: it lies on most shortest paths.
    expect(res.data!.rank![0]!.entity.slug).toBe(slug('hub'));
  }, 180_000);

  it('an algorithm past ALGORITHM_TIMEOUT_MS answers TIMEOUT naming it, its worker terminated; the next is answered', async () => {
    const base = await listen({ ALGORITHM_TIMEOUT_MS: '50' });
    const before = algorithmWorkers.terminated;
    const res = await post(base, BETWEENNESS, { c: slug('hub') });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toEqual({ code: 'TIMEOUT', limit: 'ALGORITHM_TIMEOUT_MS', ms: 50 });
    expect(res.errors![0]!.message).toMatch(/ALGORITHM_TIMEOUT_MS/);
    expect(algorithmWorkers.terminated).toBe(before + 1);
    expect(algorithmWorkers.busy).toBe(0);
    // A fresh worker serves the next one (a generous limit: it starts a worker first).
    const next = await post(await listen({ ALGORITHM_TIMEOUT_MS: '60000' }), BETWEENNESS, { c: slug('y') });
    expect(next.errors).toBeUndefined();
    expect(next.data!.rank!.map((r) => [r.entity.slug, r.score])).toEqual([[slug('y'), 1]]);
  }, 180_000);
});
