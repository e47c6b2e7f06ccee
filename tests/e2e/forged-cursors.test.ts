/**
 * A cursor is opaque to clients but easy to forge: base64url JSON. Whatever a forged cursor holds
 * (numbers JSON reads as Infinity, seconds no datetime holds, keys of the wrong kind, another
 * ordering's name), every root and relationship connection answers a page or INVALID_CURSOR,
 * never an internal error, for every ordering and direction.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ORDERINGS } from '../../src/graph/ordering.js';
import { gql, openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(t.graph, t.config);
});
afterAll(() => t.close());

const ROOTS = {
  people: 'Person',
  companies: 'Company',
  projects: 'Project',
  datacenters: 'Datacenter',
  deals: 'Deal',
} as const;

/** Forged key lists (of 2 or 3 values, the lengths orderings use), given the ordering's name. */
const forgeries = (order: string): string[] => {
  const raw = [
    `{"o":"${order}","k":[1e400,0,"x"]}`,
    `{"o":"${order}","k":[-1e400,"x"]}`,
    `{"o":"${order}","k":[9223372036854775808,5000000000,"x"]}`,
    `{"o":"${order}","k":[1.5,-1,"x"]}`,
    `{"o":"${order}","k":["not a number",0.5,"x"]}`,
    `{"o":"${order}","k":[true,false]}`,
    `{"o":"${order}","k":[null,null,null]}`,
    `{"o":"${order}","k":["${'z'.repeat(10_000)}","x"]}`,
    `{"o":"${order}","k":[{"a":1},"x"]}`,
    `{"o":"${order}","k":[-9007199254740991,999999999,"x"]}`,
    `{"o":"__proto__","k":[1,2,3]}`,
    '{"o":null,"k":null}',
  ];
  return raw.map((json) => Buffer.from(json).toString('base64url'));
};

/** Sends one page request; returns the error codes (empty when it answered a page). */
async function codes(field: string, args: string, cursor: string): Promise<string[]> {
  const body = await gql(yoga, `query ($c: String) { ${field}(${args}) { edges { node { id } } } }`, { c: cursor });
  return (body.errors ?? []).map((e) => String(e.extensions?.code));
}

describe('forged cursors', () => {
  for (const [field, label] of Object.entries(ROOTS)) {
    it(`${field}: every ordering and direction answers a page or INVALID_CURSOR`, async () => {
      for (const orderField of Object.keys(ORDERINGS[label])) {
        for (const direction of ['ASC', 'DESC']) {
          const order = `${label}:${orderField}:${direction}`;
          const orderBy = `orderBy: { field: ${orderField}, direction: ${direction} }`;
          for (const cursor of forgeries(order)) {
            for (const page of [`first: 3, after: $c, ${orderBy}`, `last: 3, before: $c, ${orderBy}`]) {
              const got = await codes(field, page, cursor);
              expect(
                got.every((c) => c === 'INVALID_CURSOR'),
                `${field}(${page}) ${order}: ${got}`,
              ).toBe(true);
            }
          }
        }
      }
    });
  }

  it('a relationship connection too (a company’s deals, by each deal ordering)', async () => {
    // Its own company and deal: other test files write and delete in the same graph.
    const slug = `forged-cursor-co-${Date.now()}`;
    await t.db.write(
      `CREATE (:Entity:Company {id: $slug, slug: $slug, name: 'Forged Cursor Co', createdAt: datetime()})
         -[:PARTY_TO {role: 'buyer'}]->
       (:Entity:Deal {id: $deal, slug: $deal, name: 'Forged Cursor Deal', valueUsd: 1.0e9, createdAt: datetime()})`,
      { slug, deal: `${slug}-deal` },
    );
    onTestFinished(() =>
      t.db.write('MATCH (n:Entity) WHERE n.slug STARTS WITH $slug DETACH DELETE n', { slug }).then(() => undefined),
    );
    for (const orderField of Object.keys(ORDERINGS.Deal)) {
      for (const cursor of forgeries(`Company.deals:${orderField}:ASC`)) {
        const body = await gql(
          yoga,
          `query ($s: String!, $c: String) { entity(slug: $s) { ... on Company {
            deals(first: 2, after: $c, orderBy: { field: ${orderField} }) { edges { node { id } } } } } }`,
          { s: slug, c: cursor },
        );
        const got = (body.errors ?? []).map((e) => String(e.extensions?.code));
        expect(
          got.every((c) => c === 'INVALID_CURSOR'),
          `${orderField}: ${got}`,
        ).toBe(true);
      }
    }
  });
});
