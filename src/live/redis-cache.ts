/**
 * The response cache in Redis, shared by every API replica on one REDIS_URL.
 *
 * Layout: `rc:r:<responseId>` holds a result (with its TTL); `rc:e:<Type>` and `rc:e:<Type>:<id>`
 * are sets of the response ids that contain that type or that object. Invalidating an entry
 * reads its set and deletes the responses and the set, in two round trips, without ever
 * scanning keys (no KEYS). Index sets expire with the longest response they index.
 *
 * Keys are hashes (a response id is a SHA-256). Redis holds responses for their TTL; one larger
 * than `maxResponseBytes` (its JSON's UTF-8 bytes) is not stored. Redis's own `maxmemory` bounds
 * the whole.
 */
import type { Cache } from '@graphql-yoga/plugin-response-cache';
import type { Redis } from 'ioredis';

const responseKey = (id: string) => `rc:r:${id}`;
const entityKey = (typename: string, id?: string | number) =>
  id === undefined || id === null ? `rc:e:${typename}` : `rc:e:${typename}:${id}`;

export function createRedisResponseCache(redis: Redis, maxResponseBytes = Number.POSITIVE_INFINITY): Cache {
  return {
    async set(responseId, result, collectedEntities, ttl) {
      const json = JSON.stringify(result);
      if (Buffer.byteLength(json, 'utf8') > maxResponseBytes) return;
      const pipeline = redis.pipeline();
      const ms = Number.isFinite(ttl) ? Math.max(1, Math.round(ttl)) : undefined;
      if (ms === undefined) pipeline.set(responseKey(responseId), json);
      else pipeline.set(responseKey(responseId), json, 'PX', ms);
      for (const { typename, id } of collectedEntities) {
        for (const key of id === undefined ? [entityKey(typename)] : [entityKey(typename), entityKey(typename, id)]) {
          pipeline.sadd(key, responseId);
          // Keep the index at least as long as this response: NX gives a new set its expiry,
          // GT only ever lengthens it.
          if (ms !== undefined) {
            pipeline.pexpire(key, ms, 'NX');
            pipeline.pexpire(key, ms, 'GT');
          }
        }
      }
      await pipeline.exec();
    },
    async get(responseId) {
      const raw = await redis.get(responseKey(responseId));
      return raw ? JSON.parse(raw) : undefined;
    },
    async invalidate(entities) {
      const keys = [...entities].map((e) => entityKey(e.typename, e.id));
      if (keys.length === 0) return;
      const read = redis.pipeline();
      for (const key of keys) read.smembers(key);
      const members = (await read.exec()) ?? [];
      const doomed = new Set<string>(keys);
      for (const [, ids] of members) for (const id of (ids as string[] | null) ?? []) doomed.add(responseKey(id));
      await redis.del(...doomed);
    },
  };
}
