import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { BOOKMARK_HEADER, formatBookmarks } from '../neo4j/bookmarks.js';
import type { GraphDb } from '../neo4j/db.js';

/**
 * Read-your-writes across replicas (src/neo4j/bookmarks.ts). A request whose `x-stargraph-bookmark`
 * header is not one a response gave is answered INVALID_BOOKMARK before anything runs; a request
 * that committed a write is answered with the bookmarks of the newest transactions this process
 * has seen, its own among them.
 */
export function useBookmarks(graph: GraphDb): Plugin<Context> {
  const contexts = new WeakMap<Request, Context>();
  const refuse = (ctx: Context, stop: (result: { errors: Error[] }) => void) => {
    if (ctx.bookmarkError) stop({ errors: [ctx.bookmarkError] });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context & { request?: Request };
      if (ctx.request) contexts.set(ctx.request, ctx);
      refuse(ctx, setResultAndStopExecution as (result: { errors: Error[] }) => void);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      refuse(args.contextValue as Context, setResultAndStopExecution as (result: { errors: Error[] }) => void);
    },
    // Synchronous for a request that wrote nothing (most): no promise on the read path.
    onResponse({ request, response }) {
      if (contexts.get(request)?.stats.wrote !== true) return;
      return graph.bookmarks().then((bookmarks) => {
        response.headers.set(BOOKMARK_HEADER, formatBookmarks(bookmarks));
      });
    },
  };
}
