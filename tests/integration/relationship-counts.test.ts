/**
 * `Entity.relationshipCounts` on the real Neo4j: for every typed relationship field of an
 * entity's kind, how many relationships it holds, as the explorer shows them before expanding.
 * Expectations come from the fixture's own sizes. The counts of a hub read the node's degrees:
 * PROFILE of the statement costs the same for a company with 300 deals as for one with 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relationshipCountsStatement } from '../../src/graph/relationship-loaders.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const p = uniquePrefix('rc');
const s = (name: string) => `${p}-${name}`;
const DEALS = 300;
const LEADERS = 3;
const INVESTORS = 2;

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;

beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(t.graph, t.config);
  await createEntities(t.db, [
    { label: 'Company', slug: s('hub'), name: 'Hub' },
    { label: 'Company', slug: s('leaf'), name: 'Leaf' },
    { label: 'Project', slug: s('project'), name: 'Project' },
    { label: 'Datacenter', slug: s('dc'), name: 'Datacenter' },
    ...Array.from({ length: DEALS }, (_, i) => ({ label: 'Deal' as const, slug: s(`deal-${i}`), name: `Deal ${i}` })),
    ...Array.from({ length: LEADERS }, (_, i) => ({ label: 'Person' as const, slug: s(`p-${i}`), name: `P ${i}` })),
    ...Array.from({ length: INVESTORS }, (_, i) => ({
      label: 'Company' as const,
      slug: s(`investor-${i}`),
      name: `Investor ${i}`,
    })),
  ]);
  await relate(t.db, 'PARTY_TO', [
    ...Array.from({ length: DEALS }, (_, i): [string, string] => [s('hub'), s(`deal-${i}`)]),
    [s('leaf'), s('deal-0')],
  ]);
  await relate(
    t.db,
    'LEADS',
    Array.from({ length: LEADERS }, (_, i): [string, string] => [s(`p-${i}`), s('hub')]),
  );
  await relate(t.db, 'INVESTS_IN', [
    ...Array.from({ length: INVESTORS }, (_, i): [string, string] => [s(`investor-${i}`), s('hub')]),
    [s('hub'), s('leaf')],
  ]);
  await relate(t.db, 'PARTICIPATES_IN', [[s('hub'), s('project')]]);
  // Two kinds of entity are PART_OF a project: its deals and datacenters are counted apart.
  await relate(t.db, 'PART_OF', [
    [s('dc'), s('project')],
    ...Array.from({ length: 5 }, (_, i): [string, string] => [s(`deal-${i}`), s('project')]),
  ]);
});

afterAll(async () => {
  if (t) await deleteFixtures(t.db, p);
  await t?.close();
});

type Count = { field: string; type: string; direction: string; kind: string | null; count: number };
async function countsOf(slug: string): Promise<Count[]> {
  const res = await gql<{ entity: { relationshipCounts: Count[] } }>(
    yoga,
    'query ($slug: String!) { entity(slug: $slug) { relationshipCounts { field type direction kind count } } }',
    { slug },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.entity.relationshipCounts;
}

describe('Entity.relationshipCounts', () => {
  it("lists every typed field of a company with its count, zero included, in the type's field order", async () => {
    expect(await countsOf(s('hub'))).toEqual([
      { field: 'leaders', type: 'LEADS', direction: 'IN', kind: 'PERSON', count: LEADERS },
      { field: 'deals', type: 'PARTY_TO', direction: 'OUT', kind: 'DEAL', count: DEALS },
      { field: 'projects', type: 'PARTICIPATES_IN', direction: 'OUT', kind: 'PROJECT', count: 1 },
      { field: 'datacenters', type: 'OPERATES', direction: 'OUT', kind: 'DATACENTER', count: 0 },
      { field: 'announced', type: 'ANNOUNCED', direction: 'OUT', kind: 'PROJECT', count: 0 },
      { field: 'investments', type: 'INVESTS_IN', direction: 'OUT', kind: 'COMPANY', count: 1 },
      { field: 'investors', type: 'INVESTS_IN', direction: 'IN', kind: 'COMPANY', count: INVESTORS },
    ]);
  });

  it('counts the far kinds of one type apart, and says when the far end may be any kind', async () => {
    const counts = Object.fromEntries((await countsOf(s('project'))).map((c) => [c.field, c]));
    expect(counts.deals).toMatchObject({ type: 'PART_OF', direction: 'IN', kind: 'DEAL', count: 5 });
    expect(counts.datacenters).toMatchObject({ type: 'PART_OF', direction: 'IN', kind: 'DATACENTER', count: 1 });
    expect(counts.announcedBy).toMatchObject({ type: 'ANNOUNCED', kind: null, count: 0 });
    expect(counts.participants).toMatchObject({ count: 1 });
  });

  it("agrees with each field's own totalCount, for several entities in one request", async () => {
    const res = await gql<{
      hub: { relationshipCounts: Count[]; deals: { totalCount: number }; investors: { totalCount: number } };
      leaf: { relationshipCounts: Count[]; deals: { totalCount: number }; investors: { totalCount: number } };
    }>(
      yoga,
      `query ($hub: String!, $leaf: String!) {
         hub: entity(slug: $hub) { relationshipCounts { field count } ... on Company { deals { totalCount } investors { totalCount } } }
         leaf: entity(slug: $leaf) { relationshipCounts { field count } ... on Company { deals { totalCount } investors { totalCount } } } }`,
      { hub: s('hub'), leaf: s('leaf') },
    );
    expect(res.errors).toBeUndefined();
    for (const entity of [res.data!.hub, res.data!.leaf]) {
      const count = (field: string) => entity.relationshipCounts.find((c) => c.field === field)!.count;
      expect(count('deals')).toBe(entity.deals.totalCount);
      expect(count('investors')).toBe(entity.investors.totalCount);
    }
    expect(res.data!.leaf.deals.totalCount).toBe(1);
    expect(res.data!.leaf.investors.totalCount).toBe(1);
  });

  it("reads a hub's counts from its degrees: 300 deals cost what 1 does", async () => {
    type Operator = { dbHits: number; children: Operator[] };
    const hits = (op: Operator): number => op.dbHits + op.children.reduce((n, c) => n + hits(c), 0);
    const profiled = async (slug: string) => {
      const [row] = await t.db.read('MATCH (n:Entity {slug: $slug}) RETURN n.id AS id', { slug });
      const result = await t.graph.driver.executeQuery(
        `PROFILE ${relationshipCountsStatement('Company', false)}`,
        { parentIds: [row!.id] },
        { database: t.graph.database },
      );
      return hits(result.summary.profile as unknown as Operator);
    };
    const hub = await profiled(s('hub'));
    const leaf = await profiled(s('leaf'));
    // Expanding the hub's deals would read each of its 300 relationships at least once.
    expect(hub).toBeLessThan(leaf + 20);
  });
});
