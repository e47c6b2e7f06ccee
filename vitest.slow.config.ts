/** `npm run test:slow`: the fault and property suites `npm test` leaves out (CI runs both). */
import { defineConfig } from 'vitest/config';
import projectConfig, { SLOW_SUITES } from './vitest.config.js';

export default defineConfig({
  ...projectConfig,
  test: { ...projectConfig.test, include: [...SLOW_SUITES], exclude: ['**/node_modules/**'] },
});
