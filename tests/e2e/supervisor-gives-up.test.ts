/**
 * The supervisor's last resort, end to end: `src/main.ts serve` starts its own local Neo4j with
 * NEO4J_RESTART_MAX=1; the JVM is killed with SIGKILL, restarted once, killed again, and the
 * server gives up: an error-level "Giving up: ..." log line, /ready 503 with the reason in its
 * body (and staying so), /health 200, GraphQL reads DATABASE_UNAVAILABLE with a reason, and
 * `{ __typename }` still answered.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopLocalNeo4j } from '../../src/neo4j/local-server.js';
import { startServeProcess, type ServeProcess } from '../utils/serve-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-gives-up-'));
let serve: ServeProcess | undefined;

afterAll(async () => {
  await serve?.stop();
  await stopLocalNeo4j(dataDir).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}, 90_000);

/** The pid of the Neo4j JVM running now (written by the launcher once Bolt answers). */
const neo4jPid = () => (JSON.parse(readFileSync(join(dataDir, 'stargraph-neo4j.json'), 'utf8')) as { pid: number }).pid;

describe('the supervisor giving up on a local Neo4j that keeps dying', () => {
  it('logs "Giving up" after NEO4J_RESTART_MAX restarts and keeps /ready at 503 with the reason', {
    timeout: 900_000, // three Neo4j starts: a minute idle, several on a loaded 2-core machine
  }, async () => {
    serve = await startServeProcess(
      {
        NEO4J_URI: undefined,
        NEO4J_USER: undefined,
        NEO4J_PASSWORD: undefined,
        NEO4J_DATA_DIR: dataDir,
        NEO4J_HEAP: '384m',
        NEO4J_PAGECACHE: '32m',
        NEO4J_RESTART_MAX: '1',
        // Start-up migrations run under this timeout; on a crowded machine 10 s is not enough.
        QUERY_TIMEOUT_MS: '120000',
      },
      300_000,
    );
    const get = (path: string) => fetch(`${serve!.url}${path}`);
    const post = async (query: string) => {
      const res = await fetch(`${serve!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> };
    };
    expect((await get('/ready')).status).toBe(200);

    const first = neo4jPid();
    process.kill(first, 'SIGKILL');
    await serve.logged(/The local Neo4j exited unexpectedly; restarting it/, 60_000);
    await serve.logged(/The local Neo4j is running again/, 300_000);
    const second = neo4jPid();
    expect(second).not.toBe(first);
    expect(serve.log.some((l) => /Giving up/.test(l.msg))).toBe(false); // one restart is allowed

    process.kill(second, 'SIGKILL');
    const gaveUp = await serve.logged(/^Giving up: /, 60_000);
    expect(gaveUp.level).toBe('error');
    expect(gaveUp.msg).toMatch(/exited 2 times within 600 s; not restarting it again/);
    expect(serve.log.filter((l) => /The local Neo4j is running again/.test(l.msg))).toHaveLength(1);

    // /ready says why, and keeps saying it: nothing restarts the database any more.
    for (let i = 0; i < 3; i++) {
      const ready = await get('/ready');
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/^not ready: the local Neo4j exited 2 times within 600 s/);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect((await get('/health')).status).toBe(200);
    const down = await post('{ graphStats { label count } }');
    expect(down.errors?.[0]?.extensions).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      // What opened the circuit: the supervisor seeing the exit, or a probe refused just before.
      reason: expect.stringMatching(/^(the local Neo4j exited \(SIGKILL\)|the database refused a connectivity probe)/),
    });
    expect(await post('{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    expect(serve.process.exitCode).toBeNull(); // the API itself stays up
  });
});
