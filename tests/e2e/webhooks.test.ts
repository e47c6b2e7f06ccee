/**
 * Webhooks (WEBHOOK_URLS) against a real HTTP receiver on this machine that fails the first
 * attempts: every change of the log reaches it once accepted, in log order, each signed with
 * WEBHOOK_SECRET over its timestamp and body, after retries spaced by a growing backoff.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, prefixTracker, testServer, type TestGraph } from '../utils/graph.js';
import { waitUntil } from '../utils/wait.js';
import { lastChangeId } from '../../src/claims/change-log.js';

const WRITER = 'hook-writer-key-1';
const SECRET = 'webhook-test-secret-0123456789';
const FAILS_FIRST = 2;
const BACKOFF_MS = 100;

interface Delivery {
  id: string;
  body: { id: string; change: string; claim: { id: string; subject: string } };
  signatureOk: boolean;
  at: number;
}

/**
 * The receiver: answers 503 to the first FAILS_FIRST attempts of the first change it hears, then
 * 204 to everything (other test files write too: their changes are not slowed down).
 */
const attempts = new Map<string, number[]>();
let failing: string | undefined;
const accepted: Delivery[] = [];
const receiver = createServer((req: IncomingMessage, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    const id = String(req.headers['x-stargraph-change-id']);
    const tries = attempts.get(id) ?? [];
    tries.push(Date.now());
    attempts.set(id, tries);
    failing ??= id;
    if (id === failing && tries.length <= FAILS_FIRST) {
      res.writeHead(503).end();
      return;
    }
    const timestamp = String(req.headers['x-stargraph-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')}`;
    const got = String(req.headers['x-stargraph-signature']);
    const signatureOk = got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
    accepted.push({ id, body: JSON.parse(raw), signatureOk, at: Date.now() });
    res.writeHead(204).end();
  });
});

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
let url: string;
const prefixes = prefixTracker();
beforeAll(async () => {
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await openTestGraph({
    API_KEYS: `${WRITER}:write+read`,
    WEBHOOK_URLS: url,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
    WEBHOOK_POLL_MS: '100',
  });
  yoga = testServer(t.graph, t.config);
});
afterAll(async () => {
  for (const p of prefixes.all) await deleteFixtures(t.db, p);
  await yoga.dispose();
  await t.close();
  await new Promise<void>((ok) => receiver.close(() => ok()));
});

describe('webhooks', () => {
  it('deliver every change once accepted, in log order, signed, retried with a growing backoff', async () => {
    const p = prefixes.next('hook');
    // The deliverer starts at the newest change when it first takes the URL (its cursor then
    // exists): changes from before that are not this URL's to receive. Wait for it.
    const deadline = Date.now() + 60_000;
    while ((await t.db.read('MATCH (c:WebhookCursor {url: $url}) RETURN c.url AS url', { url })).length === 0) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    const start = await lastChangeId(t.db);
    for (const slug of [`${p}-a`, `${p}-b`, `${p}-c`]) {
      const res = await gql(
        yoga,
        'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
        { i: { slug, name: slug } },
        { authorization: `Bearer ${WRITER}` },
      );
      expect(res.errors).toBeUndefined();
    }
    const end = await lastChangeId(t.db);
    expect(end).toBeGreaterThan(start);
    expect(await waitUntil(() => accepted.some((d) => Number(d.id) >= end), 60_000)).toBe(true);

    // Everything the log holds from start to end (other files write too), each once, in order.
    const ids = accepted.map((d) => Number(d.id)).filter((id) => id > start && id <= end);
    const expected = Array.from({ length: end - start }, (_, i) => start + i + 1);
    expect(ids).toEqual(expected);
    for (const d of accepted) {
      expect(d.signatureOk).toBe(true);
      expect(d.body.id).toBe(d.id);
      expect(attempts.get(d.id)!.length).toBe(d.id === failing ? FAILS_FIRST + 1 : 1);
    }
    // The refused one was accepted after FAILS_FIRST refusals, waiting at least the backoff,
    // doubled each time (a lower bound: the deliverer never sends sooner, however loaded the
    // machine), and nothing after it was sent before it.
    const tries = attempts.get(failing!)!;
    const waits = tries.slice(1).map((at, i) => at - tries[i]!);
    expect(waits[0]!).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(waits[1]!).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    const later = [...attempts.entries()].filter(([id]) => Number(id) > Number(failing));
    for (const [, at] of later) expect(at[0]!).toBeGreaterThanOrEqual(tries.at(-1)!);
  });
});
