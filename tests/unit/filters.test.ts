/**
 * The filter compiler and aggregate expressions without a database (answers are checked on
 * Neo4j in tests/integration/analyst-corpus.test.ts and tests/e2e/analyst-queries.test.ts):
 * text from the model only, every value a parameter, text that depends on the filter's shape and
 * not its values, and the bounds.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregateExpression,
  aggregateParams,
  aggregateSpecOf,
  shapeAggregate,
  type AggregateRead,
} from '../../src/graph/aggregates.js';
import { compileFilter, filterRequires } from '../../src/graph/filters.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';
import { ROOT_ROW, type RowExpression } from '../../src/graph/patterns.js';

/** An aggregate spec's expressions written for a root row (`n`, `r`). */
const written = (spec: { numeric: Record<string, RowExpression>; groups: Record<string, RowExpression> }) => {
  const write = (exprs: Record<string, RowExpression>) =>
    Object.fromEntries(Object.entries(exprs).map(([name, expr]) => [name, expr(ROOT_ROW)]));
  return { numeric: write(spec.numeric), groups: write(spec.groups) };
};

const limits = { maxDepth: 4, maxConditions: 6, maxList: 3 };
const rel = (key: string) => TYPED_RELATIONSHIPS.find((r) => `${r.parentType}.${r.fieldName}` === key)!;

describe('compileFilter', () => {
  it('is absent (null) for no filter or an empty one, and ANDs the fields of one object in table order', () => {
    expect(compileFilter('Company', null, 'n', 'f')).toEqual({ where: null, params: {} });
    expect(compileFilter('Company', {}, 'n', 'f')).toEqual({ where: null, params: {} });
    expect(compileFilter('Company', { AND: [{}, {}] }, 'n', 'f').where).toBeNull();
    // An empty object still holds for every node where it decides the answer: inside OR and NOT.
    expect(compileFilter('Company', { OR: [{}, { country: 'US' }] }, 'n', 'f').where).toBe('(true OR n.country = $f0)');
    expect(compileFilter('Company', { NOT: {} }, 'n', 'f').where).toBe('NOT coalesce(true, false)');
    // Input order does not change the text (the plan cache keys on it).
    const a = compileFilter('Company', { country: 'US', nameContains: 'ai' }, 'n', 'f');
    const b = compileFilter('Company', { nameContains: 'ai', country: 'US' }, 'n', 'f');
    expect(a).toEqual(b);
    expect(a).toEqual({
      where: '(toLower(n.name) CONTAINS toLower($f0) AND n.country = $f1)',
      params: { f0: 'ai', f1: 'US' },
    });
  });

  it('writes StringMatch, ranges, kinds and boolean operators; empty AND adds nothing, empty OR is false; NOT is two-valued', () => {
    expect(
      compileFilter(
        'Deal',
        {
          name: { eq: 'x', in: ['a', 'b'], contains: 'c', startsWith: 'd' },
          valueUsd: { gte: 1, lte: 2 },
          announcedOn: { from: '2025-01-01' },
          OR: [{ kinds: ['INVESTMENT'] }, { NOT: { valueUsd: { gte: 5 } } }],
          AND: [],
        },
        'v',
        'p',
      ),
    ).toMatchInlineSnapshot(`
      {
        "params": {
          "p0": "x",
          "p1": [
            "a",
            "b",
          ],
          "p2": "c",
          "p3": "d",
          "p4": 1,
          "p5": 2,
          "p6": "2025-01-01",
          "p7": [
            "INVESTMENT",
          ],
          "p8": 5,
        },
        "where": "(v.name = $p0 AND v.name IN $p1 AND toLower(v.name) CONTAINS toLower($p2) AND toLower(v.name) STARTS WITH toLower($p3) AND v.valueUsd >= $p4 AND v.valueUsd <= $p5 AND v.announcedOn >= date($p6) AND (v.kind IN $p7 OR NOT coalesce(v.valueUsd >= $p8, false)))",
      }
    `);
    expect(compileFilter('Deal', { OR: [] }, 'n', 'f').where).toBe('false');
    // Any kind: the label among the node's labels, kinds mapped to labels in code.
    expect(compileFilter('Entity', { kinds: ['COMPANY', 'DEAL'] }, 'n', 'f')).toEqual({
      where: 'any(l IN labels(n) WHERE l IN $f0)',
      params: { f0: ['Company', 'Deal'] },
    });
  });

  it('writes some/none/all/count as subqueries over the model pattern, nested to any depth', () => {
    const { where, params } = compileFilter(
      'Company',
      {
        deals: {
          some: {
            role: { eq: 'buyer' },
            node: { valueUsd: { gte: 1e10 }, parties: { none: { node: { slugs: ['oracle'] } } } },
          },
          all: { role: { in: ['x'] } },
          count: { gte: 3 },
        },
      },
      'n',
      'f',
    );
    expect(where).toBe(
      '(EXISTS { MATCH (n)-[nr_0:PARTY_TO]->(nm_1) WHERE nr_0.role = $f0 AND (nm_1.valueUsd >= $f1 AND NOT EXISTS { MATCH (nm_1)<-[nm_1r_2:PARTY_TO]-(nm_1m_3) WHERE nm_1m_3.slug IN $f2 }) } AND ' +
        'NOT EXISTS { MATCH (n)-[nr_4:PARTY_TO]->(nm_5) WHERE NOT coalesce(nr_4.role IN $f3, false) } AND ' +
        'COUNT { (n)-[:PARTY_TO]->() } >= $f4)',
    );
    expect(params).toEqual({ f0: 'buyer', f1: 1e10, f2: ['oracle'], f3: ['x'], f4: 3 });
    // The far label is tested only where the model does not imply it: PART_OF into a project
    // comes from datacenters and deals, ANNOUNCED only from entities.
    expect(compileFilter('Project', { datacenters: { some: {} } }, 'n', 'f').where).toBe(
      'EXISTS { MATCH (n)<-[nr_0:PART_OF]-(nm_1:Datacenter) }',
    );
    expect(compileFilter('Project', { announcedBy: { some: { node: { kinds: ['PERSON'] } } } }, 'n', 'f').where).toBe(
      'EXISTS { MATCH (n)<-[nr_0:ANNOUNCED]-(nm_1) WHERE any(l IN labels(nm_1) WHERE l IN $f0) }',
    );
    // `all` with no test holds for every node: nothing to write.
    expect(compileFilter('Company', { deals: { all: {} } }, 'n', 'f').where).toBeNull();
  });

  it('never places a value in the text', () => {
    const hostile = "x' }) MATCH (m) DETACH DELETE m //";
    const { where, params } = compileFilter(
      'Company',
      { name: { eq: hostile }, country: hostile, deals: { some: { role: { contains: hostile } } } },
      'n',
      'f',
    );
    expect(where).not.toContain(hostile);
    expect(where).not.toContain("x'");
    expect(Object.values(params)).toEqual([hostile, hostile, hostile]);
  });

  it('refuses a filter deeper, wider or with a longer `in` list than the limits, naming the bound', () => {
    const error = (filter: Record<string, unknown>) => {
      try {
        compileFilter('Company', filter, 'n', 'f', limits);
      } catch (e) {
        return (e as { extensions: Record<string, unknown> }).extensions;
      }
      return null;
    };
    expect(error({ NOT: { NOT: { NOT: { country: 'US' } } } })).toBeNull(); // depth 4
    expect(error({ NOT: { NOT: { NOT: { NOT: { country: 'US' } } } } })).toEqual({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_FILTER_DEPTH',
      max: 4,
      got: 5,
    });
    // A relationship predicate's edge counts a level.
    expect(
      error({
        deals: {
          some: { node: { parties: { some: { node: { investors: { some: { node: { country: 'US' } } } } } } } },
        },
      }),
    ).toBeNull();
    expect(
      error({
        deals: {
          some: {
            node: { parties: { some: { node: { investors: { some: { node: { investors: { some: {} } } } } } } } },
          },
        },
      }),
    ).toMatchObject({ limit: 'MAX_FILTER_DEPTH', got: 5 });
    expect(error({ OR: Array.from({ length: 6 }, (_, i) => ({ country: `c${i}` })) })).toBeNull();
    expect(error({ OR: Array.from({ length: 7 }, (_, i) => ({ country: `c${i}` })) })).toEqual({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_FILTER_CONDITIONS',
      max: 6,
      got: 7,
    });
    expect(error({ name: { in: ['a', 'b', 'c'] } })).toBeNull();
    expect(error({ name: { in: ['a', 'b', 'c', 'd'] } })).toEqual({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_PAGE_SIZE',
      max: 3,
      got: 4,
    });
    // slugs were never bounded, and are not now.
    expect(error({ slugs: ['a', 'b', 'c', 'd', 'e'] })).toBeNull();
  });

  it('tells when a top-level range requires a property (index order), not under OR or NOT', () => {
    expect(filterRequires('Deal', { valueUsd: { gte: 1 } }, 'valueUsd')).toBe(true);
    expect(filterRequires('Deal', { valueUsd: {} }, 'valueUsd')).toBe(false);
    expect(filterRequires('Deal', { OR: [{ valueUsd: { gte: 1 } }] }, 'valueUsd')).toBe(false);
    expect(filterRequires('Deal', { NOT: { valueUsd: { gte: 1 } } }, 'valueUsd')).toBe(false);
    expect(filterRequires('Deal', { valueUsd: { gte: 1 } }, 'powerMw')).toBe(false);
  });
});

describe('aggregates', () => {
  it('offers the number fields and group fields of the node and of the relationship', () => {
    expect(written(aggregateSpecOf('Deal'))).toEqual({
      numeric: { valueUsd: 'n.valueUsd' },
      groups: {
        KIND: 'n.kind',
        ANNOUNCED_YEAR: 'toString(n.announcedOn.year)',
        STARTS_YEAR: 'toString(n.startsOn.year)',
        ENDS_YEAR: 'toString(n.endsOn.year)',
      },
    });
    const companyDeals = aggregateSpecOf(rel('Company.deals'));
    expect(companyDeals.groups.ROLE!(ROOT_ROW)).toBe('r.role');
    expect(Object.keys(aggregateSpecOf(rel('Company.projects')).numeric).sort()).toEqual([
      'committedUsd',
      'firstYearUsd',
      'pledgedUsd',
      'targetPowerMw',
    ]);
    expect(written(aggregateSpecOf(rel('Source.mentions'))).groups).toEqual({
      KIND: "toUpper(head([l IN labels(n) WHERE l <> 'Entity']))",
    });
    expect(written(aggregateSpecOf('Person'))).toEqual({ numeric: {}, groups: {} });
  });

  it('is one expression: totals, then each grouping largest first with its size as a parameter', () => {
    const read: AggregateRead = {
      index: 3,
      key: 'aggregate',
      typeName: 'DealAggregate',
      numeric: ['valueUsd'],
      groups: [{ key: 'byKind', field: 'KIND', first: 5, numeric: [] }],
    };
    expect(aggregateExpression('MATCH (n:Deal)', read, aggregateSpecOf('Deal'), ROOT_ROW)).toBe(
      '{ totals: head(COLLECT { MATCH (n:Deal) WITH count(*) AS count, sum(n.valueUsd) AS s0, min(n.valueUsd) AS m0, max(n.valueUsd) AS x0, avg(n.valueUsd) AS a0 RETURN { count: count, valueUsd: { sum: s0, min: m0, max: x0, avg: a0 } } }), ' +
        'g0: COLLECT { MATCH (n:Deal) WITH n.kind AS key, count(*) AS count ORDER BY count DESC, key LIMIT toInteger($a3_g0) RETURN { key: key, count: count } } }',
    );
    expect(aggregateParams(read)).toEqual({ a3_g0: 5 });
  });

  it('shapes what Neo4j returns, and nothing (a parent without rows) as zero', () => {
    const read: AggregateRead = {
      index: 0,
      key: 'a',
      typeName: 'T',
      numeric: ['valueUsd'],
      groups: [{ key: 'g', field: 'KIND', first: 5, numeric: ['valueUsd'] }],
    };
    const int = (n: number) => ({ low: n, high: 0, toNumber: () => n, valueOf: () => n });
    expect(
      shapeAggregate(
        {
          totals: { count: int(2), valueUsd: { sum: 3, min: 1, max: 2, avg: 1.5 } },
          g0: [{ key: 'LEASE', count: int(2), valueUsd: { sum: 3, min: 1, max: 2, avg: 1.5 } }],
        },
        read,
      ),
    ).toEqual({
      count: 2,
      valueUsd: { sum: 3, min: 1, max: 2, avg: 1.5 },
      groups: { g: [{ key: 'LEASE', count: 2, valueUsd: { sum: 3, min: 1, max: 2, avg: 1.5 } }] },
    });
    expect(shapeAggregate({ totals: null, g0: [] }, read)).toEqual({
      count: 0,
      valueUsd: { sum: 0, min: null, max: null, avg: null },
      groups: { g: [] },
    });
  });
});
