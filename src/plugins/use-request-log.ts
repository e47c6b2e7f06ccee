import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';

/** One structured log line per GraphQL operation: name, duration, Cypher round trips, error codes. */
export function useRequestLog(logger: Logger): Plugin<Context> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          const ctx = args.contextValue as Context;
          const errors = Symbol.asyncIterator in result ? [] : (result.errors ?? []);
          logger.info('graphql', {
            operation: args.operationName ?? null,
            ms: Math.round(performance.now() - started),
            roundTrips: ctx.stats.roundTrips,
            dbTimeMs: Math.round(ctx.stats.dbTimeMs),
            subject: ctx.auth.subject ?? null,
            errors: errors.length > 0 ? errors.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : undefined,
          });
        },
      };
    },
  };
}
