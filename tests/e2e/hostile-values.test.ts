/**
 * Hostile values per input type (tests/utils/hostile-values.ts): every argument of every field
 * reachable from Query, every Mutation argument and every field of every input type, each sent
 * every hostile value of its type with the rest of the request valid, over real HTTP to the real
 * server (`src/main.ts serve`, production mode, response cache on by default) on its own seeded
 * local Neo4j. Every answer must be GraphQL JSON with a coded error or data: never
 * INTERNAL_SERVER_ERROR, never a 5xx but 503 OVERLOADED, never a stack or Cypher text. Meanwhile
 * `/health` must answer within a second, and the server's live heap (in use after a full garbage
 * collection, asked through its inspector) after the second pass over the corpus must be within
 * 25 MB of the same after the first pass (the warm-up, which fills the bounded caches). RSS is
 * reported, not judged: V8 keeps what it once reserved, so RSS moves with when it last collected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { freePort } from '../../src/neo4j/local-server.js';
import { hostileRequests, type HostileRequest } from '../utils/hostile-values.js';
import { inspectorUrl, liveHeapMb } from '../utils/live-heap.js';

const ROOT = join(import.meta.dirname, '..', '..');
const KEY = 'hostile-values-writer-key-0123456789';
const MAX_LIST_ITEMS = 1000; // the server's default
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

let server: ChildProcess;
let port: number;
let serverLog = '';
let inspector: string | undefined; // the server's inspector, for its live heap
const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-hostile-values-'));

function send(path: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const graphql = (query: string, variables: Record<string, unknown> = {}) =>
  send('/graphql', JSON.stringify({ query, variables }), { authorization: `Bearer ${KEY}` });

/** The server's resident set, in MB. */
const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;

beforeAll(async () => {
  port = await freePort();
  server = spawn(
    process.execPath,
    ['--inspect=127.0.0.1:0', '--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'serve'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        JAVA_HOME: process.env.JAVA_HOME,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        NEO4J_DATA_DIR: join(dataDir, 'neo4j'),
        SEED_ON_EMPTY: 'true',
        API_KEYS: `${KEY}:write+read`,
        LOG_LEVEL: 'error',
        // A loaded machine must not turn these requests into TIMEOUTs: those are not what is tested.
        QUERY_TIMEOUT_MS: '60000',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  server.stderr!.on('data', (c: Buffer) => {
    serverLog = (serverLog + c.toString()).slice(-20_000);
    inspector ??= inspectorUrl(serverLog);
  });
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited during start-up:\n${serverLog}`);
    const ready = await send('/ready').catch(() => ({ status: 0 }));
    if (ready.status === 200) break;
    if (Date.now() > deadline) throw new Error(`the server was not ready within 240 s:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 300_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM'); // stops the Neo4j it started
    await Promise.race([exited, new Promise((r) => setTimeout(r, 90_000))]);
  }
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/**
 * Things that must never reach a client: a stack, our own Cypher (its labels and parameters; the
 * payloads sent hold Cypher too, which answers may rightly echo), Neo4j's error codes.
 */
const LEAKS = [/\bat .+\.(ts|js):\d+:\d+/, /node_modules/, /"stack"/, /:Entity\b/, /\$rows\b/, /Neo\.\w+Error/];

describe('hostile values per input type', () => {
  it('answers every hostile value at every position with a coded error or data', async () => {
    const seeded = JSON.parse(
      (
        await graphql(
          `{ Company: entity(slug: "openai") { id } Person: entity(slug: "sam-altman") { id }
             Project: entity(slug: "stargate") { id } Datacenter: entity(slug: "stargate-first-datacenter") { id }
             Deal: entity(slug: "openai-oracle-datacenter-deal") { id } sources(first: 1) { edges { node { id } } } }`,
        )
      ).text,
    ) as { data: Record<string, { id: string } | { edges: Array<{ node: { id: string } }> }> };
    // Writes are given an entity of their own to connect, delete, merge or purge.
    const target = JSON.parse(
      (await graphql('mutation { upsertCompany(input: { slug: "hv-target", name: "HV target" }) { id } }')).text,
    ) as { data: { upsertCompany: { id: string } } };
    const ids: Record<string, string> = { Mutation: target.data.upsertCompany.id };
    for (const [type, value] of Object.entries(seeded.data))
      ids[type === 'sources' ? 'Source' : type] = 'id' in value ? value.id : value.edges[0]!.node.id;
    expect(Object.keys(ids).sort()).toEqual([
      'Company',
      'Datacenter',
      'Deal',
      'Mutation',
      'Person',
      'Project',
      'Source',
    ]);
    const valid = { id: ids.Company!, slug: 'openai', ids };
    const requests = hostileRequests(schema, valid, MAX_LIST_ITEMS);
    // Every input type of the schema has a position, so each is reached by some request.
    const inputTypes = Object.values(schema.getTypeMap()).filter(
      (t) => !t.name.startsWith('__') && 'getFields' in t && !('getInterfaces' in t),
    );
    expect(requests.length).toBeGreaterThan(inputTypes.length * 5);

    const problems: string[] = [];
    const codes = new Map<string, number>();
    let withData = 0;
    const check = (r: HostileRequest, status: number, text: string) => {
      const where = `${r.label} → ${status}: ${text.slice(0, 300)}\n  sent: ${JSON.stringify(r.variables).slice(0, 200)}`;
      if (status >= 500 && !(status === 503 && text.includes('"OVERLOADED"'))) problems.push(`5xx: ${where}`);
      for (const leak of LEAKS) if (leak.test(text)) problems.push(`leak ${leak}: ${where}`);
      let body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: unknown } }> };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        problems.push(`not JSON: ${where}`);
        return;
      }
      if (!body.errors?.length) withData++;
      for (const error of body.errors ?? []) {
        const code = error.extensions?.code;
        if (typeof code !== 'string') problems.push(`uncoded error "${error.message.slice(0, 200)}": ${where}`);
        else if (code === 'INTERNAL_SERVER_ERROR' || error.message === 'Unexpected error.')
          problems.push(`internal error: ${where}`);
        codes.set(String(code), (codes.get(String(code)) ?? 0) + 1);
      }
    };

    // /health is asked every 250 ms throughout; its slowest answer is kept.
    let slowestHealth = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        const health = await send('/health');
        slowestHealth = Math.max(slowestHealth, performance.now() - started);
        if (health.status !== 200) problems.push(`/health answered ${health.status}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const pass = async () => {
      let next = 0;
      // Four at a time, as a few clients would send them.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < requests.length) {
            const r = requests[next++]!;
            const res = await graphql(r.query, r.variables);
            check(r, res.status, res.text);
          }
        }),
      );
    };
    const started = performance.now();
    await pass();
    expect(inspector, serverLog.slice(-2000)).toBeDefined();
    const warmRss = rssMb();
    const warmHeap = await liveHeapMb(inspector!);
    await pass();
    const endRss = rssMb();
    const endHeap = await liveHeapMb(inspector!);
    probing = false;
    await probe;
    console.log(
      `[hostile-values] ${requests.length} requests × 2 in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
        `${withData} answered with data; codes: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}; ` +
        `slowest /health ${slowestHealth.toFixed(0)} ms; live heap ${warmHeap.toFixed(1)} MB after the first pass, ${endHeap.toFixed(1)} MB after the second ` +
        `(RSS ${warmRss.toFixed(0)} → ${endRss.toFixed(0)} MB)`,
    );
    const kinds = new Map<string, number>();
    for (const p of problems) kinds.set(p.split(' →')[0]!, (kinds.get(p.split(' →')[0]!) ?? 0) + 1);
    expect(
      problems.slice(0, 10),
      `${[...kinds].map(([k, n]) => `${n} × ${k}`).join('\n')}\nserver log:\n${serverLog.slice(-3000)}`,
    ).toEqual([]);
    // Both kinds of answer occur: the corpus reaches resolvers, not only validation.
    expect(withData).toBeGreaterThan(requests.length / 10);
    expect(codes.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(requests.length / 10);
    expect(slowestHealth).toBeLessThan(1_000);
    expect(endHeap - warmHeap).toBeLessThan(25);
    expect(server.exitCode).toBeNull();
  }, 1_200_000);
});
