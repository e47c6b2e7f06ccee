/**
 * Budgets of cost points per caller and window (README, "Rate limits"): each caller's window
 * starts with its first charge and lasts RATE_LIMIT_WINDOW_S; a charge that would take the caller
 * past its budget is refused and adds nothing. Kept in this process (a bounded map) or, with
 * REDIS_URL, in Redis, where one script reads and adds atomically, so replicas draw on one budget.
 */
import type { Redis } from 'ioredis';
import type { AuthInfo } from './context.js';
import type { Logger } from './logger.js';
import { redisClient } from './live/live-graph.js';

/** Whom a request is charged to, and how many points that caller has per window. */
export interface Budget {
  caller: string;
  points: number;
}

/** A caller's window after a charge (or a look): `allowed` false when the charge was refused. */
export interface WindowState {
  allowed: boolean;
  used: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
}

export interface RateLimitStore {
  /**
   * Adds `cost` to the caller's window unless that passes `points` (with `force`, adds anyway);
   * a cost of 0 only looks. Undefined when the store cannot answer (Redis away): not charged.
   */
  charge(caller: string, cost: number, points: number, force: boolean): Promise<WindowState | undefined>;
  close(): Promise<void>;
}

/**
 * Whom a request is charged to: a valid credential's identity (an API key, with its own budget if
 * API_KEYS gives one; a JWT's issuer and subject), anyone else by client address (no socket: one
 * bucket). Undefined when no budget applies (RATE_LIMIT_POINTS unset and none of its own).
 */
export function budgetOf(
  auth: AuthInfo,
  clientAddress: string | undefined,
  defaultPoints: number | undefined,
): Budget | undefined {
  const known = auth.authenticated && auth.identity !== undefined;
  const points = (known ? auth.rateLimitPoints : undefined) ?? defaultPoints;
  if (points === undefined) return undefined;
  return { caller: known ? auth.identity! : `anonymous:${clientAddress ?? 'unknown'}`, points };
}

/** Windows that may be held at once in process; a new caller past it forgets the oldest window. */
export const MAX_CALLERS = 100_000;

/**
 * Windows in this process. A Map keeps insertion order, and every window lasts as long, so the
 * oldest entries are the first to expire: each charge drops expired ones from the front.
 */
export function memoryRateLimitStore(
  windowMs: number,
  { maxCallers = MAX_CALLERS, now = Date.now }: { maxCallers?: number; now?: () => number } = {},
): RateLimitStore & { readonly size: number } {
  const windows = new Map<string, { used: number; resetAt: number }>();
  return {
    get size() {
      return windows.size;
    },
    async charge(caller, cost, points, force) {
      const at = now();
      for (const [key, window] of windows) {
        if (window.resetAt > at) break;
        windows.delete(key);
      }
      let window = windows.get(caller);
      if (window && window.resetAt <= at) {
        windows.delete(caller);
        window = undefined;
      }
      const used = window?.used ?? 0;
      const resetAt = window?.resetAt ?? at + windowMs;
      if (cost === 0) return { allowed: true, used, resetAt };
      if (used + cost > points && !force) return { allowed: false, used, resetAt };
      if (window) window.used += cost;
      else {
        if (windows.size >= maxCallers) windows.delete(windows.keys().next().value!);
        windows.set(caller, { used: cost, resetAt });
      }
      return { allowed: true, used: used + cost, resetAt };
    },
    async close() {},
  };
}

/**
 * KEYS[1]: the caller's counter. ARGV: cost, points, window ms, force ('1': add even past points).
 * Answers {allowed, used, ms left}. The counter expires with its window (set when it is created).
 */
const CHARGE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[3]) end
local cost = tonumber(ARGV[1])
if cost == 0 then return {1, used, ttl} end
if used + cost > tonumber(ARGV[2]) and ARGV[4] ~= '1' then return {0, used, ttl} end
used = redis.call('INCRBY', KEYS[1], cost)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, used, ttl}
`;

type ChargingRedis = Redis & {
  stargraphRateLimit(key: string, cost: number, points: number, windowMs: number, force: number): Promise<number[]>;
};

/**
 * Windows in Redis, one key per caller (`rl:<caller>`), shared by every replica. A Redis that
 * does not answer within `timeoutMs` charges nothing: the API keeps serving while Redis is away
 * (logged once per outage).
 */
export function redisRateLimitStore(redis: Redis, windowMs: number, logger: Logger, timeoutMs = 500): RateLimitStore {
  redis.defineCommand('stargraphRateLimit', { numberOfKeys: 1, lua: CHARGE_SCRIPT });
  const client = redis as ChargingRedis;
  let failing = false;
  return {
    async charge(caller, cost, points, force) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        const call = client.stargraphRateLimit(`rl:${caller}`, cost, points, windowMs, force ? 1 : 0);
        call.catch(() => {}); // a late failure, after the timeout answered, is not unhandled
        const [allowed, used, msLeft] = await Promise.race([call, late]);
        failing = false;
        return { allowed: allowed === 1, used: used!, resetAt: Date.now() + msLeft! };
      } catch (error) {
        if (!failing)
          logger.warn('Rate limit store failed; serving without charging', { error: (error as Error).message });
        failing = true;
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () =>
      redis.quit().then(
        () => undefined,
        () => redis.disconnect(),
      ),
  };
}

/** The store for this configuration: Redis with REDIS_URL, else this process. */
export function createRateLimitStore(config: { windowMs: number; redisUrl?: string }, logger: Logger): RateLimitStore {
  return config.redisUrl
    ? redisRateLimitStore(redisClient(config.redisUrl, logger), config.windowMs, logger)
    : memoryRateLimitStore(config.windowMs);
}
