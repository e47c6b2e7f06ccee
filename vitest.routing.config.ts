/**
 * `npm run test:routing`: the end-to-end suites once more, every driver reaching the test Neo4j
 * through `neo4j://` (the routing driver, which asks the server for its routing table and sends
 * reads and writes where it says), as a deployment on a cluster or Aura does. CI runs it with
 * `npm run test:slow`.
 */
import { defineConfig } from 'vitest/config';
import { ROUTING_ENV } from './tests/utils/global-setup.js';
import projectConfig, { ROUTING_ONLY, SLOW_SUITES } from './vitest.config.js';

process.env[ROUTING_ENV] = 'on';

export default defineConfig({
  ...projectConfig,
  test: {
    ...projectConfig.test,
    include: ['tests/e2e/**/*.test.ts', ...ROUTING_ONLY],
    exclude: ['**/node_modules/**', ...SLOW_SUITES],
  },
});
