/**
 * `aggregate` on every connection (README, "Analyst queries"): `XAggregate { count, <number>
 * { sum min max avg }, groupBy(field:, first:) { key count <number> } }`, its types built from
 * what src/graph/aggregates.ts derives for the connection. A planned read computes it in the
 * page's statement; otherwise the field loads it (batched per level for relationship connections).
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { AggregateRow, AggregateSpec, GroupRow, Stats } from '../graph/aggregates.js';
import { readAggregate, AGGREGATE_TARGET, type AggregateTarget } from '../plan/run.js';
import { plannedField } from '../plan/shape.js';
import type { Context } from '../context.js';
import { builder, type Types } from './builder.js';
import { WHOLE_SET_READS } from '../query-cost.js';

export const FloatAggregateRef = builder.objectRef<Stats>('FloatAggregate').implement({
  description: 'Statistics of a number field over the connection (nodes or relationships lacking it are skipped).',
  fields: (t) => ({
    sum: t.exposeFloat('sum', { nullable: true }),
    min: t.exposeFloat('min', { nullable: true }),
    max: t.exposeFloat('max', { nullable: true }),
    avg: t.exposeFloat('avg', { nullable: true }),
  }),
});

const numberFields = <Shape extends Record<string, unknown>>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>,
  aggregateSpec: AggregateSpec,
) =>
  Object.fromEntries(
    Object.keys(aggregateSpec.numeric).map((name) => [
      name,
      t.field({ type: FloatAggregateRef, resolve: (row) => row[name] as Stats }),
    ]),
  );

/** The `aggregate` field's type for one connection (`stem` names it: `Deal`, `CompanyDeals`). */
function aggregateType(stem: string, aggregateSpec: AggregateSpec, what: string) {
  const groupFields = Object.keys(aggregateSpec.groups);
  const GroupField =
    groupFields.length > 0
      ? builder.enumType(`${stem}GroupField`, {
          description: `What ${what} can be grouped by (years of dates, kinds and statuses, relationship properties).`,
          values: groupFields as [string, ...string[]],
        })
      : null;
  const Group = builder.objectRef<GroupRow>(`${stem}Group`).implement({
    description: `${what} sharing one value of the grouped field.`,
    fields: (t) => ({
      key: t.string({ nullable: true, description: 'The value (null for those lacking it).', resolve: (g) => g.key }),
      count: t.int({ resolve: (row) => row.count }),
      ...numberFields(t, aggregateSpec),
    }),
  });
  return builder.objectRef<AggregateRow>(`${stem}Aggregate`).implement({
    description: `Aggregates over ${what} (the connection's filter applies; its paging does not).`,
    fields: (t) => ({
      count: t.int({ resolve: (row) => row.count }),
      ...numberFields(t, aggregateSpec),
      ...(GroupField
        ? {
            groupBy: t.field({
              type: [Group],
              description: 'Groups by the field, largest first (then by value), at most `first` of them.',
              // Each grouping reads the connection's whole filtered set (src/query-cost.ts).
              extensions: { [WHOLE_SET_READS]: 1 },
              args: {
                field: t.arg({ type: GroupField, required: true }),
                first: t.arg.int({ defaultValue: 20 }),
              },
              resolve: (row, _args, _ctx, info) => row.groups[String(info.path.key)] ?? [],
            }),
          }
        : {}),
    }),
  });
}

/** A connection object carrying what its aggregate is over (set by the connection's resolver). */
export type AggregatableConnection = { [AGGREGATE_TARGET]?: AggregateTarget };

/** The `aggregate` field of a connection type. */
export function aggregateField<Shape extends AggregatableConnection>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>,
  stem: string,
  aggregateSpec: AggregateSpec,
  what: string,
) {
  const whenPlanned = 'computed in the same statement as the page when the read is planned.';
  return t.field({
    type: aggregateType(stem, aggregateSpec, what),
    description: `Counts, sums and groups over ${what}, ${whenPlanned}`,
    // The totals read the connection's whole filtered set (src/query-cost.ts).
    extensions: { [WHOLE_SET_READS]: 1 },
    resolve: (connection: Shape, _args: unknown, ctx: Context, info: GraphQLResolveInfo) =>
      plannedField<AggregateRow>(connection, info) ?? readAggregate(ctx, info, connection[AGGREGATE_TARGET]!),
  });
}
