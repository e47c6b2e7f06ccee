import type { Plugin } from 'graphql-yoga';

export interface CorsPolicy {
  /** `*`: any origin, never with credentials; a list: exactly those origins, with credentials. */
  origins: string[] | '*';
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'content-type, accept, authorization, x-debug-cypher, x-stargraph-bookmark';
/** Response headers a browser script may read besides the basic ones. */
const EXPOSED_HEADERS = 'x-stargraph-bookmark, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after';

/**
 * Who may call from a browser. With any origin allowed the answer is a plain `*` and never
 * `allow-credentials` (the browser then sends no cookies); with a list, only a listed origin is
 * echoed back (with credentials, and `Vary: Origin` so caches keep them apart), and any other gets
 * no CORS header at all, so the browser refuses it. A preflight from a refused origin answers 403.
 */
export function useCors(policy: CorsPolicy): Plugin {
  const allowed = policy.origins === '*' ? undefined : new Set(policy.origins);

  const headersFor = (origin: string | null): Record<string, string> | undefined => {
    if (!allowed) return { 'access-control-allow-origin': '*' };
    if (origin !== null && allowed.has(origin)) {
      return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
    }
    return undefined;
  };

  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const origin = request.headers.get('origin');
      const cors = headersFor(origin);
      const headers: Record<string, string> = { 'content-length': '0', ...(allowed ? { vary: 'Origin' } : {}) };
      if (cors) {
        Object.assign(headers, cors, {
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
        });
      }
      endResponse(new fetchAPI.Response(null, { status: cors || origin === null ? 204 : 403, headers }));
    },
    onResponse({ request, response }) {
      if (request.method === 'OPTIONS') return; // answered above, headers already set
      if (allowed) response.headers.append('vary', 'Origin');
      const origin = request.headers.get('origin');
      if (origin === null) return; // not a cross-origin browser request
      const cors = headersFor(origin);
      for (const [name, value] of Object.entries(cors ?? {})) response.headers.set(name, value);
      if (cors) response.headers.set('access-control-expose-headers', EXPOSED_HEADERS);
    },
  };
}
