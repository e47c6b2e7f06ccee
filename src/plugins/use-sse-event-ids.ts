/**
 * SSE event ids for subscriptions: each `next` event carries the change-log id of the change it
 * reports in an `id:` line (and in `extensions.changeId`), so a client's EventSource sends it
 * back as `Last-Event-ID` when it reconnects, and `graphChanged` resumes after it
 * (src/schema/subscription.ts). yoga's SSE writer has no ids: for subscriptions answered over
 * SSE this one replaces it, writing the same stream (a ping comment first and every 12 s,
 * `event: next` per result, `event: complete` at the end) with ids added.
 */
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';

const eventIds = new WeakMap<object, string>();

/** The resolver's record of the id of the event it resolved (read once, by onNext). */
export function noteEventId(ctx: object, id: string | undefined): void {
  if (id === undefined) eventIds.delete(ctx);
  else eventIds.set(ctx, id);
}

const PING_MS = 12_000;

/** Whether the request takes an event stream (yoga answers a subscription with SSE then). */
function acceptsEventStream(request: Request): boolean {
  const accept = request.headers.get('accept');
  if (!accept) return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'text/event-stream' || type === 'text/*' || type === '*/*');
}

/** A result without yoga's internal `http` extension, as JSON. */
function resultJson(result: ExecutionResult): string {
  if (!result.extensions?.http) return JSON.stringify(result);
  const { http: _http, ...extensions } = result.extensions;
  return JSON.stringify({ ...result, extensions: Object.keys(extensions).length ? extensions : undefined });
}

/** One SSE `next` event; the id line first, when the result has one. */
function nextEvent(result: ExecutionResult): string {
  const id = result.extensions?.changeId;
  return `${typeof id === 'string' ? `id: ${id}\n` : ''}event: next\ndata: ${resultJson(result)}\n\n`;
}

function sseWithIds(result: AsyncIterable<ExecutionResult>, fetchAPI: { Response: typeof Response }): Response {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<ExecutionResult>;
  let ping: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Some browsers show nothing until the first bytes: a comment at once, and one to keep it alive.
      controller.enqueue(encoder.encode(':\n\n'));
      ping = setInterval(() => {
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(':\n\n'));
      }, PING_MS);
      iterator = result[Symbol.asyncIterator]();
    },
    async pull(controller) {
      try {
        const step = await iterator.next();
        if (step.value != null) controller.enqueue(encoder.encode(nextEvent(step.value)));
        if (step.done) {
          controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
          clearInterval(ping);
          controller.close();
        }
      } catch (error) {
        clearInterval(ping);
        controller.error(error);
      }
    },
    async cancel(reason) {
      clearInterval(ping);
      await iterator.return?.(reason);
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
      'Cache-Control': 'no-cache',
      'Content-Encoding': 'none',
    },
  });
}

export function useSseEventIds(): Plugin {
  const subscriptions = new WeakSet<Request>();
  return {
    onSubscribe({ args }) {
      const context = args.contextValue as { request?: Request };
      if (context.request) subscriptions.add(context.request);
      return {
        onSubscribeResult({ args: { contextValue } }) {
          return {
            onNext({ result, setResult }) {
              const id = eventIds.get(contextValue as object);
              eventIds.delete(contextValue as object);
              if (id !== undefined) setResult({ ...result, extensions: { ...result.extensions, changeId: id } });
            },
          };
        },
      };
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (!subscriptions.has(request) || !isAsyncIterable(result) || !acceptsEventStream(request)) return;
      setResultProcessor(
        (r, fetchAPI) => sseWithIds(r as AsyncIterable<ExecutionResult>, fetchAPI as { Response: typeof Response }),
        'text/event-stream',
      );
    },
  };
}
