/**
 * The server as a process of its own (`serve`, from the TypeScript sources or a compiled
 * main.js), with its JSON log lines collected as they arrive: wait for a line, read its fields,
 * and for its exit. `startServeProcess` runs the real serve path (`src/main.ts serve`, what
 * `npm start` runs: node:http with the server's own timeouts) on a free port and waits until it
 * serves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/neo4j/local-server.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LogLine {
  /** The line's level (`text` for a line that is not JSON). */
  level: string;
  msg: string;
  /** Every field of the JSON line, level and msg included. */
  fields: Record<string, unknown>;
  at: number;
}

export interface SpawnedServe {
  proc: ChildProcess;
  log: LogLine[];
  /** Everything it wrote on stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves with the first log line matching `match`; rejects after `timeoutMs` or when it exits first. */
  logged(match: RegExp, timeoutMs: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL if still running (for afterAll). */
  kill(): void;
}

/** A server started by `startServeProcess`. */
export interface ServeProcess extends SpawnedServe {
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnServe(argv: string[], env: Record<string, string | undefined>, cwd: string): SpawnedServe {
  const proc = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((ok) =>
    // 'close', not 'exit': by then everything it wrote on stdout and stderr has been read.
    proc.once('close', (code, signal) => ok({ code, signal, at: Date.now() })),
  );
  const log: LogLine[] = [];
  const waiters = new Set<{ match: RegExp; resolve: (line: LogLine) => void }>();
  let output = '';
  let pending = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const text of lines) {
      let line: LogLine = { level: 'text', msg: text, fields: {}, at: Date.now() };
      try {
        const fields = JSON.parse(text) as Record<string, unknown>;
        line = { level: String(fields.level), msg: String(fields.msg ?? text), fields, at: line.at };
      } catch {
        // not a JSON line (a stack trace, say): kept as text
      }
      log.push(line);
      for (const w of waiters) if (w.match.test(line.msg)) w.resolve(line);
    }
  });
  const tail = () => output.slice(-3000);
  const logged = (match: RegExp, timeoutMs: number) =>
    new Promise<LogLine>((ok, fail) => {
      const seen = log.find((l) => match.test(l.msg));
      if (seen) return ok(seen);
      const waiter = {
        match,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          ok(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        fail(new Error(`no log line ${match} within ${timeoutMs} ms; output:\n${tail()}`));
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then(({ code }) =>
        setTimeout(() => {
          if (!waiters.has(waiter)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          fail(new Error(`the server exited (${code}) before logging ${match}; output:\n${tail()}`));
        }, 100),
      );
    });
  return {
    proc,
    log,
    output: () => output,
    logged,
    exited,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/**
 * Starts `src/main.ts serve` with `env` over this process's environment (keys set to undefined
 * are removed) on a free port, and waits until it serves. `startTimeoutMs` covers a local Neo4j's
 * first start.
 */
export async function startServeProcess(
  env: Record<string, string | undefined>,
  startTimeoutMs = 240_000,
): Promise<ServeProcess> {
  const port = await freePort();
  const merged: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    // Info at least: the start is known by its "serving" line.
    LOG_LEVEL: 'info',
    SEED_ON_EMPTY: 'false',
    ...env,
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const spawned = spawnServe(['--import', 'tsx', MAIN, 'serve'], merged, ROOT);
  const stop = async (graceMs = 30_000) => {
    const child = spawned.proc;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await spawned.exited;
    clearTimeout(timer);
  };
  try {
    await spawned.logged(/stargraph serving GraphiQL/, startTimeoutMs);
  } catch (error) {
    await stop(1_000);
    throw error;
  }
  return { ...spawned, url: `http://127.0.0.1:${port}`, process: spawned.proc, stop };
}
