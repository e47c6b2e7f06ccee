import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDriver, GraphDb } from '../../src/neo4j/db.js';
import { freePort, startLocalNeo4j, type LocalNeo4j } from '../../src/neo4j/local-server.js';
import { gql, serverEnv, testConfig, testServer } from '../utils/graph.js';

// A Neo4j of this file's own, so stopping it disturbs no other test.
const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-resilience-'));
let server: LocalNeo4j | undefined;
let graph: GraphDb | undefined;

afterAll(async () => {
  await graph?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Neo4j going away and coming back', () => {
  it('answers 503 on /ready and a coded error while down, and recovers without a restart', async () => {
    const port = await freePort();
    const start = () => startLocalNeo4j({ dataDir, port, heap: '512m', pageCache: '64m', mode: 'attached' });
    server = await start();
    const config = testConfig(serverEnv(server));
    const { password } = server;
    graph = new GraphDb(createDriver({ ...config.neo4j, uri: server.uri }), config.neo4j.database, 30_000);
    const yoga = testServer(graph, config);

    const up = await gql<{ graphStats: unknown[] }>(yoga, '{ graphStats { label count } }');
    expect(up.errors).toBeUndefined();
    expect((await yoga.fetch('http://stargraph.test/ready')).status).toBe(200);

    await server.stop();
    server = undefined;
    // While it is away: /ready 503 and requests DATABASE_UNAVAILABLE, each in under a second (the
    // promised bound; a refused connection is seen in milliseconds, the rest is a loaded machine).
    let started = performance.now();
    expect((await yoga.fetch('http://stargraph.test/ready')).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await yoga.fetch('http://stargraph.test/health')).status).toBe(200); // alive, just not ready
    for (let i = 0; i < 5; i++) {
      started = performance.now();
      const down = await gql(yoga, '{ graphStats { label count } }');
      expect(down.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      expect(performance.now() - started).toBeLessThan(1000);
    }

    server = await start();
    // Same data directory, same password: the driver made for the first start signs in again.
    expect(server.password).toBe(password);
    // The circuit's background probe finds it within its interval (500 ms) plus a cold JVM's
    // first answer; /ready follows. No restart of the API.
    const back503 = performance.now();
    let status = (await yoga.fetch('http://stargraph.test/ready')).status;
    while (status !== 200 && performance.now() - back503 < 15_000) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await yoga.fetch('http://stargraph.test/ready')).status;
    }
    expect(status).toBe(200);
    const back = await gql(yoga, '{ graphStats { label count } }');
    expect(back.errors).toBeUndefined();
  }, 600_000); // two Neo4j starts: ~1 min on an idle machine, several on a loaded one
});
