/**
 * Soak: the real server (`src/main.ts serve`, its own local Neo4j on a temp data directory,
 * seeded) driven over loopback HTTP by 50 keep-alive connections for a set time, with mixed
 * reads, traversals and writes. Reports throughput, p50/p99 per kind, errors by code and the
 * server's resident memory over time, and whether memory levelled off after warm-up. Not part
 * of `npm test`.
 *
 *   npm run soak -- --seconds 120 [--connections 50] [--warmup 60] [--sample 5]
 *
 * With NEO4J_URI set, the server uses that database instead of starting one. Writes go to
 * `soak-*` slugs (a bounded set, upserted over and over) and are removed at the end.
 * Exit code 1 when any request failed or memory kept growing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/neo4j/local-server.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) {
    console.error(
      `--${name} must be a positive whole number. Usage: npm run soak -- --seconds 120 [--connections 50] [--warmup 60] [--sample 5]`,
    );
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
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench', 'results');
// A production server refuses API key secrets shorter than 16 characters.
const KEY = `soak-${randomBytes(12).toString('hex')}`;

type Kind = 'read' | 'traversal' | 'write';
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

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

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
  const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'serve'], {
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
    if (server.exitCode === null) {
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
    console.error(`Ready. Driving ${CONNECTIONS} connections for ${SECONDS} s (warm-up ${WARMUP} s)...`);

    const latencies: Record<Kind, number[]> = { read: [], traversal: [], write: [] };
    const afterWarmup: Record<Kind, number[]> = { read: [], traversal: [], write: [] };
    const errors = new Map<string, number>();
    const memory: Array<{ t: number; rssMb: number; requests: number }> = [];
    let requests = 0;
    let n = 0;
    const started = performance.now();
    const endAt = started + SECONDS * 1000;
    const warmEnd = started + WARMUP * 1000;
    const sample = () => {
      const rss = rssMb(server.pid!);
      if (rss !== undefined) memory.push({ t: Math.round((performance.now() - started) / 1000), rssMb: rss, requests });
    };
    sample();
    const sampler = setInterval(sample, SAMPLE_S * 1000);

    const connection = async () => {
      while (performance.now() < endAt) {
        const op = nextOp(n++);
        const t0 = performance.now();
        let code: string | undefined;
        try {
          const res = await post(port, '/graphql', JSON.stringify({ query: op.query, variables: op.variables ?? {} }));
          if (res.status !== 200) code = `HTTP_${res.status}`;
          try {
            const body = JSON.parse(res.text) as { errors?: Array<{ extensions?: { code?: string } }> };
            if (body.errors?.length) code = String(body.errors[0]?.extensions?.code ?? 'UNCODED');
          } catch {
            code ??= 'NOT_JSON';
          }
        } catch (error) {
          code = `NETWORK: ${(error as Error).message}`;
        }
        const ms = performance.now() - t0;
        requests++;
        latencies[op.kind].push(ms);
        if (t0 >= warmEnd) afterWarmup[op.kind].push(ms);
        if (code) errors.set(`${op.name}: ${code}`, (errors.get(`${op.name}: ${code}`) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, connection));
    clearInterval(sampler);
    sample();
    const elapsed = (performance.now() - started) / 1000;

    // Memory: after warm-up, compare the first and last thirds of the samples.
    const steady = memory.filter((m) => m.t >= WARMUP);
    const third = Math.max(1, Math.floor(steady.length / 3));
    const mean = (xs: typeof steady) => xs.reduce((s, m) => s + m.rssMb, 0) / Math.max(1, xs.length);
    const early = mean(steady.slice(0, third));
    const late = mean(steady.slice(-third));
    const growth = late - early;
    const flat = steady.length < 3 || growth < Math.max(30, early * 0.15);

    const rows = (['read', 'traversal', 'write'] as Kind[]).map((kind) => {
      const all = [...afterWarmup[kind]].sort((a, b) => a - b);
      return `| ${kind} | ${latencies[kind].length} | ${percentile(all, 50).toFixed(1)} | ${percentile(all, 99).toFixed(1)} |`;
    });
    const everything = Object.values(afterWarmup)
      .flat()
      .sort((a, b) => a - b);
    const failed = [...errors.values()].reduce((s, x) => s + x, 0);
    const report = [
      `# Soak, ${new Date().toISOString().slice(0, 10)}: ${SECONDS} s, ${CONNECTIONS} connections`,
      '',
      `Machine: ${cpus().length} cores, load average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}. ` +
        `Server: \`src/main.ts serve\` (NODE_ENV=production) on loopback${dataDir ? ', its own local Neo4j (1g heap), seeded' : ''}. ` +
        `Mix: 50 % reads (entity with deals and parties, a companies page, search, deals by value), 25 % traversals (shortestPath, neighborhood depth 2), 25 % writes (upsertCompany, upsertDeal with parties, over ${WRITE_SLUGS} slugs each).`,
      '',
      `**${requests} requests in ${elapsed.toFixed(0)} s: ${(requests / elapsed).toFixed(0)} req/s; p50 ${percentile(everything, 50).toFixed(1)} ms, p99 ${percentile(everything, 99).toFixed(1)} ms after warm-up; ${failed} errors.**`,
      '',
      '| kind | requests | p50 ms | p99 ms |',
      '|---|---|---|---|',
      ...rows,
      '',
      `Errors by code: ${failed === 0 ? 'none' : [...errors].map(([k, v]) => `${k} × ${v}`).join(', ')}`,
      '',
      `Server RSS (MB) every ${SAMPLE_S} s: ${memory.map((m) => `${m.t}s ${m.rssMb.toFixed(0)}`).join(', ')}`,
      '',
      `Memory after the ${WARMUP} s warm-up: first third ${early.toFixed(0)} MB, last third ${late.toFixed(0)} MB ` +
        `(${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB): ${flat ? 'levelled off' : 'STILL GROWING'}.`,
      '',
    ].join('\n');
    console.log(report);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `soak-${new Date().toISOString().slice(0, 10)}-${SECONDS}s.md`);
    writeFileSync(file, report);
    console.error(`Wrote ${file}`);

    // Leave the graph as it was (only matters with NEO4J_URI; a temp data dir goes anyway).
    if (!dataDir) {
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
    process.exitCode = failed === 0 && flat ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
