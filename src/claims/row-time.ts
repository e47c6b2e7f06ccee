/**
 * Nested fields read the graph at their root field's slice. The rows a time read returns carry
 * the slice under a symbol (never serialised, never a GraphQL field), and every resolver below
 * reads it from its parent row: a plain read's rows carry none.
 */
import type { TimeSlice } from './time.js';

const AT: unique symbol = Symbol('timeSlice');

/** The slice a row was read at; null for a plain read. */
export const sliceOf = (row: unknown): TimeSlice | null =>
  row !== null && typeof row === 'object' ? ((row as { [AT]?: TimeSlice })[AT] ?? null) : null;

/** Marks `row` (and returns it) as read at `time`; a plain read leaves it as it is. */
export function stampSlice<T>(row: T, time: TimeSlice | null): T {
  if (time && row !== null && typeof row === 'object') (row as { [AT]?: TimeSlice })[AT] = time;
  return row;
}
