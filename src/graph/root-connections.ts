/**
 * Root connections (companies, deals, ...) as the resolvers load them when the read planner is
 * off: a page and a count per field, with orderings (ordering.ts) and filters (filters.ts). The
 * page and count are cut by the planner's own root-page code (src/plan/root-page.ts), so both
 * paths read the same rows the same way; only values travel as parameters.
 */
import type { Context } from '../context.js';
import { connectionFilter } from '../plan/cypher.js';
import { timeParams, type TimeSlice } from '../claims/time.js';
import { toEntityRowAt } from './time-reads.js';
import {
  type BoundName,
  rootCountStatement,
  rootPageParams,
  rootPageStatement,
  seekBounds,
} from '../plan/root-page.js';
import { toEntityRow } from './entities.js';
import { filterLimits, type CompiledFilter, type FilterLimits } from './filters.js';
import type { EntityLabel } from './model.js';
import {
  indexedSortKey,
  ORDERINGS,
  orderingFor,
  type ConnectionArgs,
  type OrderedLabel,
  type SortKey,
} from './ordering.js';
import { planPage, toPage, type Page } from './paging.js';
import type { CursorKey } from './cursor.js';

export interface RootConnectionSpec extends OrderedLabel {
  /** orderBy field name → sort keys, the unique id appended by `orderingBy`. */
  orderings: Record<string, SortKey[]>;
}

/** WHERE predicate and parameters for the client's filter (README, "Analyst queries"). */
export function filterClause(
  spec: RootConnectionSpec,
  filter: ConnectionArgs['filter'],
  limits?: FilterLimits,
  time = false,
): CompiledFilter {
  return connectionFilter(spec.label, filter, 'root', limits, time);
}

export interface RootEdgeRow<N> {
  node: N;
  sortKey: CursorKey;
}

export async function loadRootPage<N>(
  ctx: Context,
  spec: RootConnectionSpec,
  args: ConnectionArgs,
  slice: TimeSlice | null = null,
): Promise<Page<RootEdgeRow<N>>> {
  const time = slice !== null;
  const ordering = orderingFor(spec, args.orderBy);
  const plan = planPage(args, ordering, ctx.config.limits.maxPageSize);
  const filter = filterClause(spec, args.filter, filterLimits(ctx.config.limits), time);
  const indexed = indexedSortKey(spec, args);
  const bounds = seekBounds(spec.label, args.filter, indexed, time);
  const source = {
    label: spec.label,
    filter: filter.where,
    ordering,
    page: plan,
    indexed,
    time,
    bounds: Object.keys(bounds) as BoundName[],
  };
  const records = await ctx.db.read(rootPageStatement(source), {
    ...filter.params,
    ...rootPageParams(plan, bounds),
    ...timeParams(slice),
  });
  const edges = records.map((r) => ({
    node: (spec.label === 'Source' ? r.node : slice ? toEntityRowAt(r.node, slice) : toEntityRow(r.node)) as N,
    sortKey: r.sortKey as CursorKey,
  }));
  return toPage(edges, plan, ordering);
}

export async function countRoot(
  ctx: Context,
  spec: RootConnectionSpec,
  filter: ConnectionArgs['filter'],
  slice: TimeSlice | null = null,
): Promise<number> {
  const time = slice !== null;
  const clause = filterClause(spec, filter, filterLimits(ctx.config.limits), time);
  const [row] = await ctx.db.read(rootCountStatement(spec.label, clause.where, time), {
    ...clause.params,
    ...timeParams(slice),
  });
  return Number(row?.total ?? 0);
}

/**
 * Every root connection's filters and orderings, by label: the GraphQL filter inputs and
 * orderBy enums in src/schema are named after these (input field → rule, enum value → keys).
 */
export const ROOT_CONNECTIONS = {
  Person: { label: 'Person', orderings: ORDERINGS.Person },
  Company: { label: 'Company', orderings: ORDERINGS.Company },
  Project: { label: 'Project', orderings: ORDERINGS.Project },
  Datacenter: { label: 'Datacenter', orderings: ORDERINGS.Datacenter },
  Deal: { label: 'Deal', orderings: ORDERINGS.Deal },
  Source: { label: 'Source', orderings: ORDERINGS.Source },
} as const satisfies Record<EntityLabel | 'Source', RootConnectionSpec>;
