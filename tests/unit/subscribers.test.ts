/**
 * The subscriptions one process holds (src/live/subscribers.ts): filters prepared once, caps in
 * all and per caller with slots freed on close, an expired credential ending its stream at `exp`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundedQueue } from '../../src/live/bounded-queue.js';
import { entityChange, type ChangeFilter } from '../../src/live/changes.js';
import { callAt, subscriberSet } from '../../src/live/subscribers.js';
import type { EntityRow } from '../../src/graph/entities.js';

const company = (slug: string): EntityRow => ({
  id: `${slug}-id`,
  slug,
  name: slug,
  label: 'Company',
  description: null,
  aliases: [],
  createdAt: null,
  updatedAt: null,
});

const limits = { subscriptionQueueMax: 1_000, maxSubscriptions: 3, maxSubscriptionsPerToken: 2 };

/** The error a pending or next read rejects with. */
const errorOf = async (read: Promise<unknown>) => {
  try {
    await read;
  } catch (error) {
    return error as { extensions?: Record<string, unknown> };
  }
  throw new Error('the read did not fail');
};

afterEach(() => vi.useRealTimers());

describe('a subscriber’s filter', () => {
  it('is read once, when it subscribes, and never again per event', async () => {
    let reads = 0;
    const filter: ChangeFilter = {
      get kinds() {
        reads++;
        return ['COMPANY'] as const;
      },
      get slugs() {
        reads++;
        return ['watched'];
      },
    };
    const set = subscriberSet(limits);
    const events = set.add(filter, { caller: 'c' });
    const afterSubscribe = reads;
    expect(afterSubscribe).toBeGreaterThan(0);
    for (let i = 0; i < 200; i++) set.fanOut(entityChange('UPDATED', company(`other-${i}`)));
    set.fanOut(entityChange('UPDATED', company('watched')));
    expect(reads).toBe(afterSubscribe);
    // Prepared, it still filters: of 201 events only the watched one arrived.
    expect((await events.next()).value?.entity?.slug).toBe('watched');
    await events.return!();
  });
});

describe('caps', () => {
  it('refuses one more per caller than MAX_SUBSCRIPTIONS_PER_TOKEN, and frees the slot on close', async () => {
    const set = subscriberSet(limits);
    const first = set.add({}, { caller: 'alice' });
    set.add({}, { caller: 'alice' });
    let refused: unknown;
    try {
      set.add({}, { caller: 'alice' });
    } catch (error) {
      refused = error;
    }
    expect((refused as { extensions: unknown }).extensions).toEqual({
      code: 'TOO_MANY_SUBSCRIPTIONS',
      limit: 'MAX_SUBSCRIPTIONS_PER_TOKEN',
      max: 2,
    });
    await first.return!();
    expect(() => set.add({}, { caller: 'alice' })).not.toThrow();
    expect(set.size).toBe(2);
  });

  it('refuses one more than MAX_SUBSCRIPTIONS in all, whoever asks', async () => {
    const set = subscriberSet(limits);
    const held = ['a', 'b', 'c'].map((caller) => set.add({}, { caller }));
    expect(() => set.add({}, { caller: 'd' })).toThrow(/MAX_SUBSCRIPTIONS\)/);
    await held[1]!.return!();
    expect(() => set.add({}, { caller: 'd' })).not.toThrow();
  });
});

describe('expiry', () => {
  it('ends a waiting subscriber with UNAUTHENTICATED at its expiry, and frees its slot', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const set = subscriberSet(limits);
    const events = set.add({}, { caller: 'jwt:x', expiresAt: 1_060_000 });
    let ended = false;
    const failed = errorOf(events.next()).finally(() => (ended = true));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(ended).toBe(false);
    expect(set.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await failed).extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    expect(set.size).toBe(0);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('drops what waits for a reader that is behind: the error is its next read', async () => {
    vi.useFakeTimers({ now: 0 });
    const set = subscriberSet(limits);
    const events = set.add({}, { caller: 'jwt:y', expiresAt: 5_000 });
    set.fanOut(entityChange('UPDATED', company('a')));
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await errorOf(events.next())).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(set.size).toBe(0);
  });

  it('a closed subscription leaves no timer behind', async () => {
    vi.useFakeTimers({ now: 0 });
    const set = subscriberSet(limits);
    const events = set.add({}, { caller: 'jwt:z', expiresAt: 5_000 });
    expect(vi.getTimerCount()).toBe(1);
    await events.return!();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('callAt', () => {
  it('waits past the 24.8 days setTimeout can hold (it would otherwise fire at once)', async () => {
    vi.useFakeTimers({ now: 0 });
    const day = 86_400_000;
    const fn = vi.fn();
    callAt(30 * day, fn);
    await vi.advanceTimersByTimeAsync(29 * day);
    expect(fn).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(day);
    expect(fn).toHaveBeenCalledOnce();
  });
});

describe('boundedQueue end()', () => {
  it('rejects a waiting reader at once and closes', async () => {
    let closed = 0;
    const q = boundedQueue<number>({ max: 2, overflowError: () => new Error('slow'), onClose: () => closed++ });
    const pending = q.next();
    q.end(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(closed).toBe(1);
    q.push(1);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});
