/**
 * Counts at a date over a large node come from its held degree (src/claims/held-degrees.ts),
 * kept by the writes. A hub company is party to 64 deals whose own existence and whose party
 * relationships start, end or are always there; then disconnects, retractions, a deleted deal, a
 * purged deal and new deals change it. After each step, every count at a set of dates equals a
 * count the test makes from its own record of what it wrote, through `totalCount`,
 * `relationshipCounts` and a relationship-count filter; the held degree read in TypeScript says the same; and a `knownAt`
 * before the writes still answers what was known then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../src/graph/bulk-load.js';
import { HELD_DEGREE_MIN } from '../../src/claims/held-degrees.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const WRITE_KEY = 'test-held-degree-write-key-01';
const p = uniquePrefix('hd');
const HUB = `${p}-hub`;
const DEALS = 64;
const deal = (i: number) => `${p}-deal-${i}`;

/** What the test wrote, per deal: the deal's existence and its relationship with the hub. */
interface Written {
  deal: { from: string | null; to: string | null; retracted: boolean };
  party: { from: string | null; to: string | null; retracted: boolean } | null;
  purged?: boolean;
}
const written = new Map<number, Written>();

const DATES = [
  '2019-06-01',
  '2021-01-01',
  '2022-03-01',
  '2023-01-01',
  '2023-06-30',
  '2024-02-29',
  '2025-01-01',
  '2030-01-01',
];
const day = (i: number, base: number) => {
  const d = new Date(Date.UTC(2020 + (i % 5), (i * 7) % 12, 1 + ((i * 3 + base) % 27)));
  return d.toISOString().slice(0, 10);
};

const holds = (x: { from: string | null; to: string | null; retracted: boolean }, on: string) =>
  !x.retracted && (x.from === null || x.from <= on) && (x.to === null || x.to > on);

/** The hub's deals at `on`, from the test's own record. */
const expected = (on: string, record: Map<number, Written> = written) =>
  [...record.values()].filter((w) => !w.purged && w.party && holds(w.party, on) && holds(w.deal, on)).length;

async function countAt(on: string, knownAt?: string): Promise<number> {
  const res = await gql<{
    entity: { deals: { totalCount: number }; relationshipCounts: Array<{ field: string; count: number }> } | null;
  }>(
    yoga,
    `query ($slug: String!, $on: Date!, $knownAt: DateTime) {
       entity(slug: $slug, asOf: $on, knownAt: $knownAt) {
         relationshipCounts { field count } ... on Company { deals { totalCount } } } }`,
    { slug: HUB, on, knownAt },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  // The explorer's per-type counts say what the field's own totalCount says.
  const counted = res.data!.entity!.relationshipCounts.find((c) => c.field === 'deals')!.count;
  expect(counted, `relationshipCounts on ${on}`).toBe(res.data!.entity!.deals.totalCount);
  return res.data!.entity!.deals.totalCount;
}

/** Whether the hub passes `deals: { count: { gte, lte } }` at `on`. */
async function passesCountFilter(on: string, gte: number, lte: number): Promise<boolean> {
  const res = await gql<{ companies: { edges: unknown[] } }>(
    yoga,
    `query ($slugs: [String!], $on: Date!, $gte: Int, $lte: Int) {
       companies(asOf: $on, filter: { slugs: $slugs, deals: { count: { gte: $gte, lte: $lte } } }) { edges { cursor } } }`,
    { slugs: [HUB], on, gte, lte },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.companies.edges.length === 1;
}

/** The hub's held degree of PARTY_TO, read and summed here. */
async function heldCount(on: string): Promise<number | null> {
  const [row] = await t.db.read(
    `MATCH (v:Entity {slug: $slug}) OPTIONAL MATCH (h:HeldDegree {key: v.id + '|PARTY_TO|OUT'})
     RETURN [d IN h.days | toString(d)] AS days, h.deltas AS deltas`,
    { slug: HUB },
  );
  if (!row?.days) return null;
  const days = row.days as string[];
  const deltas = (row.deltas as unknown[]).map(Number);
  return days.reduce((sum, d, i) => (d <= on ? sum + deltas[i]! : sum), 0);
}

interface DealsPage {
  entity: {
    deals: { edges: Array<{ node: { slug: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
  };
}

/** The hub's deals at `on` by name, paged `size` at a time through every cursor. */
async function pageAt(on: string, size: number): Promise<string[]> {
  const slugs: string[] = [];
  let after: string | null = null;
  for (;;) {
    const res: { data?: DealsPage; errors?: unknown[] } = await gql<DealsPage>(
      yoga,
      `query ($slug: String!, $on: Date!, $first: Int, $after: String) {
         entity(slug: $slug, asOf: $on) { ... on Company {
           deals(first: $first, after: $after) { edges { node { slug } } pageInfo { hasNextPage endCursor } } } } }`,
      { slug: HUB, on, first: size, after },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const { edges, pageInfo } = res.data!.entity.deals;
    slugs.push(...edges.map((e) => e.node.slug));
    if (!pageInfo.hasNextPage) return slugs;
    after = pageInfo.endCursor;
  }
}

/** The slugs of the hub's deals at `on` in name order, from the test's own record. */
const expectedPage = (on: string) =>
  [...written]
    .filter(([, w]) => !w.purged && w.party && holds(w.party, on) && holds(w.deal, on))
    .map(([i]) => ({ slug: deal(i), name: `Deal ${i} ${p}` }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => d.slug);

async function globalId(slug: string): Promise<string> {
  const res = await gql<{ entity: { id: string } }>(yoga, `query ($slug: String!) { entity(slug: $slug) { id } }`, {
    slug,
  });
  return res.data!.entity.id;
}

async function mutate(query: string, variables: Record<string, unknown>) {
  const res = await gql(yoga, query, variables, { authorization: `Bearer ${WRITE_KEY}` });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as Record<string, never>;
}

async function expectCountsAsWritten(step: string) {
  for (const on of DATES) {
    const want = expected(on);
    expect(await countAt(on), `${step}: totalCount on ${on}`).toBe(want);
    expect(await heldCount(on), `${step}: held degree on ${on}`).toBe(want);
    expect(await passesCountFilter(on, want, want), `${step}: count filter = ${want} on ${on}`).toBe(true);
    expect(await passesCountFilter(on, want + 1, 10_000), `${step}: count filter > ${want} on ${on}`).toBe(false);
  }
  // Pages at a date are cut from live and held-back relationships, each read in order.
  for (const on of ['2023-06-30', '2025-01-01', '2030-01-01']) {
    expect(await pageAt(on, 7), `${step}: the deals on ${on}, by name, 7 a page`).toEqual(expectedPage(on));
  }
}

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  yoga = testServer(t.graph, t.config);
  const deals = [];
  const relationships = [];
  for (let i = 0; i < DEALS; i++) {
    // Deals: a third always there, the rest starting on a day; every eighth one ends after today
    // (a relationship needs both ends live when it is written).
    const w: Written = {
      deal: {
        from: i % 3 === 0 ? null : day(i, 1),
        to: i % 8 === 5 ? `${2027 + (i % 3)}-0${1 + (i % 9)}-15` : null,
        retracted: false,
      },
      party: { from: i % 4 === 0 ? null : day(i + 1, 4), to: i % 6 === 1 ? day(i + 3, 2) : null, retracted: false },
    };
    if (w.party!.to !== null && w.party!.from !== null && w.party!.to <= w.party!.from) w.party!.to = null;
    written.set(i, w);
    deals.push({ slug: deal(i), name: `Deal ${i} ${p}`, validFrom: w.deal.from, validTo: w.deal.to });
    relationships.push({
      type: 'PARTY_TO',
      from: HUB,
      to: deal(i),
      properties: { role: 'buyer' },
      validFrom: w.party!.from,
      validTo: w.party!.to,
    });
  }
  await mutate(
    `mutation ($input: ImportGraphInput!) { importGraph(input: $input) { created { entities relationships } } }`,
    { input: { companies: [{ slug: HUB, name: `Hub ${p}`, validFrom: null }], deals, relationships } },
  );
});

afterAll(async () => {
  await deleteByPrefix(t.db, p);
  await t.close();
});

describe('counts at a date over a large node', () => {
  let beforeWrites = '';
  let writtenBefore = new Map<number, Written>();

  it('come from a held degree that equals the count of what was written', async () => {
    expect(DEALS).toBeGreaterThanOrEqual(HELD_DEGREE_MIN);
    expect(await heldCount('2030-01-01')).not.toBeNull();
    // Not every deal counts on every date: the dates cut through the history.
    const counts = DATES.map((on) => expected(on));
    expect(new Set(counts).size).toBeGreaterThan(4);
    await expectCountsAsWritten('imported');
    beforeWrites = new Date().toISOString();
    writtenBefore = structuredClone(written);
    await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it('follow disconnects, retractions, deletions, purges and new relationships', async () => {
    // Disconnect: the relationship ends on a day.
    await mutate(`mutation ($input: DisconnectInput!) { disconnect(input: $input) { removed } }`, {
      input: { type: 'PARTY_TO', from: HUB, to: deal(2), validTo: '2022-12-01' },
    });
    const two = written.get(2)!.party!;
    if (two.from === null || two.from < '2022-12-01') two.to = '2022-12-01';
    else written.get(2)!.party = null;
    await expectCountsAsWritten('disconnected');

    // Retract one relationship claim, found through the hub's edges.
    const edges = (
      await gql<{ entity: { deals: { edges: Array<{ claimId: string; node: { slug: string } }> } } }>(
        yoga,
        `query ($slug: String!) { entity(slug: $slug, asOf: "2030-01-01") { ... on Company {
           deals(first: 100) { edges { claimId node { slug } } } } } }`,
        { slug: HUB },
      )
    ).data!.entity.deals.edges;
    const ten = edges.find((e) => e.node.slug === deal(10));
    expect(ten).toBeDefined();
    await mutate(`mutation ($id: ID!) { retractClaim(id: $id, reason: "test") { claim { id } } }`, {
      id: ten!.claimId,
    });
    written.get(10)!.party!.retracted = true;
    await expectCountsAsWritten('relationship retracted');

    // Delete (retract) a deal: its relationships stop counting at every date.
    const eleven = await globalId(deal(11));
    await mutate(`mutation ($id: ID!) { deleteEntity(id: $id) { deletedId } }`, { id: eleven });
    written.get(11)!.deal.retracted = true;
    await expectCountsAsWritten('deal deleted');

    // Purge a deal: the one real delete.
    const twelve = await globalId(deal(12));
    await mutate(`mutation ($id: ID!) { purgeEntity(id: $id) { id } }`, { id: twelve });
    written.get(12)!.purged = true;
    await expectCountsAsWritten('deal purged');

    // New deals and relationships, one of them always there.
    for (const [i, from] of [
      [DEALS, '2021-06-01'],
      [DEALS + 1, null],
    ] as const) {
      await mutate(`mutation ($input: ImportGraphInput!) { importGraph(input: $input) { created { entities } } }`, {
        input: {
          deals: [{ slug: deal(i), name: `Deal ${i} ${p}`, validFrom: null }],
          relationships: [
            { type: 'PARTY_TO', from: HUB, to: deal(i), properties: { role: 'seller' }, validFrom: from },
          ],
        },
      });
      written.set(i, { deal: { from: null, to: null, retracted: false }, party: { from, to: null, retracted: false } });
    }
    await expectCountsAsWritten('connected');

    // Writes at the same time: each waits for the hub's held degree, none is lost.
    const together = [0, 1, 2, 3, 4, 5].map((k) => DEALS + 2 + k);
    await Promise.all(
      together.map((i, k) =>
        mutate(`mutation ($input: ImportGraphInput!) { importGraph(input: $input) { created { entities } } }`, {
          input: {
            deals: [{ slug: deal(i), name: `Deal ${i} ${p}`, validFrom: null }],
            relationships: [
              { type: 'PARTY_TO', from: HUB, to: deal(i), properties: { role: 'seller' }, validFrom: `202${k}-02-01` },
            ],
          },
        }),
      ),
    );
    together.forEach((i, k) => {
      written.set(i, {
        deal: { from: null, to: null, retracted: false },
        party: { from: `202${k}-02-01`, to: null, retracted: false },
      });
    });
    await Promise.all(
      [3, 4, 6, 7].map((i) =>
        mutate(`mutation ($input: DisconnectInput!) { disconnect(input: $input) { removed } }`, {
          input: { type: 'PARTY_TO', from: HUB, to: deal(i), validTo: '2026-06-01' },
        }),
      ),
    );
    // Each started before 2026 (day() above); one that had already ended stays as it was.
    for (const i of [3, 4, 6, 7]) {
      const party = written.get(i)!.party!;
      if (party.to === null || party.to > '2026-06-01') party.to = '2026-06-01';
    }
    await expectCountsAsWritten('written at the same time');
  });

  it('known at a moment before the writes answer what was known then', async () => {
    // A purge is the one real delete: the purged deal is gone from every knownAt too.
    writtenBefore.get(12)!.purged = true;
    for (const on of DATES) {
      expect(await countAt(on, beforeWrites), `knownAt before writes, on ${on}`).toBe(expected(on, writtenBefore));
    }
    // The writes changed some of those counts, so the earlier knowledge is not today's.
    expect(DATES.some((on) => expected(on, writtenBefore) !== expected(on))).toBe(true);
  });
});
