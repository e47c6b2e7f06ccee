/**
 * A root connection's rows in Cypher: its match with the client's filter, its page cut in order
 * (from the ordering's index when every row has the property) and its aggregates. The planner
 * (compile.ts) and the root connection loaders (src/graph/root-connections.ts, planner off) both
 * write their root statements with these, so the two read the same rows the same way.
 */
import { sourceProjection } from '../graph/entities.js';
import { heldLabel } from '../claims/model.js';
import { heldAt, heldAtIf, isSourcedField, labelAt } from '../claims/time.js';
import { aggregateExpression, aggregateSpecOf, type AggregateRead } from '../graph/aggregates.js';
import { keyExpressions, type Ordering, type SortKey } from '../graph/ordering.js';
import { ROOT_ROW } from '../graph/patterns.js';
import { indexedPageBounds, type PagePlan } from '../graph/paging.js';
import type { RootConnectionSpec } from '../graph/root-connections.js';
import {
  keysetPredicate,
  orderByClause,
  pageKeys,
  paramName,
  whereClause,
  wholeEntity,
  type WrittenKey,
} from './cypher.js';
import { and, filterBounds } from '../graph/filters.js';

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
  /** The sort key whose index the page reads in order, if any (indexedSortKey). */
  indexed: SortKey | null;
  /** A time read. */
  time?: boolean;
  /**
   * The bounds the filter's top level sets on the indexed property (filterBounds), bound as
   * `$gte`/`$lte`: a time read by a sourced property seeks its index with them.
   */
  bounds?: readonly BoundName[];
}

export type BoundName = 'gte' | 'lte';

/**
 * The bounds a time read's page by a sourced indexed property seeks its index with: the filter's
 * own range on that property (none otherwise).
 */
export function seekBounds(
  label: RootConnectionSpec['label'],
  filter: Record<string, unknown> | null | undefined,
  indexed: SortKey | null,
  time: boolean,
): Partial<Record<BoundName, unknown>> {
  const property = indexed?.property;
  if (!time || !property || label === 'Source' || !isSourcedField(label, property)) return {};
  return filterBounds(label, filter, property);
}

const BOUND_OPERATORS: Record<BoundName, string> = { gte: '>=', lte: '<=' };

/**
 * A root page's nodes `n`, in order: `MATCH ... WHERE ... WITH n ORDER BY ... LIMIT toInteger($fetch)`
 * (parameters `$fetch` and `$cursor`, see rootPageParams), and the order it wrote.
 */
export function rootPageRows(source: RootPageSource): { text: string; orderBy: string } {
  const time = source.time === true;
  const written = pageKeys(source.ordering, source.page, { ...ROOT_ROW, time });
  const limit = `LIMIT toInteger($${paramName('root', 'fetch')})`;
  const cursor = `$${paramName('root', 'cursor')}`;
  const held = rootHeld(source.label, time);
  const keyset = source.page.hasCursor ? keysetPredicate(written, cursor) : null;
  const orderBy = orderByClause(written);
  const cut = (label: string, conditions: Array<string | null>, order: string) =>
    `MATCH (n:${label})${whereClause(and(...conditions))} WITH n ORDER BY ${order} ${limit}`;
  const { indexed, label } = source;
  if (!indexed) {
    return { text: cut(rootLabel(label, time), [held, source.filter, keyset], orderBy), orderBy };
  }
  const inIndex = indexOrder(source);
  if (!time || label === 'Source') {
    return {
      text: cut(label, [...inIndex.range, held, source.filter, inIndex.after], inIndex.orderBy),
      orderBy: inIndex.orderBy,
    };
  }
  // At a slice the page is cut from several parts, each in order, then merged: live entities by
  // their index; held-back ones by theirs (an editorial property, the same at every slice) or, by a
  // sourced property, by label (they are few) and the live ones whose value changes over time from
  // the index of their claims (unsettledValuePart).
  const property = indexed.property!;
  const part = (text: string) => `${text} RETURN n`;
  const parts: string[] = [];
  if (!isSourcedField(label, property)) {
    for (const l of [label, heldLabel(label)])
      parts.push(part(cut(l, [...inIndex.range, held, source.filter, inIndex.after], inIndex.orderBy)));
  } else {
    // A settled value is the node's own at every slice that holds it, so its index answers.
    const bounds = (source.bounds ?? []).map((b) => `n.${property} ${BOUND_OPERATORS[b]} $${paramName('root', b)}`);
    const settled = `'${property}' IN n.settled`;
    parts.push(
      part(cut(label, [...inIndex.range, ...bounds, settled, held, source.filter, inIndex.after], inIndex.orderBy)),
    );
    parts.push(part(unsettledValuePart(source, written, held, limit)));
    parts.push(part(cut(heldLabel(label), [held, source.filter, keyset], orderBy)));
  }
  return { text: `CALL () { ${parts.join(' UNION ALL ')} } WITH n ORDER BY ${orderBy} ${limit}`, orderBy };
}

/**
 * The live entities of a page at a slice by sourced property `p` whose `p` is not settled, in
 * order: the claims of such values (`unsettledField`, materialize.ts) read from their index in
 * value order, each kept when it is the one its subject holds at the slice (the newest recorded
 * of those held, ties to the larger id, as `valueAt` picks), so each entity comes once, with its
 * value at the slice.
 */
function unsettledValuePart(
  source: RootPageSource,
  written: readonly WrittenKey[],
  held: string | null,
  limit: string,
): string {
  const property = source.indexed!.property!;
  const keys = source.ordering.keys;
  const descending = !!keys[0]!.descending !== source.page.backward;
  const { range, after } = indexedPageBounds({
    node: 'c',
    property: 'value',
    keys: written.map((k) => k.expr),
    descending,
    cursor: source.page.hasCursor ? `$${paramName('root', 'cursor')}` : null,
    ...(source.indexed!.seek ? { seek: source.indexed!.seek } : {}),
  });
  const bounds = (source.bounds ?? []).map((b) => `c.value ${BOUND_OPERATORS[b]} $${paramName('root', b)}`);
  const newer =
    `EXISTS { MATCH (o:Claim {subject: c.subject, field: '${property}'}) WHERE ${heldAt('o')}` +
    ' AND (o.recordedAt > c.recordedAt OR (o.recordedAt = c.recordedAt AND o.id > c.id)) }';
  const claims = and(`c.unsettledField = '${property}'`, ...range, ...bounds, heldAt('c'), `NOT ${newer}`);
  const nodes = and(`n:${source.label}`, held, source.filter, after);
  const direction = descending ? 'DESC' : 'ASC';
  // Ordered before the join, by the index's own keys (the field is one value), so the index hands
  // the claims over in order and the page stops reading once it is full (ordered after, every
  // claim in range is read, then sorted).
  return (
    `MATCH (c:Claim)${whereClause(claims)} WITH c ORDER BY c.unsettledField ${direction}, c.value ${direction}` +
    ` MATCH (n:Entity {id: c.subject})${whereClause(nodes)}` +
    ` WITH n, c ORDER BY c.unsettledField ${direction}, c.value ${direction}, n.id ${direction} ${limit}`
  );
}

/**
 * Index order: every row has the property, so ordering by it equals ordering by the key's
 * expression; a cursor becomes a range seek, so page 50 reads about what page 1 reads.
 */
function indexOrder(source: RootPageSource): { range: string[]; after: string | null; orderBy: string } {
  const { page, indexed } = source;
  const keys = source.ordering.keys;
  const descending = !!keys[0]!.descending !== page.backward;
  const { range, after } = indexedPageBounds({
    node: 'n',
    property: indexed!.property!,
    keys: keyExpressions(keys, ROOT_ROW),
    descending,
    cursor: page.hasCursor ? `$${paramName('root', 'cursor')}` : null,
    ...(indexed!.seek ? { seek: indexed!.seek } : {}),
  });
  const direction = descending ? 'DESC' : 'ASC';
  return { range, after, orderBy: `n.${indexed!.property} ${direction}, n.id ${direction}` };
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

/** The parameters of rootPageRows' text (`bounds`: the values of its `bounds`). */
export function rootPageParams(
  page: PagePlan,
  bounds: Partial<Record<BoundName, unknown>> = {},
): Record<string, unknown> {
  const params: Record<string, unknown> = { [paramName('root', 'fetch')]: page.fetch };
  if (page.hasCursor) params[paramName('root', 'cursor')] = page.cursorKey;
  for (const [name, value] of Object.entries(bounds)) params[paramName('root', name as BoundName)] = value;
  return params;
}
