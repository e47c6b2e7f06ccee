/**
 * The in-process windows (src/rate-limit.ts), whom a request is charged to, and the client
 * address behind a trusted proxy (src/client-address.ts).
 */
import { describe, expect, it } from 'vitest';
import { clientAddressOf } from '../../src/client-address.js';
import type { AuthInfo } from '../../src/context.js';
import { budgetOf, memoryRateLimitStore } from '../../src/rate-limit.js';

const clock = (start = 1_000_000) => {
  let at = start;
  return { now: () => at, advance: (ms: number) => (at += ms) };
};

describe('memoryRateLimitStore', () => {
  it('adds a charge that fits, refuses one that does not without adding it, and forces one when told', async () => {
    const time = clock();
    const store = memoryRateLimitStore(60_000, { now: time.now });
    expect(await store.charge('a', 7, 10, false)).toEqual({ allowed: true, used: 7, resetAt: time.now() + 60_000 });
    expect(await store.charge('a', 4, 10, false)).toMatchObject({ allowed: false, used: 7 });
    expect(await store.charge('a', 3, 10, false)).toMatchObject({ allowed: true, used: 10 });
    expect(await store.charge('a', 5, 10, true)).toMatchObject({ allowed: true, used: 15 });
    // Cost 0 only looks.
    expect(await store.charge('a', 0, 10, false)).toMatchObject({ allowed: true, used: 15 });
    expect(await store.charge('b', 0, 10, false)).toMatchObject({ allowed: true, used: 0 });
    expect(store.size).toBe(1);
  });

  it('starts a window with the first charge and forgets it when it ends', async () => {
    const time = clock();
    const store = memoryRateLimitStore(60_000, { now: time.now });
    const first = await store.charge('a', 10, 10, false);
    time.advance(59_999);
    expect(await store.charge('a', 1, 10, false)).toMatchObject({ allowed: false, resetAt: first!.resetAt });
    time.advance(1);
    expect(await store.charge('a', 1, 10, false)).toEqual({ allowed: true, used: 1, resetAt: time.now() + 60_000 });
  });

  it('ends a window on time even behind a later one (a clock stepped back)', async () => {
    const time = clock();
    const store = memoryRateLimitStore(60_000, { now: time.now });
    time.advance(10_000);
    await store.charge('later', 1, 10, false);
    time.advance(-10_000);
    await store.charge('b', 10, 10, false);
    time.advance(60_000);
    expect(await store.charge('b', 10, 10, false)).toMatchObject({ allowed: true, used: 10 });
  });

  it('holds at most maxCallers windows, dropping ended ones first and then the oldest', async () => {
    const time = clock();
    const store = memoryRateLimitStore(1_000, { maxCallers: 3, now: time.now });
    for (const caller of ['a', 'b', 'c']) {
      await store.charge(caller, 5, 10, false);
      time.advance(100);
    }
    await store.charge('d', 5, 10, false);
    expect(store.size).toBe(3);
    // 'a' (the oldest) was forgotten: a fresh window.
    expect(await store.charge('a', 10, 10, false)).toMatchObject({ allowed: true, used: 10 });
    expect(store.size).toBe(3);
    time.advance(5_000);
    await store.charge('e', 1, 10, false);
    expect(store.size).toBe(1);
  });
});

describe('budgetOf', () => {
  const anonymous: AuthInfo = { authenticated: false, invalid: false, scopes: new Set() };
  const key: AuthInfo = { authenticated: true, invalid: false, scopes: new Set(['read']), identity: 'key:abc' };

  it('charges a credential by its identity, with its own budget over the default', () => {
    expect(budgetOf(key, '10.0.0.1', 100)).toEqual({ caller: 'key:abc', points: 100 });
    expect(budgetOf({ ...key, rateLimitPoints: 7 }, '10.0.0.1', 100)).toEqual({ caller: 'key:abc', points: 7 });
    expect(budgetOf({ ...key, rateLimitPoints: 7 }, '10.0.0.1', undefined)).toEqual({ caller: 'key:abc', points: 7 });
    expect(budgetOf(key, '10.0.0.1', undefined)).toBeUndefined();
  });

  it('charges anyone else by address (a bad token too)', () => {
    expect(budgetOf(anonymous, '10.0.0.1', 100)).toEqual({ caller: 'anonymous:10.0.0.1', points: 100 });
    expect(budgetOf({ ...anonymous, invalid: true }, undefined, 100)).toEqual({
      caller: 'anonymous:unknown',
      points: 100,
    });
  });
});

describe('clientAddressOf', () => {
  const request = (forwarded?: string) =>
    new Request('http://x/graphql', { headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });

  it('is the socket peer without TRUST_PROXY, whatever the headers say', () => {
    expect(clientAddressOf(request('203.0.113.1'), '10.0.0.1', { trustProxy: false })).toBe('10.0.0.1');
  });

  it("with TRUST_PROXY is the last forwarded entry (the proxy's), if it is an address", () => {
    expect(clientAddressOf(request('198.51.100.9, 203.0.113.1'), '10.0.0.1', { trustProxy: true })).toBe('203.0.113.1');
    expect(clientAddressOf(request('2001:db8::1'), '10.0.0.1', { trustProxy: true })).toBe('2001:db8::1');
    expect(clientAddressOf(request('203.0.113.1, not-an-ip'), '10.0.0.1', { trustProxy: true })).toBe('10.0.0.1');
    expect(clientAddressOf(request(), '10.0.0.1', { trustProxy: true })).toBe('10.0.0.1');
  });
});
