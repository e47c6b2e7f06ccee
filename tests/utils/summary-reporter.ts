import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, that any CI log reader
 * understands (the default reporter's summary is formatted for people).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = (state: 'passed' | 'failed' | 'skipped') =>
      testModules.reduce((n, m) => n + [...m.children.allTests(state)].length, 0);
    const failedModules = testModules.filter((m) => m.state() === 'failed' && [...m.children.allTests('failed')].length === 0).length;
    process.stdout.write(`\n${count('passed')} passed, ${count('failed') + failedModules} failed, ${count('skipped')} skipped\n`);
  }
}
