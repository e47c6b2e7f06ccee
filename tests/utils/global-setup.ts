import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/neo4j/local-server.js';
import { startLocalRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string;
    /** Sign-in for neo4jUri: the local server's generated password, or NEO4J_USER / NEO4J_PASSWORD's. */
    neo4jUser: string;
    neo4jPassword: string;
    redisUrl: string;
  }
}

/**
 * Builds the explorer when missing or stale (the browser tests load it), in a child process
 * while Neo4j starts; a build failure fails the run.
 */
function buildExplorer(): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'explorer/build.ts'], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`explorer build failed (exit ${code})`))));
  });
}

/** Set to `on` (vitest.routing.config.ts does) to have the tests connect through neo4j:// routing. */
export const ROUTING_ENV = 'STARGRAPH_TEST_NEO4J_ROUTING';

/**
 * Starts one throwaway Neo4j (own temp data dir, free port) unless NEO4J_URI points at one, and
 * one throwaway Redis (free port) unless REDIS_URL does; builds the explorer meanwhile.
 */
export default async function setup(project: TestProject) {
  const explorer = buildExplorer();
  explorer.catch(() => undefined); // awaited below; no unhandled rejection if Neo4j fails first
  const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
  // `||`, not `??`: an empty REDIS_URL means unset, as in the app's config.
  project.provide('redisUrl', process.env.REDIS_URL || redis!.url);
  if (process.env.NEO4J_URI) {
    project.provide('neo4jUri', process.env.NEO4J_URI);
    project.provide('neo4jUser', process.env.NEO4J_USER || 'neo4j');
    project.provide('neo4jPassword', process.env.NEO4J_PASSWORD ?? '');
    try {
      await explorer;
    } catch (error) {
      await redis?.stop();
      throw error;
    }
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
  try {
    await explorer;
  } catch (error) {
    await server.stop();
    await redis?.stop();
    throw error;
  }
  // `npm run test:routing` reaches the same server through neo4j:// (routing) instead of bolt://.
  project.provide('neo4jUri', process.env[ROUTING_ENV] === 'on' ? server.uri.replace(/^bolt:/, 'neo4j:') : server.uri);
  project.provide('neo4jUser', server.user);
  project.provide('neo4jPassword', server.password);
  return async () => {
    await redis?.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
