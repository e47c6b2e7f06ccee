import { describe, expect, it } from 'vitest';
import type { LocalNeo4j, LocalNeo4jExit } from '../../src/neo4j/local-server.js';
import { Neo4jSupervisor, type SupervisorPolicy } from '../../src/neo4j/supervisor.js';

/** A fake server process (pure supervision logic: no JVM here; the e2e test kills a real one). */
function fakeServer(id: number) {
  let exit: (e: LocalNeo4jExit) => void = () => {};
  const exited = new Promise<LocalNeo4jExit>((ok) => (exit = ok));
  let stopped = false;
  const server: LocalNeo4j = {
    uri: 'bolt://127.0.0.1:7999',
    user: 'neo4j',
    password: 'fake-password',
    port: 7999,
    reused: false,
    pid: 1000 + id,
    exited,
    stop: async () => {
      stopped = true;
      exit({ code: 0, signal: 'SIGTERM' });
    },
  };
  return { server, crash: () => exit({ code: null, signal: 'SIGKILL' }), stopped: () => stopped };
}

const quietLog = { info() {}, warn() {}, error() {} };
const until = async (test: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!test() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return test();
};

describe('supervisor of the local Neo4j', () => {
  it('restarts it after an unexpected exit, after the backoff, and reports the new one running', async () => {
    const servers: ReturnType<typeof fakeServer>[] = [];
    const starts: number[] = [];
    const events: string[] = [];
    const policy: SupervisorPolicy = { maxRestarts: 3, windowMs: 60_000, backoffMs: [50, 100] };
    const supervisor = new Neo4jSupervisor(
      async () => {
        starts.push(Date.now());
        const s = fakeServer(servers.length);
        servers.push(s);
        return s.server;
      },
      quietLog,
      policy,
      { onUnexpectedExit: (e) => events.push(`exit:${e.signal}`), onRestarted: (s) => events.push(`up:${s.pid}`) },
    );
    await supervisor.begin();
    servers[0]!.crash();
    expect(await until(() => supervisor.state === 'restarting')).toBe(true);
    expect(await until(() => supervisor.state === 'running' && servers.length === 2)).toBe(true);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(45); // waited the first backoff
    expect(supervisor.running?.pid).toBe(1001);
    expect(events).toEqual(['exit:SIGKILL', 'up:1001']);
    await supervisor.stop();
    expect(servers[1]!.stopped()).toBe(true);
    expect(servers.length).toBe(2); // a stop is not a crash: no restart
  });

  it('gives up after maxRestarts within the window, and says so', async () => {
    const servers: ReturnType<typeof fakeServer>[] = [];
    let gaveUp = '';
    const supervisor = new Neo4jSupervisor(
      async () => {
        const s = fakeServer(servers.length);
        servers.push(s);
        return s.server;
      },
      quietLog,
      { maxRestarts: 2, windowMs: 60_000, backoffMs: [1] },
      { onGaveUp: (reason) => (gaveUp = reason) },
    );
    await supervisor.begin();
    for (let i = 0; i < 3; i++) {
      expect(await until(() => servers.length === i + 1 && supervisor.state === 'running')).toBe(true);
      servers[i]!.crash();
    }
    expect(await until(() => supervisor.state === 'failed')).toBe(true);
    expect(servers.length).toBe(3); // the first start and two restarts, no more
    expect(gaveUp).toMatch(/exited 3 times within 60 s/);
    expect(supervisor.failure).toBe(gaveUp);
    await supervisor.stop();
  });

  it('keeps trying, with backoff, when a restart itself fails, within the same bound', async () => {
    let calls = 0;
    const first = fakeServer(0);
    const supervisor = new Neo4jSupervisor(
      async () => {
        calls++;
        if (calls === 1) return first.server;
        throw new Error('port still busy');
      },
      quietLog,
      { maxRestarts: 3, windowMs: 60_000, backoffMs: [1, 5] },
    );
    await supervisor.begin();
    first.crash();
    expect(await until(() => supervisor.state === 'failed')).toBe(true);
    expect(calls).toBe(4); // 1 start + 3 failed restarts
    await supervisor.stop();
  });

  it('does not supervise a server another process started', async () => {
    const warnings: string[] = [];
    const supervisor = new Neo4jSupervisor(
      async () => ({
        uri: 'bolt://x:1',
        user: 'neo4j',
        password: 'fake-password',
        port: 1,
        reused: true,
        pid: 1,
        exited: undefined,
        stop: async () => {},
      }),
      { ...quietLog, warn: (m: string) => warnings.push(m) },
    );
    await supervisor.begin();
    expect(warnings[0]).toMatch(/not supervised/);
    expect(supervisor.state).toBe('running');
  });
});
