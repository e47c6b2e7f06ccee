import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/**
 * Adds `extensions.cypher = { roundTrips, dbTimeMs }` and `extensions.executor` (`graphql-jit` or
 * `graphql-js`, see use-jit.ts) to each response, and `extensions.plan`: every statement the
 * request ran, with its Cypher text, parameter names (never their values), rows, round trip and
 * time in Neo4j, and with `x-debug-cypher: profile` its db hits (reads run under PROFILE). Given
 * always when DEBUG_EXTENSIONS=true; per request with the `x-debug-cypher` header (`1` or
 * `profile`) when DEBUG_EXTENSIONS_HEADER=true, or when the caller's token has the `debug` scope.
 */
export function useDebugExtensions(options: { always: boolean; allowHeader: boolean }): Plugin<Context> {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as Context & { request?: Request };
      const header = ctx.request?.headers.get('x-debug-cypher');
      const allowed = options.allowHeader || ctx.auth?.scopes.has('debug') === true;
      const asked = allowed && (header === '1' || header === 'profile');
      if (!options.always && !asked) return;
      ctx.stats.statements = [];
      if (asked && header === 'profile') ctx.stats.profile = true;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const round = (ms: number) => Math.round(ms * 100) / 100;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              cypher: { roundTrips: ctx.stats.roundTrips, dbTimeMs: round(ctx.stats.dbTimeMs) },
              plan: {
                statements: (ctx.stats.statements ?? []).map((s) => ({
                  ...s,
                  roundTripMs: round(s.roundTripMs),
                  dbTimeMs: round(s.dbTimeMs),
                })),
                ...(ctx.stats.statementsLeftOut ? { statementsLeftOut: ctx.stats.statementsLeftOut } : {}),
              },
              executor: ctx.jit ? 'graphql-jit' : 'graphql-js',
            },
          });
        },
      };
    },
  };
}
