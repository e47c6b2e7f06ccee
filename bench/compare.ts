/**
 * stargraph vs the Neo4j GraphQL Library on the same data (run by hand: `npm run bench`; not
 * part of the test suite). See bench/README.md.
 *
 *   npm run bench [-- --entities 100000] [--iterations 100] [--warmup 20] [--concurrency 8] [--no-profile]
 *
 * Starts one throwaway local Neo4j (its own temp data dir, a free port, 2g heap + 512m page
 * cache), loads one generated graph, then serves it through (a) stargraph's yoga server and
 * (b) a baseline built with @neo4j/graphql wrapped in a plain graphql-yoga; both are called
 * in-process through `yoga.fetch`, so the HTTP layer costs the same. Writes
 * bench/results/YYYY-MM-DD-<size>.md and prints the same table.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import neo4j, { type Driver } from 'neo4j-driver';
import { openGraph } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { loadGraph } from '../src/graph/bulk-load.js';
import { generateGraph } from '../src/graph/generator.js';
import { createLogger } from '../src/logger.js';
import { GraphDb } from '../src/neo4j/db.js';
import { pinnedNeo4jVersion } from '../src/neo4j/local-server.js';
import { createServer } from '../src/server.js';
import { createBaselineServer, RECORD_HEADER, type CapturedStatement } from './baseline/server.js';
import { workloads, type Ask, type Operation, type Workload } from './workloads.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const ENTITIES = flag('entities', 20_000);
const ITERATIONS = flag('iterations', 100);
const WARMUP = flag('warmup', 20);
const CONCURRENCY = flag('concurrency', 8);
const PROFILE = !process.argv.includes('--no-profile');
/** `--only page,nested`: run just these workload ids. */
const ONLY = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',') : null;
const SIZE = ENTITIES % 1000 === 0 ? `${ENTITIES / 1000}k` : String(ENTITIES);
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

interface FetchServer {
  fetch(input: string, init?: RequestInit): Response | Promise<Response>;
}

/** A GraphQL client over an in-process server; `onExtensions` sees each answer's extensions. */
function client(server: FetchServer, headers: Record<string, string> = {}, onExtensions?: (e: Record<string, unknown>) => void, label = 'server'): Ask {
  return async (query, variables = {}) => {
    const response = await server.fetch('http://bench.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[]; extensions?: Record<string, unknown> };
    if (body.errors?.length || !body.data) throw new Error(`${label}: GraphQL error (${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    if (body.extensions && onExtensions) onExtensions(body.extensions);
    return body.data;
  };
}

async function timed(op: Operation, ask: Ask): Promise<number> {
  const started = performance.now();
  await op(ask);
  return performance.now() - started;
}

interface Sample {
  latencies: number[];
  wallMs: number;
}

async function sequential(op: Operation, ask: Ask, latencies: number[]): Promise<void> {
  latencies.push(await timed(op, ask));
}

/** `total` operations by `workers` concurrent loops; bounded. */
async function concurrent(op: Operation, ask: Ask, total: number, workers: number): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        next++;
        latencies.push(await timed(op, ask));
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

interface Summary {
  median: number;
  p95: number;
  opsPerSec: number;
}

function summarize(sample: Sample): Summary {
  return { median: quantile(sample.latencies, 0.5), p95: quantile(sample.latencies, 0.95), opsPerSec: (sample.latencies.length * 1000) / sample.wallMs };
}

/** Sum of db hits over a profiled plan tree. */
function dbHits(plan: { dbHits?: number; children?: unknown[] } | false | undefined): number {
  if (!plan) return 0;
  return Number(plan.dbHits ?? 0) + (plan.children ?? []).reduce<number>((sum, child) => sum + dbHits(child as never), 0);
}

/** Total db hits of the statements; undefined when none were captured (nothing to profile). */
async function profile(driver: Driver, statements: CapturedStatement[]): Promise<number | undefined> {
  if (statements.length === 0) return undefined;
  let total = 0;
  for (const { cypher, params } of statements) {
    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      // The library prefixes `CYPHER 5`; PROFILE goes after the version.
      const text = /^\s*CYPHER\s+\d+\s*/i.test(cypher) ? cypher.replace(/^\s*(CYPHER\s+\d+)\s*/i, '$1 PROFILE ') : `PROFILE ${cypher}`;
      const result = await session.run(text, params);
      total += dbHits(result.summary.profile);
    } finally {
      await session.close();
    }
  }
  return total;
}

/** A driver whose `executeQuery` calls (stargraph's every read) are recorded into `sink`. */
function recordingDriver(driver: Driver, sink: CapturedStatement[]): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'executeQuery') {
        return (cypher: string, params: Record<string, unknown>, config: unknown) => {
          sink.push({ cypher, params: params ?? {} });
          return target.executeQuery(cypher, params, config as never);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

interface Row {
  workload: Workload;
  matches: boolean;
  seq: { ours: Summary; theirs: Summary };
  conc: { ours: Summary; theirs: Summary };
  roundTrips: { ours: number; theirs: number };
  oursDbTimeMs: number;
  dbHits?: { ours: number | undefined; theirs: number | undefined };
}

function log(message: string) {
  process.stderr.write(`${message}\n`);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-bench-'));
  // Only what the bench decides: no NEO4J_URI (always a throwaway server), quiet logs, the
  // debug header allowed (only the round-trip count asks for it), production error masking.
  const config = parseConfig({
    NODE_ENV: 'production',
    NEO4J_DATA_DIR: dataDir,
    // The most this 2-core, shared machine gives a benchmark: the baseline needs it (with 1g,
    // its connection paging ran out of transaction memory at 100k entities).
    NEO4J_HEAP: '2g',
    NEO4J_PAGECACHE: '512m',
    LOG_LEVEL: 'warn',
    DEBUG_EXTENSIONS_HEADER: 'true',
    SEED_ON_EMPTY: 'false',
  });
  const logger = createLogger(config.logLevel);
  log(`Starting a throwaway Neo4j in ${dataDir}...`);
  const opened = await openGraph(config, logger);
  // Ctrl-C: the attached Neo4j stops by itself when we exit; its temp directory is ours to delete.
  process.once('SIGINT', () => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
  let theirDriver: Driver | undefined;
  try {
    log(`Generating and loading ${ENTITIES} entities...`);
    const data = generateGraph({ entities: ENTITIES, seed: 42, prefix: 'bench' });
    const loadStarted = performance.now();
    const loaded = await loadGraph(opened.graph.session(), data, { concurrency: 2 });
    const loadMs = performance.now() - loadStarted;
    log(`Loaded ${loaded.total.entities} entities, ${loaded.total.relationships} relationships in ${(loadMs / 1000).toFixed(1)} s`);

    const deals = new Map<string, number>();
    for (const r of data.relationships) if (r.type === 'PARTY_TO') deals.set(r.from, (deals.get(r.from) ?? 0) + 1);
    const [hubSlug, hubDeals] = [...deals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    const list = workloads({ hubSlug, valueRange: { gte: 1e9, lte: 1e10 } });

    const ours = createServer({ config, graph: opened.graph, logger });
    theirDriver = neo4j.driver(opened.uri, neo4j.auth.basic(config.neo4j.user, config.neo4j.password), {
      logging: { level: 'error', logger: () => {} },
    });
    const theirRecorded: CapturedStatement[] = [];
    const theirs = await createBaselineServer(theirDriver, theirRecorded);
    const askOurs = client(ours, {}, undefined, 'stargraph');
    const askTheirs = client(theirs, {}, undefined, 'baseline');

    const oursRecorded: CapturedStatement[] = [];
    const recordingGraph = new GraphDb(recordingDriver(opened.graph.driver, oursRecorded), opened.graph.database, config.limits.queryTimeoutMs);
    const oursRecording = createServer({ config, graph: recordingGraph, logger });

    const loadBefore = loadavg()[0]!;
    const rows: Row[] = [];
    const failures: { workload: Workload; message: string }[] = [];
    for (const [index, workload] of list.entries()) {
      if (ONLY && !ONLY.includes(workload.id)) continue;
      log(`\n${workload.title}`);
      try {
        const a = workload.digest(await workload.ours(askOurs));
        const b = workload.digest(await workload.theirs(askTheirs));
        const matches = isDeepStrictEqual(a, b);
        if (!matches) log(`  ANSWERS DIFFER:\n  ours:   ${JSON.stringify(a).slice(0, 400)}\n  theirs: ${JSON.stringify(b).slice(0, 400)}`);

        let roundTripsOurs = 0;
        await workload.ours(client(ours, { 'x-debug-cypher': '1' }, (e) => (roundTripsOurs += Number((e.cypher as { roundTrips?: number } | undefined)?.roundTrips ?? 0))));
        const before = theirRecorded.length;
        await workload.theirs(client(theirs, { [RECORD_HEADER]: '1' }));
        const theirStatements = theirRecorded.slice(before);

        for (let i = 0; i < WARMUP; i++) {
          await workload.ours(askOurs);
          await workload.theirs(askTheirs);
        }
        // Sequential, interleaved (ours, theirs, theirs, ours, ...) so drift hits both alike.
        const seqOurs: number[] = [];
        const seqTheirs: number[] = [];
        for (let i = 0; i < ITERATIONS; i++) {
          if (i % 2 === 0) {
            await sequential(workload.ours, askOurs, seqOurs);
            await sequential(workload.theirs, askTheirs, seqTheirs);
          } else {
            await sequential(workload.theirs, askTheirs, seqTheirs);
            await sequential(workload.ours, askOurs, seqOurs);
          }
        }
        const seq = {
          ours: summarize({ latencies: seqOurs, wallMs: seqOurs.reduce((s, v) => s + v, 0) }),
          theirs: summarize({ latencies: seqTheirs, wallMs: seqTheirs.reduce((s, v) => s + v, 0) }),
        };
        // Concurrent: one side at a time (they would compete for the same 2 cores otherwise),
        // the side that goes first alternating by workload.
        let concOurs: Sample;
        let concTheirs: Sample;
        if (index % 2 === 0) {
          concOurs = await concurrent(workload.ours, askOurs, ITERATIONS, CONCURRENCY);
          concTheirs = await concurrent(workload.theirs, askTheirs, ITERATIONS, CONCURRENCY);
        } else {
          concTheirs = await concurrent(workload.theirs, askTheirs, ITERATIONS, CONCURRENCY);
          concOurs = await concurrent(workload.ours, askOurs, ITERATIONS, CONCURRENCY);
        }
        // Our database time per operation (extensions.cypher.dbTimeMs), median of 10 once warm, to tell
        // time spent in Neo4j from time spent in the server.
        const dbTimes: number[] = [];
        for (let i = 0; i < 10; i++) {
          let dbTime = 0;
          await workload.ours(client(ours, { 'x-debug-cypher': '1' }, (e) => (dbTime += Number((e.cypher as { dbTimeMs?: number } | undefined)?.dbTimeMs ?? 0))));
          dbTimes.push(dbTime);
        }
        const row: Row = {
          workload,
          matches,
          seq,
          conc: { ours: summarize(concOurs), theirs: summarize(concTheirs) },
          roundTrips: { ours: roundTripsOurs, theirs: theirStatements.length },
          oursDbTimeMs: quantile(dbTimes, 0.5),
        };
        if (PROFILE && workload.id !== 'floor') {
          oursRecorded.length = 0;
          await workload.ours(client(oursRecording));
          row.dbHits = { ours: await profile(theirDriver, oursRecorded), theirs: await profile(theirDriver, theirStatements) };
        }
        rows.push(row);
        log(
          `  sequential median ours ${ms(seq.ours.median)} ms, theirs ${ms(seq.theirs.median)} ms (ratio ${(seq.ours.median / seq.theirs.median).toFixed(2)}); ` +
            `round trips ${row.roundTrips.ours} vs ${row.roundTrips.theirs}${row.dbHits ? `; db hits ${row.dbHits.ours} vs ${row.dbHits.theirs}` : ''}`,
        );
      } catch (error) {
        // One server failing a workload is a result too: recorded, and the run goes on.
        const message = error instanceof Error ? error.message : String(error);
        log(`  FAILED: ${message}`);
        failures.push({ workload, message });
      }
    }

    const counts = await opened.graph.session().read(
      'MATCH (n) WITH count(n) AS nodes CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels',
    );
    const report = render(rows, {
      hubSlug,
      hubDeals,
      loadMs,
      nodes: Number(counts[0]?.nodes ?? 0),
      rels: Number(counts[0]?.rels ?? 0),
      load: [loadBefore, loadavg()[0]!],
      failures,
    });
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}-${SIZE}.md`);
    writeFileSync(file, report);
    process.stdout.write(report);
    log(`\nWrote ${file}`);
  } finally {
    await theirDriver?.close();
    await opened.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2);

function verdict(ours: number, theirs: number): string {
  const r = ours / theirs;
  if (r < 0.95) return `stargraph ${(1 / r).toFixed(1)}× faster`;
  if (r > 1.05) return `**baseline ${r.toFixed(1)}× faster**`;
  return 'even (within 5%)';
}

/** The commit the servers ran from, and whether src/ differed from it. */
function provenance(): string {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) }).stdout?.trim() ?? '';
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'src') ? `${head} with uncommitted changes in src/` : head;
}
const SOURCE = provenance();

function render(rows: Row[], info: { hubSlug: string; hubDeals: number; loadMs: number; nodes: number; rels: number; load: [number, number]; failures: { workload: Workload; message: string }[] }): string {
  const version = (pkg: string) => (JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${pkg}/package.json`, import.meta.url)), 'utf8')) as { version: string }).version;
  const lines: string[] = [];
  lines.push(`# stargraph vs Neo4j GraphQL Library: ${SIZE} entities (${new Date().toISOString().slice(0, 10)})`);
  lines.push('');
  lines.push(`Written by \`npm run bench${ENTITIES === 20_000 ? '' : ` -- --entities ${ENTITIES}`}\` (bench/compare.ts) at commit ${SOURCE}; how to read it: bench/README.md.`);
  lines.push('');
  lines.push(
    `- Data: \`generateGraph({ entities: ${ENTITIES}, seed: 42 })\`: ${info.nodes} nodes, ${info.rels} relationships, loaded in ${(info.loadMs / 1000).toFixed(1)} s. ` +
      `Hub company for workload 4: \`${info.hubSlug}\` (${info.hubDeals} deals).`,
  );
  lines.push(
    `- Neo4j ${pinnedNeo4jVersion()} Community (local, 2g heap, 512m page cache); Node ${process.version}; ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? '?'}), ` +
      `${Math.round(totalmem() / 1024 ** 3)} GB RAM; @neo4j/graphql ${version('@neo4j/graphql')}, graphql-yoga ${version('graphql-yoga')}, neo4j-driver ${version('neo4j-driver')}.`,
  );
  lines.push(
    `- Machine load (1-minute load average) when timing started / ended: ${info.load[0].toFixed(1)} / ${info.load[1].toFixed(1)} on ${cpus().length} cores` +
      (Math.max(...info.load) > cpus().length * 0.75 ? ': other processes were busy, so milliseconds are inflated; ratios are fairer (the two servers are interleaved), but noisier.' : '.'),
  );
  lines.push(`- Each workload: ${WARMUP} warm-up operations per server, then ${ITERATIONS} sequential (interleaved), then ${ITERATIONS} at concurrency ${CONCURRENCY} (one server at a time).`);
  lines.push('- **ratio** = stargraph median ÷ baseline median: below 1.00 stargraph is faster, above 1.00 the baseline is.');
  lines.push('');
  lines.push('## Sequential (one operation at a time)');
  lines.push('');
  lines.push('| workload | ours median / p95 (ms) | theirs median / p95 (ms) | ratio | notes |');
  lines.push('|---|---|---|---|---|');
  for (const r of rows) {
    const notes = [verdict(r.seq.ours.median, r.seq.theirs.median)];
    if (!r.matches) notes.push('**answers differ** (see stderr)');
    if (r.workload.requests > 1) notes.push(`${r.workload.requests} requests per operation`);
    lines.push(`| ${r.workload.title} | ${ms(r.seq.ours.median)} / ${ms(r.seq.ours.p95)} | ${ms(r.seq.theirs.median)} / ${ms(r.seq.theirs.p95)} | ${ratio(r.seq.ours.median, r.seq.theirs.median)} | ${notes.join('; ')} |`);
  }
  lines.push('');
  lines.push(`## Concurrency ${CONCURRENCY}`);
  lines.push('');
  lines.push('| workload | ours median / p95 (ms) | theirs median / p95 (ms) | ratio | ours ops/s | theirs ops/s | notes |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    lines.push(
      `| ${r.workload.title} | ${ms(r.conc.ours.median)} / ${ms(r.conc.ours.p95)} | ${ms(r.conc.theirs.median)} / ${ms(r.conc.theirs.p95)} | ${ratio(r.conc.ours.median, r.conc.theirs.median)} | ` +
        `${r.conc.ours.opsPerSec.toFixed(1)} | ${r.conc.theirs.opsPerSec.toFixed(1)} | ${verdict(r.conc.ours.median, r.conc.theirs.median)} |`,
    );
  }
  lines.push('');
  lines.push('## Round trips and database work per operation');
  lines.push('');
  lines.push('Round trips: Cypher statements sent to Neo4j for one operation (ours from `extensions.cypher.roundTrips`, theirs counted on the driver). ' +
    (rows.some((r) => r.dbHits) ? 'db hits: the sum over those statements, each run once more under `PROFILE`.' : 'db hits not measured (`--no-profile`).'));
  lines.push('');
  lines.push('**ours db time**: median over 10 operations of `extensions.cypher.dbTimeMs` (time until Neo4j had answered every statement), next to our sequential median: the rest is spent in the server (GraphQL, DataLoader, driver).');
  lines.push('');
  lines.push('| workload | ours round trips | theirs round trips | ours db hits | theirs db hits | ours db time / total (ms) |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of rows) {
    lines.push(
      `| ${r.workload.title} | ${r.roundTrips.ours} | ${r.roundTrips.theirs} | ${r.dbHits?.ours ?? '–'} | ${r.dbHits?.theirs ?? '–'} | ${ms(r.oursDbTimeMs)} / ${ms(r.seq.ours.median)} |`,
    );
  }
  lines.push('');
  for (const f of info.failures) lines.push(`**${f.workload.title} failed** and is not in the tables: ${f.message.replace(/\s+/g, ' ').slice(0, 600)}`, '');
  const mismatched = rows.filter((r) => !r.matches);
  lines.push(
    mismatched.length === 0
      ? 'Both servers returned the same answer for every workload (checked before timing).'
      : `Answers differed for: ${mismatched.map((r) => r.workload.id).join(', ')}; those rows compare different work.`,
  );
  lines.push('');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
