/**
 * The response cache in this process (no REDIS_URL): responses under their response id (a
 * SHA-256, see plugins/use-live-cache.ts), least recently used first out past RESPONSE_CACHE_MAX
 * responses or RESPONSE_CACHE_MAX_BYTES, each for its TTL. An entry counts the UTF-8 bytes of its
 * result's JSON and of its index keys; one response over a tenth of the bound is not stored, so a
 * single large answer cannot empty the cache.
 *
 * Each response is indexed by the entities (`Type` and `Type:id`) it holds, so invalidating an
 * entity drops every response that holds it; an evicted response leaves the index with it.
 */
import type { Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import { ByteLru, utf8Bytes } from '../byte-lru.js';
import { getOrCreate } from '../get-or-create.js';

/** Bytes an index key costs besides its text: its place in two Sets and a Map. */
const INDEX_KEY_BYTES = 120;

/** The largest response either store takes: a tenth of the bound. */
export const maxResponseBytes = (maxBytes: number) => Math.max(1, Math.floor(maxBytes / 10));

const entityKey = (typename: string, id?: string | number) =>
  id === undefined || id === null ? typename : `${typename}:${id}`;

interface Stored {
  result: ExecutionResult;
  jsonBytes: number;
  entities: Set<string>;
}

export function createMemoryResponseCache(limits: { maxEntries: number; maxBytes: number }): Cache & {
  lru: ByteLru<Stored>;
} {
  const responsesOf = new Map<string, Set<string>>();
  const lru = new ByteLru<Stored>({
    name: 'response',
    maxEntries: limits.maxEntries,
    maxBytes: limits.maxBytes,
    maxEntryBytes: maxResponseBytes(limits.maxBytes),
    sizeOf: (stored) => {
      let bytes = stored.jsonBytes;
      for (const key of stored.entities) bytes += INDEX_KEY_BYTES + key.length;
      return bytes;
    },
    onRemove(id, stored) {
      for (const key of stored.entities) {
        const ids = responsesOf.get(key);
        ids?.delete(id);
        if (ids?.size === 0) responsesOf.delete(key);
      }
    },
  });
  return {
    lru,
    set(id, result, collected, ttl) {
      const entities = new Set<string>();
      for (const { typename, id: entityId } of collected) {
        entities.add(typename);
        if (entityId !== undefined && entityId !== null) entities.add(entityKey(typename, entityId));
      }
      const stored = { result, jsonBytes: utf8Bytes(JSON.stringify(result)), entities };
      if (!lru.set(id, stored, ttl)) return;
      for (const key of entities) getOrCreate(responsesOf, key, () => new Set<string>()).add(id);
    },
    get(id) {
      return lru.get(id)?.result ?? null;
    },
    invalidate(records) {
      for (const { typename, id } of records) {
        for (const responseId of [...(responsesOf.get(entityKey(typename, id)) ?? [])]) lru.delete(responseId);
      }
    },
  };
}
