/**
 * stargraph vs the Neo4j GraphQL Library vs one hand-written Cypher statement, on the same data
 * (run by hand: `npm run bench`; not part of the test suite). See bench/README.md.
 *
 *   npm run bench [-- --entities 100000] [--iterations 100] [--warmup 20] [--concurrency 8] [--no-profile]
 *                 [--only page,nested] [--keep | --data-dir DIR] [--heap 2g] [--pagecache 512m] [--table]
 *
 * Starts one local Neo4j (a temp data dir, or `--data-dir`; a free port, 2g heap + 512m page
 * cache), loads one generated graph (or reuses the one `--data-dir` already holds), then serves
 * it through (a) stargraph's yoga server, (b) a baseline built with @neo4j/graphql wrapped in a
 * plain graphql-yoga and (c) a bare fetch handler running one hand-written statement per request
 * (bench/raw/). All are called in-process through `fetch(Request)`, so no port or network is
 * involved. Writes bench/results/YYYY-MM-DD-<size>.md (and .json, which the "Cost as the graph
 * grows" table in bench/README.md is built from) and prints the report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import neo4j, { type Driver } from 'neo4j-driver';
import { openGraph } from '../src/open-graph.js';
import { parseConfig } from '../src/config.js';
import { loadGraph } from '../src/graph/bulk-load.js';
import { generateGraph } from '../src/graph/generator.js';
import { createLogger } from '../src/logger.js';
import { GraphDb } from '../src/neo4j/db.js';
import { pinnedNeo4jVersion } from '../src/neo4j/local-server.js';
import { createServer } from '../src/server.js';
import { createBaselineServer, RECORD_HEADER, type CapturedStatement } from './baseline/server.js';
import { GROWTH_SIZES, SIDES, writeGrowthTable, type ResultFile, type Side, type SideFigures } from './growth-table.js';
import { createRawServer, RAW_RECORD_HEADER } from './raw/server.js';
import { workloads, type Ask, type Operation, type Workload } from './workloads.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

function stringFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

const sizeLabel = (n: number) =>
  n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n);

const ENTITIES = flag('entities', 20_000);
const ITERATIONS = flag('iterations', 100);
const WARMUP = flag('warmup', 20);
/** `--warmup-ms 1000`: warm-up also lasts at least this long per contender (see the warm-up loop). */
const WARMUP_MS = flag('warmup-ms', 1000);
const CONCURRENCY = flag('concurrency', 8);
const PROFILE = !process.argv.includes('--no-profile');
/** `--only page,nested`: run just these workload ids. */
const ONLY = stringFlag('only')?.split(',') ?? null;
/**
 * `--sides ours,raw`: run only these contenders. Leaving the library out shows what our reads
 * cost without its statements between them (at 1M they take 0.1-0.6 s each and share Neo4j's
 * heap and caches). Such a run is written to results/sides/ and leaves the growth table alone.
 */
const SIDES_RUN: readonly Side[] = (() => {
  const asked = stringFlag('sides')?.split(',');
  if (!asked) return SIDES;
  const unknown = asked.filter((s) => !(SIDES as readonly string[]).includes(s));
  if (unknown.length > 0 || asked.length === 0)
    throw new Error(`--sides takes some of ${SIDES.join(', ')}; got ${asked.join(', ')}`);
  return SIDES.filter((s) => asked.includes(s));
})();
/** `--data-dir DIR`: the Neo4j data directory to use and keep; a graph it already holds is reused. */
const DATA_DIR = stringFlag('data-dir');
/** `--keep`: keep the temp data directory (and its loaded graph) for a later `--data-dir`. */
const KEEP = process.argv.includes('--keep');
/** `--heap 4g`, `--pagecache 2g`: Neo4j memory (the 1M graph outgrows a 512m page cache). */
const HEAP = stringFlag('heap') ?? '2g';
const PAGECACHE = stringFlag('pagecache') ?? '512m';
/** `--table`: only rewrite the "Cost as the graph grows" table of bench/README.md from results/*.json. */
const TABLE_ONLY = process.argv.includes('--table');
const SEED = 42;
const PREFIX = 'bench';
const SIZE = sizeLabel(ENTITIES);
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const README = fileURLToPath(new URL('./README.md', import.meta.url));
/** Written into the data directory once its graph is loaded, so `--data-dir` can reuse it. */
const MARKER = 'bench-graph.json';

interface GraphMarker {
  entities: number;
  seed: number;
  prefix: string;
  hubSlug: string;
  hubDeals: number;
  loadMs: number;
  loadedAt: string;
}

interface FetchServer {
  fetch(input: string, init?: RequestInit): Response | Promise<Response>;
}

/** An answer with errors: `code` is the first error's `extensions.code` (with its `limit`, if any). */
class AnswerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A client over an in-process server (`url` picks GraphQL or a raw statement); `onExtensions` sees each answer's extensions. */
function client(
  server: FetchServer,
  options: {
    headers?: Record<string, string>;
    onExtensions?: (e: Record<string, unknown>) => void;
    label?: string;
    raw?: boolean;
  } = {},
): Ask {
  const { headers = {}, onExtensions, label = 'server', raw = false } = options;
  return async (query, variables = {}) => {
    const response = await server.fetch(raw ? `http://bench.local/raw/${query}` : 'http://bench.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(raw ? { variables } : { query, variables }),
    });
    const body = (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions?: { code?: string; limit?: string } }[];
      extensions?: Record<string, unknown>;
    };
    if (body.errors?.length || !body.data) {
      const first = body.errors?.[0]?.extensions;
      const code = `${first?.code ?? `HTTP_${response.status}`}${first?.limit ? ` (${first.limit})` : ''}`;
      throw new AnswerError(code, `${label}: ${code}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    }
    if (body.extensions && onExtensions) onExtensions(body.extensions);
    return body.data;
  };
}

interface Measurement {
  ms: number;
  cpuMs: number;
}

/**
 * One operation, with its wall time and the Node CPU (user + system) the process spent meanwhile.
 * Neo4j runs in its own process, so this is the server side's CPU only (GraphQL, the driver).
 */
async function measured(op: Operation, ask: Ask): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await op(ask);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

interface Timing {
  median: number;
  p95: number;
  opsPerSec: number;
  /** Node CPU per operation, ms. */
  cpuMs: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summarizeSequential(samples: Measurement[]): Timing {
  const latencies = samples.map((s) => s.ms);
  const total = latencies.reduce((sum, v) => sum + v, 0);
  return {
    median: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    opsPerSec: (samples.length * 1000) / total,
    cpuMs: samples.reduce((sum, s) => sum + s.cpuMs, 0) / samples.length,
  };
}

/** `total` operations by `workers` concurrent loops; Node CPU over the whole run, per operation. */
async function concurrent(op: Operation, ask: Ask, total: number, workers: number): Promise<Timing> {
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        await op(ask);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    median: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    opsPerSec: (latencies.length * 1000) / wallMs,
    cpuMs: (used.user + used.system) / 1000 / latencies.length,
  };
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Sum of db hits over a profiled plan tree. */
function dbHits(plan: { dbHits?: number; children?: unknown[] } | false | undefined): number {
  if (!plan) return 0;
  return (
    Number(plan.dbHits ?? 0) + (plan.children ?? []).reduce<number>((sum, child) => sum + dbHits(child as never), 0)
  );
}

/** Total db hits of the statements; undefined when none were captured (nothing to profile). */
async function profile(driver: Driver, statements: CapturedStatement[]): Promise<number | undefined> {
  if (statements.length === 0) return undefined;
  let total = 0;
  for (const { cypher, params } of statements) {
    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      // The library prefixes `CYPHER 5`; PROFILE goes after the version.
      const text = /^\s*CYPHER\s+\d+\s*/i.test(cypher)
        ? cypher.replace(/^\s*(CYPHER\s+\d+)\s*/i, '$1 PROFILE ')
        : `PROFILE ${cypher}`;
      const result = await session.run(text, params);
      total += dbHits(result.summary.profile);
    } finally {
      await session.close();
    }
  }
  return total;
}

/**
 * A driver whose statements are recorded into `sink`: `executeQuery` calls, and `run` on its
 * sessions (stargraph's reads are auto-commit queries in READ sessions).
 */
function recordingDriver(driver: Driver, sink: CapturedStatement[]): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'executeQuery') {
        return (cypher: string, params: Record<string, unknown>, config: unknown) => {
          sink.push({ cypher, params: params ?? {} });
          return target.executeQuery(cypher, params, config as never);
        };
      }
      if (property === 'session') {
        return (config: unknown) => {
          const session = target.session(config as never);
          const run = session.run.bind(session);
          session.run = ((cypher: string, params?: Record<string, unknown>, txConfig?: unknown) => {
            sink.push({ cypher, params: params ?? {} });
            return run(cypher, params, txConfig as never);
          }) as typeof session.run;
          return session;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Where two digests first differ, as a path and both values (for the report). */
function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!isDeepStrictEqual(a[i], b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

interface SideResult {
  seq: Timing;
  conc: Timing;
  roundTrips: number;
  dbHits?: number;
}

interface Row {
  workload: Workload;
  /** Figures of each side that answered. */
  results: Partial<Record<Side, SideResult>>;
  /** Sides that answered with an error: the code (and limit) they gave. */
  refused: Partial<Record<Side, { code: string; message: string }>>;
  oursDbTimeMs?: number;
  /** Set when nothing was timed: the answers differed, or no side answered. */
  failed?: string;
}

function log(message: string) {
  process.stderr.write(`${message}\n`);
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const k = list.length === 0 ? 0 : by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

const SIDE_NAMES: Record<Side, string> = { ours: 'stargraph', theirs: 'baseline', raw: 'raw' };

async function main() {
  if (TABLE_ONLY) {
    writeGrowthTable(README, RESULTS_DIR);
    log(`Rewrote the "Cost as the graph grows" table in ${README}`);
    return;
  }
  const dataDir = DATA_DIR ? resolve(DATA_DIR) : mkdtempSync(join(tmpdir(), 'stargraph-bench-'));
  const keepDir = Boolean(DATA_DIR) || KEEP;
  // Only what the bench decides: no NEO4J_URI (always a local server of our own), quiet logs,
  // the debug header allowed (only the round-trip count asks for it), production error
  // masking and production limits (MAX_COMPLEXITY and the rest at their defaults).
  const config = parseConfig({
    NODE_ENV: 'production',
    NEO4J_DATA_DIR: dataDir,
    // 2g heap by default: the baseline needs it (with 1g, its connection paging ran out of
    // transaction memory at 100k entities).
    NEO4J_HEAP: HEAP,
    NEO4J_PAGECACHE: PAGECACHE,
    LOG_LEVEL: 'warn',
    // The response cache would answer every repeated read from memory (bench/results/live.md
    // measures that); here each operation is served from Neo4j, as the other contenders' are.
    RESPONSE_CACHE_TTL_MS: '0',
    DEBUG_EXTENSIONS_HEADER: 'true',
    SEED_ON_EMPTY: 'false',
  });
  const logger = createLogger(config.logLevel);
  log(`Starting a local Neo4j in ${dataDir}${keepDir ? ' (kept afterwards)' : ' (deleted afterwards)'}...`);
  const opened = await openGraph(config, logger);
  // Ctrl-C: the attached Neo4j stops by itself when we exit; a temp directory is ours to delete.
  process.once('SIGINT', () => {
    if (!keepDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
  let theirDriver: Driver | undefined;
  try {
    const markerFile = join(dataDir, MARKER);
    let marker = existsSync(markerFile) ? (JSON.parse(readFileSync(markerFile, 'utf8')) as GraphMarker) : undefined;
    if (marker && (marker.entities !== ENTITIES || marker.seed !== SEED || marker.prefix !== PREFIX)) {
      throw new Error(
        `${dataDir} holds a graph of ${marker.entities} entities (seed ${marker.seed}); pass --entities ${marker.entities} or another --data-dir`,
      );
    }
    const reused = Boolean(marker);
    if (marker) {
      log(`Reusing the graph of ${marker.entities} entities loaded into ${dataDir} on ${marker.loadedAt}`);
    } else {
      const [existing] = await opened.graph.db().read('MATCH (n:Entity) RETURN count(n) AS n');
      if (Number(existing?.n ?? 0) > 0)
        throw new Error(
          `${dataDir} already holds ${String(existing?.n)} entities not loaded by the bench; use an empty directory`,
        );
      log(`Generating and loading ${ENTITIES} entities...`);
      const data = generateGraph({ entities: ENTITIES, seed: SEED, prefix: PREFIX });
      const loadStarted = performance.now();
      const loaded = await loadGraph(opened.graph.db(), data, { concurrency: 2 });
      const loadMs = performance.now() - loadStarted;
      log(
        `Loaded ${loaded.total.entities} entities, ${loaded.total.relationships} relationships in ${(loadMs / 1000).toFixed(1)} s`,
      );
      const deals = new Map<string, number>();
      for (const r of data.relationships) if (r.type === 'PARTY_TO') deals.set(r.from, (deals.get(r.from) ?? 0) + 1);
      const [hubSlug, hubDeals] = [...deals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
      marker = {
        entities: ENTITIES,
        seed: SEED,
        prefix: PREFIX,
        hubSlug,
        hubDeals,
        loadMs,
        loadedAt: new Date().toISOString(),
      };
      // Only a kept directory needs it; written last, so a half-loaded graph is never reused.
      if (keepDir) writeFileSync(markerFile, JSON.stringify(marker, null, 2));
    }
    const { hubSlug, hubDeals } = marker;
    const list = workloads({ hubSlug, valueRange: { gte: 1e9, lte: 1e10 }, analystMin: 5e10 });

    const ours = createServer({ config, graph: opened.graph, logger });
    theirDriver = neo4j.driver(opened.uri, neo4j.auth.basic(opened.connection.user, opened.connection.password), {
      logging: { level: 'error', logger: () => {} },
    });
    const theirRecorded: CapturedStatement[] = [];
    const theirs = await createBaselineServer(theirDriver, theirRecorded);
    // The same driver instance and database stargraph reads through.
    const rawRecorded: CapturedStatement[] = [];
    const raw = createRawServer(opened.graph.driver, opened.graph.database, rawRecorded);
    const ask: Record<Side, Ask> = {
      ours: client(ours, { label: 'stargraph' }),
      theirs: client(theirs, { label: 'baseline' }),
      raw: client(raw, { label: 'raw', raw: true }),
    };
    const operation = (workload: Workload, side: Side): Operation => workload[side];

    const oursRecorded: CapturedStatement[] = [];
    const recordingGraph = new GraphDb(
      recordingDriver(opened.graph.driver, oursRecorded),
      opened.graph.database,
      config.limits.queryTimeoutMs,
    );
    const oursRecording = createServer({ config, graph: recordingGraph, logger });

    /** Cypher statements one operation sends, captured per side (ours through the recording server). */
    const capture = async (workload: Workload, side: Side): Promise<CapturedStatement[]> => {
      if (side === 'ours') {
        oursRecorded.length = 0;
        await workload.ours(client(oursRecording));
        return [...oursRecorded];
      }
      const sink = side === 'theirs' ? theirRecorded : rawRecorded;
      const before = sink.length;
      await operation(
        workload,
        side,
      )(
        side === 'theirs'
          ? client(theirs, { headers: { [RECORD_HEADER]: '1' } })
          : client(raw, { raw: true, headers: { [RAW_RECORD_HEADER]: '1' } }),
      );
      return sink.slice(before);
    };

    const loadBefore = loadavg()[0]!;
    const rows: Row[] = [];
    for (const [index, workload] of list.entries()) {
      if (ONLY && !ONLY.includes(workload.id)) continue;
      log(`\n${workload.title}`);
      const row: Row = { workload, results: {}, refused: {} };
      rows.push(row);
      try {
        // Every side answers once; an error is that side's result ("refused: CODE"), the others go on.
        const digests = new Map<Side, unknown>();
        for (const side of SIDES_RUN) {
          try {
            digests.set(side, workload.digest(await operation(workload, side)(ask[side])));
          } catch (error) {
            const code = error instanceof AnswerError ? error.code : 'ERROR';
            const message = error instanceof Error ? error.message : String(error);
            row.refused[side] = { code, message };
            log(`  refused: ${message}`);
          }
        }
        const answered = [...digests.keys()];
        if (answered.length === 0) throw new Error('no server answered');
        const [reference, ...others] = answered;
        const differing = others.filter((side) => !isDeepStrictEqual(digests.get(side), digests.get(reference!)));
        if (differing.length > 0) {
          throw new Error(
            `answers differ, not timed: ${differing
              .map(
                (side) =>
                  `${SIDE_NAMES[reference!]} vs ${SIDE_NAMES[side]} at ${firstDifference(digests.get(reference!), digests.get(side))}`,
              )
              .join('; ')}`,
          );
        }

        const statements = new Map<Side, CapturedStatement[]>();
        for (const side of answered) statements.set(side, await capture(workload, side));
        let roundTripsOurs = 0;
        if (answered.includes('ours')) {
          await workload.ours(
            client(ours, {
              headers: { 'x-debug-cypher': '1' },
              onExtensions: (e) =>
                (roundTripsOurs += Number((e.cypher as { roundTrips?: number } | undefined)?.roundTrips ?? 0)),
            }),
          );
        }

        // Warm up by count and by time: V8 optimises a function only after many calls, so 20 cheap
        // operations (the floor's are 0.1 ms) leave every server's code cold and the figure
        // measures the JIT, not the server. At least WARMUP_MS per server, interleaved.
        const warmupUntil = performance.now() + WARMUP_MS * answered.length;
        for (let i = 0; i < WARMUP || performance.now() < warmupUntil; i++)
          for (const side of answered) await operation(workload, side)(ask[side]);
        // Sequential, interleaved in rotating order (ours, theirs, raw; theirs, raw, ours; ...) so drift hits all alike.
        const seq = new Map<Side, Measurement[]>(answered.map((side) => [side, []]));
        for (let i = 0; i < ITERATIONS; i++) {
          for (const side of rotate(answered, i))
            seq.get(side)!.push(await measured(operation(workload, side), ask[side]));
        }
        // Concurrent: one side at a time (they would compete for the same 2 cores otherwise),
        // the side that goes first rotating by workload.
        const conc = new Map<Side, Timing>();
        for (const side of rotate(answered, index))
          conc.set(side, await concurrent(operation(workload, side), ask[side], ITERATIONS, CONCURRENCY));

        if (answered.includes('ours')) {
          // Our database time per operation (extensions.cypher.dbTimeMs), median of 10 once warm,
          // to tell time spent in Neo4j from time spent in the server.
          const dbTimes: number[] = [];
          for (let i = 0; i < 10; i++) {
            let dbTime = 0;
            await workload.ours(
              client(ours, {
                headers: { 'x-debug-cypher': '1' },
                onExtensions: (e) => (dbTime += Number((e.cypher as { dbTimeMs?: number } | undefined)?.dbTimeMs ?? 0)),
              }),
            );
            dbTimes.push(dbTime);
          }
          row.oursDbTimeMs = quantile(dbTimes, 0.5);
        }
        for (const side of answered) {
          const captured = statements.get(side)!;
          row.results[side] = {
            seq: summarizeSequential(seq.get(side)!),
            conc: conc.get(side)!,
            roundTrips: side === 'ours' ? roundTripsOurs : captured.length,
            dbHits: PROFILE && workload.id !== 'floor' ? await profile(theirDriver, captured) : undefined,
          };
        }
        log(
          '  sequential median / Node CPU per op: ' +
            SIDES.map((side) => {
              const r = row.results[side];
              return `${SIDE_NAMES[side]} ${r ? `${ms(r.seq.median)} / ${ms(r.seq.cpuMs)} ms` : `refused (${row.refused[side]?.code})`}`;
            }).join(', '),
        );
      } catch (error) {
        // A workload failing is a result too: recorded, and the run goes on.
        row.failed = error instanceof Error ? error.message : String(error);
        log(`  FAILED: ${row.failed}`);
      }
    }

    const counts = await opened.graph
      .db()
      .read('MATCH (n) WITH count(n) AS nodes CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels');
    const info: ReportInfo = {
      hubSlug,
      hubDeals,
      loadMs: marker.loadMs,
      reusedFrom: reused ? marker.loadedAt : undefined,
      nodes: Number(counts[0]?.nodes ?? 0),
      rels: Number(counts[0]?.rels ?? 0),
      load: [loadBefore, loadavg()[0]!],
    };
    const report = render(rows, info);
    const partial = SIDES_RUN.length < SIDES.length;
    const dir = partial ? join(RESULTS_DIR, 'sides') : RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `${DATE}-${SIZE}${partial ? `-${SIDES_RUN.join('-')}` : ''}`);
    writeFileSync(`${base}.md`, report);
    writeFileSync(`${base}.json`, `${JSON.stringify(resultFile(rows), null, 2)}\n`);
    process.stdout.write(report);
    log(`\nWrote ${base}.md and .json`);
    if (!partial && (GROWTH_SIZES as readonly string[]).includes(SIZE)) {
      writeGrowthTable(README, RESULTS_DIR);
      log(`Updated the "Cost as the graph grows" table in ${README}`);
    }
  } finally {
    await theirDriver?.close();
    await opened.close();
    if (keepDir) log(`Kept the graph: rerun with \`npm run bench -- --entities ${ENTITIES} --data-dir ${dataDir}\``);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

const DATE = new Date().toISOString().slice(0, 10);

function resultFile(rows: Row[]): ResultFile {
  return {
    size: SIZE,
    entities: ENTITIES,
    date: DATE,
    commit: SOURCE,
    iterations: ITERATIONS,
    concurrency: CONCURRENCY,
    workloads: rows.map((r) => ({
      id: r.workload.id,
      title: r.workload.title,
      requests: r.workload.requests,
      ...(r.failed ? { failed: r.failed } : {}),
      sides: Object.fromEntries(
        SIDES.flatMap((side): Array<[Side, SideFigures | { refused: string }]> => {
          const result = r.results[side];
          if (result) {
            const figures: SideFigures = {
              seqMedianMs: result.seq.median,
              seqP95Ms: result.seq.p95,
              seqCpuMs: result.seq.cpuMs,
              concMedianMs: result.conc.median,
              concOpsPerSec: result.conc.opsPerSec,
              concCpuMs: result.conc.cpuMs,
              roundTrips: result.roundTrips,
              ...(result.dbHits === undefined ? {} : { dbHits: result.dbHits }),
            };
            return [[side, figures]];
          }
          const refused = r.refused[side];
          return refused ? [[side, { refused: refused.code }]] : [];
        }),
      ),
    })),
  };
}

/** ours ÷ other, or '–' when either side has no figure. */
const ratio = (ours: number | undefined, other: number | undefined) =>
  ours !== undefined && other ? (ours / other).toFixed(2) : '–';

function verdict(ours: number, theirs: number, who: string): string {
  const r = ours / theirs;
  if (r < 0.95) return `stargraph ${(1 / r).toFixed(1)}× faster than ${who}`;
  if (r > 1.05) return `**${who} ${r.toFixed(1)}× faster**`;
  return `even with ${who} (within 5%)`;
}

/** The commit the servers ran from, and whether src/ differed from it. */
function provenance(): string {
  const git = (...args: string[]) =>
    spawnSync('git', args, { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) }).stdout?.trim() ??
    '';
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'src') ? `${head} with uncommitted changes in src/` : head;
}
const SOURCE = provenance();

interface ReportInfo {
  hubSlug: string;
  hubDeals: number;
  loadMs: number;
  /** When the graph was loaded by an earlier run (`--data-dir`). */
  reusedFrom?: string;
  nodes: number;
  rels: number;
  load: [number, number];
}

function render(rows: Row[], info: ReportInfo): string {
  const version = (pkg: string) =>
    (
      JSON.parse(
        readFileSync(fileURLToPath(new URL(`../node_modules/${pkg}/package.json`, import.meta.url)), 'utf8'),
      ) as { version: string }
    ).version;
  const timed = rows.filter((r) => !r.failed);
  /** A side's cell: its figure, or why it has none (the code in full where a cell holds one side only). */
  const cell = (r: Row, side: Side, figure: (s: SideResult) => string, short = false) => {
    const result = r.results[side];
    if (result) return figure(result);
    const refused = r.refused[side];
    return refused ? (short ? 'refused' : `refused: ${refused.code}`) : '–';
  };
  const lines: string[] = [];
  lines.push(`# stargraph vs Neo4j GraphQL Library vs raw Cypher: ${SIZE} entities (${DATE})`);
  lines.push('');
  lines.push(
    `Written by \`npm run bench${ENTITIES === 20_000 ? '' : ` -- --entities ${ENTITIES}`}\` (bench/compare.ts) at commit ${SOURCE}; how to read it: bench/README.md.`,
  );
  lines.push('');
  lines.push(
    `- Data: \`generateGraph({ entities: ${ENTITIES}, seed: ${SEED} })\`: ${info.nodes} nodes, ${info.rels} relationships, loaded in ${(info.loadMs / 1000).toFixed(1)} s` +
      `${info.reusedFrom ? ` by an earlier run (${info.reusedFrom}; reused with \`--data-dir\`)` : ''}. ` +
      `Hub company for workloads 4 and 7: \`${info.hubSlug}\` (${info.hubDeals} deals).`,
  );
  lines.push(
    `- Neo4j ${pinnedNeo4jVersion()} Community (local, ${HEAP} heap, ${PAGECACHE} page cache); Node ${process.version}; ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? '?'}), ` +
      `${Math.round(totalmem() / 1024 ** 3)} GB RAM; @neo4j/graphql ${version('@neo4j/graphql')}, graphql-yoga ${version('graphql-yoga')}, neo4j-driver ${version('neo4j-driver')}.`,
  );
  lines.push(
    `- Machine load (1-minute load average) when timing started / ended: ${info.load[0].toFixed(1)} / ${info.load[1].toFixed(1)} on ${cpus().length} cores` +
      (Math.max(...info.load) > cpus().length * 0.75
        ? ': other processes were busy, so milliseconds are inflated; ratios are fairer (the servers are interleaved), but noisier.'
        : '.'),
  );
  lines.push(
    `- Each workload: ${WARMUP} warm-up operations per server (and at least ${WARMUP_MS} ms per server), then ${ITERATIONS} sequential (interleaved), then ${ITERATIONS} at concurrency ${CONCURRENCY} (one server at a time).`,
  );
  lines.push(
    '- **ours** = stargraph (production config and limits), **theirs** = the Neo4j GraphQL Library, **raw** = one hand-written Cypher statement per request behind a bare fetch handler (bench/raw/). ' +
      'Ratios are ours ÷ theirs and ours ÷ raw: for times and CPU, below 1.00 stargraph is cheaper; for throughput, above 1.00 stargraph is faster.',
  );
  lines.push('');
  lines.push('## Sequential (one operation at a time)');
  lines.push('');
  lines.push(
    '| workload | ours median / p95 (ms) | theirs median / p95 (ms) | raw median / p95 (ms) | ours ÷ theirs | ours ÷ raw | notes |',
  );
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of timed) {
    const o = r.results.ours?.seq.median;
    const t = r.results.theirs?.seq.median;
    const w = r.results.raw?.seq.median;
    const notes: string[] = [];
    if (o !== undefined && t !== undefined) notes.push(verdict(o, t, 'baseline'));
    if (r.workload.requests > 1) notes.push(`${r.workload.requests} requests per operation`);
    const fig = (s: SideResult) => `${ms(s.seq.median)} / ${ms(s.seq.p95)}`;
    lines.push(
      `| ${r.workload.title} | ${cell(r, 'ours', fig)} | ${cell(r, 'theirs', fig)} | ${cell(r, 'raw', fig)} | ${ratio(o, t)} | ${ratio(o, w)} | ${notes.join('; ')} |`,
    );
  }
  lines.push('');
  lines.push(`## Concurrency ${CONCURRENCY}`);
  lines.push('');
  lines.push(
    '| workload | ours ops/s | theirs ops/s | raw ops/s | throughput ours ÷ theirs | throughput ours ÷ raw | median ms ours / theirs / raw |',
  );
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of timed) {
    const ops = (s: SideResult) => s.conc.opsPerSec.toFixed(1);
    const medians = SIDES.map((side) => (r.results[side] ? ms(r.results[side].conc.median) : '–')).join(' / ');
    lines.push(
      `| ${r.workload.title} | ${cell(r, 'ours', ops)} | ${cell(r, 'theirs', ops)} | ${cell(r, 'raw', ops)} | ` +
        `${ratio(r.results.ours?.conc.opsPerSec, r.results.theirs?.conc.opsPerSec)} | ${ratio(r.results.ours?.conc.opsPerSec, r.results.raw?.conc.opsPerSec)} | ${medians} |`,
    );
  }
  lines.push('');
  lines.push('## Node CPU per operation');
  lines.push('');
  lines.push(
    'Milliseconds of CPU (user + system, `process.cpuUsage()`) the Node process spent per operation, measured in the same runs as the tables above: ' +
      "sequential as the sum over each operation's own span, concurrency as the whole run's delta ÷ operations. Neo4j runs in its own process and is not counted.",
  );
  lines.push('');
  lines.push(
    `| workload | sequential ours / theirs / raw | concurrency ${CONCURRENCY} ours / theirs / raw | ours ÷ theirs (seq, conc) | ours ÷ raw (seq, conc) |`,
  );
  lines.push('|---|---|---|---|---|');
  for (const r of timed) {
    const cpu = (pick: (s: SideResult) => number) =>
      SIDES.map((side) => cell(r, side, (s) => ms(pick(s)), true)).join(' / ');
    const pair = (other: Side) =>
      `${ratio(r.results.ours?.seq.cpuMs, r.results[other]?.seq.cpuMs)}, ${ratio(r.results.ours?.conc.cpuMs, r.results[other]?.conc.cpuMs)}`;
    lines.push(
      `| ${r.workload.title} | ${cpu((s) => s.seq.cpuMs)} | ${cpu((s) => s.conc.cpuMs)} | ${pair('theirs')} | ${pair('raw')} |`,
    );
  }
  lines.push('');
  lines.push('## Round trips and database work per operation');
  lines.push('');
  lines.push(
    'Round trips: Cypher statements sent to Neo4j for one operation (ours from `extensions.cypher.roundTrips`, theirs and raw counted on the driver). ' +
      (rows.some((r) => SIDES.some((side) => r.results[side]?.dbHits !== undefined))
        ? 'db hits: the sum over those statements, each run once more under `PROFILE`.'
        : 'db hits not measured (`--no-profile`).'),
  );
  lines.push('');
  lines.push(
    '**ours db time**: median over 10 operations of `extensions.cypher.dbTimeMs` (time until Neo4j had answered every statement), next to our sequential median: the rest is spent in the server (GraphQL, DataLoader, driver).',
  );
  lines.push('');
  lines.push(
    '| workload | round trips ours / theirs / raw | db hits ours / theirs / raw | ours db time / total (ms) |',
  );
  lines.push('|---|---|---|---|');
  for (const r of timed) {
    const trips = SIDES.map((side) => cell(r, side, (s) => String(s.roundTrips), true)).join(' / ');
    const hits = SIDES.map((side) =>
      cell(r, side, (s) => (s.dbHits === undefined ? '–' : String(s.dbHits)), true),
    ).join(' / ');
    const ours = r.results.ours;
    lines.push(
      `| ${r.workload.title} | ${trips} | ${hits} | ${ours && r.oursDbTimeMs !== undefined ? `${ms(r.oursDbTimeMs)} / ${ms(ours.seq.median)}` : '–'} |`,
    );
  }
  lines.push('');
  const refusals = rows.flatMap((r) =>
    SIDES.flatMap((side) => (r.refused[side] ? [{ r, side, ...r.refused[side] }] : [])),
  );
  if (refusals.length > 0) {
    lines.push('## Refused');
    lines.push('');
    for (const f of refusals)
      lines.push(
        `- **${f.r.workload.title}**: ${SIDE_NAMES[f.side]} answered \`${f.code}\` and was not timed: ${f.message.replace(/\s+/g, ' ').slice(0, 400)}`,
      );
    lines.push('');
  }
  for (const r of rows.filter((x) => x.failed))
    lines.push(
      `**${r.workload.title} failed** and is not in the tables: ${r.failed!.replace(/\s+/g, ' ').slice(0, 600)}`,
      '',
    );
  lines.push(
    rows.some((r) => r.failed?.startsWith('answers differ'))
      ? 'Some answers differed (above); those workloads were not timed.'
      : 'Every server that answered returned the same answer for every timed workload (checked before timing).',
  );
  lines.push('');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
