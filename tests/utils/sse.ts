import type { createServer } from '../../src/server.js';

export interface SseEvent {
  event: string;
  /** The event's `id:` field, when it has one. */
  id?: string;
  data: {
    data?: Record<string, unknown>;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  } | null;
}

/** Sends one GraphQL-over-SSE request: POST with a JSON body, or GET with the operation in the URL. */
async function openStream(
  target: ReturnType<typeof createServer> | string,
  method: 'GET' | 'POST',
  body: { query: string; variables: Record<string, unknown> },
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Response> {
  const url = new URL(typeof target === 'string' ? target : 'http://stargraph.test/graphql');
  const init: RequestInit = { method, headers: { accept: 'text/event-stream', ...headers }, signal };
  if (method === 'GET') {
    url.searchParams.set('query', body.query);
    url.searchParams.set('variables', JSON.stringify(body.variables));
  } else {
    init.headers = { 'content-type': 'application/json', ...init.headers };
    init.body = JSON.stringify(body);
  }
  return typeof target === 'string' ? fetch(url, init) : target.fetch(url, init);
}

/**
 * One GraphQL-over-SSE subscription, through yoga.fetch (no port) or to a URL over real HTTP:
 * `next(ms)` waits for the next event (rejects after `ms`), `close()` aborts the request.
 * Comments (keep-alives) are skipped.
 */
export async function sseSubscribe(
  target: ReturnType<typeof createServer> | string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'POST',
) {
  const abort = new AbortController();
  const response = await openStream(target, method, { query, variables }, headers, abort.signal);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const ready: SseEvent[] = [];
  let ended = false;

  async function fill(): Promise<void> {
    while (ready.length === 0 && !ended) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      buffer += value;
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n').filter((l) => !l.startsWith(':'));
        if (lines.length === 0) continue;
        const event =
          lines
            .find((l) => l.startsWith('event:'))
            ?.slice(6)
            .trim() ?? 'message';
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        const id = lines
          .find((l) => l.startsWith('id:'))
          ?.slice(3)
          .trim();
        ready.push({ event, ...(id !== undefined ? { id } : {}), data: data ? JSON.parse(data) : null });
      }
    }
  }

  let pending: Promise<void> | undefined;
  return {
    response,
    async next(ms = 5_000): Promise<SseEvent> {
      pending ??= fill().finally(() => (pending = undefined));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no SSE event within ${ms} ms`)), ms);
      });
      try {
        await Promise.race([pending, timeout]);
      } finally {
        clearTimeout(timer);
      }
      const event = ready.shift();
      if (!event) throw new Error('the SSE stream ended');
      return event;
    },
    /** True when no event arrives within `ms`. */
    async quietFor(ms: number): Promise<boolean> {
      try {
        const event = await this.next(ms);
        ready.unshift(event);
        return false;
      } catch (error) {
        if (String((error as Error).message).startsWith('no SSE event')) return true;
        throw error;
      }
    },
    close() {
      abort.abort();
      reader.cancel().catch(() => {});
    },
  };
}
