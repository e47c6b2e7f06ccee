/**
 * Per API process: where changes go and where cached reads live. Without REDIS_URL both stay in
 * this process (an EventTarget and an LRU cache); with it, changes travel on a Redis channel
 * (yoga's Redis event target) and the cache is a Redis store, so every replica hears every
 * write and none serves a read that a write on another replica made stale.
 */
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Cache } from '@graphql-yoga/plugin-response-cache';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import {
  GRAPH_CHANGED,
  changeMatcher,
  invalidationsFor,
  seqsOf,
  type ChangeFilter,
  type GraphChangeEvent,
} from './changes.js';
import type { ByteLru } from '../byte-lru.js';
import { createMemoryResponseCache, maxResponseBytes } from './memory-cache.js';
import { createRedisResponseCache } from './redis-cache.js';
import { subscriberSet, type SubscribeOptions, type SubscriberLimits } from './subscribers.js';

export interface LiveOptions extends SubscriberLimits {
  redisUrl?: string;
  responseCacheTtlMs: number;
  responseCacheMax: number;
  responseCacheMaxBytes: number;
}

export interface LiveGraph {
  /** The response cache store; undefined when in process and RESPONSE_CACHE_TTL_MS=0. */
  readonly cache: Cache | undefined;
  /** The in-process store's entries, for /metrics; undefined with Redis or without a cache. */
  readonly memoryCache: ByteLru<unknown> | undefined;
  /**
   * Invalidates what the change touched, then tells every subscriber (of every replica).
   * `notify: false` only invalidates (a source written without entities is no entity change).
   */
  publish(event: GraphChangeEvent, options?: { notify?: boolean }): Promise<void>;
  /**
   * A subscriber's events, filtered and bounded; refused with TOO_MANY_SUBSCRIPTIONS over a cap,
   * ended at its credential's expiry (see subscribers.ts).
   */
  subscribe(filter: ChangeFilter, options: SubscribeOptions): AsyncIterableIterator<GraphChangeEvent>;
  /**
   * The same, first replaying from the change log every event after the change id `after`, then
   * live ones, each once and in log order. Rejects with CHANGE_LOG_EXPIRED when `after` is older
   * than the log keeps. Needs the change log (createLiveGraph's `log`).
   */
  resume(
    filter: ChangeFilter,
    options: SubscribeOptions,
    after: number,
  ): Promise<AsyncIterableIterator<GraphChangeEvent>>;
  /** Did this process hear of a write at or after `startedAt` (performance.now())? */
  changedSince(startedAt: number): boolean;
  /** Open subscriptions in this process. */
  readonly subscribers: number;
  close(): Promise<void>;
}

interface ChangeEventTarget {
  addEventListener(type: string, listener: (event: CustomEvent<GraphChangeEvent>) => void): void;
  removeEventListener(type: string, listener: (event: CustomEvent<GraphChangeEvent>) => void): void;
  dispatchEvent(event: CustomEvent<GraphChangeEvent>): boolean;
}

/** Redis clients that fail fast instead of queueing commands forever while Redis is away. */
export function redisClient(url: string, logger: Logger): Redis {
  // No ioredis commandTimeout: it rejects commands queued in a pipeline that nobody awaits,
  // which would be unhandled rejections; reads are timed out in forgivingCache instead.
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
  let reported = false;
  client.on('error', (error: Error) => {
    // Once per outage, not once per reconnect attempt.
    if (!reported) logger.warn('Redis error', { error: error.message });
    reported = true;
  });
  client.on('ready', () => (reported = false));
  return client;
}

/**
 * A cache that Redis trouble cannot turn into failed reads: a read it cannot answer is a miss,
 * a result it cannot store is not stored. After an invalidation it could not make, this process
 * reads nothing from it for one TTL (what it holds may be stale); the other replicas' own
 * invalidations still reach it.
 */
export function forgivingCache(cache: Cache, logger: Logger, ttlMs: number, readTimeoutMs = 500): Cache {
  let bypassUntil = 0;
  return {
    async get(id) {
      if (Date.now() < bypassUntil) return undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${readTimeoutMs} ms`)), readTimeoutMs);
        });
        const read = Promise.resolve(cache.get(id));
        read.catch(() => {}); // a late failure, after the timeout answered, is not unhandled
        return await Promise.race([read, late]);
      } catch (error) {
        logger.warn('Response cache read failed; answering from Neo4j', { error: (error as Error).message });
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    },
    async set(id, result, entities, ttl) {
      if (Date.now() < bypassUntil) return;
      try {
        await cache.set(id, result, entities, ttl);
      } catch (error) {
        logger.warn('Response cache write failed', { error: (error as Error).message });
      }
    },
    async invalidate(entities) {
      try {
        await cache.invalidate(entities);
      } catch (error) {
        bypassUntil = Date.now() + ttlMs;
        throw error;
      }
    },
  };
}

/** How changes travel and where cached reads live: in this process, or through Redis. */
interface Transport {
  target: ChangeEventTarget;
  cache: Cache | undefined;
  memoryCache?: ByteLru<unknown>;
  /** Redis clients to close with the live graph (none in process). */
  clients: Redis[];
}

function inProcessTransport(options: LiveOptions): Transport {
  const target = new EventTarget() as unknown as ChangeEventTarget;
  if (options.responseCacheTtlMs <= 0) return { target, cache: undefined, clients: [] };
  const cache = createMemoryResponseCache({
    maxEntries: options.responseCacheMax,
    maxBytes: options.responseCacheMaxBytes,
  });
  return { target, cache, memoryCache: cache.lru as ByteLru<unknown>, clients: [] };
}

function redisTransport(redisUrl: string, options: LiveOptions, logger: Logger, isClosing: () => boolean): Transport {
  const publishClient = redisClient(redisUrl, logger);
  const subscribeClient = redisClient(redisUrl, logger);
  // The event target does not await its Redis calls; one that fails (Redis away, or a client
  // unsubscribing while the process closes) must be logged, not become an unhandled rejection
  // that ends the process.
  const logged = (what: string) => (error: Error) => logger.warn(`Redis ${what} failed`, { error: error.message });
  const safeSubscriber = {
    on: (event: 'message', listener: (channel: string, message: string) => void) => subscribeClient.on(event, listener),
    subscribe: (topic: string) => subscribeClient.subscribe(topic).catch(logged('SUBSCRIBE')),
    unsubscribe: (topic: string) =>
      isClosing() ? undefined : subscribeClient.unsubscribe(topic).catch(logged('UNSUBSCRIBE')),
  };
  const safePublisher = {
    publish: (topic: string, message: string) => publishClient.publish(topic, message).catch(logged('PUBLISH')),
  };
  const target = createRedisEventTarget({
    publishClient: safePublisher as never,
    subscribeClient: safeSubscriber as never,
  }) as unknown as ChangeEventTarget;
  // Always: a process that does not serve from the cache (RESPONSE_CACHE_TTL_MS=0, the
  // import CLI) still invalidates what its writes touched for the replicas that do.
  // A slow Redis must not make reads slow: a cache read it does not answer in time is a miss.
  const cacheClient = redisClient(redisUrl, logger);
  const cache = forgivingCache(
    createRedisResponseCache(cacheClient, maxResponseBytes(options.responseCacheMaxBytes)),
    logger,
    options.responseCacheTtlMs,
  );
  return { target, cache, clients: [publishClient, subscribeClient, cacheClient] };
}

/** The change log, as the live graph reads it: its events after `after` (through `through`), in order. */
export type ChangeLogReader = (after: number, through?: number) => AsyncIterable<GraphChangeEvent>;

/**
 * What this process hears, put in change-log order before subscribers hear it. Events from
 * several writers (replicas, or concurrent requests) may arrive out of order or not at all (a
 * writer that died between commit and publish, a process writing to the same graph without
 * REDIS_URL). An event whose numbers follow the last one delivered goes out as it is; one that
 * leaves a gap goes out after the log's events for the gap (the log holds every committed one:
 * see change-log.ts); one whose numbers are interleaved with others' is replaced by the log's
 * events through its last number; one already delivered that way is dropped. Events without
 * numbers go out as they come.
 */
function logOrder(read: ChangeLogReader, deliver: (event: GraphChangeEvent) => void, logger: Logger) {
  // Events go through one at a time, in the order heard.
  let last: number | null = null;
  let chain = Promise.resolve();
  const inOrder = async (event: GraphChangeEvent) => {
    const seqs = seqsOf(event);
    if (seqs.length === 0) return deliver(event);
    const first = seqs[0]!;
    const through = seqs.at(-1)!;
    if (last === null) last = first - 1;
    if (through <= last) return;
    // Its own numbers in one run (one transaction, or several not interleaved with others'):
    // the log gives what comes before it, and the event itself goes out as heard.
    const whole = first > last && through - first + 1 === seqs.length;
    try {
      if (whole) {
        if (first > last + 1) for await (const missing of read(last, first - 1)) deliver(missing);
        last = through;
        return deliver(event);
      }
      for await (const missing of read(last, through)) deliver(missing);
    } catch (error) {
      // The log cannot be read (Neo4j away): subscribers still hear what arrived, out of order
      // or with a gap a resume will fill, rather than nothing.
      logger.error('Reading the change log for a gap failed', { error: error as Error });
      deliver(event);
    }
    last = through;
  };
  return (event: GraphChangeEvent) => {
    chain = chain
      .then(() => inOrder(event))
      .catch((error: Error) => logger.error('Delivering a change failed', { error }));
  };
}

export function createLiveGraph(
  options: LiveOptions,
  logger: Logger,
  derivedTypes: readonly string[],
  log?: ChangeLogReader,
): LiveGraph {
  let closing = false;
  const { target, cache, memoryCache, clients } = options.redisUrl
    ? redisTransport(options.redisUrl, options, logger, () => closing)
    : inProcessTransport(options);
  // One listener for the process, fanning out to every subscriber's queue (not one listener
  // per subscriber: thousands of them on one EventTarget is what Node warns about).
  const subscribers = subscriberSet(options);
  // When this process last heard of a write (its own, or another replica's through Redis): a
  // read that started before it must not be stored (see changedSince).
  let lastChangeAt = 0;
  const deliver = log ? logOrder(log, (event) => subscribers.fanOut(event), logger) : subscribers.fanOut;
  const fanOut = (event: CustomEvent<GraphChangeEvent>) => {
    lastChangeAt = performance.now();
    deliver(event.detail);
  };
  // Listening always (not only with subscribers), so lastChangeAt hears other replicas.
  target.addEventListener(GRAPH_CHANGED, fanOut);

  return {
    cache,
    memoryCache,
    get subscribers() {
      return subscribers.size;
    },
    changedSince(startedAt) {
      return lastChangeAt >= startedAt;
    },
    async publish(event, { notify = true } = {}) {
      lastChangeAt = performance.now();
      if (cache) {
        try {
          await cache.invalidate(invalidationsFor(event, derivedTypes));
        } catch (error) {
          // The write is committed and its caller must hear so. A Redis that cannot be cleared
          // cannot serve reads either (they fail); its entries end with their TTL.
          logger.error('Response cache invalidation failed', { error: error as Error, change: event.change });
        }
      }
      if (notify) target.dispatchEvent(new CustomEvent(GRAPH_CHANGED, { detail: event }));
    },
    subscribe(filter, subscribeOptions) {
      return subscribers.add(filter, subscribeOptions);
    },
    async resume(filter, subscribeOptions, after) {
      if (!log) throw new Error('Resuming needs the change log');
      // Live events are queued from now; the log gives everything before them.
      const live = subscribers.add(filter, subscribeOptions);
      try {
        const replay = log(after)[Symbol.asyncIterator]();
        // The first page now, so an expired id is refused before the stream opens.
        const head = await replay.next();
        return resumed(head, replay, live, changeMatcher(filter), after);
      } catch (error) {
        await live.return?.();
        throw error;
      }
    },
    async close() {
      closing = true;
      target.removeEventListener(GRAPH_CHANGED, fanOut);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/**
 * A resumed subscription: the replay's events (those the filter matches), then the live ones
 * numbered after the last replayed (earlier ones were in the replay). Unnumbered live events pass.
 */
async function* resumed(
  head: IteratorResult<GraphChangeEvent>,
  replay: AsyncIterator<GraphChangeEvent>,
  live: AsyncIterableIterator<GraphChangeEvent>,
  matches: (event: GraphChangeEvent) => boolean,
  after: number,
): AsyncGenerator<GraphChangeEvent> {
  let last = after;
  try {
    for (let step = head; !step.done; step = await replay.next()) {
      last = seqsOf(step.value).at(-1) ?? last;
      if (matches(step.value)) yield step.value;
    }
    for await (const event of live) {
      const through = seqsOf(event).at(-1);
      if (through === undefined) yield event;
      else if (through > last) {
        // A write of several transactions may have been replayed in part: not its changes twice.
        const claimChanges = event.claimChanges?.filter((n) => n.seq === undefined || n.seq > last);
        last = through;
        yield { ...event, claimChanges };
      }
    }
  } finally {
    await live.return?.();
  }
}
