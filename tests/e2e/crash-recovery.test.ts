import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openGraph, type OpenGraph } from '../../src/open-graph.js';
import type { Logger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import { testConfig } from '../utils/graph.js';

/*
 * The Neo4j JVM is killed with SIGKILL (as the OOM killer would) under concurrent upserts. This
 * file starts a Neo4j of its OWN (temp data dir, free port) through the real start-up path
 * (openGraph with no NEO4J_URI, so the supervisor owns it); it never touches the suite's shared one.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-crash-'));
let opened: OpenGraph | undefined;
afterAll(async () => {
  await opened?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
const logger: Logger = {
  debug: () => {},
  info: (msg, fields) => logs.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => logs.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logs.push({ level: 'error', msg, fields }),
};

interface Attempt {
  slug: string;
  parties: Array<{ company: string; role: string }>;
  started: number;
  ms: number;
  code?: string; // undefined: answered without errors (acknowledged)
}

const COMPANIES = Array.from({ length: 6 }, (_, i) => `crash-co-${i}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the local Neo4j killed with SIGKILL under concurrent writes', () => {
  it('is restarted by the supervisor; requests fail fast meanwhile; no acknowledged write is lost, none is half-written', async () => {
    const config = testConfig({
      NEO4J_URI: '', // unset: start our own local Neo4j, supervised
      NEO4J_DATA_DIR: dataDir,
      NEO4J_HEAP: '512m',
      NEO4J_PAGECACHE: '64m',
      SEED_ON_EMPTY: 'false',
      API_KEYS: 'crash-key:write+read',
      // A fresh JVM on a loaded machine is slow; this test is about durability, not timeouts.
      QUERY_TIMEOUT_MS: '60000',
    });
    expect(config.neo4j.uri).toBeUndefined();
    opened = await openGraph(config, logger);
    const supervisor = opened.supervisor!;
    expect(supervisor).toBeDefined();
    const yoga = createServer({ config, graph: opened.graph, logger, supervisor });
    const post = async (query: string, variables: Record<string, unknown>) => {
      const res = await yoga.fetch('http://stargraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer crash-key' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as {
        data?: unknown;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
    };
    const ready = async () => {
      const started = performance.now();
      const status = (await yoga.fetch('http://stargraph.test/ready')).status;
      return { status, ms: performance.now() - started };
    };

    for (const slug of COMPANIES) {
      const r = await post('mutation($i: UpsertCompanyInput!) { upsertCompany(input: $i) { id } }', {
        i: { slug, name: slug, kind: 'OTHER' },
      });
      expect(r.errors).toBeUndefined();
    }

    const attempts: Attempt[] = [];
    let next = 0;
    let stop = false;
    const upsertDeal = async () => {
      const n = next++;
      const slug = `crash-deal-${n}`;
      const parties = [
        { company: COMPANIES[n % COMPANIES.length]!, role: 'buyer' },
        { company: COMPANIES[(n + 1 + (n % 4)) % COMPANIES.length]!, role: 'seller' },
      ];
      const started = performance.now();
      const r = await post('mutation($i: UpsertDealInput!) { upsertDeal(input: $i) { id } }', {
        i: { slug, name: `Deal ${n}`, kind: 'OTHER', valueUsd: n * 1e6, parties },
      });
      attempts.push({
        slug,
        parties,
        started,
        ms: performance.now() - started,
        code: r.errors ? String(r.errors[0]?.extensions?.code) : undefined,
      });
    };
    const workers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        await upsertDeal();
        // During the outage the answers come at once; pace the loop so it stays a sample, not a flood.
        if (attempts.at(-1)?.code) await sleep(100);
      }
    });

    const acknowledged = () => attempts.filter((a) => a.code === undefined).length;
    while (acknowledged() < 40) await sleep(20);

    const killedPid = supervisor.running!.pid!;
    const killedAt = performance.now();
    process.kill(killedPid, 'SIGKILL');

    // The outage: /ready turns 503 at once, requests are refused fast.
    while (supervisor.state === 'running') await sleep(5);
    const readyDuring = await ready();
    expect(readyDuring.status).toBe(503);
    expect(readyDuring.ms).toBeLessThan(1000);
    expect((await yoga.fetch('http://stargraph.test/health')).status).toBe(200);

    // The supervisor brings it back on the same port; the server reconnects by itself.
    const deadline = Date.now() + 150_000;
    while ((supervisor.state as string) !== 'running' && Date.now() < deadline) await sleep(50);
    expect(supervisor.state).toBe('running');
    const restartedAt = performance.now();
    let readyAgain = await ready();
    while (readyAgain.status !== 200 && Date.now() < deadline) {
      await sleep(100);
      readyAgain = await ready();
    }
    expect(readyAgain.status).toBe(200);
    const ackBefore = attempts.filter((a) => a.code === undefined && a.started > restartedAt).length;
    while (
      attempts.filter((a) => a.code === undefined && a.started > restartedAt).length < ackBefore + 20 &&
      Date.now() < deadline
    )
      await sleep(50);
    stop = true;
    await Promise.all(workers);

    expect(supervisor.running!.pid).not.toBe(killedPid);
    expect(logs.some((l) => l.level === 'error' && /exited unexpectedly/.test(l.msg))).toBe(true);

    const failed = attempts.filter((a) => a.code !== undefined);
    const firstOkAfterKill = attempts
      .filter((a) => a.code === undefined && a.started > killedAt)
      .sort((a, b) => a.started - b.started)[0]!;
    const outage = attempts.filter((a) => a.started > killedAt + 100 && a.started < restartedAt);
    const slowest = Math.max(...outage.map((a) => a.ms));
    console.log(
      `[crash] ${attempts.length} upserts, ${acknowledged()} acknowledged, ${failed.length} failed ` +
        `(${[...new Set(failed.map((a) => a.code))].join(', ')}); down ${((restartedAt - killedAt) / 1000).toFixed(1)} s until the supervisor's restart, ` +
        `first acknowledged write ${((firstOkAfterKill.started + firstOkAfterKill.ms - killedAt) / 1000).toFixed(1)} s after the kill; ` +
        `${outage.length} requests during the outage, slowest answer ${slowest.toFixed(0)} ms`,
    );
    expect(failed.length).toBeGreaterThan(0); // the outage was seen
    // Before the restart: DATABASE_UNAVAILABLE. Just after it, the first writes on a cold JVM (no
    // JIT, empty page cache) contending for the same companies may run past QUERY_TIMEOUT_MS:
    // TIMEOUT, rolled back. Nothing else, and never an uncoded error.
    for (const a of failed)
      expect(a.started < restartedAt ? ['DATABASE_UNAVAILABLE'] : ['DATABASE_UNAVAILABLE', 'TIMEOUT']).toContain(
        a.code,
      );
    // The promised bound: during the outage every request is answered in under a second. The
    // circuit refuses without touching the driver (a few ms); 1 s leaves room for a loaded machine.
    expect(outage.length).toBeGreaterThan(10);
    for (const a of outage) {
      expect(a.code).toBe('DATABASE_UNAVAILABLE');
      expect(a.ms).toBeLessThan(1000);
    }

    // Every acknowledged deal is there with exactly its parties; a failed one is absent or whole.
    const rows = await opened.graph.db().read(
      `MATCH (d:Deal) WHERE d.slug STARTS WITH 'crash-deal-'
       OPTIONAL MATCH (c:Company)-[p:PARTY_TO]->(d)
       RETURN d.slug AS slug, collect(c.slug + ':' + p.role) AS parties`,
    );
    const inGraph = new Map(rows.map((r) => [r.slug as string, (r.parties as string[]).sort()]));
    const expected = (a: Attempt) => a.parties.map((p) => `${p.company}:${p.role}`).sort();
    for (const a of attempts) {
      if (a.code === undefined) expect(inGraph.get(a.slug), a.slug).toEqual(expected(a));
      else if (inGraph.has(a.slug)) expect(inGraph.get(a.slug), a.slug).toEqual(expected(a));
    }
  }, 600_000);
});
