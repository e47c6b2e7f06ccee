/**
 * Aggregates (src/graph/aggregates.ts) by their structure, not only their spelling: which number
 * and group fields each connection offers and what each one reads (node or relationship, a plain
 * property or its value at a time slice), which parameters an aggregate binds, and how a returned
 * map is shaped. The answers themselves are checked on Neo4j in tests/e2e/analyst-queries.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregateExpression,
  aggregateParams,
  aggregateSpecOf,
  shapeAggregate,
  type AggregateRead,
  type AggregateSpec,
} from '../../src/graph/aggregates.js';
import { kindOf, propertyAt, relationshipPropertyAt } from '../../src/claims/time.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';
import type { RowVariables } from '../../src/graph/patterns.js';

const rel = (key: string) => TYPED_RELATIONSHIPS.find((r) => `${r.parentType}.${r.fieldName}` === key)!;
const row: RowVariables = { node: 'm', rel: 'q' };
const timeRow: RowVariables = { node: 'm', rel: 'q', time: true };

/** A spec's expressions written for one row. */
const written = (spec: AggregateSpec, at: RowVariables) => {
  const write = (exprs: AggregateSpec['numeric']) =>
    Object.fromEntries(Object.entries(exprs).map(([name, expr]) => [name, expr(at)]));
  return { numeric: write(spec.numeric), groups: write(spec.groups) };
};

// What each expression reads, in the claims module's own terms: a node property (sourced or
// not) or a relationship property, today or at a slice.
const node = (field: string, sourced: boolean, time: boolean) => propertyAt('m', field, sourced, time);
const edge = (field: string, time: boolean) => relationshipPropertyAt('q', field, time);
const year = (expr: string) => (/^[\w.]+$/.test(expr) ? `toString(${expr}.year)` : `toString((${expr}).year)`);

describe('what a connection aggregates', () => {
  it("offers a node's number fields, its groupable strings and its dates' years, reading the row's node", () => {
    for (const time of [false, true]) {
      const at = time ? timeRow : row;
      expect(written(aggregateSpecOf('Project'), at)).toEqual({
        numeric: {
          pledgedUsd: node('pledgedUsd', true, time),
          targetPowerMw: node('targetPowerMw', true, time),
          firstYearUsd: node('firstYearUsd', true, time),
        },
        groups: { STATUS: node('status', true, time), ANNOUNCED_YEAR: year(node('announcedOn', true, time)) },
      });
      expect(written(aggregateSpecOf('Datacenter'), at)).toEqual({
        numeric: { powerMw: node('powerMw', true, time) },
        // `location` is a string but not a grouping; `targetDate` groups as TARGET_YEAR.
        groups: { STATUS: node('status', true, time), TARGET_YEAR: year(node('targetDate', true, time)) },
      });
      expect(written(aggregateSpecOf('Company'), at)).toEqual({
        numeric: {},
        groups: { KIND: node('kind', true, time), COUNTRY: node('country', true, time) },
      });
      // A source's properties are its own, never claims, in a time read too.
      expect(written(aggregateSpecOf('Source'), at)).toEqual({
        numeric: {},
        groups: { PUBLISHER: 'm.publisher', PUBLISHED_YEAR: 'toString(m.publishedOn.year)', LANGUAGE: 'm.language' },
      });
      // Any kind: only the kind, as the label a time read gives (held-back labels read as theirs).
      expect(written(aggregateSpecOf('Entity'), at)).toEqual({
        numeric: {},
        groups: { KIND: `toUpper(${kindOf('m', time)})` },
      });
    }
    // A time read's values are claim lookups, not plain properties: the two rows differ.
    expect(node('pledgedUsd', true, true)).not.toBe('m.pledgedUsd');
    expect(year(node('announcedOn', true, true))).toMatch(/^toString\(\(.+\)\.year\)$/);
  });

  it("adds every property of a typed relationship, read on the row's relationship", () => {
    for (const time of [false, true]) {
      const at = time ? timeRow : row;
      const projects = written(aggregateSpecOf(rel('Company.projects')), at);
      expect(projects.numeric).toEqual({
        pledgedUsd: node('pledgedUsd', true, time),
        targetPowerMw: node('targetPowerMw', true, time),
        firstYearUsd: node('firstYearUsd', true, time),
        committedUsd: edge('committedUsd', time),
      });
      expect(projects.groups).toEqual({
        STATUS: node('status', true, time),
        ANNOUNCED_YEAR: year(node('announcedOn', true, time)),
        ROLE: edge('role', time),
      });
      // Every string of a relationship groups (LEADS.title), and its dates group by year.
      expect(written(aggregateSpecOf(rel('Person.leads')), at).groups).toEqual({
        KIND: node('kind', true, time),
        COUNTRY: node('country', true, time),
        TITLE: edge('title', time),
        SINCE_YEAR: year(edge('since', time)),
      });
      expect(written(aggregateSpecOf(rel('Company.investments')), at)).toEqual({
        numeric: { amountUsd: edge('amountUsd', time) },
        groups: {
          KIND: node('kind', true, time),
          COUNTRY: node('country', true, time),
          ON_YEAR: year(edge('on', time)),
        },
      });
    }
    // A relationship without properties adds nothing to its far node's fields.
    expect(written(aggregateSpecOf(rel('Project.datacenters')), row)).toEqual(
      written(aggregateSpecOf('Datacenter'), row),
    );
    expect(written(aggregateSpecOf(rel('Source.cites')), row)).toEqual(written(aggregateSpecOf('Source'), row));
  });

  it('derives each spec once and hands the same one to every request', () => {
    expect(aggregateSpecOf('Deal')).toBe(aggregateSpecOf('Deal'));
    expect(aggregateSpecOf(rel('Company.deals'))).toBe(aggregateSpecOf(rel('Company.deals')));
    expect(aggregateSpecOf(rel('Company.deals'))).not.toBe(aggregateSpecOf('Deal'));
  });
});

describe('an aggregate expression', () => {
  const spec = aggregateSpecOf(rel('Company.projects'));
  const read: AggregateRead = {
    index: 7,
    key: 'stats',
    typeName: 'CompanyProjectsAggregate',
    numeric: ['pledgedUsd', 'committedUsd'],
    groups: [
      { key: 'byStatus', field: 'STATUS', first: 3, numeric: [] },
      { key: 'byRole', field: 'ROLE', first: 10, numeric: ['committedUsd'] },
    ],
  };

  it('binds each grouping size as its own parameter, named by aggregate and grouping', () => {
    expect(aggregateParams(read)).toEqual({ a7_g0: 3, a7_g1: 10 });
    const params: Record<string, unknown> = { other: 1 };
    expect(aggregateParams(read, params)).toBe(params);
    expect(params).toEqual({ other: 1, a7_g0: 3, a7_g1: 10 });
    expect(aggregateParams({ ...read, groups: [] })).toEqual({});
    // Every parameter the text names is bound, and no other.
    const text = aggregateExpression('MATCH (m)', read, spec, row);
    expect([...text.matchAll(/\$(\w+)/g)].map((m) => m[1]).sort()).toEqual(Object.keys(aggregateParams(read)).sort());
  });

  it("computes each number field's four statistics over the row's expressions, totals and per group", () => {
    const text = aggregateExpression('MATCH (m)<-[q]-(n)', read, spec, row);
    const pledged = spec.numeric.pledgedUsd!(row);
    const committed = spec.numeric.committedUsd!(row);
    expect(text.startsWith('{ totals: head(COLLECT { MATCH (m)<-[q]-(n) WITH count(*) AS count, ')).toBe(true);
    for (const [i, expr] of [pledged, committed].entries())
      expect(text).toContain(
        `sum(${expr}) AS s${i}, min(${expr}) AS m${i}, max(${expr}) AS x${i}, avg(${expr}) AS a${i}`,
      );
    expect(text).toContain(
      'RETURN { count: count, pledgedUsd: { sum: s0, min: m0, max: x0, avg: a0 }, committedUsd: { sum: s1, min: m1, max: x1, avg: a1 } } })',
    );
    // Each grouping by its key expression, largest first, its own size, its own statistics.
    expect(text).toContain(
      `g0: COLLECT { MATCH (m)<-[q]-(n) WITH ${spec.groups.STATUS!(row)} AS key, count(*) AS count ORDER BY count DESC, key LIMIT toInteger($a7_g0) RETURN { key: key, count: count } }`,
    );
    expect(text).toContain(
      `g1: COLLECT { MATCH (m)<-[q]-(n) WITH ${spec.groups.ROLE!(row)} AS key, count(*) AS count, sum(${committed}) AS s0, min(${committed}) AS m0, max(${committed}) AS x0, avg(${committed}) AS a0 ORDER BY count DESC, key LIMIT toInteger($a7_g1) RETURN { key: key, count: count, committedUsd: { sum: s0, min: m0, max: x0, avg: a0 } } }`,
    );
    // Totals, then the groupings in order, each after a comma.
    expect(text).toContain('avg: a1 } } }), g0: COLLECT {');
    expect(text).toContain('RETURN { key: key, count: count } }, g1: COLLECT {');
    expect(text.endsWith(' } }')).toBe(true);
    // The row decides what is read: a time row reads the claims' values.
    expect(aggregateExpression('MATCH (m)', read, spec, timeRow)).toContain(
      `sum(${spec.numeric.committedUsd!(timeRow)})`,
    );
  });

  it('with no number field and no grouping is the count alone', () => {
    expect(aggregateExpression('MATCH (n)', { ...read, numeric: [], groups: [] }, spec, row)).toBe(
      '{ totals: head(COLLECT { MATCH (n) WITH count(*) AS count RETURN { count: count } }) }',
    );
  });
});

describe('shapeAggregate', () => {
  const read: AggregateRead = {
    index: 0,
    key: 'a',
    typeName: 'T',
    numeric: ['x', 'y'],
    groups: [
      { key: 'first', field: 'KIND', first: 5, numeric: [] },
      { key: 'second', field: 'ROLE', first: 5, numeric: ['y'] },
    ],
  };
  const int = (n: number) => ({ low: n, high: 0, toNumber: () => n, valueOf: () => n });

  it('reads each grouping by its position, keys as strings or null, driver integers as numbers', () => {
    expect(
      shapeAggregate(
        {
          totals: {
            count: int(7),
            x: { sum: int(10), min: 1, max: 4, avg: 2.5 },
            y: { sum: 0, min: 0, max: 0, avg: 0 },
          },
          g0: [
            { key: 'A', count: int(4) },
            { key: null, count: int(3) },
          ],
          g1: [{ key: 2024, count: int(7), y: { sum: 1, min: 1, max: 1, avg: 1 } }],
        },
        read,
      ),
    ).toEqual({
      count: 7,
      x: { sum: 10, min: 1, max: 4, avg: 2.5 },
      // Zeros stay zeros (not "missing").
      y: { sum: 0, min: 0, max: 0, avg: 0 },
      groups: {
        first: [
          { key: 'A', count: 4 },
          { key: null, count: 3 },
        ],
        second: [{ key: '2024', count: 7, y: { sum: 1, min: 1, max: 1, avg: 1 } }],
      },
    });
  });

  it('gives no rows as a zero count and sum, null statistics and empty groups', () => {
    const none = {
      count: 0,
      x: { sum: 0, min: null, max: null, avg: null },
      y: { sum: 0, min: null, max: null, avg: null },
      groups: { first: [], second: [] },
    };
    expect(shapeAggregate(null, read)).toEqual(none);
    expect(shapeAggregate(undefined, read)).toEqual(none);
    expect(shapeAggregate({}, read)).toEqual(none);
    expect(shapeAggregate({ totals: { count: 0, x: { sum: null, min: null, max: null, avg: null } } }, read)).toEqual(
      none,
    );
  });
});
