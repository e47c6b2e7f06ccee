/**
 * The response cache for reads (@graphql-yoga/plugin-response-cache): keyed by document,
 * operation name, variables and, when reads need a token, by that token; ETag and
 * `304 Not Modified` on `If-None-Match`; with DEBUG_EXTENSIONS, `extensions.responseCache`
 * says whether a response was a hit.
 *
 * Writes invalidate it through LiveGraph.publish (src/live), so the import CLI and other
 * replicas (Redis) invalidate it the same way. The plugin indexes a result by the objects with
 * an `id` in it and by the types of fields that came back empty; it does not index the types of
 * objects without an id (connections, pages, paths, statistics). So this file also indexes each
 * result under every type its document can select (static, once per document): then a write that
 * invalidates "every connection" reaches a cached `companies { totalCount }` too.
 */
import { useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import {
  type DocumentNode,
  getNamedType,
  isCompositeType,
  isNonNullType,
  isObjectType,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLSchema,
} from 'graphql';
import { BOOKMARK_HEADER } from '../neo4j/bookmarks.js';
import type { Plugin } from 'graphql-yoga';
import { ByteLru, CacheSet, sha256Hex } from '../byte-lru.js';
import { utcToday } from '../claims/time.js';

export interface LiveCacheOptions {
  cache: Cache | undefined;
  ttlMs: number;
  /** REQUIRE_AUTH_FOR_READS: cache per token, and never for a request without one. */
  perToken: boolean;
  debugExtensions: boolean;
  schema: GraphQLSchema;
  /** True when a write was heard at or after `startedAt` (LiveGraph.changedSince). */
  changedSince: (startedAt: number) => boolean;
  /** Where this plugin's own caches are listed for /metrics. */
  caches?: CacheSet;
}

/** JSON with sorted keys, so `{a, b}` and `{b, a}` variables share an entry. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

const typeNamesBytes = (types: readonly string[]) => types.reduce((sum, t) => sum + 16 + t.length, 0);

/** Every composite type a document can select (fields' types, fragments' type conditions). */
export function selectableTypes(schema: GraphQLSchema, document: string): string[] {
  const types = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : undefined;
        if (named && isCompositeType(named)) types.add(named.name);
      },
      InlineFragment() {
        const type = typeInfo.getType();
        if (type && isCompositeType(getNamedType(type))) types.add(getNamedType(type).name);
      },
      FragmentDefinition() {
        const type = typeInfo.getType();
        if (type && isCompositeType(getNamedType(type))) types.add(getNamedType(type).name);
      },
    }),
  );
  return [...types];
}

export function useLiveCache(options: LiveCacheOptions): Plugin[] {
  const { cache } = options;
  if (!cache || options.ttlMs <= 0) return [];
  const token = (request: Request) => request.headers.get('authorization');
  const caches = options.caches ?? new CacheSet();
  // The types each document can select, under the SHA-256 of its text.
  const typesByDocument = caches.add(
    new ByteLru<string[]>({ name: 'response-types', maxEntries: 2_000, maxBytes: 4_000_000, sizeOf: typeNamesBytes }),
  );
  // Each read between its cache key and its result (its response id is a SHA-256); taken when stored.
  const pendingByResponse = caches.add(
    new ByteLru<{ types: string[]; startedAt: number }>({
      name: 'response-pending',
      maxEntries: 10_000,
      maxBytes: 4_000_000,
      sizeOf: () => 32,
    }),
  );
  const documentTypes = (documentKey: string, document: string) => {
    let types = typesByDocument.get(documentKey);
    if (!types) {
      try {
        types = selectableTypes(options.schema, document);
      } catch {
        types = []; // does not parse: execution fails and nothing is cached
      }
      typesByDocument.set(documentKey, types);
    }
    return types;
  };
  const indexed: Cache = {
    get: (id) => cache.get(id),
    invalidate: (entities) => cache.invalidate(entities),
    set(id, result, entities, ttl) {
      const pending = pendingByResponse.get(id);
      pendingByResponse.delete(id);
      // A read that started before a write it may not have seen is not stored: otherwise it
      // could put back what that write's invalidation had just removed.
      if (!pending || options.changedSince(pending.startedAt)) return;
      const byType = pending.types.map((typename) => ({ typename }));
      return cache.set(id, result, [...entities, ...byType], ttl);
    },
  };
  return [
    useResponseCache({
      cache: indexed,
      ttl: options.ttlMs,
      session: (request) => {
        if (!options.perToken) return null;
        const value = token(request);
        return value ? sha256Hex(value) : null;
      },
      // A request asking for its statements (x-debug-cypher) neither reads nor fills the cache: its
      // answer carries Cypher text meant for that caller, and a cached answer ran no statement.
      // Nor does one carrying a bookmark: it must read after that write, which an answer cached
      // before it (on a replica that has not yet heard of the write) may not.
      enabled: (request) =>
        (!options.perToken || token(request) !== null) &&
        request.headers.get('x-debug-cypher') === null &&
        request.headers.get(BOOKMARK_HEADER) === null,
      buildResponseCacheKey: ({ documentString, operationName, variableValues, sessionId }) => {
        // Runs before yoga checks the parameters: a `query` that is not a string is refused after
        // this (BAD_REQUEST), and must not fail here.
        const documentKey = sha256Hex(typeof documentString === 'string' ? documentString : String(documentString));
        const id = sha256Hex(
          // The UTC date too: a claim starts or ends on a day, without a write to invalidate it.
          [documentKey, operationName ?? '', stableJson(variableValues ?? {}), sessionId ?? '', utcToday()].join('|'),
        );
        pendingByResponse.set(id, { types: documentTypes(documentKey, documentString), startedAt: performance.now() });
        return id;
      },
      // Keeps mutations out of the cache (they also drop the objects they return);
      // publish() invalidates what each write touched (see src/live/changes.ts).
      invalidateViaMutation: true,
      // The caller's budget after this request: never the same twice.
      ttlPerSchemaCoordinate: { 'Query.rateLimit': 0 },
      includeExtensionMetadata: options.debugExtensions,
    }) as Plugin,
    withoutNullCacheIds(options.schema),
  ];
}

/**
 * The response cache selects each object's `id` as `__responseCacheId` and removes it from the
 * answer only when it is a string or a number: an `id` that is null (a `ClaimChange` read through
 * `changesBetween` has none) would reach the client as `"__responseCacheId": null`. This removes
 * those, walking only answers to documents that can select a type whose `id` may be null.
 */
function withoutNullCacheIds(schema: GraphQLSchema): Plugin {
  const nullableIds = new Set(
    Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .filter((t) => {
        const id = t.getFields().id;
        return id !== undefined && !isNonNullType(id.type);
      })
      .map((t) => t.name),
  );
  const affected = new WeakMap<DocumentNode, boolean>();
  const strip = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) strip(item);
    else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('__responseCacheId' in record && record.__responseCacheId === null) delete record.__responseCacheId;
      for (const key in record) strip(record[key]);
    }
  };
  return {
    onExecute({ args }) {
      let walk = affected.get(args.document);
      if (walk === undefined) {
        try {
          walk = selectableTypes(schema, print(args.document)).some((t) => nullableIds.has(t));
        } catch {
          walk = false;
        }
        affected.set(args.document, walk);
      }
      if (!walk) return;
      return {
        onExecuteDone({ result }) {
          if (!(Symbol.asyncIterator in result)) strip(result.data);
        },
      };
    },
  };
}
