import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/neo4j/local-server.js';
import { startLocalRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string;
    redisUrl: string;
  }
}

/**
 * Starts one throwaway Neo4j (own temp data dir, free port) unless NEO4J_URI points at one, and
 * one throwaway Redis (free port) unless REDIS_URL does.
 */
export default async function setup(project: TestProject) {
  const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
  // `||`, not `??`: an empty REDIS_URL means unset, as in the app's config.
  project.provide('redisUrl', process.env.REDIS_URL || redis!.url);
  if (process.env.NEO4J_URI) {
    project.provide('neo4jUri', process.env.NEO4J_URI);
    return () => redis?.stop();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-test-neo4j-'));
  const started = Date.now();
  const server: LocalNeo4j = await startLocalNeo4j({
    dataDir,
    heap: process.env.NEO4J_HEAP ?? '1g',
    pageCache: process.env.NEO4J_PAGECACHE ?? '256m',
    mode: 'attached',
    log: (m) => console.log(`[neo4j] ${m}`),
  }).catch(async (error: unknown) => {
    await redis?.stop();
    throw error;
  });
  console.log(`[neo4j] test server up at ${server.uri} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  project.provide('neo4jUri', server.uri);
  return async () => {
    await redis?.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
