/**
 * A root connection's rows in Cypher: its match with the client's filter, its page cut in order
 * (from the ordering's index when every row has the property) and its aggregates. The planner
 * (compile.ts) and the root connection loaders (src/graph/root-connections.ts, planner off) both
 * write their root statements with these, so the two read the same rows the same way.
 */
import { sourceProjection } from '../graph/entities.js';
import { heldAtIf, labelAt } from '../claims/time.js';
import { aggregateExpression, aggregateSpecOf, type AggregateRead } from '../graph/aggregates.js';
import { keyExpressions, type Ordering, type SortKey } from '../graph/ordering.js';
import { ROOT_ROW } from '../graph/patterns.js';
import { indexedPageBounds, type PagePlan } from '../graph/paging.js';
import type { RootConnectionSpec } from '../graph/root-connections.js';
import { keysetPredicate, orderByClause, pageKeys, paramName, whereClause, wholeEntity } from './cypher.js';
import { and } from '../graph/filters.js';

/** The root label in a pattern: with its held-back label in a time read (sources have none). */
const rootLabel = (label: RootConnectionSpec['label'], time: boolean) =>
  label === 'Source' ? label : labelAt(label, time);

/** Entities held at the slice, in a time read. */
const rootHeld = (label: RootConnectionSpec['label'], time: boolean) =>
  label === 'Source' ? null : heldAtIf(time, 'n');

/**
 * `MATCH (n:Label)` with the client's filter: what a root connection's page, count and aggregates
 * read; in a time read, the entities held at the slice.
 */
export function rootMatch(label: RootConnectionSpec['label'], filter: string | null, time = false): string {
  return `MATCH (n:${rootLabel(label, time)})${whereClause(and(rootHeld(label, time), filter))}`;
}

/** A root connection's aggregate, one expression over its (filtered) nodes. */
export function rootAggregate(
  label: RootConnectionSpec['label'],
  filter: string | null,
  read: AggregateRead,
  time = false,
): string {
  return aggregateExpression(rootMatch(label, filter, time), read, aggregateSpecOf(label), { ...ROOT_ROW, time });
}

/** A root connection's aggregate as a statement of its own (one row, `a`). */
export const rootAggregateStatement = (
  label: RootConnectionSpec['label'],
  filter: string | null,
  read: AggregateRead,
  time = false,
) => `RETURN ${rootAggregate(label, filter, read, time)} AS a`;

/** What a root page is cut from. */
export interface RootPageSource {
  label: RootConnectionSpec['label'];
  /** The filter's predicate over `n` (null when none). */
  filter: string | null;
  ordering: Ordering;
  page: PagePlan;
  /** The sort key whose index the page reads in order, if any (indexedSortKey; none in a time read). */
  indexed: SortKey | null;
  /** A time read. */
  time?: boolean;
}

/**
 * A root page's nodes `n`, in order: `MATCH ... WHERE ... WITH n ORDER BY ... LIMIT toInteger($fetch)`
 * (parameters `$fetch` and `$cursor`, see rootPageParams), and the order it wrote.
 */
export function rootPageRows(source: RootPageSource): { text: string; orderBy: string } {
  const { page, indexed } = source;
  const time = source.time === true;
  const keys = source.ordering.keys;
  const written = pageKeys(source.ordering, page, { ...ROOT_ROW, time });
  const cursor = `$${paramName('root', 'cursor')}`;
  const conditions: Array<string | null> = [rootHeld(source.label, time), source.filter];
  let orderBy = orderByClause(written);
  if (indexed) {
    // Index order: every row has the property, so ordering by it equals ordering by the key's
    // expression; a cursor becomes a range seek, so page 50 reads about what page 1 reads.
    const descending = !!keys[0]!.descending !== page.backward;
    const { range, after } = indexedPageBounds({
      node: 'n',
      property: indexed.property!,
      keys: keyExpressions(keys, ROOT_ROW),
      descending,
      cursor: page.hasCursor ? cursor : null,
      ...(indexed.seek ? { seek: indexed.seek } : {}),
    });
    conditions.unshift(...range);
    if (after) conditions.push(after);
    const direction = descending ? 'DESC' : 'ASC';
    orderBy = `n.${indexed.property} ${direction}, n.id ${direction}`;
  } else if (page.hasCursor) {
    conditions.push(keysetPredicate(written, cursor));
  }
  const match = `MATCH (n:${rootLabel(source.label, time)})${whereClause(and(...conditions))}`;
  return { text: `${match} WITH n ORDER BY ${orderBy} LIMIT toInteger($${paramName('root', 'fetch')})`, orderBy };
}

/** A root page as a statement of its own (the loaders'): each row's node, whole, and its sort keys. */
export function rootPageStatement(source: RootPageSource): string {
  const time = source.time === true;
  const projection = source.label === 'Source' ? sourceProjection('n') : wholeEntity('n', time);
  const sortKey = `[${keyExpressions(source.ordering.keys, { ...ROOT_ROW, time }).join(', ')}]`;
  return `${rootPageRows(source).text} RETURN ${projection} AS node, ${sortKey} AS sortKey`;
}

/** A root connection's count as a statement of its own (one row, `total`). */
export const rootCountStatement = (label: RootConnectionSpec['label'], filter: string | null, time = false) =>
  `${rootMatch(label, filter, time)} RETURN count(n) AS total`;

/** The parameters of rootPageRows' text. */
export function rootPageParams(page: PagePlan): Record<string, unknown> {
  const params: Record<string, unknown> = { [paramName('root', 'fetch')]: page.fetch };
  if (page.hasCursor) params[paramName('root', 'cursor')] = page.cursorKey;
  return params;
}
