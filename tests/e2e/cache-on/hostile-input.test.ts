/**
 * tests/e2e/hostile-input.test.ts once more, with the response cache at its defaults (every other run
 * of it has the cache off: tests/utils/graph.ts testConfig).
 */
import { afterAll, expect, it } from 'vitest';
import { RESPONSE_CACHE_ON_ENV, testConfig } from '../../utils/graph.js';

process.env[RESPONSE_CACHE_ON_ENV] = 'on';
afterAll(() => {
  delete process.env[RESPONSE_CACHE_ON_ENV];
});
await import('../hostile-input.test.js');

it('ran with the response cache at its defaults', () => {
  expect(testConfig().live.responseCacheTtlMs).toBe(30_000);
});
