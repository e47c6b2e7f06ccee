/** Root Relay connections (`companies`, `deals`, ...) with a typed filter, orderBy and aggregates. */
import type { ObjectRef } from '@pothos/core';
import type { ConnectionShape } from '@pothos/plugin-relay';
import { aggregateSpecOf } from '../graph/aggregates.js';
import type { FilterLabel } from '../graph/filters.js';
import { orderingsOf, type ConnectionArgs } from '../graph/ordering.js';
import { countRoot, loadRootPage, type RootConnectionSpec } from '../graph/root-connections.js';
import { AGGREGATE_TARGET, readPlanned } from '../plan/run.js';
import type { PlannedConnection } from '../plan/shape.js';
import { lazyConnection } from '../graph/paging.js';
import { aggregateField, type AggregatableConnection } from './aggregates.js';
import { builder, type Types } from './builder.js';
import { OrderDirectionEnum } from './enums.js';
import { filterInputs } from './filters.js';
import { getOrCreate } from '../get-or-create.js';
import { timeSlice } from '../claims/time.js';
import { registerSlice } from '../claims/row-time.js';
import { timeArgs } from './time-args.js';

const orderInputs = new Map<FilterLabel, ReturnType<typeof makeOrderInput>>();

function makeOrderInput(label: FilterLabel) {
  const fields = Object.keys(orderingsOf(label));
  const OrderField = builder.enumType(`${label}OrderField`, { values: fields as [string, ...string[]] });
  return builder.inputType(`${label}Order`, {
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true }),
      direction: t.field({ type: OrderDirectionEnum, defaultValue: 'ASC' }),
    }),
  });
}

/** `XOrder` (field and direction) for connections of one node type, root or relationship alike. */
export function orderInput(label: FilterLabel) {
  return getOrCreate(orderInputs, label, () => makeOrderInput(label));
}

export interface RootConnectionOptions<N> {
  fieldName: string;
  typeName: string;
  nodeRef: ObjectRef<Types, N>;
  spec: RootConnectionSpec;
  description: string;
}

/** Every root connection's spec by field name (the read planner's tests plan documents with it). */
export const rootConnectionSpecs = new Map<string, RootConnectionSpec>();

export function rootConnection<N>({ fieldName, typeName, nodeRef, spec, description }: RootConnectionOptions<N>) {
  rootConnectionSpecs.set(fieldName, spec);
  const fields = Object.keys(spec.orderings);
  builder.queryField(fieldName, (t) =>
    t.connection(
      {
        type: nodeRef,
        description:
          `${description} Ordered by ${fields[0]!.toLowerCase()} unless orderBy says otherwise; ` +
          'ties broken by id.',
        args: {
          filter: t.arg({ type: filterInputs[spec.label] }),
          orderBy: t.arg({ type: orderInput(spec.label) }),
          ...timeArgs(t.arg),
        },
        resolve: async (_root, args, ctx, info) => {
          const slice = timeSlice(args.asOf, args.knownAt);
          registerSlice(ctx, info, slice);
          const connection: ConnectionShape<Types, N, false> = ctx.config.readPlanner
            ? ((await readPlanned(ctx, info, {
                kind: 'connection',
                spec,
                args: args as ConnectionArgs,
                time: slice,
              })) as PlannedConnection<N>)
            : lazyConnection(
                args,
                ctx.config.limits.maxPageSize,
                () => loadRootPage<N>(ctx, spec, args as ConnectionArgs, slice),
                () => countRoot(ctx, spec, args.filter, slice),
              );
          // What an aggregate the planner did not fold loads over.
          return Object.assign(connection, {
            [AGGREGATE_TARGET]: { kind: 'root' as const, spec, filter: args.filter, slice },
          });
        },
      },
      {
        fields: (ct) => ({
          aggregate: aggregateField(
            ct as unknown as PothosSchemaTypes.ObjectFieldBuilder<Types, AggregatableConnection>,
            typeName,
            aggregateSpecOf(spec.label),
            `the ${fieldName}`,
          ),
        }),
      },
    ),
  );
}
