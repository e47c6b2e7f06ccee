/** Keyset cursors (src/graph/cursor.ts): opaque, round-trip their key, refuse anything else. */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type CursorKey } from '../../src/graph/cursor.js';
import type { StargraphError } from '../../src/errors.js';

const token = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function refusal(cursor: string, order: string, keyLength: number): StargraphError {
  try {
    decodeCursor(cursor, order, keyLength);
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
    expect(decodeCursor(cursor, 'Company.name', key.length)).toEqual(key);
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
    expect(decodeCursor(token({ o: 'x', k: ['a', 1, true, null] }), 'x', 4)).toEqual(['a', 1, true, null]);
  });
});
