import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/**
 * Bounds the GraphQL requests served at once. One more answers at once with HTTP 503, a
 * `Retry-After` and a GraphQL error coded OVERLOADED naming the limit, instead of queueing behind
 * the others (a slow or absent database must not pile up requests and memory). Other endpoints
 * (/health, /ready, /metrics) are never refused. Register it last: it wraps the request handler.
 */
export function useOverload(options: { maxInFlight: number; endpoint?: string }): Plugin & { inFlight(): number } {
  const endpoint = options.endpoint ?? '/graphql';
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    onRequest({ url, requestHandler, setRequestHandler, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint) return;
      if (inFlight >= options.maxInFlight) {
        const body = {
          errors: [
            {
              message:
                `The server is serving its maximum of ${options.maxInFlight} requests (MAX_IN_FLIGHT); ` +
                'retry shortly',
              extensions: { code: ErrorCode.OVERLOADED, limit: 'MAX_IN_FLIGHT', max: options.maxInFlight },
            },
          ],
        };
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status: 503,
            headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' },
          }),
        );
        return;
      }
      inFlight += 1;
      setRequestHandler(async (request, context) => {
        try {
          return await requestHandler(request, context);
        } finally {
          inFlight -= 1;
        }
      });
    },
  };
}
