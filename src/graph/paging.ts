/**
 * Keyset paging over an ordering (ordering.ts: key expressions ending in the unique id, each from
 * a fixed list in code, never from a request). Forward pages compare keys after the cursor;
 * backward pages run the same ordering reversed and flip the rows back. The statement builder
 * (src/plan/cypher.ts `pageKeys`, `orderByClause`, `keysetPredicate`) writes both in Cypher.
 */
import { limitExceeded, badInput } from '../errors.js';
import { decodeCursor, encodeCursor, type CursorKey } from './cursor.js';
import type { Ordering } from './ordering.js';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PagePlan {
  /** true: run reversed (for `last`), flip the rows after. */
  backward: boolean;
  /** Rows to fetch: the page size plus one, to learn if there is more. */
  fetch: number;
  size: number;
  cursorKey: CursorKey | null;
  hasCursor: boolean;
}

/** first/last within the maximum (refused, never clamped) and not contradictory. */
export function checkPageArgs(args: PageArgs, maxPageSize: number): void {
  const { first, last, after, before } = args;
  if (first != null && last != null) throw badInput('Pass either first or last, not both');
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value == null) continue;
    if (value < 0) throw badInput(`${name} must not be negative`);
    if (value > maxPageSize) throw limitExceeded('MAX_PAGE_SIZE', maxPageSize, value, name);
  }
  if (after != null && before != null) throw badInput('Pass either after or before, not both');
  if (last != null && after != null) throw badInput('last pages backward and goes with before, not after');
  if (first != null && before != null) throw badInput('first pages forward and goes with after, not before');
}

/** Validates the arguments and plans the query. */
export function planPage(args: PageArgs, ordering: Ordering, maxPageSize: number, defaultSize = 20): PagePlan {
  checkPageArgs(args, maxPageSize);
  const { first, last, after, before } = args;

  const backward = last != null || before != null;
  const size = (backward ? last : first) ?? defaultSize;
  const cursor = backward ? before : after;
  const cursorKey = cursor != null ? decodeCursor(cursor, ordering.name, ordering.keys) : null;
  return { backward, size, fetch: size + 1, cursorKey, hasCursor: cursorKey !== null };
}

/**
 * A page read from a (property, id) index in order (cypher/schema/004-ordered-pages.cypher):
 * `range` makes Neo4j seek that index (from the cursor's first key when there is one; saying
 * every row has an id lets it use the composite index), `after` is the keyset test past the
 * cursor. The keys share one direction, so the test is one list comparison: an OR of per-key
 * terms would let Neo4j plan a union of seeks and lose the index order.
 */
export function indexedPageBounds(options: {
  /** The node variable. */
  node: string;
  property: string;
  /** The ordering's key expressions over the page's variables. */
  keys: readonly string[];
  /** The direction this page reads in (backward pages read reversed). */
  descending: boolean;
  /** The cursor's parameter (`$cursor`), or null on a first page. */
  cursor: string | null;
  /** The property's value from the cursor, when its first key is not the property itself. */
  seek?: (cursor: string) => string;
  /** The index's tie-breaking property (`id` unless the index holds a copy of it). */
  idProperty?: string;
}): { range: string[]; after: string | null } {
  const { node, property, keys, descending, cursor } = options;
  const id = `${node}.${options.idProperty ?? 'id'} IS NOT NULL`;
  if (cursor === null) return { range: [`${node}.${property} IS NOT NULL`, id], after: null };
  return {
    range: [`${node}.${property} ${descending ? '<=' : '>='} ${options.seek?.(cursor) ?? `${cursor}[0]`}`, id],
    after: `[${keys.join(', ')}] ${descending ? '<' : '>'} ${cursor}`,
  };
}

export interface Page<T> {
  edges: Array<T & { cursor: string }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Turns fetched rows (each with its `sortKey`) into a Relay page. */
export function toPage<T extends { sortKey: CursorKey }>(rows: T[], plan: PagePlan, ordering: Ordering): Page<T> {
  const more = rows.length > plan.size;
  const kept = rows.slice(0, plan.size);
  if (plan.backward) kept.reverse();
  const edges = kept.map((row) => ({ ...row, cursor: encodeCursor(ordering.name, row.sortKey) }));
  return {
    edges,
    pageInfo: {
      // Relay allows "false" when it is costly to know; we know it exactly in the paging direction
      // and, against it, whether a cursor was given (items lie before/after it).
      hasNextPage: plan.backward ? plan.hasCursor : more,
      hasPreviousPage: plan.backward ? more : plan.hasCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * A connection that fetches its page only when `edges` or `pageInfo` is selected and counts only
 * when `totalCount` is: `{ deals { totalCount } }` costs one count, not a page and a count.
 * Arguments are still checked up front, so a bad `first` is refused whatever is selected.
 */
export function lazyConnection<T>(
  args: PageArgs,
  maxPageSize: number,
  loadPage: () => Promise<Page<T>>,
  count: () => Promise<number>,
) {
  checkPageArgs(args, maxPageSize);
  let page: Promise<Page<T>> | undefined;
  const fetched = () => (page ??= loadPage());
  return {
    get edges() {
      return fetched().then((p) => p.edges);
    },
    get pageInfo() {
      return fetched().then((p) => p.pageInfo);
    },
    totalCount: count,
  };
}
