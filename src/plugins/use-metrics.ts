import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Kind, type DefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { CacheSet } from '../byte-lru.js';
import type { Context } from '../context.js';

/** V8 heap in use right after the last full (mark-compact) GC: the live heap, without garbage. */
let heapAfterFullGc: number | undefined;
let gcObserver: PerformanceObserver | undefined;
function watchFullGcs(): void {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    const full = list
      .getEntries()
      .some((e) => ((e as { detail?: { kind?: number } }).detail?.kind ?? 0) & constants.NODE_PERFORMANCE_GC_MAJOR);
    if (full) heapAfterFullGc = getHeapStatistics().used_heap_size;
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/**
 * Prometheus metrics at /metrics: request latency and errors by operation, Cypher round trips,
 * each cache's entries and estimated bytes (`stargraph_cache_bytes{cache="parse"}`), and the
 * live heap (`stargraph_heap_live_bytes`). `mayRead` says whether a request's Authorization
 * header may read (REQUIRE_AUTH_FOR_READS makes /metrics need a read token as every read does; a
 * scraper sends one); 401 when not.
 */
export function useMetrics(
  mayRead: (authorization: string | null) => Promise<boolean> = async () => true,
  { endpoint = '/metrics', caches }: { endpoint?: string; caches?: CacheSet } = {},
): Plugin<Context> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stargraph_' });
  watchFullGcs();
  new Gauge({
    name: 'stargraph_heap_live_bytes',
    help: 'V8 heap in use right after the last full garbage collection (0 before the first)',
    registers: [registry],
    collect() {
      if (heapAfterFullGc !== undefined) this.set(heapAfterFullGc);
    },
  });
  const cacheGauge = (name: string, help: string, read: (c: ReturnType<CacheSet['list']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['cache'],
      registers: [registry],
      collect() {
        for (const cache of caches?.list() ?? []) this.set({ cache: cache.name }, read(cache));
      },
    });
  cacheGauge('stargraph_cache_entries', 'Entries a cache holds', (c) => c.size);
  cacheGauge('stargraph_cache_bytes', 'Estimated bytes a cache holds (see README, Caches)', (c) => c.bytes);
  cacheGauge('stargraph_cache_max_entries', 'Entries a cache holds at most', (c) => c.maxEntries);
  cacheGauge('stargraph_cache_max_bytes', 'Estimated bytes a cache holds at most', (c) => c.maxBytes);
  const duration = new Histogram({
    name: 'stargraph_graphql_duration_seconds',
    help: 'GraphQL operation duration',
    labelNames: ['operation', 'type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'stargraph_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const roundTrips = new Histogram({
    name: 'stargraph_cypher_round_trips',
    help: 'Cypher round trips per GraphQL operation',
    buckets: [1, 2, 3, 5, 8, 13, 21, 34],
    registers: [registry],
  });

  // Operation names come from clients: label the first MAX_OPERATIONS seen, the rest as
  // "other", so a client cannot grow the series (and our memory) without bound.
  const MAX_OPERATIONS = 100;
  const seen = new Set<string>();
  const operationLabel = (name: string | null | undefined) => {
    const label = name ?? 'anonymous';
    if (seen.has(label)) return label;
    if (seen.size >= MAX_OPERATIONS) return 'other';
    seen.add(label);
    return label;
  };

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint) return;
      if (!(await mayRead(request.headers.get('authorization')))) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ code: 'UNAUTHENTICATED', message: '/metrics needs a token with the read scope' }),
            {
              status: 401,
              headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
            },
          ),
        );
        return;
      }
      endResponse(
        new fetchAPI.Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } }),
      );
    },
    onExecute({ args }) {
      const started = performance.now();
      const operation = operationLabel(args.operationName);
      const type =
        args.document.definitions.find(
          (d: DefinitionNode): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
        )?.operation ?? 'unknown';
      return {
        onExecuteDone({ result }) {
          duration.observe({ operation, type }, (performance.now() - started) / 1000);
          roundTrips.observe((args.contextValue as Context).stats.roundTrips);
          if (!(Symbol.asyncIterator in result)) {
            for (const error of result.errors ?? []) {
              errors.inc({ code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
            }
          }
        },
      };
    },
  };
}
