/**
 * Keyset paging plans (src/graph/paging.ts): argument checks, the Cypher ordering and cursor
 * predicate, and pages walked over an in-memory list that stands in for the database.
 */
import { describe, expect, it, vi } from 'vitest';
import { decodeCursor, encodeCursor, type CursorKey } from '../../src/graph/cursor.js';
import {
  checkPageArgs,
  lazyConnection,
  planPage,
  toPage,
  type PageArgs,
  type PagePlan,
} from '../../src/graph/paging.js';
import {
  indexedSortKey,
  orderingFor,
  orderingsOf,
  relationshipOrdering,
  ORDERINGS,
  type Ordering,
} from '../../src/graph/ordering.js';
import { ROOT_ROW } from '../../src/graph/patterns.js';
import { ROOT_CONNECTIONS } from '../../src/graph/root-connections.js';
import { keysetPredicate, orderByClause, pageKeys } from '../../src/plan/cypher.js';
import type { StargraphError } from '../../src/errors.js';

const byName: Ordering = { name: 'test.byName', keys: [{ expr: () => 'n.name' }, { expr: () => 'n.id' }] };
const byValueDesc: Ordering = {
  name: 'test.byValue',
  keys: [{ expr: () => 'n.valueUsd', descending: true }, { expr: () => 'n.id' }],
};

/** A page's ORDER BY and keyset test as the statement builder writes them for a root row. */
const orderOf = (ordering: Ordering, plan: PagePlan) => orderByClause(pageKeys(ordering, plan, ROOT_ROW));
const keysetOf = (ordering: Ordering, plan: PagePlan) => keysetPredicate(pageKeys(ordering, plan, ROOT_ROW), '$cursor');

/** An ordering with its keys written for a root row (`n`). */
const written = (ordering: Ordering) => ({
  ...ordering,
  keys: ordering.keys.map((k) => ({ ...k, expr: k.expr(ROOT_ROW) })),
});

function refusal(run: () => unknown): StargraphError {
  try {
    run();
  } catch (e) {
    return e as StargraphError;
  }
  throw new Error('expected a refusal');
}

describe('checkPageArgs', () => {
  it.each<[string, PageArgs, RegExp]>([
    ['first and last', { first: 1, last: 1 }, /either first or last/],
    ['a negative first', { first: -1 }, /first must not be negative/],
    ['a negative last', { last: -2 }, /last must not be negative/],
    ['after and before', { after: 'a', before: 'b' }, /either after or before/],
    ['last with after', { last: 1, after: 'a' }, /last pages backward/],
    ['first with before', { first: 1, before: 'b' }, /first pages forward/],
  ])('refuses %s as BAD_USER_INPUT', (_, args, message) => {
    const e = refusal(() => checkPageArgs(args, 100));
    expect(e.extensions.code).toBe('BAD_USER_INPUT');
    expect(e.message).toMatch(message);
  });

  it.each([
    ['first', { first: 101 }],
    ['last', { last: 101 }],
  ] as const)('refuses %s over the maximum as LIMIT_EXCEEDED naming MAX_PAGE_SIZE (never clamps)', (name, args) => {
    const e = refusal(() => checkPageArgs(args, 100));
    expect(e.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_PAGE_SIZE', max: 100, got: 101 });
    expect(e.message).toBe(`${name} must be at most 100 (got 101)`);
  });

  it.each<PageArgs>([
    {},
    { first: 0 },
    { first: 100 },
    { last: 100, before: 'b' },
    { first: 5, after: 'a' },
    { first: null, last: 3, after: null, before: 'b' },
    { before: 'b' },
  ])('accepts %j', (args) => {
    expect(() => checkPageArgs(args, 100)).not.toThrow();
  });
});

describe('planPage', () => {
  it('without arguments: forward, the default size, no cursor', () => {
    const plan = planPage({}, byName, 100);
    expect(plan).toEqual({
      backward: false,
      size: 20,
      fetch: 21,
      cursorKey: null,
      hasCursor: false,
    });
    expect(orderOf(byName, plan)).toBe('n.name ASC, n.id ASC');
    expect(planPage({}, byName, 100, 7)).toMatchObject({ size: 7, fetch: 8 });
  });

  it('first after a cursor: keys after it, in the ordering as declared', () => {
    const plan = planPage({ first: 3, after: encodeCursor(byValueDesc.name, [5e9, 'd-9']) }, byValueDesc, 100);
    expect(plan).toEqual({
      backward: false,
      size: 3,
      fetch: 4,
      cursorKey: [5e9, 'd-9'],
      hasCursor: true,
    });
    expect(keysetOf(byValueDesc, plan)).toBe(
      '((n.valueUsd < $cursor[0]) OR (n.valueUsd = $cursor[0] AND n.id > $cursor[1]))',
    );
    expect(orderOf(byValueDesc, plan)).toBe('n.valueUsd DESC, n.id ASC');
  });

  it('last before a cursor: the ordering reversed, keys before it', () => {
    const plan = planPage({ last: 2, before: encodeCursor(byValueDesc.name, [5e9, 'd-9']) }, byValueDesc, 100);
    expect(plan).toEqual({
      backward: true,
      size: 2,
      fetch: 3,
      cursorKey: [5e9, 'd-9'],
      hasCursor: true,
    });
    expect(keysetOf(byValueDesc, plan)).toBe(
      '((n.valueUsd > $cursor[0]) OR (n.valueUsd = $cursor[0] AND n.id < $cursor[1]))',
    );
    expect(orderOf(byValueDesc, plan)).toBe('n.valueUsd ASC, n.id DESC');
  });

  it('before alone pages backward with the default size; last alone needs no cursor', () => {
    expect(planPage({ before: encodeCursor(byName.name, ['a', 'b']) }, byName, 100)).toMatchObject({
      backward: true,
      size: 20,
    });
    expect(planPage({ last: 4 }, byName, 100)).toMatchObject({
      backward: true,
      size: 4,
      hasCursor: false,
    });
  });

  it('a three-key ordering compares each key only once the ones before it are equal', () => {
    const ordering: Ordering = {
      name: 'three',
      keys: [{ expr: () => 'a' }, { expr: () => 'b', descending: true }, { expr: () => 'c' }],
    };
    expect(keysetOf(ordering, planPage({ after: encodeCursor('three', [1, 2, 3]) }, ordering, 100))).toBe(
      '((a > $cursor[0]) OR (a = $cursor[0] AND b < $cursor[1]) OR (a = $cursor[0] AND b = $cursor[1] AND c > $cursor[2]))',
    );
  });

  it('refuses a cursor of another ordering, and checks the arguments first', () => {
    expect(
      refusal(() => planPage({ after: encodeCursor(byName.name, ['a', 'b']) }, byValueDesc, 100)).extensions.code,
    ).toBe('INVALID_CURSOR');
    expect(refusal(() => planPage({ first: 500 }, byName, 100)).extensions.code).toBe('LIMIT_EXCEEDED');
  });
});

describe('toPage over an in-memory table', () => {
  // Seven rows ordered by name then id; "b" twice, so the id breaks the tie.
  const table = [
    ['a', 'r1'],
    ['b', 'r2'],
    ['b', 'r3'],
    ['c', 'r4'],
    ['d', 'r5'],
    ['e', 'r6'],
    ['f', 'r7'],
  ].map(([name, id]) => ({ id: id!, sortKey: [name!, id!] as CursorKey }));

  const compare = (x: CursorKey, y: CursorKey) => {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  };
  /** What the database does with a plan: order (reversed when backward), skip to the cursor, take `fetch`. */
  const fetchRows = (plan: PagePlan) =>
    [...table]
      .sort((x, y) => (plan.backward ? -1 : 1) * compare(x.sortKey, y.sortKey))
      .filter((row) => plan.cursorKey === null || (plan.backward ? -1 : 1) * compare(row.sortKey, plan.cursorKey) > 0)
      .slice(0, plan.fetch);
  const page = (args: PageArgs) => {
    const plan = planPage(args, byName, 100);
    return toPage(fetchRows(plan), plan, byName);
  };
  const ids = (p: ReturnType<typeof page>) => p.edges.map((e) => e.id);

  it('walks forward in pages of three, then stops', () => {
    const first = page({ first: 3 });
    expect(ids(first)).toEqual(['r1', 'r2', 'r3']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = page({ first: 3, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(['r4', 'r5', 'r6']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const third = page({ first: 3, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(['r7']);
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('walks backward in pages of three, each page still in forward order', () => {
    const last = page({ last: 3 });
    expect(ids(last)).toEqual(['r5', 'r6', 'r7']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = page({ last: 3, before: last.pageInfo.startCursor });
    expect(ids(before)).toEqual(['r2', 'r3', 'r4']);
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const start = page({ last: 3, before: before.pageInfo.startCursor });
    expect(ids(start)).toEqual(['r1']);
    expect(start.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("gives each edge its own row's key as cursor, and the first and last as start and end", () => {
    const p = page({ first: 2, after: encodeCursor(byName.name, ['a', 'r1']) });
    expect(p.edges.map((e) => decodeCursor(e.cursor, byName.name, byName.keys))).toEqual([
      ['b', 'r2'],
      ['b', 'r3'],
    ]);
    expect(p.pageInfo.startCursor).toBe(p.edges[0]!.cursor);
    expect(p.pageInfo.endCursor).toBe(p.edges[1]!.cursor);
  });

  it('an exact fit has no next page; an empty page has no cursors', () => {
    expect(page({ first: 7 }).pageInfo.hasNextPage).toBe(false);
    expect(page({ first: 6 }).pageInfo.hasNextPage).toBe(true);
    const empty = page({ first: 3, after: encodeCursor(byName.name, ['z', 'r9']) });
    expect(empty).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
    expect(page({ first: 0 }).edges).toEqual([]);
  });
});

describe('lazyConnection', () => {
  const emptyPage = {
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };

  it('loads the page once for edges and pageInfo together, and not at all for totalCount alone', async () => {
    const loadPage = vi.fn(async () => emptyPage);
    const count = vi.fn(async () => 42);
    const countOnly = lazyConnection({ first: 5 }, 100, loadPage, count);
    expect(await countOnly.totalCount()).toBe(42);
    expect(loadPage).not.toHaveBeenCalled();

    const both = lazyConnection({ first: 5 }, 100, loadPage, count);
    expect(await both.edges).toEqual([]);
    expect(await both.pageInfo).toEqual(emptyPage.pageInfo);
    expect(loadPage).toHaveBeenCalledTimes(1);
  });

  it('checks the arguments up front, whatever is selected', () => {
    const loadPage = vi.fn(async () => emptyPage);
    expect(refusal(() => lazyConnection({ first: 101 }, 100, loadPage, async () => 0)).extensions.code).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(loadPage).not.toHaveBeenCalled();
  });
});

describe('orderings (src/graph/ordering.ts)', () => {
  it('orders a root connection by its first orderBy field unless told, then by id, named for cursors', () => {
    expect(written(orderingFor(ROOT_CONNECTIONS.Deal, null))).toEqual({
      name: 'Deal:NAME:ASC',
      keys: [
        { expr: 'n.name', descending: false },
        { expr: 'n.id', descending: false },
      ],
      indexed: 'name',
    });
    expect(written(orderingFor(ROOT_CONNECTIONS.Deal, { field: 'VALUE_USD', direction: 'DESC' }))).toEqual({
      name: 'Deal:VALUE_USD:DESC',
      keys: [
        { expr: 'coalesce(n.valueUsd, -1.0)', descending: true },
        { expr: 'n.id', descending: true },
      ],
    });
    expect(orderingFor(ROOT_CONNECTIONS.Source, null).name).toBe('Source:PUBLISHED_ON:ASC');
  });

  it('reads a nullable key in index order only when a range filter requires its property', () => {
    const spec = ROOT_CONNECTIONS.Deal;
    const orderBy = { field: 'VALUE_USD' };
    expect(indexedSortKey(spec, { orderBy })).toBeNull();
    expect(indexedSortKey(spec, { orderBy, filter: { valueUsd: { gte: 1 } } })?.property).toBe('valueUsd');
    expect(indexedSortKey(spec, {})?.property).toBe('name');
    expect(indexedSortKey(spec, { orderBy: { field: 'ANNOUNCED_ON' } })).toBeNull();
  });

  it('orders a relationship page by name (title for sources) unless orderBy names a far ordering', () => {
    const deals = { parentType: 'Company', fieldName: 'deals', nodeLabel: 'Deal' } as const;
    expect(written(relationshipOrdering(deals))).toEqual({
      name: 'Company.deals',
      keys: [{ expr: 'n.name' }, { expr: 'n.id' }],
      indexed: 'name',
    });
    expect(written(relationshipOrdering({ parentType: 'Company', fieldName: 'sources', nodeLabel: 'Source' }))).toEqual(
      {
        name: 'Company.sources',
        keys: [{ expr: "coalesce(n.title, '')" }, { expr: 'n.id' }],
      },
    );
    expect(relationshipOrdering(deals, { field: 'CREATED_AT', direction: 'DESC' }).name).toBe(
      'Company.deals:CREATED_AT:DESC',
    );
  });

  it('offers every entity position the common orderings, and each label its own', () => {
    expect(Object.keys(orderingsOf('Entity'))).toEqual(['NAME', 'CREATED_AT', 'UPDATED_AT']);
    expect(Object.keys(orderingsOf('Deal'))).toEqual(Object.keys(ORDERINGS.Deal));
    expect(Object.keys(orderingsOf('Deal'))).toContain('VALUE_USD');
    for (const spec of Object.values(ROOT_CONNECTIONS)) expect(spec.orderings).toBe(ORDERINGS[spec.label]);
  });
});
