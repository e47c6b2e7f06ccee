/**
 * `npm run neo4j:start` / `neo4j:stop` on a data directory of their own (NEO4J_URI unset): the
 * start prints the Bolt URI and where the password is, the Neo4j runs on in the background and
 * takes that password, another command finds it and signs in by itself, a second start reports
 * the running one, and stop ends it. Slow suite: it starts a Neo4j.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD_FILE, portAnswers, stopLocalNeo4j } from '../../src/neo4j/local-server.js';
import { runCli } from '../utils/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-neo4j-cli-'));
/** The local Neo4j of `dataDir`: no NEO4J_URI, so the commands use (or start) that one. */
const local = (args: string[]) =>
  runCli(args, {
    NEO4J_URI: undefined,
    NEO4J_USER: undefined,
    NEO4J_PASSWORD: undefined,
    NEO4J_DATA_DIR: dataDir,
    NEO4J_HEAP: '384m',
    NEO4J_PAGECACHE: '32m',
    // Start-up migrations of a new store run under this timeout; a crowded machine needs more than 10 s.
    QUERY_TIMEOUT_MS: '300000',
  });

afterAll(async () => {
  await stopLocalNeo4j(dataDir).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/** Whether a process with this pid exists. */
const alive = (pid: number) => spawnSync('kill', ['-0', String(pid)]).status === 0;

describe('neo4j:start and neo4j:stop', () => {
  // A first start of a store: the JVM and, for the query, its migrations; minutes when loaded.
  it('start it in the background, say where, let the commands sign in, and stop it', { timeout: 600_000 }, async () => {
    const started = await local(['neo4j:start']);
    expect(started.code, started.stderr).toBe(0);
    const passwordFile = join(dataDir, PASSWORD_FILE);
    const printed = /^Neo4j is running at (bolt:\/\/127\.0\.0\.1:(\d+)) \(user neo4j, password in (.+)\)\.\n/.exec(
      started.stdout,
    );
    expect(printed, started.stdout).not.toBeNull();
    const [, uri, port, shownFile] = printed!;
    expect(shownFile).toBe(passwordFile);
    expect(started.stdout).toContain(`NEO4J_URI=${uri} NEO4J_USER=neo4j NEO4J_PASSWORD="$(cat ${passwordFile})"`);
    expect((statSync(passwordFile).mode & 0o777).toString(8)).toBe('600');
    const state = JSON.parse(readFileSync(join(dataDir, 'stargraph-neo4j.json'), 'utf8')) as { pid: number };

    // Still running after the command exited, and it takes the password in the file, only that.
    expect(alive(state.pid)).toBe(true);
    const password = readFileSync(passwordFile, 'utf8').trim();
    const signIn = async (secret: string) => {
      const driver = neo4j.driver(uri!, neo4j.auth.basic('neo4j', secret), {
        logging: { level: 'error', logger: () => {} },
      });
      try {
        await driver.executeQuery('RETURN 1');
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      } finally {
        await driver.close();
      }
    };
    expect(await signIn('not-the-password')).toBe('Neo.ClientError.Security.Unauthorized');
    expect(await signIn(password)).toBe('accepted'); // last: a success clears the failed attempts

    // Another start reports the running one; a command finds it and signs in by itself.
    const again = await local(['neo4j:start']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Neo4j is running at ${uri} `);
    expect(again.stderr).not.toMatch(/Starting local Neo4j/);
    const asked = await local(['query', 'stats', 'nobody-here', '--json']);
    expect(asked.code, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout)).toBeNull();
    expect(alive(state.pid)).toBe(true);

    const stopped = await local(['neo4j:stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe('Neo4j stopped.\n');
    expect(alive(state.pid)).toBe(false);
    expect(await portAnswers(Number(port))).toBe(false);
    expect(existsSync(join(dataDir, 'stargraph-neo4j.json'))).toBe(false);

    const none = await local(['neo4j:stop']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('No local Neo4j was running for this data directory.\n');
  });
});
