/**
 * Phase 3, run: a root field's resolver plans it (walk.ts, compile.ts), runs the one statement and
 * hands the records to shape.ts. Also the `aggregate` fields no planned statement computed (planner
 * off, or a parent from elsewhere): one statement for a root connection, one batched statement
 * per level for a relationship connection.
 */
import type { GraphQLResolveInfo } from 'graphql';
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import { aggregateParams, aggregateSpecOf, shapeAggregate, type AggregateRow } from '../graph/aggregates.js';
import { primeEntities } from '../graph/entity-loaders.js';
import { relationshipField } from '../graph/relationship-loaders.js';
import { filterLimits } from '../graph/filters.js';
import type { TypedRelationship } from '../graph/model.js';
import type { ConnectionArgs } from '../graph/ordering.js';
import { filterClause, type RootConnectionSpec } from '../graph/root-connections.js';
import type { Row } from '../neo4j/db.js';
import { planRoot } from './compile.js';
import { connectionAggregate, connectionFilter, forEachParent } from './cypher.js';
import { rootAggregateStatement } from './root-page.js';
import { timeParams, type TimeSlice } from '../claims/time.js';
import { registerSlice } from '../claims/row-time.js';
import { shapeRoot } from './shape.js';
import { tracer } from '../tracing.js';
import { namedObjectType, walkAggregate, type RootRead, type WalkContext } from './walk.js';

/** Runs a planned root field: one round trip. */
export async function readPlanned(ctx: Context, info: GraphQLResolveInfo, root: RootRead): Promise<unknown> {
  const { cypher, params, tree } = tracedPlan(ctx, info.fieldName, () =>
    planRoot(
      {
        schema: info.schema,
        fragments: info.fragments,
        variables: info.variableValues,
        fieldNodes: info.fieldNodes,
        maxPageSize: ctx.config.limits.maxPageSize,
        filterLimits: filterLimits(ctx.config.limits),
      },
      root,
    ),
  );
  const records = await ctx.db.read(cypher, params, { raw: true });
  // Planned aggregates of a root connection hang on it under its GraphQL type's name.
  const connectionType =
    tree.kind === 'connection' && tree.aggregates.length > 0
      ? namedObjectType(info.parentType.getFields()[info.fieldName]!.type).name
      : '';
  const { result, wholeEntities } = shapeRoot(tree, records, connectionType);
  registerSlice(ctx, info, root.time ?? null);
  // Entities that came back whole serve later lookups in this request without a round trip
  // (a time read's serve its own loaders only).
  if (wholeEntities.length > 0 && !root.time) primeEntities(ctx, wholeEntities);
  return result;
}

/** Planning one root field, as a `stargraph.plan` span when the request is traced (src/tracing.ts). */
function tracedPlan<T extends { cached: boolean }>(ctx: Context, rootField: string, plan: () => T): T {
  const parent = ctx.stats.spanParent;
  if (!parent) return plan();
  const span = tracer.startSpan('stargraph.plan', { attributes: { 'stargraph.plan.root_field': rootField } }, parent);
  try {
    const planned = plan();
    span.setAttribute('stargraph.plan.cached', planned.cached);
    return planned;
  } finally {
    span.end();
  }
}

/** What a connection's `aggregate` is over, when it has to load it itself (not planned). */
export const AGGREGATE_TARGET = Symbol('aggregate target');

export type AggregateTarget = (
  | { kind: 'root'; spec: RootConnectionSpec; filter: ConnectionArgs['filter'] }
  | { kind: 'relationship'; relationship: TypedRelationship; parentId: string; filter: ConnectionArgs['filter'] }
) & {
  /** The slice the connection reads at (null: a plain read). */
  slice?: TimeSlice | null;
};

/**
 * An `aggregate` its connection did not plan (planner off, or the parent came from elsewhere): one
 * statement for a root connection, one per level for a relationship connection (its parents batched).
 */
export async function readAggregate(
  ctx: Context,
  info: GraphQLResolveInfo,
  target: AggregateTarget,
): Promise<AggregateRow> {
  const limits = filterLimits(ctx.config.limits);
  const walk: WalkContext = {
    schema: info.schema,
    fragments: info.fragments,
    variables: info.variableValues,
    maxPageSize: ctx.config.limits.maxPageSize,
    filterLimits: limits,
    next: 0,
  };
  const key = String(info.path.key);
  const slice = target.slice ?? null;
  const time = slice !== null;
  if (target.kind === 'root') {
    const spec = aggregateSpecOf(target.spec.label);
    const read = walkAggregate(walk, info.parentType, key, info.fieldNodes, spec, true)!;
    const filter = filterClause(target.spec, target.filter, limits, time);
    const [row] = await ctx.db.read(
      rootAggregateStatement(target.spec.label, filter.where, read, time),
      { ...filter.params, ...aggregateParams(read), ...timeParams(slice) },
      { raw: true },
    );
    return shapeAggregate(row?.a as Row, read);
  }
  const { relationship } = target;
  const read = walkAggregate(walk, info.parentType, key, info.fieldNodes, aggregateSpecOf(relationship), true)!;
  // The connection's own read (index 0): its filter over `n0`, parameters `c0_f0`...
  const connection = {
    index: 0,
    relationship,
    filter: connectionFilter(relationship.nodeLabel, target.filter, 0, limits, time),
    time,
  };
  const params = { ...connection.filter.params, ...aggregateParams(read), ...timeParams(slice) };
  const { parent } = relationshipField(relationship);
  const cypher = forEachParent(parent, (v) => connectionAggregate(v, connection, read), { aggregate: true, time });
  const field = `${relationship.parentType}.${relationship.fieldName}`;
  const loader = requestLoader(
    ctx,
    `aggregate:${field}:${JSON.stringify(read)}:${cypher}:${JSON.stringify(params)}`,
    () => {
      return new DataLoader<string, AggregateRow>(async (parentIds) => {
        const rows = await ctx.db.read(cypher, { ...params, parentIds }, { raw: true });
        const byParent = new Map(rows.map((r) => [r.pid as string, r.value as Row]));
        return parentIds.map((id) => shapeAggregate(byParent.get(id), read));
      });
    },
  );
  return loader.load(target.parentId);
}
