/**
 * Root connections (companies, deals, ...): typed filters and keyset-paged orderings, all
 * Cypher fragments fixed in code; only values travel as parameters.
 */
import type { Context } from '../context.js';
import { entityProjection, sourceProjection, toEntityRow } from './entities.js';
import type { EntityLabel } from './model.js';
import { planPage, toPage, type Ordering, type Page, type PageArgs } from './paging.js';
import type { CursorKey } from './cursor.js';

export interface FilterRule {
  /** Path in the filter input, e.g. ['valueUsd', 'gte']. */
  path: string[];
  /** Cypher predicate over `n` using the parameter `$value`. */
  cypher: string;
  /** A property this rule only lets through when it is set (a range on it). */
  requires?: string;
}

/** A sort key: a null-free expression over `n`, and the property behind it when an index has it. */
export interface SortKey {
  expr: string;
  /** Indexed property whose order is the key's order (for the rows where it is set). */
  property?: string;
  /** The property may be missing (the expression then sorts it as a sentinel). */
  nullable?: boolean;
}

export interface RootConnectionSpec {
  label: EntityLabel | 'Source';
  /** orderBy field name → sort keys, the unique id appended here. */
  orderings: Record<string, SortKey[]>;
  filters: FilterRule[];
}

/** A key on a property every node has (writes require it), read from its index in order. */
const indexedKey = (property: string): SortKey => ({ expr: `n.${property}`, property });
/** A number property that may be missing: missing sorts as -1; in index order once a range filter requires it. */
const nullableNumberKey = (property: string): SortKey => ({ expr: `coalesce(n.${property}, -1.0)`, property, nullable: true });
const expressionKey = (expr: string): SortKey => ({ expr });

export interface RootArgs extends PageArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' | null } | null;
}

function valueAt(input: Record<string, unknown> | null | undefined, path: string[]): unknown {
  let value: unknown = input;
  for (const key of path) value = value == null ? undefined : (value as Record<string, unknown>)[key];
  return value;
}

/** WHERE predicates and parameters for the filters the client set (unset ones are skipped). */
export function filterClause(spec: RootConnectionSpec, filter: RootArgs['filter']): { where: string; params: Record<string, unknown> } {
  const predicates: string[] = [];
  const params: Record<string, unknown> = {};
  spec.filters.forEach((rule, i) => {
    const value = valueAt(filter, rule.path);
    // Unset means "no filter"; an empty list is a filter that matches nothing (n.x IN []).
    if (value === undefined || value === null) return;
    params[`f${i}`] = value;
    predicates.push(`(${rule.cypher.replaceAll('$value', `$f${i}`)})`);
  });
  return { where: predicates.length > 0 ? predicates.join(' AND ') : 'true', params };
}

export function orderingFor(spec: RootConnectionSpec, orderBy: RootArgs['orderBy']): Ordering {
  const field = orderBy?.field ?? Object.keys(spec.orderings)[0]!;
  const descending = orderBy?.direction === 'DESC';
  const keys = [...spec.orderings[field]!.map((k) => k.expr), 'n.id'].map((expr) => ({ expr, descending }));
  return { name: `${spec.label}:${field}:${descending ? 'DESC' : 'ASC'}`, keys };
}

export interface RootEdgeRow<N> {
  node: N;
  sortKey: CursorKey;
}

export async function loadRootPage<N>(ctx: Context, spec: RootConnectionSpec, args: RootArgs): Promise<Page<RootEdgeRow<N>>> {
  const ordering = orderingFor(spec, args.orderBy);
  const plan = planPage(args, ordering, ctx.config.limits.maxPageSize);
  const filter = filterClause(spec, args.filter);
  const projection = spec.label === 'Source' ? sourceProjection('n') : entityProjection('n');
  const rows = await ctx.db.read(
    `MATCH (n:${spec.label})
     WHERE ${filter.where}
     WITH n, [${ordering.keys.map((k) => k.expr).join(', ')}] AS sortKey
     WHERE ${plan.where}
     ORDER BY ${plan.orderBy}
     LIMIT toInteger($fetch)
     RETURN ${projection} AS node, sortKey`,
    { ...filter.params, cursor: plan.cursorKey, fetch: plan.fetch },
  );
  const edges = rows.map((r) => ({
    node: (spec.label === 'Source' ? r.node : toEntityRow(r.node)) as N,
    sortKey: r.sortKey as CursorKey,
  }));
  return toPage(edges, plan, ordering);
}

export async function countRoot(ctx: Context, spec: RootConnectionSpec, filter: RootArgs['filter']): Promise<number> {
  const clause = filterClause(spec, filter);
  const [row] = await ctx.db.read(`MATCH (n:${spec.label}) WHERE ${clause.where} RETURN count(n) AS total`, clause.params);
  return Number(row?.total ?? 0);
}


/** Orderings every entity connection offers. */
const COMMON_ENTITY_ORDERINGS: Record<string, SortKey[]> = {
  NAME: [indexedKey('name')],
  CREATED_AT: [expressionKey('coalesce(n.createdAt.epochMillis, 0)')],
  UPDATED_AT: [expressionKey('coalesce(n.updatedAt.epochMillis, 0)')],
};

/** Range filters on a number property: { gte, lte }. */
const numberRange = (input: string, property: string): FilterRule[] => [
  { path: [input, 'gte'], cypher: `n.${property} >= $value`, requires: property },
  { path: [input, 'lte'], cypher: `n.${property} <= $value`, requires: property },
];

/** Range filters on a date property: { from, to } as YYYY-MM-DD, inclusive. */
const dateRange = (input: string, property: string): FilterRule[] => [
  { path: [input, 'from'], cypher: `n.${property} >= date($value)`, requires: property },
  { path: [input, 'to'], cypher: `n.${property} <= date($value)`, requires: property },
];

const oneOf = (input: string, property: string): FilterRule => ({ path: [input], cypher: `n.${property} IN $value` });
const containsText = (input: string, property: string): FilterRule => ({
  path: [input],
  cypher: `toLower(n.${property}) CONTAINS toLower($value)`,
});
const equals = (input: string, property: string): FilterRule => ({ path: [input], cypher: `n.${property} = $value` });

/** Filters every entity connection offers. */
const COMMON_ENTITY_FILTERS: FilterRule[] = [containsText('nameContains', 'name'), oneOf('slugs', 'slug')];

/**
 * Every root connection's filters and orderings, by label: the GraphQL filter inputs and
 * orderBy enums in src/schema are named after these (input field → rule, enum value → keys).
 */
export const ROOT_CONNECTIONS = {
  Person: { label: 'Person', orderings: COMMON_ENTITY_ORDERINGS, filters: COMMON_ENTITY_FILTERS },
  Company: {
    label: 'Company',
    orderings: COMMON_ENTITY_ORDERINGS,
    filters: [...COMMON_ENTITY_FILTERS, oneOf('kinds', 'kind'), equals('country', 'country')],
  },
  Project: {
    label: 'Project',
    orderings: {
      ...COMMON_ENTITY_ORDERINGS,
      ANNOUNCED_ON: [expressionKey("coalesce(toString(n.announcedOn), '')")],
      PLEDGED_USD: [nullableNumberKey('pledgedUsd')],
    },
    filters: [
      ...COMMON_ENTITY_FILTERS,
      oneOf('statuses', 'status'),
      ...numberRange('pledgedUsd', 'pledgedUsd'),
      ...dateRange('announcedOn', 'announcedOn'),
    ],
  },
  Datacenter: {
    label: 'Datacenter',
    orderings: { ...COMMON_ENTITY_ORDERINGS, POWER_MW: [nullableNumberKey('powerMw')] },
    filters: [
      ...COMMON_ENTITY_FILTERS,
      oneOf('statuses', 'status'),
      containsText('locationContains', 'location'),
      ...numberRange('powerMw', 'powerMw'),
    ],
  },
  Deal: {
    label: 'Deal',
    orderings: {
      ...COMMON_ENTITY_ORDERINGS,
      VALUE_USD: [nullableNumberKey('valueUsd')],
      ANNOUNCED_ON: [expressionKey("coalesce(toString(n.announcedOn), '')")],
    },
    filters: [
      ...COMMON_ENTITY_FILTERS,
      oneOf('kinds', 'kind'),
      ...numberRange('valueUsd', 'valueUsd'),
      ...dateRange('announcedOn', 'announcedOn'),
    ],
  },
  Source: {
    label: 'Source',
    orderings: {
      PUBLISHED_ON: [expressionKey("coalesce(toString(n.publishedOn), '')")],
      TITLE: [expressionKey("coalesce(n.title, '')")],
    },
    filters: [containsText('titleContains', 'title'), equals('publisher', 'publisher'), equals('language', 'language')],
  },
} as const satisfies Record<EntityLabel | 'Source', RootConnectionSpec>;

/**
 * The key a root page can read from an index in order: the first sort key's property, when every
 * row of the page has it (the property is always set, or a range filter the client set requires it).
 */
export function indexedSortKey(spec: RootConnectionSpec, args: RootArgs): SortKey | null {
  const field = args.orderBy?.field ?? Object.keys(spec.orderings)[0]!;
  const key = spec.orderings[field]![0]!;
  if (!key.property) return null;
  if (!key.nullable) return key;
  const required = spec.filters.some((rule) => rule.requires === key.property && valueAt(args.filter, rule.path) != null);
  return required ? key : null;
}
