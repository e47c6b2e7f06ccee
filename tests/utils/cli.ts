/**
 * Runs stargraph's CLI (`src/main.ts <command> ...`) as a child process against the suite's
 * Neo4j, the way a user runs `npm run <command>`: what it printed, its exit code and signal.
 */
import { spawn } from 'node:child_process';
import { inject } from 'vitest';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `env` overrides the suite's settings; an `undefined` value leaves that variable unset. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      env: {
        ...process.env,
        NEO4J_URI: inject('neo4jUri'),
        NEO4J_USER: inject('neo4jUser'),
        NEO4J_PASSWORD: inject('neo4jPassword'),
        SEED_ON_EMPTY: 'false',
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
