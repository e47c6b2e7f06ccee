/**
 * The closing line CI reads (`N passed, N failed, N skipped`, tests/utils/summary-reporter.ts)
 * against vitest's own verdict: vitest runs small fixture suites (tests/fixtures/reporter/) as a
 * child process, and the line must show a failure exactly when vitest exits non-zero.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const PLAIN_LINE = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

interface Outcome {
  exitCode: number | null;
  /** The last non-empty line of standard output, as a CI log reader takes it. */
  closing: string;
  counts: { passed: number; failed: number; skipped: number } | undefined;
  stdout: string;
}

function runFixtures(filter: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const args = [vitestBin, 'run', '--config', 'tests/fixtures/reporter/vitest.config.ts', ...filter];
  // Without CI in the environment vitest would allow `.only` by default: the project's setting must refuse it.
  const { CI: _ci, GITHUB_ACTIONS: _gha, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const closing = stdout.trim().split('\n').at(-1)?.trim() ?? '';
      const m = PLAIN_LINE.exec(closing);
      const counts = m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) } : undefined;
      resolve({ exitCode, closing, counts, stdout });
    });
  });
}

// name → fixture files (or vitest arguments), the exit code, the closing line.
const cases: Array<[string, string[], Record<string, string>, number, string]> = [
  ['a passing suite (with .skip and .todo)', ['passing.fixture'], {}, 0, '2 passed, 0 failed, 2 skipped'],
  ['a test that skips itself', ['self-skip.fixture'], {}, 0, '0 passed, 0 failed, 1 skipped'],
  ['a failing test', ['failing-test.fixture'], {}, 1, '1 passed, 1 failed, 0 skipped'],
  // The two tests under the throwing beforeAll never ran: failures, not skips.
  ['a failing beforeAll', ['failing-before-all.fixture'], {}, 1, '1 passed, 2 failed, 0 skipped'],
  ['a failing afterAll after passing tests', ['failing-after-all.fixture'], {}, 1, '1 passed, 1 failed, 0 skipped'],
  ['a file that throws while loading', ['broken-import.fixture'], {}, 1, '0 passed, 1 failed, 0 skipped'],
  // Every test passed, yet vitest fails the run: the line must not say 0 failed.
  ['an unhandled rejection', ['unhandled-rejection.fixture'], {}, 1, '1 passed, 1 failed, 0 skipped'],
  // Interrupted: the failing test, the one after it in its file, and the file that never started.
  [
    'a run interrupted by --bail',
    ['bail-first.fixture', 'bail-second.fixture', '--bail', '1'],
    {},
    1,
    '0 passed, 3 failed, 0 skipped',
  ],
  ['a .only left in a file', ['only.fixture'], {}, 1, '0 passed, 1 failed, 1 skipped'],
  [
    'a global setup that throws (the database did not start)',
    ['passing.fixture'],
    { FIXTURE_GLOBAL_SETUP: './broken-global-setup.ts' },
    1,
    '0 passed, 1 failed, 0 skipped',
  ],
];

describe('the closing line agrees with vitest', () => {
  // All runs at once: each is a small vitest of its own, about a second of work.
  const outcomes = new Map(cases.map(([name, filter, env]) => [name, runFixtures(filter, env)]));

  it.each(cases)('%s', async (name, _filter, _env, exitCode, closing) => {
    const outcome = await outcomes.get(name)!;
    expect(outcome.exitCode, outcome.stdout).toBe(exitCode);
    expect(outcome.closing, outcome.stdout).toBe(closing);
    // The rule CI relies on, whatever the case: failures shown exactly when vitest failed the run.
    expect(outcome.counts!.failed > 0).toBe(outcome.exitCode !== 0);
  });
});
