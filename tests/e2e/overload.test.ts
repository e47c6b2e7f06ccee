/**
 * MAX_IN_FLIGHT on the real serve path (`src/main.ts serve` over node:http, on the suite's
 * Neo4j): while a slow request holds the only slot, the next GraphQL request and the next /export
 * answer 503 OVERLOADED with Retry-After at once, /health, /ready and /metrics still answer, and
 * both work again once the slot is free. The slow request is a mutation waiting on a lock this
 * test holds in Neo4j, so it stays in flight exactly as long as the test says.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { openTestGraph, serverEnv, type TestGraph, uniquePrefix } from '../utils/graph.js';
import { startServeProcess, type ServeProcess } from '../utils/serve-process.js';

const WRITER = 'overload-writer-key-1';
const prefix = uniquePrefix('overload');
const slug = `${prefix}-held`;
let t: TestGraph;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  t = await openTestGraph();
  serve = await startServeProcess({
    ...serverEnv({ uri: inject('neo4jUri'), user: inject('neo4jUser'), password: inject('neo4jPassword') }),
    MAX_IN_FLIGHT: '1',
    API_KEYS: `${WRITER}:write+read`,
    // The held mutation waits on the lock for as long as the test needs, not QUERY_TIMEOUT_MS's 10 s.
    QUERY_TIMEOUT_MS: '120000',
  });
}, 300_000); // a server start: seconds when idle, minutes on a loaded 2-core machine
afterAll(async () => {
  await serve?.stop();
  if (t) await deleteFixtures(t.db, prefix);
  await t?.close();
});

const post = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`${serve!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
const UPSERT = 'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug name } }';
const READ = 'query ($slug: String!) { entity(slug: $slug) { slug name } }';
const exportUrl = () => `${serve!.url}/export?around=${slug}&format=ndjson`;
const reconcileUrl = () =>
  `${serve!.url}/reconcile?queries=${encodeURIComponent(JSON.stringify({ q0: { query: `${prefix}-After` } }))}`;

/** Waits (polling Neo4j, up to a minute for a loaded machine) until a transaction writing `slug` is blocked on a lock. */
async function blockedOn(value: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const rows = await t.db.read(
      "SHOW TRANSACTIONS YIELD status, parameters WHERE status STARTS WITH 'Blocked' RETURN parameters",
    );
    if (rows.some((row) => JSON.stringify(row.parameters).includes(value))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no transaction blocked on ${value} within 60 s`);
}

describe('MAX_IN_FLIGHT on the served HTTP listener', () => {
  it('refuses GraphQL, /export and /reconcile queries with 503 OVERLOADED while the slot is held, never /health, /ready, /metrics', async () => {
    const created = await (
      await post(UPSERT, { i: { slug, name: 'Before' } }, { authorization: `Bearer ${WRITER}` })
    ).json();
    expect(created.errors).toBeUndefined();

    // Hold a write lock on the company, so the API's next upsert of it waits in flight.
    const session = t.graph.driver.session({ database: t.graph.database });
    const tx = session.beginTransaction();
    let held: Promise<Response> | undefined;
    try {
      await tx.run('MATCH (c:Company {slug: $slug}) SET c.name = c.name', { slug });
      held = post(UPSERT, { i: { slug, name: `${prefix}-After` } }, { authorization: `Bearer ${WRITER}` });
      await blockedOn(`${prefix}-After`);

      const refused = await post(READ, { slug });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      const body = (await refused.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'OVERLOADED', limit: 'MAX_IN_FLIGHT', max: 1 });

      const exported = await fetch(exportUrl());
      expect(exported.status).toBe(503);
      expect(exported.headers.get('retry-after')).toBe('1');
      expect(await exported.json()).toMatchObject({ code: 'OVERLOADED', limit: 'MAX_IN_FLIGHT', max: 1 });

      // A reconciliation query reads the graph too; the manifest, which reads nothing, stays open.
      const reconciled = await fetch(reconcileUrl());
      expect(reconciled.status).toBe(503);
      expect(reconciled.headers.get('retry-after')).toBe('1');
      expect(await reconciled.json()).toMatchObject({ code: 'OVERLOADED', limit: 'MAX_IN_FLIGHT', max: 1 });
      const manifest = await fetch(`${serve!.url}/reconcile`);
      expect(manifest.status).toBe(200);
      await manifest.text();

      for (const path of ['/health', '/ready', '/metrics']) {
        const res = await fetch(`${serve!.url}${path}`);
        expect(res.status, path).toBe(200);
        await res.text();
      }
    } finally {
      await tx.rollback();
      await session.close();
    }

    // The slot frees when the held request is answered: it wrote, and both kinds of request work again.
    const answer = await held!;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data: unknown }).data).toEqual({
      upsertCompany: { slug, name: `${prefix}-After` },
    });
    const read = await post(READ, { slug });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ data: { entity: { slug, name: `${prefix}-After` } } });
    const exported = await fetch(exportUrl());
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain(slug);
    const reconciled = await fetch(reconcileUrl());
    expect(reconciled.status).toBe(200);
    expect(JSON.stringify(await reconciled.json())).toContain(slug);
  });
});
