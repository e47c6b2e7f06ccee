/**
 * Orderings: how a connection's rows are ordered and what its cursors hold. Every ordering is a
 * list of key expressions over a row's node (and relationship), each from a fixed table here,
 * never from a request, ending in the node's unique `id`. Root and relationship connections offer the
 * orderings of their node's label (`orderingsOf`); paging.ts cuts pages by them.
 */
import type { EntityLabel, TypedRelationship } from './model.js';
import { filterRequires } from './filters.js';
import type { PageArgs } from './paging.js';
import type { RowExpression, RowVariables } from './patterns.js';
import { propertyAt } from '../claims/time.js';

/** One key of an ordering: a Cypher expression and its direction. */
export interface OrderKey {
  /** Cypher expression over the row's variables, never null (use coalesce with a sentinel). */
  expr: RowExpression;
  descending?: boolean;
  /** What a cursor may hold for this key, beyond a finite number, a string, a boolean or null. */
  accepts?: (value: unknown) => boolean;
}

/** The keys' expressions written for a row's variables. */
export const keyExpressions = (keys: readonly OrderKey[], row: RowVariables): string[] => keys.map((k) => k.expr(row));

export interface Ordering {
  /** Stable name, kept in cursors so one from another ordering is refused. */
  name: string;
  keys: OrderKey[];
  /**
   * The property the first key reads, when every node of the label has it (so an index holds them
   * all). A relationship page by `name` then reads its parent's page-key index (hub-pages.ts);
   * root pages decide with `indexedSortKey`, which also takes a property that a filter requires.
   */
  indexed?: string;
}

/** A sort key of an orderBy field: a null-free expression over the row's node, and its property when indexed. */
export interface SortKey {
  expr: RowExpression;
  /** Indexed property whose order is the key's order (for the rows where it is set). */
  property?: string;
  /** The property may be missing (the expression then sorts it as a sentinel). */
  nullable?: boolean;
  /**
   * The property's value rebuilt from the cursor's keys (`$cursor`), when the keys are not the
   * property itself (a DateTime travels in cursors as its epoch seconds and nanoseconds).
   */
  seek?: (cursor: string) => string;
  /** What a cursor may hold for this key (OrderKey). */
  accepts?: (value: unknown) => boolean;
}

/** The client's `orderBy` argument: one of the label's orderBy fields and a direction. */
export interface OrderBy {
  field: string;
  direction?: 'ASC' | 'DESC' | null;
}

/** Arguments of every typed connection, root or relationship: a page, a filter and an order. */
export interface ConnectionArgs extends PageArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: OrderBy | null;
}

/** The unique key every ordering ends with. */
const nodeId = (n: string) => `${n}.id`;
/** A key over the row's node. */
const onNode =
  (expr: (node: string) => string): RowExpression =>
  (row) =>
    expr(row.node);

/** A key on a property every node has (writes require it), read from its index in order. */
const indexedKey = (property: string): SortKey => ({ expr: ({ node }) => `${node}.${property}`, property });
/** A sourced value of the row's node: the claims' at the slice in a time read (src/claims/time.ts). */
const sourcedValue = (row: RowVariables, property: string) => propertyAt(row.node, property, true, row.time === true);

/** A number property that may be missing: missing sorts as -1; in index order once a range filter requires it. */
const nullableNumberKey = (property: string): SortKey => ({
  expr: (row) => `coalesce(${sourcedValue(row, property)}, -1.0)`,
  property,
  nullable: true,
});

/** A sourced date, as text ('' when missing). */
const dateKey = (property: string): SortKey => ({
  expr: (row) => `coalesce(toString(${sourcedValue(row, property)}), '')`,
});
const expressionKey = (expr: (node: string) => string): SortKey => ({ expr: onNode(expr) });

/** Orderings every entity connection offers (and the only ones of a position holding any kind). */
export const COMMON_ENTITY_ORDERINGS: Record<string, SortKey[]> = {
  NAME: [indexedKey('name')],
  // Every writer sets createdAt on create, so pages by it read the (createdAt, id) index in
  // order; the cursor holds the instant to the nanosecond, as the index orders it.
  CREATED_AT: [
    {
      expr: ({ node }) => `coalesce(${node}.createdAt.epochSeconds, 0)`,
      property: 'createdAt',
      seek: (cursor) => `datetime({epochSeconds: toInteger(${cursor}[0]), nanosecond: toInteger(${cursor}[1])})`,
      // The seek builds a datetime from them: whole seconds, and a nanosecond of a second.
      accepts: (v) => Number.isSafeInteger(v),
    },
    {
      ...expressionKey((n) => `coalesce(${n}.createdAt.nanosecond, 0)`),
      accepts: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e9,
    },
  ],
  UPDATED_AT: [expressionKey((n) => `coalesce(${n}.updatedAt.epochMillis, 0)`)],
};

/**
 * The orderBy fields of each label (enum value → sort keys, the unique id appended by
 * `orderingBy`); the first is the default. The GraphQL `XOrderField` enums are named after these.
 */
export const ORDERINGS = {
  Person: COMMON_ENTITY_ORDERINGS,
  Company: COMMON_ENTITY_ORDERINGS,
  Project: {
    ...COMMON_ENTITY_ORDERINGS,
    ANNOUNCED_ON: [dateKey('announcedOn')],
    PLEDGED_USD: [nullableNumberKey('pledgedUsd')],
  },
  Datacenter: { ...COMMON_ENTITY_ORDERINGS, POWER_MW: [nullableNumberKey('powerMw')] },
  Deal: {
    ...COMMON_ENTITY_ORDERINGS,
    VALUE_USD: [nullableNumberKey('valueUsd')],
    ANNOUNCED_ON: [dateKey('announcedOn')],
  },
  Source: {
    PUBLISHED_ON: [expressionKey((n) => `coalesce(toString(${n}.publishedOn), '')`)],
    TITLE: [expressionKey((n) => `coalesce(${n}.title, '')`)],
  },
} as const satisfies Record<EntityLabel | 'Source', Record<string, SortKey[]>>;

/**
 * The sourced properties a root page of `label` can read in value order: the first key of an
 * ordering by a nullable number (valueUsd, pledgedUsd, powerMw).
 */
export const valueOrderedFields = (label: EntityLabel): string[] =>
  Object.values(ORDERINGS[label] as Record<string, SortKey[]>).flatMap((keys) =>
    keys[0]!.nullable && keys[0]!.property ? [keys[0]!.property] : [],
  );

/** The orderings a position of this label offers (`orderBy` on root and relationship connections). */
export const orderingsOf = (label: EntityLabel | 'Source' | 'Entity'): Record<string, SortKey[]> =>
  label === 'Entity' ? COMMON_ENTITY_ORDERINGS : ORDERINGS[label];

/** The property key `key` reads when every node has it, so its (property, id) index holds them all in order. */
export const alwaysIndexed = (key: SortKey): string | undefined =>
  key.property && !key.nullable ? key.property : undefined;

/**
 * An ordering by one orderBy field (its keys, then the unique id), named
 * `${prefix}:${field}:${direction}` in cursors.
 */
export function orderingBy(prefix: string, orderings: Record<string, SortKey[]>, orderBy: OrderBy): Ordering {
  const descending = orderBy.direction === 'DESC';
  const sortKeys = orderings[orderBy.field]!;
  const keys: OrderKey[] = [
    ...sortKeys.map((k) => ({ expr: k.expr, descending, ...(k.accepts ? { accepts: k.accepts } : {}) })),
    { expr: onNode(nodeId), descending },
  ];
  const indexed = alwaysIndexed(sortKeys[0]!);
  return { name: `${prefix}:${orderBy.field}:${descending ? 'DESC' : 'ASC'}`, keys, ...(indexed ? { indexed } : {}) };
}

/** What a root connection orders: its label and the orderBy fields it offers. */
export interface OrderedLabel {
  label: EntityLabel | 'Source';
  orderings: Record<string, SortKey[]>;
}

/** A root connection's ordering: `orderBy`, or its first orderBy field ascending. */
export function orderingFor(spec: OrderedLabel, orderBy: ConnectionArgs['orderBy']): Ordering {
  return orderingBy(spec.label, spec.orderings, orderBy ?? { field: Object.keys(spec.orderings)[0]! });
}

/**
 * The key a root page can read from an index in order: the first sort key's property, when every
 * row of the page has it (the property is always set, or a range filter the client set requires it).
 */
export function indexedSortKey(spec: OrderedLabel, args: ConnectionArgs): SortKey | null {
  const field = args.orderBy?.field ?? Object.keys(spec.orderings)[0]!;
  const key = spec.orderings[field]![0]!;
  if (alwaysIndexed(key)) return key;
  return key.property && filterRequires(spec.label, args.filter, key.property) ? key : null;
}

/** A relationship page without `orderBy`: by name (title for sources), then id, named after the field. */
export const nodeOrdering = (field: string, label: string): Ordering =>
  label === 'Source'
    ? { name: field, keys: [{ expr: onNode((n) => `coalesce(${n}.title, '')`) }, { expr: onNode(nodeId) }] }
    : { name: field, keys: [{ expr: onNode((n) => `${n}.name`) }, { expr: onNode(nodeId) }], indexed: 'name' };

/**
 * How a typed relationship field orders its page (planned or loaded: the cursors are the same):
 * by name (title for sources) unless `orderBy` names one of the far type's orderings.
 */
export const relationshipOrdering = (
  rel: Pick<TypedRelationship, 'parentType' | 'fieldName' | 'nodeLabel'>,
  orderBy?: ConnectionArgs['orderBy'],
): Ordering =>
  orderBy
    ? orderingBy(`${rel.parentType}.${rel.fieldName}`, orderingsOf(rel.nodeLabel), orderBy)
    : nodeOrdering(`${rel.parentType}.${rel.fieldName}`, rel.nodeLabel);
