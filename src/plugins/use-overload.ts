import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/**
 * Bounds the GraphQL requests served at once. One more answers at once with HTTP 503, a
 * `Retry-After` and a GraphQL error coded OVERLOADED naming the limit, instead of queueing behind
 * the others (a slow or absent database must not pile up requests and memory). A request takes
 * its slot only once its body has arrived and been read, so clients trickling bodies in hold no
 * slot (the HTTP server's own timeouts cut them off: src/cli/serve.ts). Other endpoints (/health,
 * /ready, /metrics) are never refused. Register it last: it wraps the request handler.
 */
export function useOverload(options: { maxInFlight: number; endpoint?: string }): Plugin & { inFlight(): number } {
  const endpoint = options.endpoint ?? '/graphql';
  let inFlight = 0;
  /** The requests holding a slot (a request is counted once, and freed once). */
  const holding = new WeakSet<Request>();
  return {
    inFlight: () => inFlight,
    onRequest({ url, requestHandler, setRequestHandler }) {
      if (url.pathname !== endpoint) return;
      setRequestHandler(async (request, context) => {
        try {
          return await requestHandler(request, context);
        } finally {
          if (holding.delete(request)) inFlight -= 1;
        }
      });
    },
    onRequestParse({ request }) {
      return {
        onRequestParseDone() {
          if (holding.has(request)) return;
          if (inFlight >= options.maxInFlight) {
            throw createGraphQLError(
              `The server is serving its maximum of ${options.maxInFlight} requests (MAX_IN_FLIGHT); retry shortly`,
              {
                extensions: {
                  code: ErrorCode.OVERLOADED,
                  limit: 'MAX_IN_FLIGHT',
                  max: options.maxInFlight,
                  http: { status: 503, headers: { 'retry-after': '1' } },
                },
              },
            );
          }
          inFlight += 1;
          holding.add(request);
        },
      };
    },
  };
}
