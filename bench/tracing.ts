/**
 * What tracing costs: throughput of the nested workload (bench/workloads.ts, `nested`: 20
 * companies → 5 deals → 5 parties → 3 leaders) with OpenTelemetry on, exporting every span over
 * OTLP/HTTP through a BatchSpanProcessor to a receiver in this process, against tracing off (no
 * endpoint: no SDK). Target: at most 10% fewer requests per second.
 *
 *   npm run bench:tracing                                   # 2,000 entities, 5 rounds (about 4 minutes with Neo4j start)
 *   npm run bench:tracing -- --rounds 5 --seconds 15 --concurrency 8 --entities 20000
 *   npm run bench:tracing -- --data-dir ~/bench-tracing   # keeps the directory and its graph for the next run
 *
 * Each round runs both modes, each in a fresh child process (a registered OpenTelemetry provider
 * cannot be taken back within a process), alternating which goes first; the report gives each
 * round's figures, each round's on/off ratios and their medians. Writes results/<date>-tracing.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import { loadGraph } from '../src/graph/bulk-load.js';
import { generateGraph } from '../src/graph/generator.js';
import { createLogger } from '../src/logger.js';
import { createDriver, GraphDb } from '../src/neo4j/db.js';
import { openGraph } from '../src/open-graph.js';
import { createServer } from '../src/server.js';
import { startTracing } from '../src/tracing.js';
import { workloads, type Ask } from './workloads.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}
const stringFlag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const ENTITIES = flag('entities', 2_000);
const ROUNDS = flag('rounds', 5);
const SECONDS = flag('seconds', 8);
const WARMUP_SECONDS = flag('warmup-seconds', 4);
const CONCURRENCY = flag('concurrency', 8);

type Mode = 'off' | 'on';
interface RoundResult {
  mode: Mode;
  requests: number;
  seconds: number;
  rps: number;
  /** CPU (user + system) this process spent in the timed window: GraphQL, the driver, tracing and its export. */
  cpuMs: number;
}

const log = (message: string) => process.stderr.write(`[bench:tracing] ${message}\n`);

/** The nested workload's operation, asked through `fetch` of the server (no port). */
function nestedOperation() {
  const nested = workloads({ hubSlug: 'unused', valueRange: { gte: 0, lte: 1 }, analystMin: 0 }).find(
    (w) => w.id === 'nested',
  );
  if (!nested) throw new Error('bench/workloads.ts has no `nested` workload');
  return nested.ours;
}

/** Child: one server in one mode, driven at CONCURRENCY for SECONDS after a warm-up; prints its figures. */
async function child(mode: Mode, uri: string, user: string, password: string, otlp: string | undefined) {
  const config = parseConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    NEO4J_URI: uri,
    NEO4J_USER: user,
    NEO4J_PASSWORD: password,
    RESPONSE_CACHE_TTL_MS: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: mode === 'on' ? otlp : undefined,
  });
  const tracing = await startTracing(config.tracing);
  if ((mode === 'on') !== Boolean(tracing)) throw new Error(`tracing should be ${mode}`);
  const graph = new GraphDb(
    createDriver({ ...config.neo4j, uri }),
    config.neo4j.database,
    config.limits.queryTimeoutMs,
  );
  const yoga = createServer({ config, graph, logger: createLogger('warn') });
  const ask: Ask = async (query, variables = {}) => {
    const response = await yoga.fetch('http://bench.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body).slice(0, 400));
    return body.data;
  };
  const operation = nestedOperation();
  const drive = async (seconds: number) => {
    const until = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          await operation(ask);
          done += 1;
        }
      }),
    );
    return done;
  };
  await drive(WARMUP_SECONDS);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const requests = await drive(SECONDS);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await tracing?.shutdown();
  await yoga.dispose();
  await graph.close();
  const result: RoundResult = {
    mode,
    requests,
    seconds,
    rps: requests / seconds,
    cpuMs: (used.user + used.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** An OTLP/HTTP traces endpoint that counts the spans it is sent (and keeps nothing else). */
async function countingReceiver() {
  let spans = 0;
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }>;
      };
      for (const r of body.resourceSpans ?? []) for (const s of r.scopeSpans ?? []) spans += s.spans?.length ?? 0;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function runChild(mode: Mode, uri: string, user: string, password: string, otlp: string): Promise<RoundResult> {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--child',
    mode,
    '--uri',
    uri,
    '--user',
    user,
    '--otlp',
    otlp,
    ...['--seconds', String(SECONDS), '--warmup-seconds', String(WARMUP_SECONDS), '--concurrency', String(CONCURRENCY)],
  ];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, BENCH_NEO4J_PASSWORD: password, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as RoundResult)
        : reject(new Error(`${mode}: exit ${code}`)),
    );
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Written into a kept `--data-dir` once its graph is loaded, so the next run reuses it. */
const MARKER = 'bench-tracing-graph.json';

async function main() {
  const keptDir = stringFlag('data-dir');
  const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'stargraph-bench-tracing-'));
  const config = parseConfig({
    NODE_ENV: 'production',
    NEO4J_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_ON_EMPTY: 'false',
  });
  log(`Starting (or reusing) a local Neo4j in ${dataDir}${keptDir ? '' : ' (deleted afterwards)'}...`);
  const opened = await openGraph(config, createLogger('warn'));
  const receiver = await countingReceiver();
  try {
    const marker = join(dataDir, MARKER);
    if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).entities === ENTITIES) {
      log(`Reusing the graph of ${ENTITIES} entities in ${dataDir}`);
    } else {
      log(`Generating and loading ${ENTITIES} entities...`);
      await loadGraph(opened.graph.db(), generateGraph({ entities: ENTITIES, seed: 42, prefix: 'bench' }), {
        concurrency: 2,
      });
      if (keptDir) writeFileSync(marker, JSON.stringify({ entities: ENTITIES }));
    }
    const results: RoundResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which mode goes first, so a machine growing busier does not favour one.
      const order: Mode[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) {
        const r = await runChild(mode, opened.uri, opened.connection.user, opened.connection.password, receiver.base);
        log(`round ${round + 1}, tracing ${mode}: ${r.rps.toFixed(1)} requests/s`);
        results.push(r);
      }
    }
    const spans = receiver.spans();
    const summary = summarize(results);
    const report = render(results, summary, spans);
    const file = fileURLToPath(
      new URL(`./results/${new Date().toISOString().slice(0, 10)}-tracing.md`, import.meta.url),
    );
    writeFileSync(file, report);
    log(
      `throughput on/off ${summary.throughput.toFixed(3)}, CPU per request on/off ${summary.cpu.toFixed(3)}; ` +
        `${spans} spans exported; wrote ${file}`,
    );
  } finally {
    await receiver.close();
    await opened.close();
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

const cpuPerRequest = (r: RoundResult) => r.cpuMs / r.requests;

/**
 * Each round's on/off ratios (the two runs of a round are back to back, so they share the
 * machine's load best), and their medians: throughput (requests/s) and Node CPU per request.
 */
function summarize(results: RoundResult[]) {
  const rounds: Array<{ throughput: number; cpu: number }> = [];
  for (let i = 0; i + 1 < results.length; i += 2) {
    const [on, off] = results[i]!.mode === 'on' ? [results[i]!, results[i + 1]!] : [results[i + 1]!, results[i]!];
    rounds.push({ throughput: on.rps / off.rps, cpu: cpuPerRequest(on) / cpuPerRequest(off) });
  }
  return {
    rounds,
    throughput: median(rounds.map((r) => r.throughput)),
    cpu: median(rounds.map((r) => r.cpu)),
  };
}

const percent = (ratio: number, worse: string, better: string) =>
  ratio >= 1 ? `${((ratio - 1) * 100).toFixed(1)}% ${worse}` : `${((1 - ratio) * 100).toFixed(1)}% ${better}`;

function render(results: RoundResult[], summary: ReturnType<typeof summarize>, spans: number): string {
  const rows = results.map(
    (r, i) =>
      `| ${Math.floor(i / 2) + 1} | ${r.mode} | ${r.requests} | ${r.seconds.toFixed(1)} | ${r.rps.toFixed(1)} | ${cpuPerRequest(r).toFixed(2)} |`,
  );
  return [
    `# Tracing cost, nested workload (${new Date().toISOString().slice(0, 10)})`,
    '',
    '`npm run bench:tracing -- ' +
      `--entities ${ENTITIES} --rounds ${ROUNDS} --seconds ${SECONDS} --warmup-seconds ${WARMUP_SECONDS} --concurrency ${CONCURRENCY}\``,
    '',
    `Nested workload (20 companies → 5 deals → 5 parties → 3 leaders, bench/workloads.ts) on a ` +
      `${ENTITIES}-entity graph, ${CONCURRENCY} concurrent loops through \`yoga.fetch\`, production mode, ` +
      'response cache off. **on**: OTLP/HTTP export of every span (request, parse, validate, execute, ' +
      'plan, statements) through a BatchSpanProcessor to a receiver in the parent process; **off**: no ' +
      'endpoint, no SDK. Each run is a fresh process; a round runs both, back to back, the order ' +
      "alternating. CPU is the server process's (user + system) over the timed window: GraphQL, the " +
      'driver, and with tracing the spans and their export (the receiver is another process, as a ' +
      'collector would be).',
    '',
    `Machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end (shared with other work: compare within a round, not across).`,
    '',
    '| round | tracing | requests | seconds | requests/s | CPU ms/request |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '| round | throughput on/off | CPU per request on/off |',
    '|---|---|---|',
    ...summary.rounds.map((r, i) => `| ${i + 1} | ${r.throughput.toFixed(3)} | ${r.cpu.toFixed(3)} |`),
    `| **median** | **${summary.throughput.toFixed(3)}** | **${summary.cpu.toFixed(3)}** |`,
    '',
    `Throughput with tracing: ${percent(summary.throughput, 'higher (noise)', 'lower')}; CPU per request: ` +
      `${percent(summary.cpu, 'more', 'less (noise)')} (target: at most 10% lower throughput).`,
    '',
    `Spans the receiver got: ${spans}.`,
    '',
  ].join('\n');
}

if (process.argv.includes('--child')) {
  const mode = process.argv[process.argv.indexOf('--child') + 1] as Mode;
  await child(
    mode,
    stringFlag('uri')!,
    stringFlag('user')!,
    process.env.BENCH_NEO4J_PASSWORD ?? '',
    stringFlag('otlp'),
  );
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
