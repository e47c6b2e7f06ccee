/**
 * Only in `npm run test:routing` (vitest.routing.config.ts): the run's drivers reach Neo4j through
 * neo4j://, and its reads and writes are routed (the server's routing table names it for both).
 */
import { expect, it } from 'vitest';
import neo4j from 'neo4j-driver';
import { openTestGraph, testConfig } from '../../utils/graph.js';

it('reaches the test Neo4j through neo4j:// routing', async () => {
  expect(testConfig().neo4j.uri).toMatch(/^neo4j:\/\/127\.0\.0\.1:\d+$/);
  const t = await openTestGraph();
  try {
    const read = await t.graph.driver.executeQuery('RETURN 1 AS one', {}, { routing: neo4j.routing.READ });
    expect(Number(read.records[0]?.get('one'))).toBe(1);
    const write = await t.graph.driver.executeQuery('RETURN 2 AS two', {}, { routing: neo4j.routing.WRITE });
    expect(Number(write.records[0]?.get('two'))).toBe(2);
  } finally {
    await t.close();
  }
});
