import SchemaBuilder from '@pothos/core';
import { getNamedType, getNullableType, isLeafType, isListType, isObjectType } from 'graphql';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin, { type StandardSchemaV1 } from '@pothos/plugin-validation';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type { Scope } from '../config.js';
import type { Context } from '../context.js';
import { mayRead } from '../auth.js';
import { ErrorCode, StargraphError } from '../errors.js';
import { DEFAULT_PAGE_COST, WHOLE_SET_READS } from '../query-cost.js';

/** No credential (or a bad one) is UNAUTHENTICATED; a good one without the scope is FORBIDDEN. */
export function missingScopeError(ctx: Context, what: string): StargraphError {
  if (ctx.auth.authenticated) return new StargraphError(ErrorCode.FORBIDDEN, `${what} needs a token with more scopes`);
  return new StargraphError(
    ErrorCode.UNAUTHENTICATED,
    ctx.auth.invalid ? 'The Authorization token is not valid' : `${what} needs an Authorization: Bearer token`,
  );
}

/** Marks a validation schema's issues with the scope its field needs (see validationError). */
export function requiringScope<S extends StandardSchemaV1>(scope: Scope, schema: S): S {
  const mark = (result: StandardSchemaV1.Result<unknown>) =>
    result.issues ? { issues: result.issues.map((issue) => ({ ...issue, requiredScope: scope })) } : result;
  return {
    '~standard': {
      ...schema['~standard'],
      validate: (value: unknown) => {
        const result = schema['~standard'].validate(value);
        return result instanceof Promise ? result.then(mark) : mark(result);
      },
    },
  } as S;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    Date: { Input: string; Output: string };
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  AuthScopes: { read: boolean; write: boolean };
  Connection: { totalCount: number | (() => Promise<number>) };
}>({
  // scope-auth must come first so it wraps every other plugin's resolvers; federation after the
  // plugins that wrap resolvers (its `@key`s only mark types: the plain schema prints the same).
  plugins: [
    ScopeAuthPlugin,
    ComplexityPlugin,
    RelayPlugin,
    SimpleObjectsPlugin,
    ValidationPlugin,
    DirectivesPlugin,
    FederationPlugin,
  ],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      read: mayRead(ctx.config.auth, ctx.auth),
      write: ctx.auth.scopes.has('write'),
    }),
    // No credential (or a bad one) is UNAUTHENTICATED; a good one without the scope is FORBIDDEN.
    unauthorizedError: (_parent, ctx, info) => missingScopeError(ctx, `${info.parentType.name}.${info.fieldName}`),
  },
  // zod issues → BAD_USER_INPUT naming the first bad field's path (e.g. `input.slug`) and all issues.
  validation: {
    validationError: (failure, _args, ctx) => {
      // Arguments are validated before scope-auth runs; a caller without the scope a field needs
      // (schemas wrapped with `requiringScope`) hears about the token, not about the input rules.
      const scope = failure.issues.map((i) => (i as { requiredScope?: Scope }).requiredScope).find(Boolean);
      if (scope && !ctx.auth.scopes.has(scope)) return missingScopeError(ctx, 'This operation');
      const issues = failure.issues.map((issue) => ({
        path: (issue.path ?? [])
          .map((p) => (typeof p === 'object' ? p.key : p))
          .map((p) => (typeof p === 'number' ? p : String(p))),
        message: issue.message,
      }));
      const first = issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      return new StargraphError(
        ErrorCode.BAD_USER_INPUT,
        `Invalid input: ${where}${first?.message ?? 'invalid'}${more}`,
        {
          path: first?.path ?? [],
          issues,
        },
      );
    },
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // We define node/nodes ourselves to give malformed and mistyped IDs stable error codes.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  complexity: {
    // The cost of a query is the number of items its answer can hold: a connection costs its
    // page size (`first`/`last`/`limit`, 20 when unset) times the pages around it, a list of
    // objects 10 per parent, any other object 1 (one batched load per parent), and plain fields
    // nothing (they come with the item's row). 100 companies x 10 deals x 5 parties x 3 leaders
    // is 100 + 1,000 + 5,000 + 15,000 = 21,100. What reads a whole set (totalCount, aggregates,
    // relationship predicates) is priced by src/query-cost.ts, which applies this rule.
    fieldComplexity: (args, _ctx, field) => {
      const size = [args.first, args.last, args.limit].find((v): v is number => typeof v === 'number');
      const type = getNullableType(field.type);
      const named = getNamedType(type);
      if (isLeafType(named)) return { field: 0, multiplier: 1 };
      if (size !== undefined) return { field: Math.max(1, size), multiplier: Math.max(1, size) };
      if (isObjectType(type) && type.name.endsWith('Connection'))
        return { field: DEFAULT_PAGE_COST, multiplier: DEFAULT_PAGE_COST };
      if (field.name === 'edges' || field.name === 'node' || field.name === 'pageInfo')
        return { field: 0, multiplier: 1 };
      if (isListType(type)) return { field: 10, multiplier: 10 };
      return { field: 1, multiplier: 1 };
    },
    // Checked by src/plugins/use-query-cost.ts on the document as the client sent it (before
    // plugins such as the response cache add fields to it), not here in the root resolvers.
    disabled: true,
  },
});

// Root-level scopes apply to every field of the root type: reads are public unless
// REQUIRE_AUTH_FOR_READS (the `read` scope above), writes always need `write`.
builder.queryType({ authScopes: { read: true } });
builder.mutationType({ authScopes: { write: true } });

// Every connection offers totalCount, computed only when a client selects it.
builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'How many items the connection holds in all (costs one extra query; ask only when needed).',
    // A count reads the connection's whole filtered set (src/query-cost.ts).
    extensions: { [WHOLE_SET_READS]: 1 },
    resolve: (connection) =>
      typeof connection.totalCount === 'function' ? connection.totalCount() : connection.totalCount,
  }),
);

builder.scalarType('Date', {
  description: 'A calendar date, ISO 8601 (YYYY-MM-DD).',
  serialize: (value) => String(value),
  parseValue: (value) => {
    // Round-trip through Date: Date.parse alone accepts impossible days such as 2025-02-30.
    const real =
      typeof value === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      !Number.isNaN(Date.parse(value)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
    if (!real) {
      throw new StargraphError(ErrorCode.BAD_USER_INPUT, `Expected a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
    return value;
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with time zone.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new StargraphError(
        ErrorCode.BAD_USER_INPUT,
        `Expected an ISO 8601 date-time, got ${JSON.stringify(value)}`,
      );
    }
    return new Date(value).toISOString();
  },
});

builder.scalarType('JSON', {
  description: 'A value as a property holds it: a number, a string, an ISO date or a list of strings.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

/** The builder's resolved type parameters, for helpers that take Pothos field builders. */
export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
