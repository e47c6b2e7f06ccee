/**
 * The subscriptions one process holds open: each with its filter prepared once (changeMatcher)
 * and its bounded queue, at most MAX_SUBSCRIPTIONS in all and MAX_SUBSCRIPTIONS_PER_TOKEN per
 * caller. A subscription opened with a credential that expires ends at that instant, by a timer.
 * Closing a subscription (the client leaves, it falls behind, its credential expires) frees its
 * slots at once.
 */
import { ErrorCode, StargraphError } from '../errors.js';
import { boundedQueue, type BoundedQueue } from './bounded-queue.js';
import { changeMatcher, type ChangeFilter, type GraphChangeEvent } from './changes.js';

export interface SubscriberLimits {
  subscriptionQueueMax: number;
  maxSubscriptions: number;
  maxSubscriptionsPerToken: number;
}

export interface SubscribeOptions {
  /** Who subscribes, counted against MAX_SUBSCRIPTIONS_PER_TOKEN (see subscription.ts). */
  caller: string;
  /** When the caller's credential expires (ms since the epoch); the subscription ends then. */
  expiresAt?: number;
}

export const slowSubscriberError = (max: number) =>
  new StargraphError(
    ErrorCode.SUBSCRIBER_TOO_SLOW,
    `This subscription fell more than ${max} events behind (SUBSCRIPTION_QUEUE_MAX) and was closed; ` +
      'subscribe again and refetch what you show',
    { limit: 'SUBSCRIPTION_QUEUE_MAX', max },
  );

export const tooManySubscriptionsError = (limit: 'MAX_SUBSCRIPTIONS' | 'MAX_SUBSCRIPTIONS_PER_TOKEN', max: number) =>
  new StargraphError(
    ErrorCode.TOO_MANY_SUBSCRIPTIONS,
    limit === 'MAX_SUBSCRIPTIONS'
      ? `This server already holds ${max} subscriptions (MAX_SUBSCRIPTIONS); try again later`
      : `You already hold ${max} subscriptions (MAX_SUBSCRIPTIONS_PER_TOKEN); close one first`,
    { limit, max },
  );

export const credentialExpiredError = () =>
  new StargraphError(
    ErrorCode.UNAUTHENTICATED,
    'The token this subscription was opened with has expired; subscribe again with a fresh one',
    { reason: 'TOKEN_EXPIRED' },
  );

/** Longest delay setTimeout keeps (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` at `when` (ms since the epoch), however far ahead; returns how to cancel it. */
export function callAt(when: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = when - Date.now();
    timer = setTimeout(wait > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(wait, 0), MAX_TIMER_MS));
    // The stream, not the timer, keeps the process serving.
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

interface Subscriber {
  matches: (event: GraphChangeEvent) => boolean;
  queue: BoundedQueue<GraphChangeEvent>;
}

export function subscriberSet(limits: SubscriberLimits) {
  const open = new Set<Subscriber>();
  const perCaller = new Map<string, number>();

  const release = (caller: string) => {
    const left = (perCaller.get(caller) ?? 1) - 1;
    if (left > 0) perCaller.set(caller, left);
    else perCaller.delete(caller);
  };

  return {
    get size() {
      return open.size;
    },
    /** Every open subscription whose filter matches hears `event`. */
    fanOut(event: GraphChangeEvent) {
      for (const subscriber of open) if (subscriber.matches(event)) subscriber.queue.push(event);
    },
    /** A new subscription's events; throws TOO_MANY_SUBSCRIPTIONS when a cap is reached. */
    add(filter: ChangeFilter, { caller, expiresAt }: SubscribeOptions): AsyncIterableIterator<GraphChangeEvent> {
      if (open.size >= limits.maxSubscriptions)
        throw tooManySubscriptionsError('MAX_SUBSCRIPTIONS', limits.maxSubscriptions);
      const held = perCaller.get(caller) ?? 0;
      if (held >= limits.maxSubscriptionsPerToken)
        throw tooManySubscriptionsError('MAX_SUBSCRIPTIONS_PER_TOKEN', limits.maxSubscriptionsPerToken);
      let cancelExpiry = () => {};
      const subscriber: Subscriber = {
        matches: changeMatcher(filter),
        queue: boundedQueue<GraphChangeEvent>({
          max: limits.subscriptionQueueMax,
          overflowError: () => slowSubscriberError(limits.subscriptionQueueMax),
          onClose: () => {
            open.delete(subscriber);
            release(caller);
            cancelExpiry();
          },
        }),
      };
      open.add(subscriber);
      perCaller.set(caller, held + 1);
      if (expiresAt !== undefined)
        cancelExpiry = callAt(expiresAt, () => subscriber.queue.end(credentialExpiredError()));
      return subscriber.queue;
    },
  };
}
