/**
 * The unit tests alone (tests/unit/, no database): the project's settings without the Neo4j
 * global setup. Used by `npm run mutate` (Stryker) and for quick runs while working on pure code.
 */
import { defineConfig } from 'vitest/config';
import projectConfig from './vitest.config.js';

export default defineConfig({
  ...projectConfig,
  test: {
    ...projectConfig.test,
    include: ['tests/unit/**/*.test.ts'],
    globalSetup: [],
  },
});
