/**
 * Trusted documents (PERSISTED_OPERATIONS):
 * - `off`: any document, no hashes;
 * - `allow`: a known hash (the manifest), an Automatic Persisted Query (a hash the server learnt
 *   from an earlier request that sent the document with it), or any document;
 * - `only`: a hash of the manifest and nothing else; a document or an unknown hash is refused
 *   with PERSISTED_QUERY_ONLY / PERSISTED_QUERY_NOT_FOUND.
 */
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ByteLru, CacheSet, utf8Bytes } from '../byte-lru.js';
import { ErrorCode } from '../errors.js';
import { documentHash, readManifest } from '../trusted/manifest.js';

export interface TrustedDocumentsOptions {
  mode: 'off' | 'allow' | 'only';
  file: string;
  /** Documents remembered for APQ (allow), least recently used first out past either bound. */
  apqMax?: number;
  /** Their bytes (UTF-8 text); APQ_CACHE_MAX_BYTES. */
  apqMaxBytes?: number;
  /** Where the APQ store is listed for /metrics. */
  caches?: CacheSet;
}

const hashOf = (extensions: unknown): string | undefined => {
  const pq = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return pq && pq.version === 1 && typeof pq.sha256Hash === 'string' ? pq.sha256Hash : undefined;
};

/** The APQ documents, keyed by their SHA-256 (checked against the text before one is kept). */
export const apqStore = (maxEntries: number, maxBytes: number) =>
  new ByteLru<string>({ name: 'apq', maxEntries, maxBytes, sizeOf: utf8Bytes });

export function useTrustedDocuments(options: TrustedDocumentsOptions): Plugin[] {
  if (options.mode === 'off') return [];
  // A Map, not the parsed object: a hash such as `__proto__` or `constructor` must find nothing.
  const manifest: ReadonlyMap<string, string> = new Map(Object.entries(readManifest(options.file)));
  const apq = (options.caches ?? new CacheSet()).add(
    apqStore(options.apqMax ?? 1_000, options.apqMaxBytes ?? 10_000_000),
  );
  const learnApq: Plugin = {
    // APQ's second step: the client sends the document with its hash; remember it (allow only).
    onParams({ params }) {
      const hash = hashOf(params.extensions);
      // A `query` that is not a string is refused after this by yoga's own check (BAD_REQUEST).
      if (!hash || typeof params.query !== 'string' || !params.query) return;
      if (documentHash(params.query) !== hash) {
        throw createGraphQLError('The persisted query hash does not match the document', {
          extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
        });
      }
      if (options.mode === 'allow') apq.set(hash, params.query);
    },
  };
  const only = options.mode === 'only';
  return [
    learnApq,
    usePersistedOperations({
      allowArbitraryOperations: !only,
      getPersistedOperation: (hash) => manifest.get(hash) ?? (only ? null : (apq.get(hash) ?? null)),
      customErrors: {
        // APQ clients (Apollo, urql) recognise this message and resend with the document.
        notFound: { message: 'PersistedQueryNotFound', extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND } },
        persistedQueryOnly: {
          message:
            'This server runs only trusted documents (PERSISTED_OPERATIONS=only): ' +
            'send extensions.persistedQuery.sha256Hash of a known operation, not a document',
          extensions: { code: ErrorCode.PERSISTED_QUERY_ONLY },
        },
        keyNotFound: {
          message:
            'Send a GraphQL document or, with PERSISTED_OPERATIONS, ' +
            'extensions.persistedQuery.sha256Hash of a known operation',
          extensions: { code: only ? ErrorCode.PERSISTED_QUERY_ONLY : ErrorCode.BAD_USER_INPUT },
        },
      },
    }) as Plugin,
  ];
}
