/**
 * Soak: the real server (`src/main.ts serve`, its own local Neo4j on a temp data directory,
 * seeded) driven over loopback HTTP by 50 keep-alive connections for a set time, with mixed
 * reads, traversals and writes. Reports throughput, p50/p99 per kind, answers by code, the
 * server's memory over time and whether it levelled off after warm-up. Not part of `npm test`.
 *
 *   npm run soak -- --seconds 120 [--connections 50] [--warmup 60] [--sample 5] [--hostile] [--heap-snapshots]
 *
 * --hostile: a quarter of the requests are hostile (bench/hostile-ops.ts: over-deep and over-cost
 * queries, forged cursors, documents over MAX_DOCUMENT_BYTES, distinct large documents and APQ
 * registrations, bad JSON and variables, unknown persisted hashes, over-long lists, slow and
 * stalled bodies), with PERSISTED_OPERATIONS=allow and a 10 MB parse cache (PARSE_CACHE_MAX_BYTES,
 * unless set) so the caches reach their bounds within the warm-up.
 * --heap-snapshots: the server writes a V8 heap snapshot at the end of warm-up and of the run
 * (into a temp directory it names), to compare what the heap holds.
 *
 * Memory is judged on the live heap (V8 heap in use right after the server's last full GC,
 * `stargraph_heap_live_bytes` on /metrics), not on RSS: V8 grows the heap it reserves, and keeps
 * it, as the allocation rate asks, so RSS rises for minutes under load with nothing retained (see
 * the heap total beside it in the report). RSS is reported.
 *
 * With NEO4J_URI set, the server uses that database instead of starting one. Writes go to
 * `soak-*` slugs (a bounded set, upserted over and over) and are removed at the end.
 * Exit code 1 when the server exited, when memory kept growing, and: without --hostile, when any
 * request failed; with it, on an INTERNAL_SERVER_ERROR, an uncoded error, an answer that is not
 * GraphQL JSON, an HTTP 5xx other than 503 (OVERLOADED) and 504, a network error, or a hostile
 * request that was answered as if nothing were wrong.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/neo4j/local-server.js';
import { hostileOp, stalledBody, type Answer, type HostileClient, type HostileOp } from './hostile-ops.js';

const USAGE =
  'Usage: npm run soak -- --seconds 120 [--connections 50] [--warmup 60] [--sample 5] [--hostile] [--heap-snapshots]';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} must be a positive whole number. ${USAGE}`);
    process.exit(2);
  }
  return value;
}

const SECONDS = flag('seconds', 60);
const CONNECTIONS = flag('connections', 50);
// The heap settles at its working size in the first minute (RSS rose 153 -> ~265 MB over 40-60 s
// in the first runs), so memory is compared after that, at most half the run.
const WARMUP = Math.min(flag('warmup', 60), Math.floor(SECONDS / 2));
const SAMPLE_S = flag('sample', 5);
const HOSTILE = process.argv.includes('--hostile');
const SNAPSHOTS = process.argv.includes('--heap-snapshots');
/** One request in this many is hostile with --hostile. */
const HOSTILE_EVERY = 4;
/** Stalled bodies each hold a connection for the server's 30 s request timeout: a few at a time. */
const MAX_STALLED = 2;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench', 'results');
// A production server refuses API key secrets shorter than 16 characters.
const KEY = `soak-${randomBytes(12).toString('hex')}`;

type Kind = 'read' | 'traversal' | 'write' | 'hostile';
interface Op {
  kind: Kind;
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

const SEED_COMPANIES = ['openai', 'softbank', 'oracle', 'coreweave', 'microsoft'];
const WRITE_SLUGS = 200; // a bounded set: the graph stays the same size however long it runs

function companyUpsert(i: number, n: number): Op {
  return {
    kind: 'write',
    name: 'upsertCompany',
    query: `mutation($i: UpsertCompanyInput!) { upsertCompany(input: $i) { id updatedAt } }`,
    variables: {
      i: { slug: `soak-company-${i}`, name: `Soak company ${i}`, kind: 'OTHER', country: n % 2 ? 'US' : 'FR' },
    },
  };
}

/** The mix: 50 % reads, 25 % traversals, 25 % writes, from a deterministic sequence. */
function nextOp(n: number): Op {
  const company = SEED_COMPANIES[n % SEED_COMPANIES.length]!;
  switch (n % 8) {
    case 0:
      return {
        kind: 'read',
        name: 'entityWithDeals',
        query: `query($s: String!) { entity(slug: $s) { name ... on Company { deals(first: 5) { totalCount edges { role node { name valueUsd parties(first: 5) { edges { role node { name } } } } } } } } }`,
        variables: { s: company },
      };
    case 1:
      return {
        kind: 'read',
        name: 'companiesPage',
        query: `{ companies(first: 20, orderBy: { field: NAME, direction: ASC }) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug name kind } } } }`,
      };
    case 2:
      return {
        kind: 'read',
        name: 'search',
        query: `query($t: String!) { search(text: $t, first: 5) { score entity { slug } } }`,
        variables: { t: company.slice(0, 4) },
      };
    case 3:
      return {
        kind: 'read',
        name: 'dealsByValue',
        query: `{ deals(first: 10, filter: { valueUsd: { gte: 1e9 } }, orderBy: { field: VALUE_USD, direction: DESC }) { edges { node { name valueUsd } } } }`,
      };
    case 4:
      return {
        kind: 'traversal',
        name: 'shortestPath',
        query: `query($a: ID!) { shortestPath(from: "donald-trump", to: $a, maxHops: 6) { length nodes { slug } } }`,
        variables: { a: company },
      };
    case 5:
      return {
        kind: 'traversal',
        name: 'neighborhood',
        query: `query($a: ID!) { neighborhood(id: $a, depth: 2, limit: 100) { truncated nodes { slug } relationships { type } } }`,
        variables: { a: company },
      };
    case 6:
      return companyUpsert(Math.floor(n / 8) % WRITE_SLUGS, n);
    default: {
      const i = Math.floor(n / 8) % WRITE_SLUGS;
      return {
        kind: 'write',
        name: 'upsertDeal',
        query: `mutation($i: UpsertDealInput!) { upsertDeal(input: $i) { id parties(first: 5) { totalCount } } }`,
        variables: {
          i: {
            slug: `soak-deal-${i}`,
            name: `Soak deal ${i}`,
            kind: 'COMPUTE_LEASE',
            valueUsd: (n % 1000) * 1e6,
            // Parties among the soak's own companies (made before the run): spread out, as real
            // traffic is, rather than 50 connections queueing for the locks of five nodes.
            parties: [
              { company: `soak-company-${i}`, role: 'buyer' },
              { company: `soak-company-${(i + 1 + (n % 7)) % WRITE_SLUGS}`, role: 'seller' },
            ],
          },
        },
      };
    }
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(port: number, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${KEY}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.end(body);
  });
}

function rssMb(pid: number): number | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const STALL_TIMEOUT = 'no answer within 60 s';

/** POSTs `body` in pieces, `gapMs` apart, on a connection of its own; `stallAfter` pieces, then nothing more. */
function slowPost(
  port: number,
  body: string,
  { chunks, gapMs, stallAfter }: { chunks: number; gapMs: number; stallAfter?: number },
): Promise<Answer> {
  return new Promise((ok, fail) => {
    const bytes = Buffer.from(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${KEY}`,
          'content-length': String(bytes.length),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', () => ok({ status: 0, text: '' }));
      },
    );
    // A stalled request that the server closes without an answer is what it asked for.
    req.on('error', (error) =>
      stallAfter !== undefined && error.message !== STALL_TIMEOUT ? ok({ status: 0, text: '' }) : fail(error),
    );
    req.setTimeout(60_000, () => req.destroy(new Error(STALL_TIMEOUT)));
    const size = Math.ceil(bytes.length / chunks);
    let sent = 0;
    const next = () => {
      if (req.destroyed || (stallAfter !== undefined && sent >= stallAfter)) return;
      if (sent >= chunks) {
        req.end();
        return;
      }
      req.write(bytes.subarray(sent * size, (sent + 1) * size));
      sent++;
      setTimeout(next, gapMs);
    };
    next();
  });
}

/** The code of an answer: OK, its first error's code (with its reason), UNCODED, CLOSED, NOT_JSON or HTTP_<status>. */
function codeOf({ status, text }: Answer): string {
  if (status === 0) return 'CLOSED';
  let body: { errors?: Array<{ extensions?: { code?: unknown; reason?: unknown } }> } | null;
  try {
    body = JSON.parse(text);
  } catch {
    return status === 200 ? 'NOT_JSON' : `HTTP_${status}`;
  }
  const first = body?.errors?.[0];
  // DATABASE_UNAVAILABLE says why (away, transient, busy): kept apart in the counts.
  if (first)
    return `${String(first.extensions?.code ?? 'UNCODED')}${first.extensions?.reason ? ` (${String(first.extensions.reason)})` : ''}`;
  return status === 200 ? 'OK' : `HTTP_${status}`;
}

/** Why an answer fails the soak, or null. */
function failure(code: string, status: number, expect: readonly string[] | undefined): string | null {
  if (code === 'INTERNAL_SERVER_ERROR' || code === 'UNCODED' || code === 'NOT_JSON') return code;
  if (status >= 500 && status !== 503 && status !== 504) return `HTTP ${status}`;
  if (code.startsWith('NETWORK')) return 'network error';
  if (expect && code === 'OK' && !expect.includes('OK')) return 'a hostile request answered as valid';
  if (!HOSTILE && code !== 'OK') return 'an error (without --hostile every request must succeed)';
  return null;
}

/** /metrics as `name{labels}` → value. */
async function scrape(port: number): Promise<Map<string, number>> {
  const res = await post(port, '/metrics').catch(() => undefined);
  const values = new Map<string, number>();
  for (const [, name, value] of (res?.text ?? '').matchAll(/^(stargraph_[^\s]+) (\S+)$/gm)) {
    values.set(name!, Number(value));
  }
  return values;
}

interface Sample {
  t: number;
  requests: number;
  rssMb?: number;
  heapUsedMb?: number;
  heapTotalMb?: number;
  liveMb?: number;
  externalMb?: number;
  fullGcs?: number;
  cachesMb?: number;
}

const mb = (bytes: number | undefined) =>
  bytes === undefined || Number.isNaN(bytes) ? undefined : bytes / 1024 / 1024;

async function sampleOf(port: number, pid: number, t: number, requests: number): Promise<Sample> {
  const m = await scrape(port);
  let caches: number | undefined;
  for (const [name, value] of m) if (name.startsWith('stargraph_cache_bytes{')) caches = (caches ?? 0) + value;
  return {
    t,
    requests,
    rssMb: rssMb(pid),
    heapUsedMb: mb(m.get('stargraph_nodejs_heap_size_used_bytes')),
    heapTotalMb: mb(m.get('stargraph_nodejs_heap_size_total_bytes')),
    // 0 until the server's first full GC.
    liveMb: mb(m.get('stargraph_heap_live_bytes') || undefined),
    externalMb: mb(m.get('stargraph_nodejs_external_memory_bytes')),
    fullGcs: m.get('stargraph_nodejs_gc_duration_seconds_count{kind="major"}'),
    cachesMb: mb(caches),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

const series = (samples: Sample[], pick: (s: Sample) => number | undefined) =>
  samples.map((s) => `${s.t}s ${pick(s)?.toFixed(0) ?? '-'}`).join(', ');

/** Mean of the first and last thirds of the samples that have the figure. */
function thirds(samples: Sample[], pick: (s: Sample) => number | undefined) {
  const values = samples.map(pick).filter((v): v is number => v !== undefined);
  const third = Math.max(1, Math.floor(values.length / 3));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const early = mean(values.slice(0, third));
  const late = mean(values.slice(-third));
  return { n: values.length, early, late, growth: late - early };
}

async function main(): Promise<void> {
  const port = await freePort();
  const dataDir = process.env.NEO4J_URI ? undefined : mkdtempSync(join(tmpdir(), 'stargraph-soak-'));
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    API_KEYS: `${KEY}:write+read`,
    ...(HOSTILE
      ? {
          PERSISTED_OPERATIONS: 'allow',
          PARSE_CACHE_MAX_BYTES: process.env.PARSE_CACHE_MAX_BYTES ?? '10000000',
        }
      : {}),
    ...(dataDir
      ? {
          NEO4J_DATA_DIR: dataDir,
          NEO4J_HEAP: process.env.NEO4J_HEAP ?? '1g',
          NEO4J_PAGECACHE: process.env.NEO4J_PAGECACHE ?? '256m',
        }
      : {}),
  };
  console.error(
    `Starting the server on 127.0.0.1:${port}${dataDir ? ' with its own local Neo4j' : ` on ${process.env.NEO4J_URI}`}...`,
  );
  const snapshotDir = SNAPSHOTS ? mkdtempSync(join(tmpdir(), 'stargraph-soak-heap-')) : undefined;
  const nodeFlags = snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [];
  if (snapshotDir) console.error(`Heap snapshots at the end of warm-up and of the run go to ${snapshotDir}`);
  const server = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let serverLog = '';
  server.stderr.on('data', (c: Buffer) => {
    serverLog = (serverLog + c.toString()).slice(-20_000);
  });
  const serverExited = new Promise<number | null>((ok) => server.once('exit', (code) => ok(code)));
  const cleanUp = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM'); // graceful: finishes requests, stops the Neo4j it started
      await Promise.race([serverExited, new Promise((r) => setTimeout(r, 90_000))]);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    agent.destroy();
  };

  try {
    const startDeadline = Date.now() + 240_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`The server exited during start-up:\n${serverLog}`);
      const ready = await post(port, '/ready').catch(() => ({ status: 0, text: '' }));
      if (ready.status === 200) break;
      if (Date.now() > startDeadline) throw new Error(`The server was not ready within 240 s:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // The companies the deals name, so that a deal never meets a missing party.
    for (let i = 0; i < WRITE_SLUGS; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const op = companyUpsert(i + j, 0);
          return post(port, '/graphql', JSON.stringify({ query: op.query, variables: op.variables }));
        }),
      );
    }
    console.error(
      `Ready. Driving ${CONNECTIONS} connections for ${SECONDS} s (warm-up ${WARMUP} s)${HOSTILE ? ', a quarter of the requests hostile' : ''}...`,
    );

    const kinds: Kind[] = HOSTILE ? ['read', 'traversal', 'write', 'hostile'] : ['read', 'traversal', 'write'];
    const latencies = Object.fromEntries(kinds.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
    const afterWarmup = Object.fromEntries(kinds.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
    /** `name: code` → count: every hostile answer, and every other answer that is not OK. */
    const answers = new Map<string, number>();
    const failures = new Map<string, number>();
    const hostileExpect = new Map<string, readonly string[]>();
    const memory: Sample[] = [];
    let requests = 0;
    let ordinary = 0;
    let hostile = 0;
    let stalled = 0;
    const started = performance.now();
    const endAt = started + SECONDS * 1000;
    const warmEnd = started + WARMUP * 1000;
    const sample = async () => {
      memory.push(await sampleOf(port, server.pid!, Math.round((performance.now() - started) / 1000), requests));
    };
    await sample();
    const sampler = setInterval(() => void sample(), SAMPLE_S * 1000);
    const snapshotTimer = SNAPSHOTS ? setTimeout(() => server.kill('SIGUSR2'), WARMUP * 1000) : undefined;
    const client: HostileClient = {
      post: (body) => post(port, '/graphql', body),
      slowPost: (body, options) => slowPost(port, body, options),
    };

    const next = (): { op: Op; hostile?: HostileOp } => {
      const seq = ordinary + hostile;
      if (!HOSTILE || seq % HOSTILE_EVERY !== HOSTILE_EVERY - 1) return { op: nextOp(ordinary++) };
      const h = hostile++;
      const canStall = stalled < MAX_STALLED && endAt - performance.now() > 45_000;
      const chosen = canStall && h % 100 === 0 ? stalledBody : hostileOp(h);
      return { op: { kind: 'hostile', name: chosen.name, query: '' }, hostile: chosen };
    };

    const connection = async () => {
      while (performance.now() < endAt && server.exitCode === null) {
        const { op, hostile: h } = next();
        const t0 = performance.now();
        let code: string;
        let status = 0;
        if (h === stalledBody) stalled++;
        try {
          const answer = h
            ? await h.send(client)
            : await post(port, '/graphql', JSON.stringify({ query: op.query, variables: op.variables ?? {} }));
          status = answer.status;
          code = codeOf(answer);
        } catch (error) {
          code = `NETWORK: ${(error as Error).message}`;
        } finally {
          if (h === stalledBody) stalled--;
        }
        const ms = performance.now() - t0;
        requests++;
        latencies[op.kind].push(ms);
        if (t0 >= warmEnd) afterWarmup[op.kind].push(ms);
        const key = `${op.name}: ${code}`;
        if (h) hostileExpect.set(op.name, h.expect);
        if (h || code !== 'OK') answers.set(key, (answers.get(key) ?? 0) + 1);
        const why = failure(code, status, h?.expect);
        if (why) failures.set(`${key} (${why})`, (failures.get(`${key} (${why})`) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, connection));
    clearInterval(sampler);
    clearTimeout(snapshotTimer);
    const crashed = server.exitCode !== null || server.signalCode !== null;
    if (!crashed) await sample();
    if (SNAPSHOTS && !crashed) server.kill('SIGUSR2');
    const caches = crashed ? new Map<string, number>() : await scrape(port);
    const elapsed = (performance.now() - started) / 1000;

    // Memory: after warm-up, the first and last thirds of the samples, on the live heap.
    const steady = memory.filter((m) => m.t >= WARMUP);
    const live = thirds(steady, (m) => m.liveMb);
    const rss = thirds(steady, (m) => m.rssMb);
    const heapTotal = thirds(steady, (m) => m.heapTotalMb);
    const external = thirds(steady, (m) => m.externalMb);
    const gcsAfterWarmup = (steady.at(-1)?.fullGcs ?? 0) - (steady[0]?.fullGcs ?? 0);
    const measured = live.n >= 3 && gcsAfterWarmup >= 2;
    const flat =
      measured &&
      live.growth < Math.max(20, live.early * 0.15) &&
      external.growth < Math.max(20, external.early * 0.15);

    const rows = kinds.map((kind) => {
      const all = [...afterWarmup[kind]].sort((a, b) => a - b);
      return `| ${kind} | ${latencies[kind].length} | ${percentile(all, 50).toFixed(1)} | ${percentile(all, 99).toFixed(1)} |`;
    });
    const everything = Object.values(afterWarmup)
      .flat()
      .sort((a, b) => a - b);
    const failed = [...failures.values()].reduce((s, x) => s + x, 0);
    const notOk = [...answers]
      .filter(([key]) => !hostileExpect.has(key.slice(0, key.indexOf(':'))))
      .reduce((s, [, x]) => s + x, 0);
    const hostileRows = [...hostileExpect].map(([name, expect]) => {
      const got = [...answers].filter(([key]) => key.startsWith(`${name}: `));
      const total = got.reduce((s, [, x]) => s + x, 0);
      const list = got.map(([key, x]) => {
        const code = key.slice(name.length + 2);
        return `${expect.includes(code) ? code : `**${code}**`} × ${x}`;
      });
      return `| ${name} | ${total} | ${list.join(', ')} | ${expect.join(' or ')} |`;
    });
    const cacheRows = [...caches]
      .filter(([name]) => name.startsWith('stargraph_cache_bytes{'))
      .map(([name, bytes]) => {
        const cache = /cache="([^"]+)"/.exec(name)![1]!;
        const entries = caches.get(`stargraph_cache_entries{cache="${cache}"}`);
        const maxEntries = caches.get(`stargraph_cache_max_entries{cache="${cache}"}`);
        const maxBytes = caches.get(`stargraph_cache_max_bytes{cache="${cache}"}`);
        return `| ${cache} | ${entries} / ${maxEntries} | ${(bytes / 1e6).toFixed(2)} / ${((maxBytes ?? 0) / 1e6).toFixed(2)} |`;
      });
    const memoryVerdict = !measured
      ? `NOT MEASURED (${live.n} live-heap samples and ${gcsAfterWarmup} full GCs after warm-up; run longer)`
      : flat
        ? 'levelled off'
        : 'STILL GROWING';
    const report = [
      `# Soak${HOSTILE ? ' (hostile)' : ''}, ${new Date().toISOString().slice(0, 10)}: ${SECONDS} s, ${CONNECTIONS} connections`,
      '',
      `Machine: ${cpus().length} cores, load average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}. ` +
        `Server: \`src/main.ts serve\` (NODE_ENV=production) on loopback${dataDir ? ', its own local Neo4j (1g heap), seeded' : ''}. ` +
        `Mix: 50 % reads (entity with deals and parties, a companies page, search, deals by value), 25 % traversals (shortestPath, neighborhood depth 2), 25 % writes (upsertCompany, upsertDeal with parties, over ${WRITE_SLUGS} slugs each)` +
        (HOSTILE
          ? `; and one request in ${HOSTILE_EVERY} hostile (bench/hostile-ops.ts), with PERSISTED_OPERATIONS=allow and PARSE_CACHE_MAX_BYTES=${env.PARSE_CACHE_MAX_BYTES}.`
          : '.'),
      '',
      `**${requests} requests in ${elapsed.toFixed(0)} s: ${(requests / elapsed).toFixed(0)} req/s; p50 ${percentile(everything, 50).toFixed(1)} ms, p99 ${percentile(everything, 99).toFixed(1)} ms after warm-up; ${notOk} errors on ordinary requests; ${failed} failing answers.**`,
      '',
      '| kind | requests | p50 ms | p99 ms |',
      '|---|---|---|---|',
      ...rows,
      '',
      `Ordinary requests not answered OK: ${
        notOk === 0
          ? 'none'
          : [...answers]
              .filter(([key]) => !hostileExpect.has(key.slice(0, key.indexOf(':'))))
              .map(([k, v]) => `${k} × ${v}`)
              .join(', ')
      }`,
      '',
      ...(HOSTILE
        ? [
            'Hostile requests by answer (in bold: an answer other than the expected one):',
            '',
            '| kind | requests | answers | expected |',
            '|---|---|---|---|',
            ...hostileRows,
            '',
          ]
        : []),
      `Failing answers: ${failed === 0 ? 'none' : [...failures].map(([k, v]) => `${k} × ${v}`).join(', ')}`,
      '',
      crashed ? `**The server exited (code ${server.exitCode}, signal ${server.signalCode}).**\n` : '',
      `Server memory (MB) every ${SAMPLE_S} s:`,
      '',
      `- live heap (after the last full GC): ${series(memory, (m) => m.liveMb)}`,
      `- heap used: ${series(memory, (m) => m.heapUsedMb)}`,
      `- heap total (reserved by V8): ${series(memory, (m) => m.heapTotalMb)}`,
      `- external (buffers): ${series(memory, (m) => m.externalMb)}`,
      `- RSS: ${series(memory, (m) => m.rssMb)}`,
      `- caches (estimated): ${series(memory, (m) => m.cachesMb)}`,
      '',
      ...(cacheRows.length
        ? ['Caches at the end:', '', '| cache | entries / bound | MB / bound |', '|---|---|---|', ...cacheRows, '']
        : []),
      `After the ${WARMUP} s warm-up (${gcsAfterWarmup} full GCs), first third → last third: live heap ${live.early.toFixed(0)} → ${live.late.toFixed(0)} MB ` +
        `(${live.growth >= 0 ? '+' : ''}${live.growth.toFixed(0)}), external ${external.early.toFixed(0)} → ${external.late.toFixed(0)} MB; ` +
        `heap total ${heapTotal.early.toFixed(0)} → ${heapTotal.late.toFixed(0)} MB, RSS ${rss.early.toFixed(0)} → ${rss.late.toFixed(0)} MB ` +
        `(${rss.growth >= 0 ? '+' : ''}${rss.growth.toFixed(0)}): ${memoryVerdict}.`,
      '',
    ].join('\n');
    console.log(report);
    if (crashed) console.error(serverLog);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(
      RESULTS_DIR,
      `soak-${HOSTILE ? 'hostile-' : ''}${new Date().toISOString().slice(0, 10)}-${SECONDS}s.md`,
    );
    writeFileSync(file, report);
    console.error(`Wrote ${file}`);

    // Leave the graph as it was (only matters with NEO4J_URI; a temp data dir goes anyway).
    if (!dataDir && !crashed) {
      for (let i = 0; i < WRITE_SLUGS; i++) {
        for (const slug of [`soak-company-${i}`, `soak-deal-${i}`]) {
          await post(
            port,
            '/graphql',
            JSON.stringify({
              query: 'mutation($s: ID!) { deleteEntity(id: $s) { relationshipsRemoved } }',
              variables: { s: slug },
            }),
          );
        }
      }
    }
    process.exitCode = failed === 0 && flat && !crashed ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
