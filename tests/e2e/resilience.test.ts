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

/** Read while the database is away; another document than the read before, which the response cache may hold. */
const DOWN = 'query Down { graphStats { label count } }';

describe('Neo4j going away and coming back', () => {
  it('answers 503 on /ready, a coded error with its reason and { __typename } while down, and recovers by its probe', async () => {
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
    expect(graph.circuit.isOpen).toBe(true); // /ready's probe was refused: the circuit is open
    for (let i = 0; i < 5; i++) {
      started = performance.now();
      const down = await gql(yoga, DOWN);
      // The reason is the circuit's: what opened it (here its probe, refused).
      expect(down.errors?.[0]?.extensions).toEqual({
        code: 'DATABASE_UNAVAILABLE',
        reason: 'the database refused a connectivity probe',
      });
      expect(performance.now() - started).toBeLessThan(1000);
      // A request that needs no database still answers.
      expect(await gql(yoga, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    }

    server = await start();
    const upAt = performance.now();
    // Same data directory, same password: the driver made for the first start signs in again.
    expect(server.password).toBe(password);
    // Only GraphQL reads now, which the open circuit refuses without touching the database: the
    // background probe alone (every 500 ms) must close it. 30 s is that interval plus a cold
    // JVM's first answers on a loaded machine. No restart of the API.
    // The document that errored: errors are never cached, so with the response cache on too
    // (tests/e2e/cache-on/) this reads the database again.
    let back = await gql(yoga, DOWN);
    while (back.errors && performance.now() - upAt < 30_000) {
      expect(back.errors[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      await new Promise((r) => setTimeout(r, 100));
      back = await gql(yoga, DOWN);
    }
    expect(back.errors).toBeUndefined();
    expect(graph.circuit.isOpen).toBe(false);
    expect((await yoga.fetch('http://stargraph.test/ready')).status).toBe(200);
  }, 600_000); // two Neo4j starts: ~1 min on an idle machine, several on a loaded one
});
