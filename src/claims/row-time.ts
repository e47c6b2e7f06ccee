/**
 * Nested fields read the graph at their root field's slice. A root field that takes `asOf` or
 * `knownAt` registers its slice in the request context under its response key; every field below
 * it finds the slice from its path. Rows a time read returns may also carry the slice themselves
 * (a symbol, never serialised), which wins: a row knows when it was read.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
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

/** The response key of the root field a path starts at. */
function rootKey(path: GraphQLResolveInfo['path']): string {
  let at = path;
  while (at.prev) at = at.prev;
  return String(at.key);
}

/** A root field's slice, for the fields below it (null: a plain read registers nothing). */
export function registerSlice(ctx: Context, info: GraphQLResolveInfo, time: TimeSlice | null): void {
  if (!time) return;
  ctx.slices ??= new Map();
  ctx.slices.set(rootKey(info.path), time);
}

/** The slice a field reads at: its parent row's, else its root field's; null for a plain read. */
export const sliceFor = (ctx: Context, info: GraphQLResolveInfo, parent?: unknown): TimeSlice | null =>
  sliceOf(parent) ?? ctx.slices?.get(rootKey(info.path)) ?? null;
