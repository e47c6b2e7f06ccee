/**
 * The Neo4j a benchmark runs on: NEO4J_URI's (with NEO4J_USER / NEO4J_PASSWORD) when set, else a
 * throwaway local one in a temp directory, removed by `stop()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalNeo4j } from '../src/neo4j/local-server.js';

export async function benchNeo4j(label: string, log?: (message: string) => void) {
  const given = process.env.NEO4J_URI;
  if (given) {
    return {
      env: { NEO4J_URI: given, NEO4J_USER: process.env.NEO4J_USER, NEO4J_PASSWORD: process.env.NEO4J_PASSWORD },
      stop: async () => {},
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), `stargraph-bench-${label}-`));
  const local = await startLocalNeo4j({ dataDir, heap: '1g', pageCache: '256m', mode: 'attached', log });
  return {
    env: { NEO4J_URI: local.uri, NEO4J_USER: local.user, NEO4J_PASSWORD: local.password },
    stop: async () => {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
