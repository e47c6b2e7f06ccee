import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSuite } from 'vitest/node';

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, that any CI log reader
 * understands (the default reporter's summary is formatted for people). The line agrees with
 * vitest's own verdict: it shows a failure whenever vitest exits non-zero, and never otherwise.
 *
 * "failed" counts, besides failed tests, everything that kept the run from being green:
 * - tests that never ran because their suite's `beforeAll` threw (vitest reports them skipped);
 * - tests, and whole files, that never ran because the run was interrupted (`--bail`, Ctrl-C);
 * - a failing `afterAll`, or a file that failed to load, when no test of it already failed;
 * - each unhandled error (an unhandled rejection fails the run even when every test passed).
 * "skipped" is only what was meant to be skipped: `.skip`, `.todo`, `ctx.skip()` (one edge: a
 * `ctx.skip()` under a suite whose afterAll threw counts as not run; that run fails either way).
 * tests/unit/summary-reporter.test.ts runs vitest on fixture suites for each of these cases.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ): void {
    const t = tally(testModules, unhandledErrors.length, reason);
    const notes = [
      t.notRun && `${t.notRun} not run (a failing beforeAll or an interrupted run)`,
      t.filesNotRun && `${t.filesNotRun} file(s) never started`,
      t.hookOrLoadErrors && `${t.hookOrLoadErrors} failing hook(s) or file(s) that did not load`,
      t.unhandled && `${t.unhandled} unhandled error(s)`,
      t.verdictOnly && `the run ${reason === 'interrupted' ? 'was interrupted' : 'failed'} outside any test`,
    ].filter(Boolean);
    if (notes.length) process.stdout.write(`\nfailures besides failed tests: ${notes.join('; ')}`);
    process.stdout.write(`\n${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`);
  }
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  failedTests: number;
  notRun: number;
  filesNotRun: number;
  hookOrLoadErrors: number;
  unhandled: number;
  /** 1 when vitest failed the run and nothing above accounts for it (e.g. a global setup threw). */
  verdictOnly: number;
}

export function tally(testModules: ReadonlyArray<TestModule>, unhandled: number, reason: TestRunEndReason): Tally {
  let passed = 0;
  let skipped = 0;
  let failedTests = 0;
  let notRun = 0;
  let filesNotRun = 0;
  let hookOrLoadErrors = 0;

  for (const module of testModules) {
    const tests = [...module.children.allTests()];
    if (tests.length === 0 && (module.state() === 'queued' || module.state() === 'pending')) filesNotRun++;
    // Suites and files whose errors a failed or not-run test below them already stands for.
    const counted = new Set<TestSuite | TestModule>();
    for (const test of tests) {
      const state = test.result().state;
      const broken = ancestors(test).find((p) => p.errors().length > 0);
      if (state === 'passed') passed++;
      else if (state === 'failed') failedTests++;
      else if (state === 'pending') notRun++;
      // Declared to run, skipped only because a hook above it threw.
      else if (test.options.mode === 'run' && broken) notRun++;
      else skipped++;
      if (state === 'failed' || (state === 'skipped' && test.options.mode === 'run' && broken)) {
        for (const p of ancestors(test)) counted.add(p);
      }
    }
    // Errors of a suite or file that no test above already accounts for: afterAll, load errors.
    for (const holder of [module, ...module.children.allSuites()]) {
      if (holder.errors().length > 0 && !counted.has(holder)) hookOrLoadErrors++;
    }
  }

  const accounted = failedTests + notRun + filesNotRun + hookOrLoadErrors + unhandled;
  // Never print "0 failed" for a run vitest failed, whatever the cause.
  const verdictOnly = reason !== 'passed' && accounted === 0 ? 1 : 0;
  return {
    passed,
    failed: accounted + verdictOnly,
    skipped,
    failedTests,
    notRun,
    filesNotRun,
    hookOrLoadErrors,
    unhandled,
    verdictOnly,
  };
}

/** The suites around a test, innermost first, then its file. */
function ancestors(test: TestCase): Array<TestSuite | TestModule> {
  const chain: Array<TestSuite | TestModule> = [];
  for (let p: TestSuite | TestModule = test.parent; ; p = p.parent) {
    chain.push(p);
    if (p.type === 'module') return chain;
  }
}
