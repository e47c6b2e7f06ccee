import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites, LocalNeo4jError, runningServer, stopLocalNeo4j } from '../../src/neo4j/local-server.js';

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
