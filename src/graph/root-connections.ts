/**
 * Root connections (companies, deals, ...): keyset-paged orderings and filters (compiled by
 * filters.ts), all Cypher fragments fixed in code; only values travel as parameters.
 */
import type { Context } from '../context.js';
import { entityProjection, sourceProjection, toEntityRow } from './entities.js';
import { compileFilter, filterLimits, filterRequires, type CompiledFilter, type FilterLimits } from './filters.js';
import type { EntityLabel } from './model.js';
import { planPage, toPage, type Ordering, type Page, type PageArgs } from './paging.js';
import type { CursorKey } from './cursor.js';

/** A sort key: a null-free expression over `n`, and the property behind it when an index has it. */
export interface SortKey {
  expr: string;
  /** Indexed property whose order is the key's order (for the rows where it is set). */
  property?: string;
  /** The property may be missing (the expression then sorts it as a sentinel). */
  nullable?: boolean;
  /**
   * The property's value rebuilt from the cursor's keys (`$cursor`), when the keys are not the
   * property itself (a DateTime travels in cursors as its epoch seconds and nanoseconds).
   */
  seek?: string;
}

export interface RootConnectionSpec {
  label: EntityLabel | 'Source';
  /** orderBy field name → sort keys, the unique id appended here. */
  orderings: Record<string, SortKey[]>;
}

/** A key on a property every node has (writes require it), read from its index in order. */
const indexedKey = (property: string): SortKey => ({ expr: `n.${property}`, property });
/** A number property that may be missing: missing sorts as -1; in index order once a range filter requires it. */
const nullableNumberKey = (property: string): SortKey => ({
  expr: `coalesce(n.${property}, -1.0)`,
  property,
  nullable: true,
});
const expressionKey = (expr: string): SortKey => ({ expr });

export interface RootArgs extends PageArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' | null } | null;
}

/** WHERE predicate and parameters for the client's filter (README, "Analyst queries"). */
export function filterClause(
  spec: RootConnectionSpec,
  filter: RootArgs['filter'],
  limits?: FilterLimits,
): CompiledFilter {
  return compileFilter(spec.label, filter, 'n', 'f', limits);
}

export function orderingFor(spec: RootConnectionSpec, orderBy: RootArgs['orderBy']): Ordering {
  return orderingBy(spec.label, spec.orderings, orderBy ?? { field: Object.keys(spec.orderings)[0]! });
}

/** The property key `key` reads when every node has it, so its (property, id) index holds them all in order. */
const alwaysIndexed = (key: SortKey): string | undefined => (key.property && !key.nullable ? key.property : undefined);

/** An ordering by one orderBy field (its keys, then the unique id), named `${prefix}:${field}:${direction}` in cursors. */
export function orderingBy(
  prefix: string,
  orderings: Record<string, SortKey[]>,
  orderBy: NonNullable<RootArgs['orderBy']>,
): Ordering {
  const descending = orderBy.direction === 'DESC';
  const sortKeys = orderings[orderBy.field]!;
  const keys = [...sortKeys.map((k) => k.expr), 'n.id'].map((expr) => ({ expr, descending }));
  const indexed = alwaysIndexed(sortKeys[0]!);
  return { name: `${prefix}:${orderBy.field}:${descending ? 'DESC' : 'ASC'}`, keys, ...(indexed ? { indexed } : {}) };
}

export interface RootEdgeRow<N> {
  node: N;
  sortKey: CursorKey;
}

export async function loadRootPage<N>(
  ctx: Context,
  spec: RootConnectionSpec,
  args: RootArgs,
): Promise<Page<RootEdgeRow<N>>> {
  const ordering = orderingFor(spec, args.orderBy);
  const plan = planPage(args, ordering, ctx.config.limits.maxPageSize);
  const filter = filterClause(spec, args.filter, filterLimits(ctx.config.limits));
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
  const clause = filterClause(spec, filter, filterLimits(ctx.config.limits));
  const [row] = await ctx.db.read(
    `MATCH (n:${spec.label}) WHERE ${clause.where} RETURN count(n) AS total`,
    clause.params,
  );
  return Number(row?.total ?? 0);
}

/** Orderings every entity connection offers (and the only ones of a position holding any kind). */
export const COMMON_ENTITY_ORDERINGS: Record<string, SortKey[]> = {
  NAME: [indexedKey('name')],
  // Every writer sets createdAt on create, so pages by it read the (createdAt, id) index in
  // order; the cursor holds the instant to the nanosecond, as the index orders it.
  CREATED_AT: [
    {
      expr: 'coalesce(n.createdAt.epochSeconds, 0)',
      property: 'createdAt',
      seek: 'datetime({epochSeconds: toInteger($cursor[0]), nanosecond: toInteger($cursor[1])})',
    },
    expressionKey('coalesce(n.createdAt.nanosecond, 0)'),
  ],
  UPDATED_AT: [expressionKey('coalesce(n.updatedAt.epochMillis, 0)')],
};

/**
 * Every root connection's filters and orderings, by label: the GraphQL filter inputs and
 * orderBy enums in src/schema are named after these (input field → rule, enum value → keys).
 */
export const ROOT_CONNECTIONS = {
  Person: { label: 'Person', orderings: COMMON_ENTITY_ORDERINGS },
  Company: {
    label: 'Company',
    orderings: COMMON_ENTITY_ORDERINGS,
  },
  Project: {
    label: 'Project',
    orderings: {
      ...COMMON_ENTITY_ORDERINGS,
      ANNOUNCED_ON: [expressionKey("coalesce(toString(n.announcedOn), '')")],
      PLEDGED_USD: [nullableNumberKey('pledgedUsd')],
    },
  },
  Datacenter: {
    label: 'Datacenter',
    orderings: { ...COMMON_ENTITY_ORDERINGS, POWER_MW: [nullableNumberKey('powerMw')] },
  },
  Deal: {
    label: 'Deal',
    orderings: {
      ...COMMON_ENTITY_ORDERINGS,
      VALUE_USD: [nullableNumberKey('valueUsd')],
      ANNOUNCED_ON: [expressionKey("coalesce(toString(n.announcedOn), '')")],
    },
  },
  Source: {
    label: 'Source',
    orderings: {
      PUBLISHED_ON: [expressionKey("coalesce(toString(n.publishedOn), '')")],
      TITLE: [expressionKey("coalesce(n.title, '')")],
    },
  },
} as const satisfies Record<EntityLabel | 'Source', RootConnectionSpec>;

/** The orderings a position of this label offers (`orderBy` on root and relationship connections). */
export const orderingsOf = (label: EntityLabel | 'Source' | 'Entity'): Record<string, SortKey[]> =>
  label === 'Entity' ? COMMON_ENTITY_ORDERINGS : ROOT_CONNECTIONS[label].orderings;

/**
 * The key a root page can read from an index in order: the first sort key's property, when every
 * row of the page has it (the property is always set, or a range filter the client set requires it).
 */
export function indexedSortKey(spec: RootConnectionSpec, args: RootArgs): SortKey | null {
  const field = args.orderBy?.field ?? Object.keys(spec.orderings)[0]!;
  const key = spec.orderings[field]![0]!;
  if (alwaysIndexed(key)) return key;
  return key.property && filterRequires(spec.label, args.filter, key.property) ? key : null;
}
