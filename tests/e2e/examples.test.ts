import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOperations, graphiqlTabs } from '../../src/schema/examples.js';
import { loadSeed } from '../../src/graph/seed.js';
import { gql, openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db); // idempotent; other files may load it too
  yoga = testServer(t.graph, t.config);
});
afterAll(() => t.close());

/** True when some list anywhere in the response has items: the example found something. */
function hasNonEmptyList(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.values(value).some(hasNonEmptyList);
  return false;
}

describe('schema/examples', () => {
  const examples = exampleOperations();

  it('has a dozen operations, offered as GraphiQL tabs', () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
    expect(graphiqlTabs()).toHaveLength(examples.length);
  });

  for (const example of examples) {
    it(`${example.name} runs on the seed graph without errors and finds something`, async () => {
      const body = await gql(yoga, example.query, example.variables);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      expect(hasNonEmptyList(body.data)).toBe(true);
    });
  }
});
