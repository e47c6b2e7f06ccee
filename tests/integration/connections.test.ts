import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { createEntities, deleteFixtures, type FixtureEntity } from '../utils/fixtures.js';
import type { EntityLabel } from '../../src/graph/model.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('conn');

// Names repeat (ties on the sort key) and values repeat, so only the id tie-breaker orders them.
const NAMES = ['Alpha', 'Beta', 'Beta', 'Gamma', 'Beta', 'Delta', 'Alpha', 'Omega', 'Zeta', 'Beta', 'Eta'];
/** NAMES' indexes in name order, ties by id (= the index, zero-padded): worked out by hand. */
const BY_NAME = [0, 6, 1, 2, 4, 9, 5, 10, 3, 7, 8];
/** Deals by value descending (5e9 where i % 3 != 1, else 1e9), ties by id descending too. */
const BY_VALUE_DESC = [9, 8, 6, 5, 3, 2, 0, 10, 7, 4, 1];
const ROOTS: Array<{ field: string; label: EntityLabel }> = [
  { field: 'companies', label: 'Company' },
  { field: 'people', label: 'Person' },
  { field: 'projects', label: 'Project' },
  { field: 'datacenters', label: 'Datacenter' },
  { field: 'deals', label: 'Deal' },
];

beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(t.graph, t.config);
  const entities: FixtureEntity[] = ROOTS.flatMap(({ label }) =>
    NAMES.map((name, i) => ({
      label,
      slug: `${prefix}-${label.toLowerCase()}-${String(i).padStart(2, '0')}`,
      name: `${prefix} ${name}`,
      props: label === 'Deal' ? { valueUsd: [5e9, 1e9, 5e9][i % 3], kind: 'CLOUD_CONTRACT' } : {},
    })),
  );
  await createEntities(t.db, entities);
  await t.db.write(
    `UNWIND range(0, size($names) - 1) AS i
     CREATE (:Source {id: $prefix + '-source-' + toString(i), title: $prefix + ' ' + $names[i], publishedOn: date('2025-07-0' + toString(i % 3 + 1))})`,
    { prefix, names: NAMES },
  );
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

type Page = {
  edges: Array<{ cursor: string; node: { slug?: string; id: string; name?: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
};

async function fetchPage(field: string, args: string, vars: Record<string, unknown>): Promise<Page> {
  const body = await gql<Record<string, Page>>(
    yoga,
    `query($first: Int, $after: String, $last: Int, $before: String, $filter: ${filterType(field)}, $orderBy: ${orderType(field)}) {
       ${field}(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy ${args}) {
         edges { cursor node { id ${field === 'sources' ? 'name: title' : 'slug name'} } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
         totalCount
       }
     }`,
    vars,
  );
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data![field]!;
}

const typeName = (field: string) =>
  ({
    companies: 'Company',
    people: 'Person',
    projects: 'Project',
    datacenters: 'Datacenter',
    deals: 'Deal',
    sources: 'Source',
  })[field]!;
const filterType = (field: string) => `${typeName(field)}Filter`;
const orderType = (field: string) => `${typeName(field)}Order`;

/** The fixture's own id of an item: the slug for entities, the source id (from the global ID) for sources. */
const keyOf = (field: string, node: Page['edges'][number]['node']) =>
  field === 'sources' ? decodeGlobalID(node.id).id : node.slug!;
/** The fixture ids of NAMES' items at the given indexes. */
const fixtureKeys = (field: string, order: number[]) =>
  order.map((i) =>
    field === 'sources'
      ? `${prefix}-source-${i}`
      : `${prefix}-${typeName(field).toLowerCase()}-${String(i).padStart(2, '0')}`,
  );
/** Page sizes a walk of NAMES.length items must see: full pages, then the rest. */
const pageSizes = (size: number) => [
  ...Array(Math.floor(NAMES.length / size)).fill(size),
  ...(NAMES.length % size ? [NAMES.length % size] : []),
];

async function walk(field: string, size: number, direction: 'forward' | 'backward', extra: Record<string, unknown>) {
  const seen: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: Page =
      direction === 'forward'
        ? await fetchPage(field, '', { ...extra, first: size, after: cursor })
        : await fetchPage(field, '', { ...extra, last: size, before: cursor });
    const keys = page.edges.map((e) => keyOf(field, e.node));
    if (direction === 'forward') seen.push(...keys);
    else seen.unshift(...keys);
    sizes.push(page.edges.length);
    const more = direction === 'forward' ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage;
    if (!more) break;
    cursor = direction === 'forward' ? page.pageInfo.endCursor : page.pageInfo.startCursor;
  }
  expect(sizes).toEqual(pageSizes(size));
  return seen;
}

const filterFor = (field: string) => (field === 'sources' ? { titleContains: prefix } : { nameContains: prefix });

describe('root connections page with keyset cursors', () => {
  const cases = [...ROOTS.map((r) => r.field), 'sources'];
  for (const field of cases) {
    it(`${field}: forward and backward visit every item once, in order, for page sizes 1, 2 and 7`, async () => {
      const filter = filterFor(field);
      const orderBy = field === 'sources' ? { field: 'TITLE' } : undefined;
      const all = await fetchPage(field, '', { first: 100, filter, orderBy });
      const expected = fixtureKeys(field, BY_NAME);
      expect(all.totalCount).toBe(NAMES.length);
      // One page holds them all, sorted by name, ties broken by id.
      expect(all.edges.map((e) => keyOf(field, e.node))).toEqual(expected);
      expect(all.edges.map((e) => e.node.name)).toEqual(BY_NAME.map((i) => `${prefix} ${NAMES[i]}`));
      for (const size of [1, 2, 7]) {
        expect(await walk(field, size, 'forward', { filter, orderBy })).toEqual(expected);
        expect(await walk(field, size, 'backward', { filter, orderBy })).toEqual(expected);
      }
    });
  }

  it('deals ordered by value descending, with ties, page the same both ways', async () => {
    const extra = { filter: { nameContains: prefix }, orderBy: { field: 'VALUE_USD', direction: 'DESC' } };
    const body = await gql<{ deals: { edges: Array<{ node: { slug: string; valueUsd: number } }> } }>(
      yoga,
      `query($filter: DealFilter, $orderBy: DealOrder) { deals(first: 100, filter: $filter, orderBy: $orderBy) { edges { node { slug valueUsd } } } }`,
      extra,
    );
    const expected = fixtureKeys('deals', BY_VALUE_DESC);
    expect(body.data!.deals.edges.map((e) => e.node.slug)).toEqual(expected);
    expect(body.data!.deals.edges.map((e) => e.node.valueUsd)).toEqual([
      5e9, 5e9, 5e9, 5e9, 5e9, 5e9, 5e9, 1e9, 1e9, 1e9, 1e9,
    ]);
    for (const size of [1, 2, 7]) {
      expect(await walk('deals', size, 'forward', extra)).toEqual(expected);
      expect(await walk('deals', size, 'backward', extra)).toEqual(expected);
    }
  });

  it('stays correct when items are inserted between page fetches', async () => {
    const filter = { nameContains: prefix };
    const first = await fetchPage('companies', '', { first: 4, filter });
    // Insert one company sorting before the cursor and one after: neither shifts the pages.
    await createEntities(t.db, [
      { label: 'Company', slug: `${prefix}-company-inserted-a`, name: `${prefix} Aaa` },
      { label: 'Company', slug: `${prefix}-company-inserted-z`, name: `${prefix} Zzz` },
    ]);
    try {
      expect(first.edges.map((e) => e.node.slug)).toEqual(fixtureKeys('companies', BY_NAME.slice(0, 4)));
      const seen = first.edges.map((e) => e.node.slug!);
      let cursor = first.pageInfo.endCursor;
      for (;;) {
        const page = await fetchPage('companies', '', { first: 3, after: cursor, filter });
        seen.push(...page.edges.map((e) => e.node.slug!));
        if (!page.pageInfo.hasNextPage) break;
        cursor = page.pageInfo.endCursor;
      }
      // Nothing twice, nothing skipped; the one after the cursor ('Zzz') is seen, the one before ('Aaa') is not.
      expect(seen).toEqual([...fixtureKeys('companies', BY_NAME), `${prefix}-company-inserted-z`]);
    } finally {
      await t.db.write('MATCH (n:Entity) WHERE n.slug STARTS WITH $p DETACH DELETE n', {
        p: `${prefix}-company-inserted`,
      });
    }
  });

  it('refuses first over the maximum, naming the limit, instead of clamping', async () => {
    // README default: MAX_PAGE_SIZE 100.
    const atLimit = await gql(yoga, `{ companies(first: 100) { edges { cursor } } }`);
    expect(atLimit.errors).toBeUndefined();
    const body = await gql<{ companies: unknown }>(yoga, `{ companies(first: 101) { edges { cursor } } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_PAGE_SIZE',
      max: 100,
      got: 101,
    });
    expect(body.data?.companies ?? null).toBeNull();
  });

  it('refuses a malformed cursor and a cursor from another ordering', async () => {
    const bad = await gql(yoga, `{ companies(first: 2, after: "not-a-cursor") { edges { cursor } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
    const page = await fetchPage('companies', '', { first: 1, filter: filterFor('companies') });
    const other = await gql(
      yoga,
      `query($after: String) { companies(first: 2, after: $after, orderBy: { field: CREATED_AT }) { edges { cursor } } }`,
      { after: page.pageInfo.endCursor },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });
});

describe('filters', () => {
  it('an empty list filter matches nothing; an impossible date is refused with a code', async () => {
    const empty = await gql<{ companies: { totalCount: number } }>(
      yoga,
      `{ companies(filter: { slugs: [] }) { totalCount } }`,
    );
    expect(empty.data!.companies.totalCount).toBe(0);
    const impossible = await gql(yoga, `{ deals(filter: { announcedOn: { from: "2025-02-30" } }) { totalCount } }`);
    expect(impossible.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(impossible.errors?.[0]?.message).toMatch(/2025-02-30/);
  });
});
