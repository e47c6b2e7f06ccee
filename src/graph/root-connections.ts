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
}

export interface RootConnectionSpec {
  label: EntityLabel | 'Source';
  /** orderBy field name → sort keys (null-free expressions), the unique id appended here. */
  orderings: Record<string, string[]>;
  filters: FilterRule[];
}

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
  const keys = [...spec.orderings[field]!, 'n.id'].map((expr) => ({ expr, descending }));
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

/** Filters every entity connection offers. */
export const COMMON_ENTITY_FILTERS: FilterRule[] = [
  { path: ['nameContains'], cypher: 'toLower(n.name) CONTAINS toLower($value)' },
  { path: ['slugs'], cypher: 'n.slug IN $value' },
];

/** Orderings every entity connection offers. */
export const COMMON_ENTITY_ORDERINGS: Record<string, string[]> = {
  NAME: ['n.name'],
  CREATED_AT: ['coalesce(n.createdAt.epochMillis, 0)'],
  UPDATED_AT: ['coalesce(n.updatedAt.epochMillis, 0)'],
};

/** Range filters on a number property: { gte, lte }. */
export const numberRange = (input: string, property: string): FilterRule[] => [
  { path: [input, 'gte'], cypher: `n.${property} >= $value` },
  { path: [input, 'lte'], cypher: `n.${property} <= $value` },
];

/** Range filters on a date property: { from, to } as YYYY-MM-DD, inclusive. */
export const dateRange = (input: string, property: string): FilterRule[] => [
  { path: [input, 'from'], cypher: `n.${property} >= date($value)` },
  { path: [input, 'to'], cypher: `n.${property} <= date($value)` },
];
