import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPrerequisites,
  localNeo4jCredentials,
  LocalNeo4jError,
  newLocalPassword,
  PASSWORD_FILE,
  runningServer,
  stopLocalNeo4j,
} from '../../src/neo4j/local-server.js';

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('local Neo4j state file', () => {
  it('never signals a process that is not our launcher, even if a stale state file names its pid', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-stale-'));
    const stranger = spawn('sleep', ['30']);
    try {
      writeFileSync(
        join(dataDir, 'stargraph-neo4j.json'),
        JSON.stringify({ pid: stranger.pid, port: 1, uri: 'bolt://127.0.0.1:1' }),
      );
      expect(await runningServer(dataDir)).toBeUndefined();
      expect(await stopLocalNeo4j(dataDir)).toBe(false);
      expect(stranger.exitCode).toBeNull();
      expect(stranger.killed).toBe(false);
      expect(() => process.kill(stranger.pid!, 0)).not.toThrow(); // still alive
      expect(existsSync(join(dataDir, 'stargraph-neo4j.json'))).toBe(false); // the stale file is gone
    } finally {
      stranger.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('prerequisites', () => {
  it('without Java and Maven, says in one message what to install and the two other ways to run', () => {
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    process.env.PATH = '/nonexistent';
    delete process.env.JAVA_HOME;
    try {
      expect(() => checkPrerequisites()).toThrow(LocalNeo4jError);
      expect(() => checkPrerequisites()).toThrow(/Java 17\+ JDK.*Maven 3\.8\+.*NEO4J_URI.*docker compose up/s);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.JAVA_HOME !== undefined) process.env.JAVA_HOME = saved.JAVA_HOME;
    }
  });
});

describe('local Neo4j password', () => {
  it('is generated once per data directory, random, in a file only its owner can read', () => {
    const parent = mkdtempSync(join(tmpdir(), 'stargraph-password-'));
    const dataDir = join(parent, 'not-yet-made');
    try {
      const first = localNeo4jCredentials(dataDir);
      const file = join(dataDir, PASSWORD_FILE);
      expect(first).toEqual({
        user: 'neo4j',
        password: expect.stringMatching(/^[A-Za-z0-9][\w-]{31}$/),
        passwordFile: file,
      });
      expect(modeOf(file)).toBe('600');
      expect(readFileSync(file, 'utf8')).toBe(`${first.password}\n`);
      // Every later start of the same directory signs in with the same password.
      expect(localNeo4jCredentials(dataDir).password).toBe(first.password);
      // Another directory gets another one.
      expect(localNeo4jCredentials(join(parent, 'other')).password).not.toBe(first.password);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('never generates a password that a command line would read as an option', () => {
    // One base64url password in 32 starts with "-" or "_"; 2,000 draws meet that case about 62 times.
    const drawn = Array.from({ length: 2000 }, () => newLocalPassword());
    expect(drawn.filter((p) => !/^[A-Za-z0-9][\w-]{31}$/.test(p))).toEqual([]);
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  it('keeps a password written by hand, and takes the file back to mode 0600', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-password-'));
    const file = join(dataDir, PASSWORD_FILE);
    try {
      writeFileSync(file, 'chosen by hand 1234\r\n');
      chmodSync(file, 0o644);
      expect(localNeo4jCredentials(dataDir).password).toBe('chosen by hand 1234');
      expect(modeOf(file)).toBe('600');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses an empty password file, saying how to get a new password', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-password-'));
    try {
      writeFileSync(join(dataDir, PASSWORD_FILE), '\n', { mode: 0o600 });
      expect(() => localNeo4jCredentials(dataDir)).toThrow(LocalNeo4jError);
      expect(() => localNeo4jCredentials(dataDir)).toThrow(/is empty; delete it/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
