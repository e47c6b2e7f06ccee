/**
 * Every list argument is bounded by MAX_LIST_ITEMS (README, configuration), at any depth of an input
 * object, in the document or as a variable: one item more answers LIMIT_EXCEEDED naming the
 * argument, before anything runs; importGraph keeps its own bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, openTestGraph, testConfig, testServer, type TestGraph } from '../utils/graph.js';
import { sseSubscribe } from '../utils/sse.js';
import { waitUntil } from '../utils/wait.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const MAX = 5;
beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(t.graph, testConfig({ MAX_LIST_ITEMS: String(MAX) }));
});
afterAll(() => t.close());

const many = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));

/** Each list argument the API takes, as a document with `$list` in it and its items. */
const LISTS: Array<[string, string, (i: number) => unknown]> = [
  ['filter slugs', 'query ($list: [String!]) { companies(filter: { slugs: $list }) { totalCount } }', (i) => `s-${i}`],
  [
    'filter kinds',
    'query ($list: [CompanyKind!]) { companies(filter: { kinds: $list }) { totalCount } }',
    () => 'AI_LAB',
  ],
  [
    'filter statuses, nested in OR',
    'query ($list: [ProjectStatus!]) { projects(filter: { OR: [{ statuses: $list }] }) { totalCount } }',
    () => 'ANNOUNCED',
  ],
  [
    'a relationship filter’s node slugs',
    'query ($list: [String!]) { deals(filter: { parties: { some: { node: { slugs: $list } } } }) { totalCount } }',
    (i) => `p-${i}`,
  ],
  ['nodes ids', 'query ($list: [ID!]!) { nodes(ids: $list) { id } }', (i) => `no-such-${i}`],
  [
    'search kinds',
    'query ($list: [EntityKind!]) { search(text: "x", first: 3, kinds: $list) { score } }',
    () => 'COMPANY',
  ],
  ['rank kinds', 'query ($list: [EntityKind!]) { rank(by: DEGREE, first: 3, kinds: $list) { score } }', () => 'PERSON'],
  [
    'filter OR entries',
    'query ($list: [CompanyFilter!]) { companies(filter: { OR: $list }) { totalCount } }',
    () => ({}),
  ],
];

describe('list arguments', () => {
  it.each(LISTS)('%s: MAX_LIST_ITEMS items run, one more is refused naming the argument', async (_, query, item) => {
    const atBound = await gql(yoga, query, { list: many(MAX, item) });
    expect(atBound.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('LIMIT_EXCEEDED');
    const over = await gql(yoga, query, { list: many(MAX + 1, item) });
    expect(over.data ?? null).toBeNull();
    expect(over.errors?.map((e) => e.extensions)).toEqual([
      { code: 'LIMIT_EXCEEDED', limit: 'MAX_LIST_ITEMS', max: MAX, got: MAX + 1 },
    ]);
  });

  it('counts a list written in the document as well as one sent as a variable', async () => {
    const slugs = JSON.stringify(many(MAX + 1, (i) => `s-${i}`));
    const over = await gql(yoga, `{ companies(filter: { slugs: ${slugs} }) { totalCount } }`);
    expect(over.errors?.[0]?.message).toMatch(/filter\.slugs/);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_LIST_ITEMS' });
  });

  it.each([
    ['slugs', '[String!]', (i: number) => `s-${i}`],
    ['kinds', '[EntityKind!]', () => 'COMPANY'],
  ])('bounds graphChanged(%s:) too: refused before the subscription opens', async (name, type, item) => {
    const document = `subscription ($list: ${type}) { graphChanged(${name}: $list) { change } }`;
    const over = await sseSubscribe(yoga, document, { list: many(MAX + 1, item) });
    const refused = await over.next();
    expect(refused.data?.errors?.map((e) => e.extensions)).toEqual([
      { code: 'LIMIT_EXCEEDED', limit: 'MAX_LIST_ITEMS', max: MAX, got: MAX + 1 },
    ]);
    over.close();
    expect(yoga.live.subscribers).toBe(0);
    const atBound = await sseSubscribe(yoga, document, { list: many(MAX, item) });
    try {
      await waitUntil(() => yoga.live.subscribers > 0);
      expect(yoga.live.subscribers).toBe(1);
    } finally {
      atBound.close();
    }
    await waitUntil(() => yoga.live.subscribers === 0);
  });

  it('keeps importGraph to its own bound (more items than MAX_LIST_ITEMS are fine)', async () => {
    const writer = testServer(
      t.graph,
      testConfig({ MAX_LIST_ITEMS: String(MAX), API_KEYS: 'list-bounds-writer-key:write' }),
    );
    const prefix = `lb-${Date.now()}`;
    const companies = many(MAX + 3, (i) => ({ slug: `${prefix}-${i}`, name: `List Bound ${i}` }));
    try {
      const body = await gql(
        writer,
        'mutation ($input: ImportGraphInput!) { importGraph(input: $input) { total { entities } } }',
        { input: { companies } },
        { authorization: 'Bearer list-bounds-writer-key' },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ importGraph: { total: { entities: MAX + 3 } } });
    } finally {
      await t.db.write('MATCH (n) WHERE n.slug STARTS WITH $prefix DETACH DELETE n', { prefix });
    }
  });
});
