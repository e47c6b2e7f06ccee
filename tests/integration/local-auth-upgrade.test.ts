/**
 * The local Neo4j's password over the life of a data directory, on the real jars: a store made
 * before auth was on (as earlier launchers left it) gets a generated password on its next start
 * and keeps its graph; a restart signs in with the same password; a password written into the
 * file by hand is the one the next start puts in force.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j, { type AuthToken } from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildLauncher,
  javaBinary,
  JVM_FLAGS,
  PASSWORD_FILE,
  startLocalNeo4j,
  type LocalNeo4j,
} from '../../src/neo4j/local-server.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/store-without-auth/StoreWithoutAuth.java', import.meta.url));
const REFUSED = 'Neo.ClientError.Security.Unauthorized';

const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-auth-upgrade-'));
const passwordFile = join(dataDir, PASSWORD_FILE);
let server: LocalNeo4j | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

const start = () => startLocalNeo4j({ dataDir, heap: '384m', pageCache: '32m', mode: 'attached' });

/** The probe nodes a sign-in reads, or the Neo4j error code it got. */
async function probes(uri: string, token: AuthToken): Promise<string[] | string> {
  const driver = neo4j.driver(uri, token, { logging: { level: 'error', logger: () => {} } });
  try {
    const { records } = await driver.executeQuery('MATCH (p:UpgradeProbe) RETURN p.key AS key ORDER BY key');
    return records.map((r) => r.get('key') as string);
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await driver.close();
  }
}

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('the local Neo4j password across starts', () => {
  it('upgrades a store made without auth, reuses its password, and enforces one written by hand', async () => {
    // Java runs a single source file as it is (compiled in memory).
    const made = spawnSync(javaBinary(), [...JVM_FLAGS, '-cp', buildLauncher(), FIXTURE, dataDir, 'from-before-auth'], {
      encoding: 'utf8',
    });
    expect(made.status, made.stderr.slice(-3000)).toBe(0);
    expect(existsSync(passwordFile)).toBe(false);

    // First start with auth: a password is made, set, and the old graph is there behind it.
    server = await start();
    expect(modeOf(passwordFile)).toBe('600');
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(server.password).toBe(password);
    expect(await probes(server.uri, { scheme: 'none', principal: '', credentials: '' })).toBe(REFUSED);
    expect(await probes(server.uri, neo4j.auth.basic('neo4j', 'neo4j'))).toBe(REFUSED); // the old default
    expect(await probes(server.uri, neo4j.auth.basic('neo4j', password))).toEqual(['from-before-auth']);
    // Neo4j's initial-password file served its purpose at start-up and is gone.
    expect(existsSync(join(dataDir, 'data', 'dbms', 'auth.ini'))).toBe(false);
    await server.stop();

    // A restart on the same directory: same file, same password, signed in.
    server = await start();
    expect(readFileSync(passwordFile, 'utf8').trim()).toBe(password);
    expect(await probes(server.uri, neo4j.auth.basic('neo4j', password))).toEqual(['from-before-auth']);
    await server.stop();

    // A password written into the file by hand (and left world-readable) is the next start's,
    // even one that starts with "-" (no option to the tool that sets Neo4j's initial password).
    writeFileSync(passwordFile, '-written-by-hand-0123456789\n');
    chmodSync(passwordFile, 0o644);
    server = await start();
    expect(modeOf(passwordFile)).toBe('600');
    expect(await probes(server.uri, neo4j.auth.basic('neo4j', password))).toBe(REFUSED);
    expect(await probes(server.uri, neo4j.auth.basic('neo4j', '-written-by-hand-0123456789'))).toEqual([
      'from-before-auth',
    ]);
    expect(readFileSync(join(dataDir, 'launcher.log'), 'utf8')).toMatch(/Setting the password of user neo4j/);
  }, 600_000);
});
