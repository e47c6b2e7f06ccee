import { z } from 'zod';

/** `true`/`false`/`1`/`0` (any case); anything else is refused rather than guessed. */
const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', ''].includes(v), 'expected true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) =>
  z.coerce.number().int('expected a whole number').positive('expected a positive number').default(fallback);

/** What a token may do: read, write, and `debug`: see each request's statements (extensions.plan). */
export type Scope = 'read' | 'write' | 'debug';
export const SCOPES: readonly Scope[] = ['read', 'write', 'debug'];

export interface ApiKey {
  secret: string;
  scopes: Scope[];
  /** Its own rate-limit budget (cost points per RATE_LIMIT_WINDOW_S), from a `:points` suffix. */
  points?: number;
}

/**
 * `secret:scope+scope,secret2:scope:points` → keys; empty means "no keys configured". A trailing
 * `:<digits>` is the key's own rate-limit budget: digits were never a scope, so no entry that
 * parsed before reads differently now.
 */
const apiKeys = z
  .string()
  .default('')
  .transform((raw, ctx): ApiKey[] => {
    const keys: ApiKey[] = [];
    for (const entry of raw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const budget = /^(.+:[^:]*):(\d+)$/.exec(entry);
      const rest = budget ? budget[1]! : entry;
      const points = budget ? Number(budget[2]) : undefined;
      const colon = rest.lastIndexOf(':');
      const secret = colon > 0 ? rest.slice(0, colon) : '';
      const scopes =
        colon > 0
          ? rest
              .slice(colon + 1)
              .split('+')
              .filter(Boolean)
          : [];
      const bad = scopes.find((s) => !SCOPES.includes(s as Scope));
      if (!secret || scopes.length === 0 || bad !== undefined || points === 0 || !Number.isSafeInteger(points ?? 1)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `entries must look like secret:read+write (bad entry ending "${entry.slice(-4)}"; a budget of cost points goes last: secret:read:5000)`,
        });
        return z.NEVER;
      }
      keys.push(
        points === undefined ? { secret, scopes: scopes as Scope[] } : { secret, scopes: scopes as Scope[], points },
      );
    }
    return keys;
  });

/**
 * `*` (or unset): any origin, never with credentials. Otherwise comma-separated origins
 * (`scheme://host[:port]`), each checked, that may call with credentials.
 */
const corsOrigins = z
  .string()
  .default('*')
  .transform((raw, ctx): string[] | '*' => {
    const entries = raw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    if (entries.length === 0 || (entries.length === 1 && entries[0] === '*')) return '*';
    const origins: string[] = [];
    for (const entry of entries) {
      let origin: string | undefined;
      try {
        const url = new URL(entry);
        if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, ''))
          origin = url.origin;
      } catch {
        // reported below
      }
      if (!origin) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message:
            `"${entry}" is not an origin such as https://app.example.com ` +
            '(scheme, host and port only; "*" alone for any)',
        });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

/**
 * The server's address as its clients reach it (`https://graph.example.com`, or with the path a
 * proxy serves it under): an http(s) URL without query, fragment or credentials, kept without its
 * trailing slash.
 */
/** An http(s) URL for an OTLP/HTTP collector. */
const otlpUrl = z
  .string()
  .trim()
  .optional()
  .refine((raw) => {
    if (raw === undefined) return true;
    try {
      return ['http:', 'https:'].includes(new URL(raw).protocol);
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL');
const webhookUrls = z
  .string()
  .default('')
  .transform((raw, ctx): string[] => {
    const urls = raw
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    for (const url of urls) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        // reported below
      }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
        ctx.addIssue({ code: 'custom', message: `"${url.slice(0, 100)}" is not an http(s) URL` });
    }
    return [...new Set(urls)];
  });

const publicUrl = z
  .string()
  .optional()
  .transform((raw, ctx): string | undefined => {
    if (raw === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      // reported below
    }
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.search !== '' ||
      url.hash !== '' ||
      url.username !== '' ||
      url.password !== '' ||
      raw.includes('?') ||
      raw.includes('#')
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${raw.slice(0, 100)}" is not an http(s) URL such as https://graph.example.com (no query, fragment or credentials)`,
      });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  // Loopback by default: a development server (unmasked errors) is not for the network.
  HOST: z.string().min(1).default('127.0.0.1'),
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/.+/, 'expected a bolt:// or neo4j:// URI (optionally +s or +ssc)')
    .optional(),
  NEO4J_USER: z.string().default('neo4j'),
  NEO4J_PASSWORD: z.string().default(''),
  NEO4J_DATABASE: z.string().min(1).default('neo4j'),
  NEO4J_DATA_DIR: z.string().min(1).default('.data/neo4j'),
  NEO4J_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/, 'expected a JVM size such as 512m or 1g')
    .default('1g'),
  NEO4J_PAGECACHE: z
    .string()
    .regex(/^\d+[mMgG]$/, 'expected a size such as 256m or 1g')
    .default('512m'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  DEBUG_EXTENSIONS: booleanFlag.default('false'),
  /**
   * Lets a client ask for `extensions.cypher` and `extensions.plan` with the `x-debug-cypher`
   * header. Unset: allowed in development (a server on the developer's own machine), not otherwise.
   */
  DEBUG_EXTENSIONS_HEADER: booleanFlag.optional(),
  API_KEYS: apiKeys,
  /** When set, reads also need a token with the `read` scope. */
  REQUIRE_AUTH_FOR_READS: booleanFlag.default('false'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_SCOPES_CLAIM: z.string().default('scope'),
  // Relay connections spend three levels per hop (field, edges, node): 16 allows five hops.
  MAX_DEPTH: positiveInt(16),
  MAX_ALIASES: positiveInt(30),
  MAX_TOKENS: positiveInt(2000),
  /** Longest document in bytes (comments and strings included, which MAX_TOKENS does not count). */
  MAX_DOCUMENT_BYTES: positiveInt(100_000),
  MAX_COMPLEXITY: positiveInt(25_000),
  MAX_PAGE_SIZE: positiveInt(100),
  /** Most items of any list argument (slugs, kinds, ids...); importGraph has its own bound. */
  MAX_LIST_ITEMS: positiveInt(1_000),
  MAX_HOPS: positiveInt(8),
  MAX_NEIGHBORHOOD_DEPTH: positiveInt(3),
  MAX_NEIGHBORHOOD_LIMIT: positiveInt(1000),
  MAX_PATHS: positiveInt(50),
  /** Nesting of one filter (AND/OR/NOT entries, a relationship predicate's node filter). */
  MAX_FILTER_DEPTH: positiveInt(8),
  /** Tests in one filter (each compared value, each relationship predicate). */
  MAX_FILTER_CONDITIONS: positiveInt(50),
  QUERY_TIMEOUT_MS: positiveInt(10_000),
  TRAVERSAL_TIMEOUT_MS: positiveInt(5_000),
  /** Computing time of one graph algorithm (PageRank, betweenness, Louvain) in its worker thread. */
  ALGORITHM_TIMEOUT_MS: positiveInt(5_000),
  SEED_ON_EMPTY: booleanFlag.default('true'),
  /** Fold each root field's selection into one planned statement (off: DataLoaders per level). */
  READ_PLANNER: booleanFlag.default('true'),
  /** Run planned reads with graphql-jit where it is safe (src/plugins/use-jit.ts); needs READ_PLANNER. */
  GRAPHQL_JIT: booleanFlag.default('true'),
  /** How long a read stays in the response cache; 0 turns the cache off. */
  RESPONSE_CACHE_TTL_MS: z.coerce.number().int('expected a whole number').min(0, 'expected 0 or more').default(30_000),
  /** Responses the in-process cache holds (least recently used go first); Redis holds what it can. */
  RESPONSE_CACHE_MAX: positiveInt(5_000),
  /** Bytes the in-process response cache holds (its responses' JSON); a response over a tenth is not cached. */
  RESPONSE_CACHE_MAX_BYTES: positiveInt(50_000_000),
  /** Parsed documents (with their validation) kept, by count and by estimated bytes. */
  PARSE_CACHE_MAX: positiveInt(1_000),
  PARSE_CACHE_MAX_BYTES: positiveInt(50_000_000),
  /** Shares subscriptions and the response cache between API replicas (redis://host:port/db). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'expected a redis:// or rediss:// URL')
    .optional(),
  /** Events one subscriber may have waiting before it is dropped (with a final SUBSCRIBER_TOO_SLOW error). */
  SUBSCRIPTION_QUEUE_MAX: positiveInt(100),
  /** Subscriptions this process holds open at once; one more is refused with TOO_MANY_SUBSCRIPTIONS. */
  MAX_SUBSCRIPTIONS: positiveInt(1_000),
  /** Subscriptions one caller holds open at once: per API key, per JWT subject, per anonymous client address. */
  MAX_SUBSCRIPTIONS_PER_TOKEN: positiveInt(20),
  /** Days the change log (`changes`, graphChanged resumes, webhooks) keeps a change; older entries are pruned hourly. */
  CHANGE_LOG_RETENTION_DAYS: positiveInt(7),
  /** Where each change is POSTed as signed JSON (comma-separated http(s) URLs); needs WEBHOOK_SECRET. */
  WEBHOOK_URLS: webhookUrls,
  /** The HMAC-SHA256 key of the `x-stargraph-signature` header webhooks carry. */
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Attempts per change and URL (the first included) before it is given up, logged, and the next one sent. */
  WEBHOOK_MAX_ATTEMPTS: positiveInt(8),
  /** Wait after the first failed attempt; doubled after each further one. */
  WEBHOOK_BACKOFF_MS: positiveInt(1_000),
  /** How often a webhook's deliverer looks for new changes in the log. */
  WEBHOOK_POLL_MS: positiveInt(1_000),
  /** off: any document; allow: known hashes, APQ and any document; only: known hashes only. */
  PERSISTED_OPERATIONS: z.enum(['off', 'allow', 'only']).default('off'),
  /** JSON manifest of hash → document (`npm run persisted:build` writes schema/persisted-operations.json). */
  PERSISTED_OPERATIONS_FILE: z.string().min(1).default('schema/persisted-operations.json'),
  /** Bytes of documents learnt through Automatic Persisted Queries (allow) kept, besides the 1,000-document bound. */
  APQ_CACHE_MAX_BYTES: positiveInt(10_000_000),
  CORS_ORIGINS: corsOrigins,
  /**
   * Behind a TLS-terminating proxy we trust: its X-Forwarded-Proto says whether the client's
   * connection was HTTPS (answered with HSTS). Off: that header is the client's word and ignored.
   */
  TRUST_PROXY: booleanFlag.default('false'),
  /** Where clients reach this server; the base of the URLs /reconcile hands out (unset: the request's own). */
  PUBLIC_URL: publicUrl,
  /** GraphQL requests served at once; more answer 503 OVERLOADED instead of queueing. */
  MAX_IN_FLIGHT: positiveInt(200),
  /** Largest request body in bytes; more answers 413 LIMIT_EXCEEDED. */
  MAX_REQUEST_BODY_BYTES: positiveInt(25_000_000),
  /**
   * Cost points each caller (API key, JWT subject, anonymous client address) may spend per
   * RATE_LIMIT_WINDOW_S (README, "Rate limits"). Unset: no budget, except API keys with their own.
   */
  RATE_LIMIT_POINTS: z.coerce.number().int('expected a whole number').positive('expected a positive number').optional(),
  RATE_LIMIT_WINDOW_S: positiveInt(3_600),
  /** enforce: over budget answers 429 RATE_LIMITED; measure: logs what it would refuse and serves it. */
  RATE_LIMIT_MODE: z.enum(['enforce', 'measure']).default('enforce'),
  /** Serve the Apollo Federation v2 subgraph schema (`_service`, `_entities`); off: the plain schema. */
  FEDERATION: booleanFlag.default('false'),
  /** OTLP/HTTP collector base URL: traces go to its /v1/traces; unset (with the next one unset): no tracing at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  /** The traces URL itself, taken as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
  /** `service.name` on every span. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('stargraph'),
  /** true: no tracing whatever the endpoints say (the OpenTelemetry SDKs' own switch). */
  OTEL_SDK_DISABLED: booleanFlag.default('false'),
  /** Restarts of the local Neo4j allowed per window before giving up. */
  NEO4J_RESTART_MAX: positiveInt(5),
  NEO4J_RESTART_WINDOW_S: positiveInt(600),
});

export type Config = ReturnType<typeof parseConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The OTLP traces URL as the OpenTelemetry spec reads the two variables: the signal's own as is, else base + /v1/traces. */
function tracesUrl(traces: string | undefined, base: string | undefined): string | undefined {
  if (traces) return traces;
  if (!base) return undefined;
  return `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
}

/** Hosts only this machine can reach. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Shortest API key secret a production server takes: a guessable key is no key. */
export const MIN_API_KEY_LENGTH = 16;

/** Reads and validates configuration; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env) {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Listening beyond this machine without saying which mode: production (errors masked), not the
  // development default meant for a laptop.
  const productionForHost =
    cleaned.NODE_ENV === undefined && cleaned.HOST !== undefined && !LOOPBACK.test(cleaned.HOST);
  if (productionForHost) cleaned.NODE_ENV = 'production';
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const c = result.data;
  const short = c.API_KEYS.filter((k) => k.secret.length < MIN_API_KEY_LENGTH);
  if (c.NODE_ENV === 'production' && short.length > 0) {
    throw new ConfigError([
      `API_KEYS: in production every secret needs at least ${MIN_API_KEY_LENGTH} characters ` +
        `(${short.length} ${short.length === 1 ? 'is' : 'are'} shorter)`,
    ]);
  }
  if (c.WEBHOOK_URLS.length > 0 && !c.WEBHOOK_SECRET)
    throw new ConfigError(['WEBHOOK_SECRET: required with WEBHOOK_URLS (receivers check the signature)']);
  return {
    env: c.NODE_ENV,
    production: c.NODE_ENV === 'production',
    /** Production because HOST reaches beyond this machine and NODE_ENV was not set (logged at start). */
    productionForHost,
    port: c.PORT,
    host: c.HOST,
    neo4j: {
      /** undefined: start (or reuse) the project's local Neo4j. */
      uri: c.NEO4J_URI,
      user: c.NEO4J_USER,
      password: c.NEO4J_PASSWORD,
      database: c.NEO4J_DATABASE,
      dataDir: c.NEO4J_DATA_DIR,
      heap: c.NEO4J_HEAP,
      pageCache: c.NEO4J_PAGECACHE,
      restartPolicy: {
        maxRestarts: c.NEO4J_RESTART_MAX,
        windowMs: c.NEO4J_RESTART_WINDOW_S * 1000,
        backoffMs: [500, 2_000, 5_000, 15_000, 30_000],
      },
    },
    cors: { origins: c.CORS_ORIGINS },
    trustProxy: c.TRUST_PROXY,
    publicUrl: c.PUBLIC_URL,
    maxInFlight: c.MAX_IN_FLIGHT,
    maxRequestBodyBytes: c.MAX_REQUEST_BODY_BYTES,
    logLevel: c.LOG_LEVEL,
    debugExtensions: c.DEBUG_EXTENSIONS,
    debugExtensionsHeader: c.DEBUG_EXTENSIONS_HEADER ?? c.NODE_ENV === 'development',
    auth: {
      apiKeys: c.API_KEYS,
      requireAuthForReads: c.REQUIRE_AUTH_FOR_READS,
      jwt:
        c.JWT_SECRET || c.JWT_JWKS_URL
          ? {
              secret: c.JWT_SECRET,
              jwksUrl: c.JWT_JWKS_URL,
              issuer: c.JWT_ISSUER,
              audience: c.JWT_AUDIENCE,
              scopesClaim: c.JWT_SCOPES_CLAIM,
            }
          : undefined,
    },
    limits: {
      maxDepth: c.MAX_DEPTH,
      maxAliases: c.MAX_ALIASES,
      maxTokens: c.MAX_TOKENS,
      maxDocumentBytes: c.MAX_DOCUMENT_BYTES,
      maxComplexity: c.MAX_COMPLEXITY,
      maxPageSize: c.MAX_PAGE_SIZE,
      maxListItems: c.MAX_LIST_ITEMS,
      maxHops: c.MAX_HOPS,
      maxNeighborhoodDepth: c.MAX_NEIGHBORHOOD_DEPTH,
      maxNeighborhoodLimit: c.MAX_NEIGHBORHOOD_LIMIT,
      maxPaths: c.MAX_PATHS,
      maxFilterDepth: c.MAX_FILTER_DEPTH,
      maxFilterConditions: c.MAX_FILTER_CONDITIONS,
      queryTimeoutMs: c.QUERY_TIMEOUT_MS,
      traversalTimeoutMs: c.TRAVERSAL_TIMEOUT_MS,
      algorithmTimeoutMs: c.ALGORITHM_TIMEOUT_MS,
    },
    seedOnEmpty: c.SEED_ON_EMPTY,
    readPlanner: c.READ_PLANNER,
    federation: c.FEDERATION,
    graphqlJit: c.GRAPHQL_JIT,
    live: {
      redisUrl: c.REDIS_URL,
      responseCacheTtlMs: c.RESPONSE_CACHE_TTL_MS,
      responseCacheMax: c.RESPONSE_CACHE_MAX,
      responseCacheMaxBytes: c.RESPONSE_CACHE_MAX_BYTES,
      subscriptionQueueMax: c.SUBSCRIPTION_QUEUE_MAX,
      maxSubscriptions: c.MAX_SUBSCRIPTIONS,
      maxSubscriptionsPerToken: c.MAX_SUBSCRIPTIONS_PER_TOKEN,
    },
    rateLimit: {
      /** Budget of a caller without its own (an API key's `:points`); undefined: unlimited. */
      points: c.RATE_LIMIT_POINTS,
      windowMs: c.RATE_LIMIT_WINDOW_S * 1000,
      mode: c.RATE_LIMIT_MODE,
      /** Shared by every replica on this Redis; in this process without it. */
      redisUrl: c.REDIS_URL,
    },
    tracing: {
      /** Where spans are sent (OTLP/HTTP); undefined: tracing off, no SDK started. */
      tracesUrl: c.OTEL_SDK_DISABLED
        ? undefined
        : tracesUrl(c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, c.OTEL_EXPORTER_OTLP_ENDPOINT),
      serviceName: c.OTEL_SERVICE_NAME,
    },
    changeLog: { retentionDays: c.CHANGE_LOG_RETENTION_DAYS },
    webhooks: {
      urls: c.WEBHOOK_URLS,
      secret: c.WEBHOOK_SECRET ?? '',
      maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: c.WEBHOOK_BACKOFF_MS,
      pollMs: c.WEBHOOK_POLL_MS,
    },
    parseCache: { maxEntries: c.PARSE_CACHE_MAX, maxBytes: c.PARSE_CACHE_MAX_BYTES },
    persistedOperations: {
      mode: c.PERSISTED_OPERATIONS,
      file: c.PERSISTED_OPERATIONS_FILE,
      apqMaxBytes: c.APQ_CACHE_MAX_BYTES,
    },
  };
}
