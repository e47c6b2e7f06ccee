/** Root Relay connections (`companies`, `deals`, ...) with a typed filter and orderBy. */
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import { countRoot, loadRootPage, type RootArgs, type RootConnectionSpec } from '../graph/root-connections.js';
import { readPlanned } from '../plan/read.js';
import { lazyConnection } from '../graph/paging.js';
import { builder, type Types } from './builder.js';
import { OrderDirectionEnum } from './enums.js';

export const FloatRangeInput = builder.inputType('FloatRange', {
  description: 'An inclusive range of numbers; either end may be left open.',
  fields: (t) => ({ gte: t.float(), lte: t.float() }),
});

export const DateRangeInput = builder.inputType('DateRange', {
  description: 'An inclusive range of dates; either end may be left open.',
  fields: (t) => ({ from: t.field({ type: 'Date' }), to: t.field({ type: 'Date' }) }),
});

export interface RootConnectionOptions<N> {
  fieldName: string;
  typeName: string;
  nodeRef: ObjectRef<Types, N>;
  spec: RootConnectionSpec;
  filterInput: InputObjectRef<Types, Record<string, unknown>>;
  description: string;
}

/** Every root connection's spec by field name (the read planner's tests plan documents with it). */
export const rootConnectionSpecs = new Map<string, RootConnectionSpec>();

export function rootConnection<N>({ fieldName, typeName, nodeRef, spec, filterInput, description }: RootConnectionOptions<N>) {
  rootConnectionSpecs.set(fieldName, spec);
  const fields = Object.keys(spec.orderings);
  const OrderField = builder.enumType(`${typeName}OrderField`, { values: fields as [string, ...string[]] });
  const OrderInput = builder.inputType(`${typeName}Order`, {
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true }),
      direction: t.field({ type: OrderDirectionEnum, defaultValue: 'ASC' }),
    }),
  });
  builder.queryField(fieldName, (t) =>
    t.connection({
      type: nodeRef,
      description: `${description} Ordered by ${fields[0]!.toLowerCase()} unless orderBy says otherwise; ties broken by id.`,
      args: {
        filter: t.arg({ type: filterInput }),
        orderBy: t.arg({ type: OrderInput }),
      },
      resolve: (_root, args, ctx, info) =>
        ctx.config.readPlanner
          ? (readPlanned(ctx, info, { kind: 'connection', spec, args: args as RootArgs }) as never)
          : lazyConnection(
          args,
          ctx.config.limits.maxPageSize,
          () => loadRootPage<N>(ctx, spec, args as never),
          () => countRoot(ctx, spec, args.filter),
        ) as never,
    }),
  );
}
