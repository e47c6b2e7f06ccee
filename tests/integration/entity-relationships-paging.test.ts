/**
 * `Entity.relationships` walked by cursor: with or without `types`, every relationship comes
 * once, in the connection's order (type, far name, far id, relationship), both ways.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, type TestGraph, uniquePrefix } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('entrel');
const company = `${prefix}-company`;

beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(t.graph, t.config);
  await createEntities(t.db, [
    { label: 'Company', slug: company, name: `${prefix} Company` },
    ...[0, 1, 2].map((i) => ({ label: 'Deal' as const, slug: `${prefix}-deal-${i}`, name: `${prefix} Deal ${i}` })),
    ...[0, 1].map((i) => ({ label: 'Person' as const, slug: `${prefix}-person-${i}`, name: `${prefix} Person ${i}` })),
  ]);
  await relate(
    t.db,
    'PARTY_TO',
    [0, 1, 2].map((i) => [company, `${prefix}-deal-${i}`, { role: 'buyer' }]),
  );
  await relate(
    t.db,
    'LEADS',
    [0, 1].map((i) => [`${prefix}-person-${i}`, company, { title: 'Director' }]),
  );
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

type Page = {
  edges: Array<{ cursor: string; type: string; direction: string; node: { slug: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean };
};

/** Every edge, one page of two at a time, forward from the start or backward from the end. */
async function walk(types: string[] | null, backward: boolean) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 10; round++) {
    const body: { errors?: unknown; data?: { entity: { relationships: Page } } } = await gql<{
      entity: { relationships: Page };
    }>(
      yoga,
      `query($slug: String!, $types: [RelationshipType!], $n: Int, $after: String, $last: Int, $before: String) {
         entity(slug: $slug) { relationships(types: $types, first: $n, after: $after, last: $last, before: $before) {
           edges { cursor type direction node { slug } } pageInfo { hasNextPage hasPreviousPage } } } }`,
      backward ? { slug: company, types, last: 2, before: cursor } : { slug: company, types, n: 2, after: cursor },
    );
    expect(body.errors).toBeUndefined();
    const page: Page = body.data!.entity.relationships;
    const edges = backward ? [...page.edges].reverse() : page.edges;
    seen.push(...edges.map((e) => `${e.type} ${e.direction} ${e.node.slug}`));
    if (!(backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage)) break;
    cursor = (backward ? page.edges[0] : page.edges.at(-1))!.cursor;
  }
  return backward ? seen.reverse() : seen;
}

it('visits every relationship once by cursor, with and without types, forward and backward', async () => {
  const all = [
    `LEADS IN ${prefix}-person-0`,
    `LEADS IN ${prefix}-person-1`,
    ...[0, 1, 2].map((i) => `PARTY_TO OUT ${prefix}-deal-${i}`),
  ];
  for (const backward of [false, true]) {
    expect(await walk(null, backward)).toEqual(all);
    expect(await walk(['PARTY_TO'], backward)).toEqual(all.slice(2));
  }
});
