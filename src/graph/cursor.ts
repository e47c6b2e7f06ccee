/**
 * Keyset cursors: an opaque token holding the sort key of the last item seen (never an offset),
 * so pages stay correct when items are inserted between fetches.
 */
import { ErrorCode, StargraphError } from '../errors.js';

export type CursorKey = Array<string | number | boolean | null>;

/** `order` names the ordering the key belongs to; a cursor from another ordering is refused. */
export function encodeCursor(order: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ o: order, k: key }), 'utf8').toString('base64url');
}

/** A cursor key value any ordering can compare: a string, a boolean, null or a finite number. */
const comparable = (v: unknown) =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * The key of a cursor of ordering `order` whose keys are `keys`; INVALID_CURSOR for anything
 * else, so a forged cursor (a number past what JSON or a datetime can hold, a key of the wrong
 * kind) never reaches the database.
 */
export function decodeCursor(
  cursor: string,
  order: string,
  keys: ReadonlyArray<{ accepts?: (value: unknown) => boolean }>,
): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const value = parsed as { o?: unknown; k?: unknown } | undefined;
  const valid =
    value !== undefined &&
    value !== null &&
    typeof value === 'object' &&
    Array.isArray(value.k) &&
    value.k.length === keys.length &&
    value.k.every((v, i) => comparable(v) && (keys[i]!.accepts?.(v) ?? true));
  if (!valid) {
    throw new StargraphError(ErrorCode.INVALID_CURSOR, 'The cursor is malformed; use a cursor from this connection');
  }
  if (value.o !== order) {
    throw new StargraphError(
      ErrorCode.INVALID_CURSOR,
      'The cursor belongs to a different ordering; fetch from the start after changing orderBy',
    );
  }
  return value.k as CursorKey;
}
