import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/**
 * Adds `extensions.cypher = { roundTrips, dbTimeMs }` and `extensions.executor` (`graphql-jit` or
 * `graphql-js`, see use-jit.ts) to each response: always when
 * DEBUG_EXTENSIONS=true, or per request with `x-debug-cypher: 1` when the header is allowed.
 */
export function useDebugExtensions(options: { always: boolean; allowHeader: boolean }): Plugin<Context> {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as Context & { request?: Request };
      const asked = options.allowHeader && ctx.request?.headers.get('x-debug-cypher') === '1';
      if (!options.always && !asked) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              cypher: { roundTrips: ctx.stats.roundTrips, dbTimeMs: Math.round(ctx.stats.dbTimeMs * 100) / 100 },
              executor: ctx.jit ? 'graphql-jit' : 'graphql-js',
            },
          });
        },
      };
    },
  };
}
