/**
 * Ctrl-C on `npm start`: the serve process (`src/main.ts serve` on the suite's Neo4j) gets SIGINT,
 * logs that it is shutting down, answers the request in flight, closes the driver and exits 0.
 * (tests/e2e/shutdown.test.ts, in the slow suite, does the same for SIGTERM with a local Neo4j.)
 */
import { request, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/neo4j/local-server.js';
import { type SpawnedServe, spawnServe } from '../utils/serve-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let server: SpawnedServe | undefined;

afterAll(() => server?.kill());

describe('SIGINT (Ctrl-C)', () => {
  // Starting tsx and the server takes tens of seconds on a loaded machine.
  it('answers the in-flight request, logs the shutdown, closes the driver and exits 0', {
    timeout: 240_000,
  }, async () => {
    const port = await freePort();
    server = spawnServe(
      ['--import', 'tsx', 'src/main.ts', 'serve'],
      {
        ...process.env,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        NEO4J_URI: inject('neo4jUri'),
        NEO4J_USER: inject('neo4jUser'),
        NEO4J_PASSWORD: inject('neo4jPassword'),
        SEED_ON_EMPTY: 'false',
        LOG_LEVEL: 'info',
        DEBUG_EXTENSIONS: 'true',
        // Start-up migrations run under this timeout; a crowded machine needs more than 10 s.
        QUERY_TIMEOUT_MS: '120000',
      },
      ROOT,
    );
    await server.logged(/stargraph serving GraphiQL/, 180_000);

    // Headers and part of the body now, the rest after the signal.
    const body = JSON.stringify({ query: '{ graphStats { label count } }' });
    const responded = new Promise<{ res: IncomingMessage; text: string; at: number }>((ok, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/graphql',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => ok({ res, text, at: Date.now() }));
        },
      );
      req.on('error', fail);
      req.write(body.slice(0, 10));
      // The rest once the server has logged the signal.
      void server!.logged(/Shutting down/, 60_000).then(
        () => req.end(body.slice(10)),
        () => req.destroy(),
      );
    });
    responded.catch(() => {}); // awaited below; a failure before then is reported by its own assertion
    // Let the server read the headers: on loopback under a millisecond; 2 s leaves room for a loaded machine.
    await new Promise((r) => setTimeout(r, 2_000));

    server.proc.kill('SIGINT');
    const shutting = await server.logged(/Shutting down/, 60_000);
    expect(shutting.fields).toMatchObject({ level: 'info', signal: 'SIGINT' });

    const { res, text, at: respondedAt } = await responded;
    expect(res.statusCode).toBe(200);
    const answer = JSON.parse(text) as {
      data?: { graphStats: Array<{ label: string }> };
      errors?: unknown;
      extensions?: { cypher?: { roundTrips: number } };
    };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.graphStats.map((s) => s.label)).toContain('Entity');
    // It read Neo4j after the signal: the driver was still open.
    expect(answer.extensions?.cypher?.roundTrips).toBe(1);

    const exit = await server.exited;
    expect(exit, server.output().slice(-3000)).toMatchObject({ code: 0, signal: null });
    // The driver closed after the answer ("Stopped"), then the process ended.
    const stopped = await server.logged(/^Stopped$/, 1);
    expect(stopped.at).toBeGreaterThanOrEqual(respondedAt);
    expect(server.log.some((l) => l.fields.level === 'error')).toBe(false);
  });
});
