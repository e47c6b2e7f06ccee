import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ErrorCode, StargraphError } from '../errors.js';

/** The slots of MAX_IN_FLIGHT, for a request served outside GraphQL (/export). */
export interface InFlightSlots {
  /** Takes a slot: its release (idempotent), or undefined when every slot is taken. */
  acquire(): (() => void) | undefined;
  inFlight(): number;
  readonly maxInFlight: number;
}

/** What a request over MAX_IN_FLIGHT is told (a GraphQL error, or the fields of /export's JSON). */
export const overloadedMessage = (max: number) =>
  `The server is serving its maximum of ${max} requests (MAX_IN_FLIGHT); retry shortly`;

/**
 * A slot for a request served outside GraphQL (/export, /reconcile): its release (a no-op without
 * slots), or an OVERLOADED error naming the limit when every slot is taken (read-endpoint.ts
 * answers it with 503 and Retry-After).
 */
export function takeSlot(slots: InFlightSlots | undefined): () => void {
  if (!slots) return () => {};
  const release = slots.acquire();
  if (release) return release;
  throw new StargraphError(ErrorCode.OVERLOADED, overloadedMessage(slots.maxInFlight), {
    limit: 'MAX_IN_FLIGHT',
    max: slots.maxInFlight,
  });
}

/**
 * Bounds the requests served at once: GraphQL requests, and /export through `acquire`. One more
 * answers at once with HTTP 503, a `Retry-After` and an error coded OVERLOADED naming the limit,
 * instead of queueing behind the others (a slow or absent database must not pile up requests and
 * memory). A GraphQL request takes its slot only once its body has arrived and been read, so
 * clients trickling bodies in hold no slot (the HTTP server's own timeouts cut them off:
 * src/cli/serve.ts). Other endpoints (/health, /ready, /metrics) are never refused. Register it
 * last: it wraps the request handler.
 */
export function useOverload(options: { maxInFlight: number; endpoint?: string }): Plugin & InFlightSlots {
  const endpoint = options.endpoint ?? '/graphql';
  let inFlight = 0;
  /** The requests holding a slot (a request is counted once, and freed once). */
  const holding = new WeakSet<Request>();
  return {
    maxInFlight: options.maxInFlight,
    inFlight: () => inFlight,
    acquire() {
      if (inFlight >= options.maxInFlight) return undefined;
      inFlight += 1;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        inFlight -= 1;
      };
    },
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
            throw createGraphQLError(overloadedMessage(options.maxInFlight), {
              extensions: {
                code: ErrorCode.OVERLOADED,
                limit: 'MAX_IN_FLIGHT',
                max: options.maxInFlight,
                http: { status: 503, headers: { 'retry-after': '1' } },
              },
            });
          }
          inFlight += 1;
          holding.add(request);
        },
      };
    },
  };
}
