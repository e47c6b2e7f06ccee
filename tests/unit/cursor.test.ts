/** Keyset cursors (src/graph/cursor.ts): opaque, round-trip their key, refuse anything else. */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type CursorKey } from '../../src/graph/cursor.js';
import { ORDERINGS, orderingBy } from '../../src/graph/ordering.js';
import type { StargraphError } from '../../src/errors.js';

/** `n` keys that take any comparable value. */
const any = (n: number) => Array.from({ length: n }, () => ({}));

const token = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function refusal(cursor: string, order: string, keys: number | Parameters<typeof decodeCursor>[2]): StargraphError {
  try {
    decodeCursor(cursor, order, typeof keys === 'number' ? any(keys) : keys);
  } catch (e) {
    return e as StargraphError;
  }
  throw new Error(`decodeCursor accepted ${cursor}`);
}

describe('encodeCursor / decodeCursor', () => {
  it.each<[string, CursorKey]>([
    ['a string and an id', ['OpenAI', 'c-1']],
    ['a number, a boolean and null', [500e9, true, null]],
    ['false and a negative number', [false, -1.5]],
    ['an empty string', ['']],
  ])('round-trips %s', (_, key) => {
    const cursor = encodeCursor('Company.name', key);
    expect(decodeCursor(cursor, 'Company.name', any(key.length))).toEqual(key);
  });

  it('is opaque and URL-safe (base64url, no padding), not the key in clear', () => {
    const cursor = encodeCursor('Company.name', ['Sam Altman/OpenAI?', 'id+1']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('Altman');
  });

  it('refuses a cursor of another ordering, saying so', () => {
    const e = refusal(encodeCursor('Company.name', ['a', 'b']), 'Company.valueUsd', 2);
    expect(e.extensions.code).toBe('INVALID_CURSOR');
    expect(e.message).toMatch(/different ordering/);
  });

  it.each<[string, string, number]>([
    ['not base64 JSON', '%%%not-a-cursor', 1],
    ['JSON null', token(null), 1],
    ['a number', token(7), 1],
    ['a string', token('abc'), 1],
    ['an object without a key', token({ o: 'x' }), 1],
    ['a key that is not a list', token({ o: 'x', k: 'abc' }), 1],
    ['a key that is too short', token({ o: 'x', k: ['a'] }), 2],
    ['a key that is too long', token({ o: 'x', k: ['a', 'b', 'c'] }), 2],
    ['a key holding an object', token({ o: 'x', k: ['a', { $gt: 1 }] }), 2],
    ['a key holding a list', token({ o: 'x', k: [['a'], 'b'] }), 2],
  ])('refuses %s as malformed (INVALID_CURSOR, never a crash)', (_, cursor, keyLength) => {
    const e = refusal(cursor, 'x', keyLength);
    expect(e.extensions.code).toBe('INVALID_CURSOR');
    expect(e.message).toMatch(/malformed/);
  });

  it('accepts a hand-made cursor of the right shape (the format is the contract, not the encoder)', () => {
    expect(decodeCursor(token({ o: 'x', k: ['a', 1, true, null] }), 'x', any(4))).toEqual(['a', 1, true, null]);
  });

  it.each<[string, string]>([
    ['a number JSON reads as Infinity', '{"o":"x","k":[1e400,"a"]}'],
    ['a negative one', '{"o":"x","k":[-1e999,"a"]}'],
  ])('refuses %s', (_, json) => {
    expect(refusal(Buffer.from(json).toString('base64url'), 'x', 2).extensions.code).toBe('INVALID_CURSOR');
  });

  describe('by creation time (a datetime rebuilt from the cursor)', () => {
    const ordering = orderingBy('Company', ORDERINGS.Company, { field: 'CREATED_AT' });
    const cursor = (k: unknown[]) => token({ o: ordering.name, k });

    it('round-trips whole seconds and a nanosecond of a second', () => {
      for (const k of [
        [1_733_000_000, 0, 'c-1'],
        [-62_135_596_800, 999_999_999, 'c-2'],
        [Number.MAX_SAFE_INTEGER, 5, 'c-3'],
      ]) {
        expect(decodeCursor(cursor(k), ordering.name, ordering.keys)).toEqual(k);
      }
    });

    it.each<[string, unknown[]]>([
      ['seconds past a safe integer', [2 ** 63, 0, 'c']],
      ['fractional seconds', [1.5, 0, 'c']],
      ['seconds as text', ['1733000000', 0, 'c']],
      ['a negative nanosecond', [0, -1, 'c']],
      ['a nanosecond of a second or more', [0, 1e9, 'c']],
      ['a fractional nanosecond', [0, 0.5, 'c']],
    ])('refuses %s', (_, k) => {
      expect(refusal(cursor(k), ordering.name, ordering.keys).extensions.code).toBe('INVALID_CURSOR');
    });
  });
});
