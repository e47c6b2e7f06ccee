/**
 * Graceful shutdown of the real serve path (`src/main.ts serve`, its own local Neo4j): on
 * SIGTERM the server stops taking connections, lets an in-flight request finish (reading the
 * graph after the signal), then closes the driver, stops the Neo4j it started and exits 0.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j, { type AuthToken } from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, PASSWORD_FILE, portAnswers, stopLocalNeo4j } from '../../src/neo4j/local-server.js';
import { spawnServe } from '../utils/serve-process.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-shutdown-neo4j-'));
let child: ChildProcess | undefined;

/** The Neo4j error code a sign-in got, or 'accepted'. */
async function signIn(uri: string, token: AuthToken): Promise<string> {
  const driver = neo4j.driver(uri, token, { logging: { level: 'error', logger: () => {} } });
  try {
    await driver.executeQuery('RETURN 1');
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await driver.close();
  }
}

/** Processes whose command line names our data directory (the Neo4j launcher's JVM). */
function processesFor(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes('stargraph.LocalNeo4j') && line.includes(dir));
}

afterAll(async () => {
  // Whatever happened above, leave no server and no JVM behind.
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stopLocalNeo4j(dataDir).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}, 90_000);

describe('graceful shutdown', () => {
  it('finishes an in-flight request after SIGTERM, then closes the driver, stops its Neo4j and exits 0', {
    timeout: 300_000,
  }, async () => {
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      NEO4J_URI: undefined,
      NEO4J_DATA_DIR: dataDir,
      NEO4J_HEAP: '384m',
      NEO4J_PAGECACHE: '32m',
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'info',
      DEBUG_EXTENSIONS: 'true',
      // Start-up migrations run under this timeout; on a crowded machine 10 s is not enough.
      QUERY_TIMEOUT_MS: '120000',
    };
    delete env.NEO4J_URI;
    const started = Date.now();
    const served = spawnServe(['--import', 'tsx', MAIN, 'serve'], env, ROOT);
    const { proc, exited, logged, log } = served;
    child = proc;
    const at = (match: RegExp) => log.find((l) => match.test(l.msg))?.at ?? Number.NaN;

    await logged(/stargraph serving GraphiQL/, 180_000);
    const readyAfterMs = Date.now() - started;
    const state = JSON.parse(readFileSync(join(dataDir, 'stargraph-neo4j.json'), 'utf8')) as {
      pid: number;
      uri: string;
    };
    expect(processesFor(dataDir).map((l) => Number(l.trim().split(/\s+/)[0]))).toContain(state.pid);

    // The Neo4j it started has auth on, with a password of its own that only its owner can read.
    const passwordFile = join(dataDir, PASSWORD_FILE);
    expect((statSync(passwordFile).mode & 0o777).toString(8)).toBe('600');
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).toMatch(/^[\w-]{32}$/);
    const refused = 'Neo.ClientError.Security.Unauthorized';
    expect(await signIn(state.uri, { scheme: 'none', principal: '', credentials: '' })).toBe(refused);
    expect(await signIn(state.uri, neo4j.auth.basic('neo4j', ''))).toBe(refused);
    expect(await signIn(state.uri, neo4j.auth.basic('neo4j', 'neo4j'))).toBe(refused); // the factory default
    // Last: a success clears the failed attempts Neo4j counts towards locking the user out.
    expect(await signIn(state.uri, neo4j.auth.basic('neo4j', password))).toBe('accepted');

    // An in-flight request: headers and half of the body now, the rest after the signal. It
    // keeps the connection alive, as browsers do.
    const body = JSON.stringify({ query: '{ graphStats { label count } }' });
    let inFlight: ReturnType<typeof request> | undefined;
    let socketClosedAt = Number.NaN;
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
            connection: 'keep-alive',
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => ok({ res, text, at: Date.now() }));
          res.socket.on('close', () => (socketClosedAt = Date.now()));
        },
      );
      req.on('error', fail);
      req.write(body.slice(0, 10));
      inFlight = req;
    });
    // Let the server read the headers (on loopback: well under a millisecond).
    await new Promise((r) => setTimeout(r, 500));

    proc.kill('SIGTERM');
    await logged(/Shutting down/, 10_000);
    // No new connections once shutting down (the log line is written just before the listening
    // socket closes, so allow a moment).
    let listening = true;
    for (let i = 0; i < 20 && listening; i++) {
      listening = await portAnswers(port, '127.0.0.1', 200);
      if (listening) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listening).toBe(false);
    // The request is still open, and the driver must still be there when it reads the graph.
    await new Promise((r) => setTimeout(r, 500));
    expect(proc.exitCode).toBeNull();
    inFlight!.end(body.slice(10));

    const { res, text, at: respondedAt } = await responded;
    expect(res.statusCode).toBe(200);
    const answer = JSON.parse(text) as {
      data?: { graphStats: Array<{ label: string; count: number }> };
      errors?: unknown;
      extensions?: { cypher?: { roundTrips: number } };
    };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.graphStats.map((s) => s.label)).toEqual([
      'Entity',
      'Person',
      'Company',
      'Project',
      'Datacenter',
      'Deal',
      'Source',
    ]);
    // It did read Neo4j, after the signal.
    expect(answer.extensions?.cypher?.roundTrips).toBe(1);

    const exit = await exited;
    expect(exit, served.output().slice(-3000)).toMatchObject({ code: 0, signal: null });
    // In order: the signal, the answer, then the driver and Neo4j closed ("Stopped").
    expect(at(/Shutting down/)).toBeLessThanOrEqual(respondedAt);
    expect(at(/^Stopped$/)).toBeGreaterThanOrEqual(respondedAt);
    // The local Neo4j it started is gone, and its state file with it.
    expect(processesFor(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'stargraph-neo4j.json'))).toBe(false);
    // A kept-alive connection is closed right after its answer, not held open until the client's
    // keep-alive or the 10 s force-close (then Neo4j's own shutdown takes the seconds it takes).
    const socketClosedAfterMs = socketClosedAt - respondedAt;
    console.log(
      `[shutdown] serving after ${readyAfterMs} ms; after the last answer: connection closed at ${socketClosedAfterMs} ms, "Stopped" at ${at(/^Stopped$/) - respondedAt} ms, exit at ${exit.at - respondedAt} ms`,
    );
    expect(socketClosedAfterMs).toBeLessThan(2_000);
  });
});
