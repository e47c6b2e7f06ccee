/**
 * Live and cache figures (run by hand: `npm run bench:live`; not part of the test suite):
 *
 * 1. hot-read throughput with the response cache against without it, in the same run: the
 *    same GraphiQL examples on two in-process servers (yoga.fetch, no sockets), alternating
 *    rounds so both see the same machine load;
 * 2. how many `graphChanged` subscribers one API process holds, at what memory: a real
 *    `serve` process on a free port, N SSE connections over HTTP, its RSS from /proc, and how
 *    long one write takes to reach all of them.
 *
 *   npm run bench:live [-- --seconds 10 --concurrency 8 --subscribers 1000,2500,5000]
 *
 * Uses NEO4J_URI when set, else starts a throwaway local Neo4j. Writes bench/results/live.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import { loadSeed } from '../src/graph/seed.js';
import { createLogger } from '../src/logger.js';
import { createDriver, GraphDb } from '../src/neo4j/db.js';
import { startLocalNeo4j, type LocalNeo4j } from '../src/neo4j/local-server.js';
import { migrate } from '../src/neo4j/migrate.js';
import { exampleOperations } from '../src/schema/examples.js';
import { createServer } from '../src/server.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '10'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const SUBSCRIBERS = arg('subscribers', '1000,2500,5000').split(',').map(Number);
const HOT = ['02-who-is-behind-stargate', '03-openai-deals-and-counterparties', '09-everything-around-openai'];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function hotReads(yoga: ReturnType<typeof createServer>, seconds: number) {
  const operations = exampleOperations().filter((e) => HOT.includes(e.name));
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; performance.now() < until; i++) {
        const op = operations[i % operations.length]!;
        const started = performance.now();
        const response = await yoga.fetch('http://bench.local/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: op.query, variables: op.variables }),
        });
        const body = (await response.json()) as { errors?: unknown };
        if (body.errors) errors++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    errors,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const rssMb = (pid: number) => {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
};

async function waitForHttp(port: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the serve process did not come up');
}

/** One SSE subscription over a real socket; resolves `opened` on the response, counts `next` events. */
function subscribe(port: number, onEvent: () => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (chunk.includes('event: next')) onEvent();
        });
        resolve(res);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: 'subscription { graphChanged { change } }' }));
  });
}

async function main() {
  let local: LocalNeo4j | undefined;
  let dataDir: string | undefined;
  let uri = process.env.NEO4J_URI;
  const signIn: Record<string, string | undefined> = {
    NEO4J_USER: process.env.NEO4J_USER,
    NEO4J_PASSWORD: process.env.NEO4J_PASSWORD,
  };
  if (!uri) {
    dataDir = mkdtempSync(join(tmpdir(), 'stargraph-bench-live-'));
    local = await startLocalNeo4j({
      dataDir,
      heap: '1g',
      pageCache: '256m',
      mode: 'attached',
      log: (m) => console.log(`[neo4j] ${m}`),
    });
    uri = local.uri;
    signIn.NEO4J_USER = local.user;
    signIn.NEO4J_PASSWORD = local.password;
  }
  const lines: string[] = [];
  const say = (line = '') => {
    console.log(line);
    lines.push(line);
  };
  try {
    const config = parseConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      NEO4J_URI: uri,
      ...signIn,
      API_KEYS: 'bench-writer-key:write+read',
    });
    const graph = new GraphDb(
      createDriver({ ...config.neo4j, uri }),
      config.neo4j.database,
      config.limits.queryTimeoutMs,
    );
    await migrate(graph.db());
    await loadSeed(graph.db());
    const logger = createLogger('silent');
    const off = createServer({ config: { ...config, live: { ...config.live, responseCacheTtlMs: 0 } }, graph, logger });
    const on = createServer({ config, graph, logger });

    say(`# Live and cache figures`);
    say();
    say(
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (load ${loadavg()[0]!.toFixed(1)} at start), Node ${process.version}, seed graph.`,
    );
    say();
    say(`## Hot reads: response cache on vs off (same run)`);
    say();
    say(
      `Examples ${HOT.join(', ')} in turn, ${CONCURRENCY} concurrent, in process (yoga.fetch), ${SECONDS} s per round, rounds alternating off/on.`,
    );
    say();
    await hotReads(off, 2); // warm-up: JIT, driver pool, Neo4j plan cache
    await hotReads(on, 2);
    const rounds: Array<{ mode: string; r: Awaited<ReturnType<typeof hotReads>> }> = [];
    for (const [mode, yoga] of [
      ['off', off],
      ['on', on],
      ['off', off],
      ['on', on],
    ] as const) {
      rounds.push({ mode, r: await hotReads(yoga, SECONDS / 2) });
    }
    say('| cache | requests/s | p50 ms | p95 ms | errors |');
    say('|---|---:|---:|---:|---:|');
    const summary: Record<string, number> = {};
    for (const mode of ['off', 'on']) {
      const mine = rounds.filter((x) => x.mode === mode).map((x) => x.r);
      const perSecond = mine.reduce((n, r) => n + r.perSecond, 0) / mine.length;
      summary[mode] = perSecond;
      say(
        `| ${mode} | ${perSecond.toFixed(0)} | ${(mine.reduce((n, r) => n + r.p50, 0) / mine.length).toFixed(2)} | ${(mine.reduce((n, r) => n + r.p95, 0) / mine.length).toFixed(2)} | ${mine.reduce((n, r) => n + r.errors, 0)} |`,
      );
    }
    say();
    say(`Cache on / off: **${(summary.on! / summary.off!).toFixed(1)}×** the throughput.`);
    await off.dispose();
    await on.dispose();
    await graph.close();

    say();
    say(`## Subscribers one process holds`);
    say();
    say('One `serve` process (production mode), N `graphChanged` subscriptions over real HTTP/SSE sockets from this');
    say(
      'process; RSS of the serve process from /proc; then one `upsertCompany` and the time until every subscriber has its event.',
    );
    say();
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEO4J_URI: uri,
        ...signIn,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SEED_ON_EMPTY: 'false',
        API_KEYS: 'bench-writer-key:write+read',
        SUBSCRIPTION_QUEUE_MAX: '100',
        // Every subscriber here is one anonymous client on one address: room for all of them.
        MAX_SUBSCRIPTIONS: String(Math.max(...SUBSCRIBERS)),
        MAX_SUBSCRIPTIONS_PER_TOKEN: String(Math.max(...SUBSCRIBERS)),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      await waitForHttp(port);
      await new Promise((r) => setTimeout(r, 2000));
      say(
        '| subscribers | serve RSS MB | per subscriber KB | mutation answered in ms | every subscriber has it in ms |',
      );
      say('|---:|---:|---:|---:|---:|');
      const baseline = rssMb(child.pid!);
      say(`| 0 | ${baseline.toFixed(0)} | – | – | – |`);
      const open: IncomingMessage[] = [];
      let received = 0;
      for (const target of SUBSCRIBERS) {
        while (open.length < target) {
          const batch = Math.min(200, target - open.length);
          open.push(...(await Promise.all(Array.from({ length: batch }, () => subscribe(port, () => received++)))));
        }
        await new Promise((r) => setTimeout(r, 3000));
        const rss = rssMb(child.pid!);
        received = 0;
        const started = performance.now();
        const answered = fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench-writer-key' },
          body: JSON.stringify({
            query: `mutation { upsertCompany(input: { slug: "bench-live-probe", name: "Probe ${target}" }) { slug } }`,
          }),
        }).then(async (res) => {
          await res.text();
          return performance.now() - started;
        });
        const writeMs = await answered;
        while (received < target && performance.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
        const fanOut = performance.now() - started;
        say(
          `| ${target} | ${rss.toFixed(0)} | ${(((rss - baseline) * 1024) / target).toFixed(1)} | ${writeMs.toFixed(0)} | ${received < target ? `${received} of ${target} in 60 s` : fanOut.toFixed(0)} |`,
        );
      }
      for (const res of open) res.destroy();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const cleanup = new GraphDb(createDriver({ ...config.neo4j, uri }), config.neo4j.database, 10_000);
    await cleanup.db().write("MATCH (n:Entity {slug: 'bench-live-probe'}) DETACH DELETE n");
    await cleanup.close();
  } finally {
    await local?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/live.md'), `${lines.join('\n')}\n`);
  console.log('Wrote bench/results/live.md');
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
