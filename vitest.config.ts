import { defineConfig } from 'vitest/config';

/**
 * Fault, start-up and property suites: minutes each, run by `npm run test:slow`
 * (vitest.slow.config.ts), which CI runs after `npm test`.
 */
export const SLOW_SUITES = [
  'tests/e2e/crash-recovery.test.ts',
  'tests/e2e/hostile-input.test.ts',
  'tests/e2e/hostile-values.test.ts',
  'tests/integration/import-crash.test.ts',
  'tests/integration/claims-property.test.ts',
  'tests/integration/claims-upgrade.test.ts',
  'tests/integration/local-auth-upgrade.test.ts',
  // Corpus and generator suites: hundreds of generated filters, graphs and histories checked
  // against references.
  'tests/integration/analyst-corpus.test.ts',
  'tests/integration/generator.test.ts',
  'tests/integration/generator-history.test.ts',
  // Every CLI subcommand as a process of its own.
  'tests/integration/cli.test.ts',
  // Each starts Neo4j or the server anew, or kills it: minutes of starts, not of tests.
  'tests/integration/seed-empty.test.ts',
  'tests/e2e/shutdown.test.ts',
  'tests/e2e/resilience.test.ts',
  'tests/integration/neo4j-cli.test.ts',
  // A Neo4j of its own (a seed-only graph, for answers known in advance): its start is most of it.
  'tests/e2e/examples.test.ts',
  // Builds the server with tsc first.
  'tests/e2e/compiled-server.test.ts',
  'tests/e2e/supervisor-gives-up.test.ts',
  // Two server processes, one of them killed mid-stream.
  'tests/e2e/change-feed-kill.test.ts',
  // The outage, subscription and hostile suites again, with the response cache at its defaults.
  'tests/e2e/cache-on/resilience.test.ts',
  'tests/e2e/cache-on/crash-recovery.test.ts',
  'tests/e2e/cache-on/subscriptions.test.ts',
  'tests/e2e/cache-on/hostile-input.test.ts',
  // A Neo4j of its own, reached through neo4j:// routing.
  'tests/e2e/routing/bookmark-wait.test.ts',
];

/** Suites only `npm run test:routing` runs (vitest.routing.config.ts). */
export const ROUTING_ONLY = ['tests/e2e/routing/uses-routing.test.ts'];

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for our dependencies (it has no "exports" map), while
    // Vite would pick its .mjs build for our own files: two graphql instances. Use one.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...SLOW_SUITES, ...ROUTING_ONLY],
    reporters: ['default', './tests/utils/summary-reporter.ts'],
    // A `.only` left in a file fails the run instead of silently skipping everything else.
    allowOnly: false,
    // One real Neo4j for the whole run (or NEO4J_URI's), started before any test file.
    globalSetup: ['tests/utils/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here and in CI; integration files isolate their data by unique ids.
    maxWorkers: 2,
  },
});
