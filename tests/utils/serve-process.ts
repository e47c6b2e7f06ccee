/**
 * The server as a process of its own (`serve`, from the TypeScript sources or a compiled
 * main.js), with its JSON log lines collected as they arrive: wait for a line, read its fields,
 * and for its exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface LogLine {
  msg: string;
  fields: Record<string, unknown>;
  at: number;
}

export interface ServeProcess {
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

export function spawnServe(argv: string[], env: Record<string, string | undefined>, cwd: string): ServeProcess {
  const proc = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((ok) =>
    // 'close', not 'exit': by then everything it wrote on stdout and stderr has been read.
    proc.once('close', (code, signal) => ok({ code, signal, at: Date.now() })),
  );
  const log: LogLine[] = [];
  const waiters: Array<{ match: RegExp; resolve: (line: LogLine) => void }> = [];
  let output = '';
  let pending = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const text of lines) {
      let line: LogLine = { msg: text, fields: {}, at: Date.now() };
      try {
        const fields = JSON.parse(text) as Record<string, unknown>;
        line = { msg: String(fields.msg ?? text), fields, at: line.at };
      } catch {
        // not a JSON line (a stack trace, say): keep it as text
      }
      log.push(line);
      for (const w of waiters.filter((w) => w.match.test(line.msg))) w.resolve(line);
    }
  });
  const tail = () => output.slice(-3000);
  return {
    proc,
    log,
    output: () => output,
    exited,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
    logged: (match, timeoutMs) =>
      new Promise<LogLine>((ok, fail) => {
        const seen = log.find((l) => match.test(l.msg));
        if (seen) return ok(seen);
        const timer = setTimeout(
          () => fail(new Error(`no log line ${match} within ${timeoutMs} ms; output:\n${tail()}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            ok(line);
          },
        });
        void exited.then(({ code }) =>
          setTimeout(() => {
            clearTimeout(timer);
            fail(new Error(`the server exited (${code}) before logging ${match}; output:\n${tail()}`));
          }, 100),
        );
      }),
  };
}
