/** Builds the HTTP/GraphQL server object; no port here (src/cli/serve.ts listens, tests call yoga.fetch). */
import type { GraphQLSchema } from 'graphql';
import { createYoga, useReadinessCheck, type YogaServerOptions } from 'graphql-yoga';
import { useClaimJournal } from './plugins/use-claim-journal.js';
import { useSseEventIds } from './plugins/use-sse-event-ids.js';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { mayRead } from './auth.js';
import type { GraphDb } from './neo4j/db.js';
import type { Logger } from './logger.js';
import { createAuthenticator } from './auth.js';
import { schemaDerivedTypes } from './live/derived-types.js';
import { createLiveGraph, type LiveGraph } from './live/live-graph.js';
import { replayLog } from './live/replay.js';
import { startWebhooks } from './live/webhooks.js';
import { scheduleChangeLogPruning } from './claims/change-log.js';
import { useContentSecurityPolicy } from './plugins/use-content-security-policy.js';
import {
  graphiqlOptionsFor,
  renderGraphiQLPage,
  styleNonceFor,
  useGraphiQLAssets,
} from './plugins/use-graphiql-assets.js';
import { useExplorer } from './plugins/use-explorer.js';
import { useExport } from './plugins/use-export.js';
import { useReconcile } from './plugins/use-reconcile.js';
import { useCors } from './plugins/use-cors.js';
import { useErrorCodes } from './plugins/use-error-codes.js';
import { useDebugExtensions } from './plugins/use-debug-extensions.js';
import { useLiveCache } from './plugins/use-live-cache.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useMetrics } from './plugins/use-metrics.js';
import { createParseCache, useParseCache } from './plugins/use-parse-cache.js';
import { CacheSet } from './byte-lru.js';
import { statementCache } from './plan/compile.js';
import { useDocumentSize } from './plugins/use-document-size.js';
import { useIntrospectionAuth } from './plugins/use-introspection-auth.js';
import { useListBounds } from './plugins/use-list-bounds.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useQueryCost } from './plugins/use-query-cost.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { createRateLimitStore, memoryRateLimitStore } from './rate-limit.js';
import { clientAddressOf } from './client-address.js';
import type { AuthInfo } from './context.js';
import { useOverload } from './plugins/use-overload.js';
import { useBodyLimit } from './plugins/use-body-limit.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { useVariableErrors } from './plugins/use-variable-errors.js';
import { useJit } from './plugins/use-jit.js';
import { rootConnectionSpecs } from './schema/root-connection.js';
import { useTracing } from './plugins/use-tracing.js';
import { useSecurityHeaders } from './plugins/use-security-headers.js';
import type { Neo4jSupervisor } from './neo4j/supervisor.js';
import { schema as plainSchema, subgraphSchema } from './schema/index.js';
import { BOOKMARK_HEADER, parseBookmarkHeader } from './neo4j/bookmarks.js';
import { useBookmarks } from './plugins/use-bookmarks.js';
import { graphiqlTabs } from './schema/examples.js';

export interface ServerDeps {
  config: Config;
  graph: GraphDb;
  logger: Logger;
  /** Changes and cached reads; by default one for this server (in process, or Redis with REDIS_URL). */
  live?: LiveGraph;
  /** The local Neo4j's supervisor, when this process started it: once it gives up, /ready says why. */
  supervisor?: Neo4jSupervisor;
}

/** What the HTTP layer hands each request: Node's request (for the peer address) when served by node:http. */
interface ServerContext {
  request: Request;
  req?: { socket?: { remoteAddress?: string } };
}
type ServerOptions = YogaServerOptions<ServerContext, Context>;
type Authenticate = ReturnType<typeof createAuthenticator>;
/** A request's caller, authenticated once per request (the context and the rate limiter share it). */
type AuthFor = (request: Request) => Promise<AuthInfo>;

function authenticatePerRequest(authenticate: Authenticate): AuthFor {
  const known = new WeakMap<Request, Promise<AuthInfo>>();
  return (request) => {
    let auth = known.get(request);
    if (!auth) {
      auth = authenticate(request.headers.get('authorization'));
      known.set(request, auth);
    }
    return auth;
  };
}

export function createServer({
  config,
  graph,
  logger,
  supervisor,
  live = createLiveGraph(config.live, logger, schemaDerivedTypes(), (after, through) =>
    replayLog(graph.db(), after, through),
  ),
}: ServerDeps) {
  const authenticate = createAuthenticator(config.auth);
  const authFor = authenticatePerRequest(authenticate);
  // Every cache this server reads from, for /metrics.
  const caches = new CacheSet();
  caches.add(statementCache);
  const parseCache = caches.add(createParseCache(config.parseCache));
  if (live.memoryCache) caches.add(live.memoryCache);
  // FEDERATION=true: the same types, plus what a gateway calls (`_service`, `_entities`).
  const schema = config.federation ? subgraphSchema() : plainSchema;
  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Our own limit (plugins/use-body-limit.ts): yoga's streams every body to count its bytes.
    maxRequestBodySize: false,
    // Our own (plugins/use-parse-cache.ts): yoga's keys on the whole text and bounds only the count.
    parserAndValidationCache: false,
    // Our own policy (plugins/use-cors.ts): yoga's echoes any origin with credentials.
    cors: false,
    graphiql: graphiqlOptionsFor({ title: 'stargraph', defaultTabs: graphiqlTabs() }),
    // GraphiQL from our own files (no CDN), so it renders offline and under our CSP.
    renderGraphiQL: renderGraphiQLPage,
    // GraphQLErrors (our coded errors) pass through; anything unexpected is masked in
    // production and shown in development.
    maskedErrors: { isDev: !config.production },
    logging: yogaLogging(logger),
    context: requestContext(config, graph, live, authFor),
    plugins: serverPlugins(
      { config, graph, logger, supervisor, live },
      { authenticate, authFor },
      caches,
      parseCache,
      schema,
    ),
  });
  return Object.assign(yoga, { live, caches });
}

/** Yoga's own log lines, through our logger. */
const yogaLogging = (logger: Logger): ServerOptions['logging'] => ({
  debug: (...parts: unknown[]) => logger.debug(parts.map(String).join(' ')),
  info: (...parts: unknown[]) => logger.info(parts.map(String).join(' ')),
  warn: (...parts: unknown[]) => logger.warn(parts.map(String).join(' ')),
  error: (...parts: unknown[]) => logger.error(parts.map(String).join(' ')),
});

/** Each request's context: its own db handle counting round trips, its caller, fresh loaders. */
const requestContext =
  (config: Config, graph: GraphDb, live: LiveGraph, authFor: AuthFor) =>
  async ({ request, req }: ServerContext): Promise<Context> => {
    const stats = { roundTrips: 0, dbTimeMs: 0 };
    let bookmarks: string[] = [];
    let bookmarkError: Error | undefined;
    try {
      bookmarks = parseBookmarkHeader(request.headers.get(BOOKMARK_HEADER));
    } catch (error) {
      bookmarkError = error as Error;
    }
    return {
      config,
      db: graph.db(stats, undefined, bookmarks),
      stats,
      ...(bookmarkError ? { bookmarkError } : {}),
      auth: await authFor(request),
      clientAddress: clientAddressOf(request, req?.socket?.remoteAddress, config),
      lastEventId: request.headers.get('last-event-id') ?? undefined,
      loaders: new Map(),
      live,
    };
  };

/** The plugins in the order they must run (the comments say why where order matters). */
function serverPlugins(
  { config, graph, logger, supervisor, live }: ServerDeps & { live: LiveGraph },
  { authenticate, authFor }: { authenticate: Authenticate; authFor: AuthFor },
  caches: CacheSet,
  parseCache: ReturnType<typeof createParseCache>,
  schema: GraphQLSchema,
): ServerOptions['plugins'] {
  // One MAX_IN_FLIGHT for GraphQL requests and /export alike.
  const overload = useOverload({ maxInFlight: config.maxInFlight });
  return [
    // First: its request span wraps everything the other plugins do (only when tracing is on).
    ...(config.tracing.tracesUrl ? [useTracing({ graphqlEndpoint: '/graphql' })] : []),
    useCors(config.cors),
    useContentSecurityPolicy({ styleNonce: styleNonceFor }),
    // After the CSP plugin: it sets the whole policy (frame-ancestors included) first.
    useSecurityHeaders({ trustProxy: config.trustProxy }),
    useGraphiQLAssets(),
    useExplorer(),
    // GET /export: a neighbourhood as GraphML, CSV or NDJSON (a read, with the reads' auth rule).
    useExport({ config, graph, logger, authenticate, slots: overload }),
    // /reconcile: the W3C Reconciliation API (OpenRefine) over `reconcile`, with the reads' auth rule.
    useReconcile({ config, graph, logger, authenticate, slots: overload }),
    // Before anything parses, prices or caches the document.
    useDocumentSize(config.limits.maxDocumentBytes),
    useParseCache(parseCache),
    // Cost before the response cache: it is measured on the document the client sent, and a
    // refused operation must not reach the cache's executor.
    useQueryCost(config.limits),
    // Trusted documents first: they turn a hash into the document the cache keys on.
    ...useTrustedDocuments({ ...config.persistedOperations, caches }),
    // After the query cost (it charges the cost measured there) and trusted documents (it prices
    // a cached answer by the document they give); before anything that runs the operation.
    rateLimit(config, logger, authFor, parseCache, schema),
    // Before the response cache: it wraps the executor set here (a cached answer skips both).
    ...(config.graphqlJit && config.readPlanner
      ? [
          useJit({
            plannedRootFields: new Set([...rootConnectionSpecs.keys(), 'entity']),
            onDecision: (jit, ctx) => ((ctx as Context).jit = jit),
          }),
        ]
      : []),
    ...useLiveCache({
      cache: live.cache,
      ttlMs: config.live.responseCacheTtlMs,
      perToken: config.auth.requireAuthForReads,
      debugExtensions: config.debugExtensions,
      schema,
      changedSince: (startedAt) => live.changedSince(startedAt),
      caches,
    }),
    useClaimJournal(),
    // Before anything runs: a bad bookmark header refuses the request; a write answers with one.
    useBookmarks(graph),
    // After yoga's result processors: answers subscriptions over SSE with event ids.
    useSseEventIds(),
    useDeferStream(),
    useQueryLimits(config.limits),
    useVariableErrors(),
    // After it: codes what it leaves (graphql-js's "Too many errors" summary), drops internals in production.
    useErrorCodes({ production: config.production }),
    useDebugExtensions({ always: config.debugExtensions, allowHeader: config.debugExtensionsHeader }),
    useMetrics(async (authorization) => mayRead(config.auth, await authenticate(authorization)), { caches }),
    // Every list argument bounded (importGraph keeps its own bound of 10,000 items).
    useListBounds({ maxList: config.limits.maxListItems, exempt: new Set(['importGraph']) }),
    // Introspection is a read: with REQUIRE_AUTH_FOR_READS it needs a read token too.
    useIntrospectionAuth((ctx) => mayRead(config.auth, (ctx as Context).auth)),
    useRequestLog(logger),
    readinessCheck(graph, supervisor),
    { onDispose: () => live.close() },
    changeLogJobs(config, graph, logger),
    useBodyLimit(config.maxRequestBodyBytes),
    // Last: it wraps the request handler (see the plugin).
    overload,
  ];
}

/** Budgets per caller (README, "Rate limits"): windows in Redis with REDIS_URL, else in process. */
function rateLimit(
  config: Config,
  logger: Logger,
  authFor: AuthFor,
  parseCache: ReturnType<typeof createParseCache>,
  /** The schema served (the subgraph's with FEDERATION=true): operations are priced against it. */
  schema: GraphQLSchema,
): NonNullable<ServerOptions['plugins']>[number] {
  const { points, windowMs, mode } = config.rateLimit;
  const anyBudget = points !== undefined || config.auth.apiKeys.some((k) => k.points !== undefined);
  // Without a budget only dry runs are answered: no store to reach.
  const store = anyBudget ? createRateLimitStore(config.rateLimit, logger) : memoryRateLimitStore(windowMs);
  return {
    ...useRateLimit({
      store,
      points,
      anyBudget,
      mode,
      trustProxy: config.trustProxy,
      authFor,
      parseCache,
      limits: config.limits,
      schema,
      logger,
    }),
    onDispose: () => store.close(),
  };
}

/** The change log's background work: pruning past CHANGE_LOG_RETENTION_DAYS, and webhooks; both end with the server. */
function changeLogJobs(config: Config, graph: GraphDb, logger: Logger): NonNullable<ServerOptions['plugins']>[number] {
  const pruning = scheduleChangeLogPruning(graph.db(), config.changeLog.retentionDays, (error) =>
    logger.warn('Pruning the change log failed', { error: error.message }),
  );
  const webhooks = config.webhooks.urls.length > 0 ? startWebhooks(graph.db(), config.webhooks, logger) : undefined;
  return {
    onDispose: async () => {
      pruning.stop();
      await webhooks?.stop();
    },
  };
}

/** GET /ready: 503 at once while the circuit is open (no waiting on a dead database), else a fresh probe. */
const readinessCheck = (graph: GraphDb, supervisor: Neo4jSupervisor | undefined) =>
  useReadinessCheck({
    endpoint: '/ready',
    check: async ({ fetchAPI }) => {
      if (supervisor?.state === 'failed') {
        return new fetchAPI.Response(`not ready: ${supervisor.failure}`, {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      }
      return graph.ready();
    },
  });

export type StargraphServer = ReturnType<typeof createServer>;
