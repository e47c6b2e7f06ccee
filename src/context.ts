import type { Config, Scope } from './config.js';
import type { Db, QueryStats } from './neo4j/db.js';
import type { LiveGraph } from './live/live-graph.js';
import type { TimeSlice } from './claims/time.js';

export interface AuthInfo {
  /** A valid credential was presented. */
  authenticated: boolean;
  /** A credential was presented but did not verify. */
  invalid: boolean;
  scopes: ReadonlySet<Scope>;
  subject?: string;
  /**
   * Who the caller is, for limits per caller (MAX_SUBSCRIPTIONS_PER_TOKEN): `key:<digest>` for an
   * API key, `jwt:<issuer> <subject>` for a JWT (every token of one subject counts together).
   */
  identity?: string;
  /** When the credential stops being valid (ms since the epoch): a JWT's `exp`. */
  expiresAt?: number;
  /** The API key's own rate-limit budget (its `:points` in API_KEYS), over RATE_LIMIT_POINTS. */
  rateLimitPoints?: number;
}

/** What `rateLimit` answers: this request's cost and the caller's budget after it (src/rate-limit). */
export interface RateLimitReport {
  cost: number;
  limit: number;
  used: number;
  remaining: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
}

/** What every resolver receives; one per request. */
export interface Context {
  config: Config;
  db: Db;
  stats: QueryStats;
  auth: AuthInfo;
  /** The client's network address (the TCP peer), when the server is reached over a socket. */
  clientAddress?: string;
  /** Per-request memo for loaders created outside Pothos' dataloader plugin. */
  loaders: Map<string, unknown>;
  /** Change notifications and the response cache (src/live); absent in CLI-only contexts. */
  live?: LiveGraph;
  /** The operation's estimated cost (src/query-cost.ts), set before it runs. */
  queryCost?: number;
  /** The caller's budget after this request's charge; undefined when no budget applies. */
  rateLimit?: RateLimitReport;
  /** Set when graphql-jit executes this request's operation (src/plugins/use-jit.ts). */
  jit?: boolean;
  /** The request's `Last-Event-ID` header: where a reconnecting SSE subscription resumes. */
  lastEventId?: string;
  /** The slice (`asOf`/`knownAt`) each root field reads at, by response key (src/claims/row-time.ts). */
  slices?: Map<string, TimeSlice>;
  /** The request's `x-stargraph-bookmark` header was not a bookmark: it is answered with this. */
  bookmarkError?: Error;
}

/** One loader per (request, key): created on first use, dropped with the request. */
export function requestLoader<T>(ctx: Context, key: string, create: () => T): T {
  let loader = ctx.loaders.get(key) as T | undefined;
  if (loader === undefined) {
    loader = create();
    ctx.loaders.set(key, loader);
  }
  return loader;
}
