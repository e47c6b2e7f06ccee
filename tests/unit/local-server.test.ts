import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runningServer, stopLocalNeo4j } from '../../src/neo4j/local-server.js';

describe('local Neo4j state file', () => {
  it('never signals a process that is not our launcher, even if a stale state file names its pid', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stargraph-stale-'));
    const stranger = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dataDir, 'stargraph-neo4j.json'), JSON.stringify({ pid: stranger.pid, port: 1, uri: 'bolt://127.0.0.1:1' }));
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
