/**
 * Webhooks (WEBHOOK_URLS): every change in the change log, POSTed to each URL as JSON, one
 * change per request, in log order, signed. Each URL has one cursor in the graph
 * (`WebhookCursor`: the last id delivered) and one deliverer at a time across replicas: the
 * process holding its lease (renewed before every attempt; a replica that dies loses it within
 * LEASE_S). A failed attempt (a network error, an answer other than 2xx) is retried after
 * WEBHOOK_BACKOFF_MS, doubled each time, WEBHOOK_MAX_ATTEMPTS attempts in all; then the change is
 * logged as given up and the next one is sent. Delivery is at least once: a deliverer that dies
 * after a POST and before moving the cursor sends that change again, with the same
 * `x-stargraph-change-id`, by which receivers deduplicate. A new URL starts at the newest change.
 *
 * Each request carries `x-stargraph-timestamp` (Unix seconds) and
 * `x-stargraph-signature: sha256=<hex>`, the HMAC-SHA256 with WEBHOOK_SECRET of
 * `<timestamp>.<body>`: a receiver recomputes it, compares in constant time, and refuses old
 * timestamps (replays).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Db } from '../neo4j/db.js';
import type { Logger } from '../logger.js';
import { readChangeLog, type LogEntry } from '../claims/change-log.js';
import { ErrorCode, type StargraphError } from '../errors.js';

export interface WebhookOptions {
  urls: readonly string[];
  secret: string;
  maxAttempts: number;
  backoffMs: number;
  pollMs: number;
}

/** How long a deliverer's lease on a URL lasts without renewal. */
export const LEASE_S = 30;
/** Changes read from the log per look. */
const BATCH = 100;
/** One attempt's time limit. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** `sha256=<hex>`: the signature of `body` sent at `timestamp` (Unix seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The JSON body for one change: the ClaimChange fields with its claim. */
export function webhookBody(entry: LogEntry): string {
  return JSON.stringify({
    id: String(entry.seq),
    change: entry.change,
    on: entry.on.slice(0, 10),
    at: entry.at === null ? null : new Date(entry.at).toISOString(),
    committedAt: new Date(entry.committedAt).toISOString(),
    claim: entry.claim,
  });
}

/**
 * Takes or renews the lease on `url`'s cursor; returns the last id delivered when this process
 * holds it, null when another does.
 */
async function lease(db: Db, url: string, owner: string): Promise<number | null> {
  const [row] = await db.write(
    `OPTIONAL MATCH (h:ChangeLogHead {key: 'changes'})
     WITH coalesce(h.last, 0) AS newest
     MERGE (c:WebhookCursor {url: $url})
       ON CREATE SET c.deliveredThrough = newest, c.leaseUntil = datetime({epochMillis: 0})
     WITH c WHERE c.leaseOwner = $owner OR c.leaseUntil < datetime()
     SET c.leaseOwner = $owner, c.leaseUntil = datetime() + duration({seconds: $leaseS})
     RETURN c.deliveredThrough AS through`,
    { url, owner, leaseS: LEASE_S },
  );
  return row ? Number(row.through) : null;
}

async function advance(db: Db, url: string, owner: string, through: number): Promise<void> {
  await db.write(
    `MATCH (c:WebhookCursor {url: $url}) WHERE c.leaseOwner = $owner AND c.deliveredThrough < $through
     SET c.deliveredThrough = $through`,
    { url, owner, through },
  );
}

/** One POST; true on a 2xx answer. */
async function post(url: string, secret: string, entry: LogEntry): Promise<boolean> {
  const body = webhookBody(entry);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'stargraph-webhooks',
        'x-stargraph-change-id': String(entry.seq),
        'x-stargraph-timestamp': String(timestamp),
        'x-stargraph-signature': webhookSignature(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Delivers the webhooks until `stop()`; one loop per URL. */
export function startWebhooks(db: Db, options: WebhookOptions, logger: Logger): { stop(): Promise<void> } {
  const owner = randomUUID();
  let stopped = false;
  // Waits that stop() cuts short.
  const waits = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((ok) => {
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        ok();
      };
      const timer = setTimeout(done, ms);
      waits.add(done);
    });

  /** Sends `entry` until it is accepted or its attempts are spent; false when the lease was lost. */
  async function deliver(url: string, entry: LogEntry): Promise<boolean> {
    for (let attempt = 1; !stopped; attempt++) {
      if ((await lease(db, url, owner)) === null) return false;
      if (await post(url, options.secret, entry)) return true;
      if (attempt >= options.maxAttempts) {
        logger.error('Webhook delivery given up', { url, changeId: entry.seq, attempts: attempt });
        return true;
      }
      await sleep(options.backoffMs * 2 ** (attempt - 1));
    }
    return false;
  }

  async function loop(url: string): Promise<void> {
    while (!stopped) {
      try {
        const through = await lease(db, url, owner);
        const entries = through === null ? [] : await readChangeLog(db, through, BATCH);
        for (const entry of entries) {
          // A change of a claim purged since has nothing left to send.
          if (stopped || (entry.claim && !(await deliver(url, entry)))) break;
          await advance(db, url, owner, entry.seq);
        }
        if (entries.length === BATCH) continue;
      } catch (error) {
        const code = (error as StargraphError).extensions?.code;
        if (code === ErrorCode.CHANGE_LOG_EXPIRED) {
          // Down longer than the log keeps: what was pruned is gone; go on from what is kept.
          const prunedThrough = Number((error as StargraphError).extensions.prunedThrough);
          logger.error('Webhook fell behind the change log retention; pruned changes skipped', { url, prunedThrough });
          await advance(db, url, owner, prunedThrough).catch(() => {});
          continue;
        }
        // The database away, or the cursor older than the log keeps: said, and tried again.
        logger.warn('Webhook delivery paused', { url, error: (error as Error).message });
      }
      await sleep(options.pollMs);
    }
  }

  const loops = options.urls.map((url) => loop(url));
  return {
    async stop() {
      stopped = true;
      for (const done of [...waits]) done();
      await Promise.allSettled(loops);
    },
  };
}
