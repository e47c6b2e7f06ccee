/**
 * What the rate limiter costs: the nested workload (20 companies → 5 deals → 5 parties → 3
 * leaders, bench/workloads.ts) through two servers on the same graph, side by side: one without a
 * budget (the limiter does nothing) and one with RATE_LIMIT_POINTS so large nothing is refused, so
 * every request is priced, charged and answered with its headers. With `--redis URL`, a third
 * server keeps its windows in that Redis. Run by hand (not part of the test suite):
 *
 *   npx tsx bench/rate-limit.ts [--entities 2000] [--rounds 8] [--ops 100] [--concurrency 8] [--redis redis://127.0.0.1:6379]
 *
 * Starts a local Neo4j in a temp directory (or uses NEO4J_URI's, where it adds a graph under
 * the prefix `ratebench`), loads a generated graph, then times rounds of `--ops` operations at
 * `--concurrency` on each server in turn, the side going first rotating, and writes
 * bench/results/YYYY-MM-DD-rate-limit.md with the throughput ratio (target: at most 5% less).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import { loadGraph } from '../src/graph/bulk-load.js';
import { generateGraph } from '../src/graph/generator.js';
import { createLogger } from '../src/logger.js';
import { openGraph } from '../src/open-graph.js';
import { createServer } from '../src/server.js';
import { workloads, type Ask } from './workloads.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}
const redisIndex = process.argv.indexOf('--redis');
const REDIS_URL = redisIndex > 0 ? process.argv[redisIndex + 1] : undefined;
const ENTITIES = flag('entities', 2_000);
const ROUNDS = flag('rounds', 8);
const OPS = flag('ops', 100);
const CONCURRENCY = flag('concurrency', 8);
const PREFIX = 'ratebench';

type Server = ReturnType<typeof createServer>;

/** Callers the requests come from (forwarded addresses, TRUST_PROXY on): one window each. */
const CALLERS = 1_000;

function ask(server: Server): Ask & { last?: Headers } {
  let sent = 0;
  const send = async (query: string, variables: Record<string, unknown> = {}) => {
    const caller = sent++ % CALLERS;
    const response = await server.fetch('http://bench.local/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-forwarded-for': `10.0.${caller >> 8}.${caller & 255}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors || !body.data) throw new Error(JSON.stringify(body).slice(0, 300));
    send.last = response.headers;
    return body.data;
  };
  send.last = undefined as Headers | undefined;
  return send;
}

/** `ops` operations by `CONCURRENCY` loops: operations per second and Node CPU ms per operation. */
async function round(op: () => Promise<unknown>, ops: number) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ops) {
        next++;
        await op();
      }
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { opsPerSec: (ops * 1000) / wall, cpuMs: (used.user + used.system) / 1000 / ops };
}

async function main() {
  const dataDir = process.env.NEO4J_URI ? undefined : mkdtempSync(join(tmpdir(), 'stargraph-ratebench-'));
  const env = {
    ...(process.env.NEO4J_URI
      ? {
          NEO4J_URI: process.env.NEO4J_URI,
          NEO4J_USER: process.env.NEO4J_USER,
          NEO4J_PASSWORD: process.env.NEO4J_PASSWORD,
        }
      : { NEO4J_DATA_DIR: dataDir }),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // Every operation served from Neo4j, as in bench/compare.ts (a cache hit would be charged too).
    RESPONSE_CACHE_TTL_MS: '0',
    SEED_ON_EMPTY: 'false',
    TRUST_PROXY: 'true',
  };
  const base = parseConfig(env);
  const logger = createLogger(base.logLevel);
  const opened = await openGraph(base, logger);
  try {
    const db = opened.graph.db();
    const data = generateGraph({ entities: ENTITIES, seed: 42, prefix: PREFIX });
    const [existing] = await db.read('MATCH (n:Entity) WHERE n.slug STARTS WITH $p RETURN count(n) AS n', {
      p: `${PREFIX}-`,
    });
    if (Number(existing?.n ?? 0) === 0) {
      console.log(`Loading ${ENTITIES} generated entities...`);
      await loadGraph(db, data, { concurrency: 2 });
    }
    const nested = workloads({ hubSlug: `${PREFIX}-x`, valueRange: { gte: 1e9, lte: 1e10 }, analystMin: 5e10 }).find(
      (w) => w.id === 'nested',
    )!;
    const sides: Array<{ name: string; server: Server }> = [
      { name: 'off', server: createServer({ config: base, graph: opened.graph, logger }) },
      {
        name: 'on (in process)',
        server: createServer({
          config: parseConfig({ ...env, RATE_LIMIT_POINTS: '1000000000000' }),
          graph: opened.graph,
          logger,
        }),
      },
    ];
    if (REDIS_URL) {
      sides.push({
        name: 'on (Redis)',
        server: createServer({
          config: parseConfig({ ...env, RATE_LIMIT_POINTS: '1000000000000', REDIS_URL }),
          graph: opened.graph,
          logger,
        }),
      });
    }
    const asks = sides.map((s) => ask(s.server));
    // Warm-up: V8 optimises after many calls; and check the limited sides really charge.
    for (let i = 0; i < 100; i++) for (const a of asks) await nested.ours(a);
    for (const [i, a] of asks.entries()) {
      const limited = a.last?.get('ratelimit-limit');
      if ((i === 0) !== (limited === null || limited === undefined))
        throw new Error(`${sides[i]!.name}: headers wrong`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const loads = [
      { name: 'nested', ops: OPS, run: (a: Ask) => nested.ours(a) },
      // No database: what is left is the server's own work per request, the limiter's included.
      { name: '`{ __typename }`', ops: OPS * 10, run: (a: Ask) => a('{ __typename }') },
    ];
    const rows: string[] = [];
    for (const load of loads) {
      // Each round runs a block on every server back to back (the first rotating), and compares
      // each with "off" in the same round: the machine's load drifts less within a round.
      const ratios = sides.map(() => [] as number[]);
      const cpuRatios = sides.map(() => [] as number[]);
      const opsPerSec = sides.map(() => [] as number[]);
      const cpuMs = sides.map(() => [] as number[]);
      for (let r = 0; r < ROUNDS; r++) {
        const inRound: Array<{ opsPerSec: number; cpuMs: number }> = [];
        for (let k = 0; k < sides.length; k++) {
          const i = (r + k) % sides.length;
          inRound[i] = await round(() => load.run(asks[i]!), load.ops);
        }
        for (const [i, result] of inRound.entries()) {
          opsPerSec[i]!.push(result.opsPerSec);
          cpuMs[i]!.push(result.cpuMs);
          ratios[i]!.push(result.opsPerSec / inRound[0]!.opsPerSec);
          cpuRatios[i]!.push(result.cpuMs / inRound[0]!.cpuMs);
        }
        const now = sides.map((s, i) => `${s.name} ${inRound[i]!.opsPerSec.toFixed(0)} ops/s`);
        console.log(`${load.name} round ${r + 1}/${ROUNDS}: ${now.join(', ')}`);
      }
      for (const [i, s] of sides.entries()) {
        const sorted = [...ratios[i]!].sort((a, b) => a - b);
        const range = i === 0 ? '' : ` (rounds ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})`;
        const cpuUs = median(cpuMs[i]!) * 1000;
        const ops = median(opsPerSec[i]!);
        rows.push(
          `| ${load.name} | ${s.name} | ${ops.toFixed(0)} | **${(ops / median(opsPerSec[0]!)).toFixed(3)}** | ${median(ratios[i]!).toFixed(3)}${range} | ${cpuUs.toFixed(0)} | ${median(cpuRatios[i]!).toFixed(3)} |`,
        );
      }
    }
    const date = new Date().toISOString().slice(0, 10);
    const report = [
      `# Rate limiter overhead, ${date}`,
      '',
      `\`npx tsx bench/rate-limit.ts --entities ${ENTITIES} --rounds ${ROUNDS} --ops ${OPS} --concurrency ${CONCURRENCY}${REDIS_URL ? ' --redis <url>' : ''}\``,
      '',
      `The nested workload (20 companies → 5 deals → 5 parties → 3 leaders), then \`{ __typename }\` (no database: the`,
      `per-request work left, the limiter's included), at concurrency ${CONCURRENCY}: ${ROUNDS} rounds, each running a block of`,
      `${OPS} operations (\`{ __typename }\`: ${OPS * 10}) on every server back to back, the first rotating; each block is`,
      'compared with the "off" block of its round as well (the load of the machine drifts less within a round than',
      `across the run). Requests come from ${CALLERS} forwarded addresses`,
      "(TRUST_PROXY), one window each. Node CPU is the whole process's during a block, per request.",
      '"off": no RATE_LIMIT_POINTS (the plugin only looks for `rateLimit(dryRun: true)`); "on": RATE_LIMIT_POINTS=10^12,',
      'so every request is priced, charged to its caller and answered with RateLimit-* headers, and none is refused.',
      `Generated graph of ${ENTITIES} entities; NODE_ENV=production; response cache off. Machine: ${cpus().length} cores,`,
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end (other work shares it: read the ratio, not the absolute figures).`,
      '',
      '| workload | limiter | ops/s (median of rounds) | ÷ off | per round ÷ off: median (range) | Node CPU µs per request | CPU ÷ off (median of rounds) |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      'Target: at most 5% throughput cost.',
      '',
    ].join('\n');
    const file = fileURLToPath(new URL(`./results/${date}-rate-limit.md`, import.meta.url));
    writeFileSync(file, report);
    console.log(report);
    for (const s of sides) await s.server.dispose();
  } finally {
    await opened.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
