/**
 * The response cache for reads (@graphql-yoga/plugin-response-cache): keyed by document,
 * operation name, variables and, when reads need a token, by that token; ETag and
 * `304 Not Modified` on `If-None-Match`; with DEBUG_EXTENSIONS, `extensions.responseCache`
 * says whether a response was a hit. Writes invalidate it through LiveGraph.publish
 * (src/live), not by scanning mutation results, so the import CLI and other replicas (Redis)
 * invalidate it the same way.
 */
import { createHash } from 'node:crypto';
import { useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { Plugin } from 'graphql-yoga';

export interface LiveCacheOptions {
  cache: Cache | undefined;
  ttlMs: number;
  /** REQUIRE_AUTH_FOR_READS: cache per token, and never for a request without one. */
  perToken: boolean;
  debugExtensions: boolean;
}

export function useLiveCache(options: LiveCacheOptions): Plugin[] {
  if (!options.cache || options.ttlMs <= 0) return [];
  const token = (request: Request) => request.headers.get('authorization');
  return [
    useResponseCache({
      cache: options.cache,
      ttl: options.ttlMs,
      session: (request) => {
        if (!options.perToken) return null;
        const value = token(request);
        return value ? createHash('sha256').update(value).digest('hex') : null;
      },
      enabled: (request) => !options.perToken || token(request) !== null,
      // publish() invalidates exactly what each write touched (see src/live/changes.ts).
      invalidateViaMutation: false,
      includeExtensionMetadata: options.debugExtensions,
    }) as Plugin,
  ];
}
