/**
 * The filter compiler (src/graph/filters.ts) by the structure it builds, beside the spelling
 * tests/unit/filters.test.ts pins: how the predicate of a filter tree is composed of its
 * sub-trees' predicates, which parameters it binds (every value once, named in order, none left
 * unnamed), which limit each part of the tree counts against, and what the tables offer.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTER_LIMITS,
  EDGE_FILTER_KIND,
  FILTER_FIELDS,
  FILTER_LABELS,
  and,
  compileFilter,
  filterBounds,
  filterLimits,
  filterRequires,
  relationFiltersOf,
  type FilterLabel,
} from '../../src/graph/filters.js';
import { heldAt, propertyAt } from '../../src/claims/time.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';

type Filter = Record<string, unknown>;
const where = (label: FilterLabel, filter: Filter, v = 'n', prefix = 'f') =>
  compileFilter(label, filter, v, prefix).where;

/** The `$names` a predicate uses, in order. */
const named = (text: string | null) => [...(text ?? '').matchAll(/\$(\w+)/g)].map((m) => m[1]!);

/** The filter's error as the API reports it, or null when it compiles. */
function refusal(label: FilterLabel, filter: Filter, limits = { maxDepth: 3, maxConditions: 4, maxList: 2 }) {
  try {
    compileFilter(label, filter, 'n', 'f', limits);
    return null;
  } catch (e) {
    const error = e as { message: string; extensions: Record<string, unknown> };
    return { ...error.extensions, message: error.message };
  }
}

describe('a filter tree', () => {
  const a = { country: 'US' };
  const b = { nameContains: 'ai' };
  it("is composed of its sub-trees' predicates: AND joins them, OR alternates, NOT negates two-valued", () => {
    const wa = where('Company', a);
    const wb = where('Company', b);
    // Parameters are numbered through the whole tree: a later sub-tree's start where the last ended.
    const renumber = (text: string | null, to: number) => text!.replace('$f0', `$f${to}`);
    expect(wa).toBe(`${propertyAt('n', 'country', true, false)} = $f0`);
    expect(where('Company', { AND: [a, b] })).toBe(`(${wa} AND ${renumber(wb, 1)})`);
    expect(where('Company', { AND: [a] })).toBe(`(${wa})`);
    expect(where('Company', { OR: [a, b] })).toBe(`(${wa} OR ${renumber(wb, 1)})`);
    expect(where('Company', { OR: [a] })).toBe(`(${wa})`);
    expect(where('Company', { NOT: a })).toBe(`NOT coalesce(${wa}, false)`);
    // Fields of one object and its operators are one conjunction, fields first.
    expect(where('Company', { NOT: b, ...a })).toBe(`(${wa} AND NOT coalesce(${wb!.replace('$f0', '$f1')}, false))`);
    // AND before OR whatever the input's order.
    expect(where('Company', { OR: [a, b], AND: [a] })).toBe(`((${wa}) AND (${renumber(wa, 1)} OR ${renumber(wb, 2)}))`);
    // Unset and null fields are no test at all.
    expect(
      compileFilter('Company', { country: null, nameContains: undefined, AND: null, OR: null, NOT: null }, 'n', 'f'),
    ).toEqual({
      where: null,
      params: {},
    });
    // The node variable is the caller's.
    expect(where('Company', a, 'x9')).toBe(`${propertyAt('x9', 'country', true, false)} = $f0`);
  });

  it('binds every value once, as parameters named by the prefix in the order the text uses them', () => {
    const filter = {
      nameContains: 'n',
      country: 'c',
      kinds: ['AI_LAB'],
      name: { eq: 'e', in: ['i'], contains: 'co', startsWith: 's' },
      deals: { some: { role: { eq: 'r' }, node: { valueUsd: { gte: 1, lte: 2 } } }, count: { gte: 3, lte: 4 } },
      OR: [{ country: 'o1' }, { NOT: { country: 'o2' } }],
    };
    const { where: text, params } = compileFilter('Company', filter, 'n', 'p_');
    const names = named(text);
    expect(names).toEqual(Array.from({ length: names.length }, (_, i) => `p_${i}`));
    expect(Object.keys(params)).toEqual(names);
    // In the table's field order (not the input's), then relationships, then AND, OR and NOT.
    expect(Object.values(params)).toEqual(['n', 'e', ['i'], 'co', 's', ['AI_LAB'], 'c', 'r', 1, 2, 3, 4, 'o1', 'o2']);
    // The same shape with other values: the same text, other parameters (compiled statements cache by text).
    const other = compileFilter(
      'Company',
      {
        nameContains: 'x',
        country: 'y',
        kinds: ['INVESTOR'],
        name: { eq: 'z', in: ['w', 'v'], contains: 'u', startsWith: 't' },
        deals: { some: { role: { eq: 'q' }, node: { valueUsd: { gte: 5, lte: 6 } } }, count: { gte: 7, lte: 8 } },
        OR: [{ country: 'k' }, { NOT: { country: 'l' } }],
      },
      'n',
      'p_',
    );
    expect(other.where).toBe(text);
    expect(Object.keys(other.params)).toEqual(names);
  });

  it('names each relationship predicate its own variables, so nested and sibling subqueries never share one', () => {
    const text = where('Company', {
      deals: { some: { node: { parties: { some: {} } } }, none: { role: { eq: 'x' } }, all: { role: { eq: 'y' } } },
      investors: { some: {} },
    })!;
    const variables = [...text.matchAll(/\[(\w+):/g)].map((m) => m[1]!);
    expect(variables).toHaveLength(5);
    expect(new Set(variables).size).toBe(5);
    const far = [...text.matchAll(/\]-?>?\((\w+)/g)].map((m) => m[1]!);
    expect(far).toHaveLength(5);
    expect(new Set([...variables, ...far]).size).toBe(10);
  });

  it('writes each kind of field by its table entry: the property named there, the test its kind makes', () => {
    const p = (property: string) => propertyAt('n', property, true, false);
    expect(where('Datacenter', { locationContains: 'x' })).toBe(`toLower(${p('location')}) CONTAINS toLower($f0)`);
    expect(where('Company', { country: 'x' })).toBe(`${p('country')} = $f0`);
    expect(where('Project', { statuses: ['PLANNED'] })).toBe(`${p('status')} IN $f0`);
    expect(where('Datacenter', { powerMw: { lte: 5 } })).toBe(`${p('powerMw')} <= $f0`);
    expect(where('Project', { announcedOn: { to: '2025-01-01' } })).toBe(`${p('announcedOn')} <= date($f0)`);
    expect(where('Source', { publisher: 'x', language: 'fr' })).toBe('(n.publisher = $f0 AND n.language = $f1)');
    expect(where('Source', { title: { startsWith: 'x' } })).toBe('toLower(n.title) STARTS WITH toLower($f0)');
    expect(where('Deal', { kinds: ['LEASE'] })).toBe(`${p('kind')} IN $f0`);
    // A relationship's own properties by their type: a string matches, a number ranges, a date ranges.
    expect(
      where('Company', { investments: { some: { amountUsd: { gte: 1 }, on: { from: '2025-01-01' } } } }),
    ).toContain('WHERE nr_0.amountUsd >= $f0 AND nr_0.on >= date($f1)');
  });
});

describe('a filter in a time read', () => {
  const time = (label: FilterLabel, filter: Filter) =>
    compileFilter(label, filter, 'n', 'f', DEFAULT_FILTER_LIMITS, true);

  it('tests values as the claims give them at the slice, and kinds among held-back labels too', () => {
    expect(time('Company', { country: 'US' }).where).toBe(`${propertyAt('n', 'country', true, true)} = $f0`);
    expect(time('Source', { publisher: 'x' }).where).toBe('n.publisher = $f0');
    expect(time('Entity', { kinds: ['COMPANY', 'DEAL'] }).params).toEqual({
      f0: ['Company', 'Deal', 'HCompany', 'HDeal'],
    });
    expect(compileFilter('Entity', { kinds: ['COMPANY'] }, 'n', 'f').params).toEqual({ f0: ['Company'] });
  });

  it('follows only relationships and far entities held at the slice (a source is never held back)', () => {
    const some = time('Company', { deals: { some: {} } }).where!;
    expect(some).toContain(heldAt('nr_0'));
    expect(some).toContain(heldAt('nm_1'));
    const cites = time('Source', { cites: { some: {} } }).where!;
    expect(cites).toContain(heldAt('nr_0'));
    expect(cites).not.toContain(heldAt('nm_1'));
    // Plain reads test no slice.
    expect(where('Company', { deals: { some: {} } })).not.toContain('$asOf');
    // A count at the slice counts only held relationships.
    const count = time('Company', { deals: { count: { gte: 1 } } }).where!;
    expect(count).toContain('>= $f0');
    expect(count).toContain(heldAt('nr_0'));
    expect(count).toContain(heldAt('nm_1'));
    expect(where('Company', { deals: { count: { gte: 1 } } })).toBe('COUNT { (n)-[:PARTY_TO]->() } >= $f0');
  });
});

describe('the limits of one filter', () => {
  it('count every compared value and every relationship predicate, up to MAX_FILTER_CONDITIONS', () => {
    const four: Filter[] = [
      { nameContains: 'a', country: 'b', kinds: ['AI_LAB'], slugs: ['c'] },
      { name: { eq: 'a', in: ['b'], contains: 'c', startsWith: 'd' } },
      { deals: { some: {}, none: {}, all: { role: { eq: 'x' } } } },
      { deals: { count: { gte: 1, lte: 2 } }, country: 'x', nameContains: 'y' },
      { OR: [{ country: 'a' }, { country: 'b' }], NOT: { AND: [{ country: 'c' }, { country: 'd' }] } },
    ];
    for (const filter of four) expect(refusal('Company', filter), JSON.stringify(filter)).toBeNull();
    const five: Filter[] = [
      { nameContains: 'a', country: 'b', kinds: ['AI_LAB'], slugs: ['c'], name: { eq: 'e' } },
      { name: { eq: 'a', in: ['b'], contains: 'c', startsWith: 'd' }, country: 'e' },
      { deals: { some: {}, none: {}, all: { role: { eq: 'x' } } }, country: 'e' },
      { deals: { count: { gte: 1, lte: 2 } }, country: 'x', nameContains: 'y', slugs: ['z'] },
      { OR: [{ country: 'a' }, { country: 'b' }, { country: 'e' }], NOT: { country: 'c', nameContains: 'd' } },
      {
        Datacenter: null,
        pledgedUsd: null,
        deals: { some: { node: { valueUsd: { gte: 1, lte: 2 } } } },
        country: 'a',
        slugs: ['b'],
      },
    ];
    for (const filter of five)
      expect(refusal('Company', filter), JSON.stringify(filter)).toEqual({
        code: 'LIMIT_EXCEEDED',
        limit: 'MAX_FILTER_CONDITIONS',
        max: 4,
        got: 5,
        message: 'Conditions in one filter must be at most 4 (got 5)',
      });
    // Ranges count each bound; dates as numbers.
    expect(refusal('Project', { pledgedUsd: { gte: 1, lte: 2 }, announcedOn: { from: 'a', to: 'b' } })).toBeNull();
    expect(
      refusal('Project', { pledgedUsd: { gte: 1, lte: 2 }, announcedOn: { from: 'a', to: 'b' }, slugs: ['x'] }),
    ).toMatchObject({
      limit: 'MAX_FILTER_CONDITIONS',
    });
  });

  it('count nesting through AND, OR, NOT and a relationship predicate, up to MAX_FILTER_DEPTH', () => {
    const deep = {
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_FILTER_DEPTH',
      max: 3,
      got: 4,
      message: 'Filter nesting must be at most 3 (got 4)',
    };
    expect(refusal('Company', { AND: [{ OR: [{ country: 'x' }] }] })).toBeNull();
    expect(refusal('Company', { AND: [{ OR: [{ NOT: { country: 'x' } }] }] })).toEqual(deep);
    expect(refusal('Company', { OR: [{ NOT: { AND: [] } }] })).toBeNull(); // an empty AND adds no level
    expect(refusal('Company', { OR: [{ NOT: { AND: [{}] } }] })).toEqual(deep);
    // A relationship predicate's edge is a level; its `node` is on the edge's level.
    expect(refusal('Company', { deals: { some: { node: { parties: { some: {} } } } } })).toBeNull();
    expect(
      refusal('Company', { deals: { some: { node: { parties: { some: { node: { country: 'x' } } } } } } }),
    ).toBeNull();
    expect(refusal('Company', { deals: { some: { node: { parties: { some: { node: { NOT: {} } } } } } } })).toEqual(
      deep,
    );
    expect(refusal('Company', { NOT: { deals: { none: { node: { parties: { all: {} } } } } } })).toEqual(deep);
  });

  it('bound each `in` list to MAX_PAGE_SIZE, on nodes and on relationships, naming the field', () => {
    expect(refusal('Company', { name: { in: ['a', 'b'] } })).toBeNull();
    expect(refusal('Company', { name: { in: ['a', 'b', 'c'] } })).toEqual({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_PAGE_SIZE',
      max: 2,
      got: 3,
      message: 'Values in name.in must be at most 2 (got 3)',
    });
    expect(refusal('Company', { deals: { some: { role: { in: ['a', 'b', 'c'] } } } })).toMatchObject({
      limit: 'MAX_PAGE_SIZE',
      message: 'Values in role.in must be at most 2 (got 3)',
    });
  });

  it("come from the configuration's limits, the list bound being the page size", () => {
    expect(filterLimits({ maxPageSize: 7, maxFilterDepth: 2, maxFilterConditions: 9 })).toEqual({
      maxDepth: 2,
      maxConditions: 9,
      maxList: 7,
    });
    expect(DEFAULT_FILTER_LIMITS).toEqual({ maxDepth: 8, maxConditions: 50, maxList: 100 });
  });
});

describe('what a filter asks of a property', () => {
  it('requires a property only for a set bound of a top-level range on it', () => {
    expect(filterRequires('Deal', null, 'valueUsd')).toBe(false);
    expect(filterRequires('Deal', undefined, 'valueUsd')).toBe(false);
    expect(filterRequires('Deal', { valueUsd: { lte: 5 } }, 'valueUsd')).toBe(true);
    expect(filterRequires('Deal', { valueUsd: { gte: null, lte: null } }, 'valueUsd')).toBe(false);
    expect(filterRequires('Deal', { valueUsd: null }, 'valueUsd')).toBe(false);
    // Only number ranges: a date range or a string test does not make the property's order index usable.
    expect(filterRequires('Deal', { announcedOn: { from: '2025-01-01' } }, 'announcedOn')).toBe(false);
    expect(filterRequires('Deal', { announcedOn: { gte: 1 } }, 'announcedOn')).toBe(false);
    expect(filterRequires('Company', { country: 'US' }, 'country')).toBe(false);
    expect(filterRequires('Datacenter', { powerMw: { gte: 0 } }, 'powerMw')).toBe(true);
  });

  it('gives the bounds a top-level range sets, and only those', () => {
    expect(filterBounds('Deal', null, 'valueUsd')).toEqual({});
    expect(filterBounds('Deal', { valueUsd: { gte: 1, lte: 2 } }, 'valueUsd')).toEqual({ gte: 1, lte: 2 });
    expect(filterBounds('Deal', { valueUsd: { gte: 0 } }, 'valueUsd')).toEqual({ gte: 0 });
    expect(filterBounds('Deal', { valueUsd: { lte: 0, gte: null } }, 'valueUsd')).toEqual({ lte: 0 });
    expect(filterBounds('Deal', { valueUsd: null }, 'valueUsd')).toEqual({});
    expect(filterBounds('Deal', { valueUsd: { gte: 1 } }, 'powerMw')).toEqual({});
    expect(filterBounds('Deal', { announcedOn: { from: 'a' } }, 'announcedOn')).toEqual({});
    expect(filterBounds('Deal', { announcedOn: { gte: 1 } }, 'announcedOn')).toEqual({});
    expect(filterBounds('Deal', { OR: [{ valueUsd: { gte: 1 } }] }, 'valueUsd')).toEqual({});
  });
});

describe('the filter tables', () => {
  it('offer each input its fields, the common ones on every entity kind', () => {
    expect(Object.keys(FILTER_FIELDS.Entity)).toEqual(['nameContains', 'slugs', 'name', 'kinds']);
    expect(Object.keys(FILTER_FIELDS.Person)).toEqual(['nameContains', 'slugs', 'name']);
    expect(Object.keys(FILTER_FIELDS.Company)).toEqual(['nameContains', 'slugs', 'name', 'kinds', 'country']);
    expect(Object.keys(FILTER_FIELDS.Source)).toEqual(['titleContains', 'title', 'publisher', 'language']);
    expect(FILTER_FIELDS.Company.kinds).toMatchObject({ kind: 'oneOf', property: 'kind', enumName: 'CompanyKind' });
    expect(FILTER_FIELDS.Entity.kinds).toMatchObject({ kind: 'kinds' });
    expect(FILTER_FIELDS.Deal.valueUsd).toEqual({ kind: 'floatRange', property: 'valueUsd' });
    expect(FILTER_FIELDS.Datacenter.locationContains).toMatchObject({ kind: 'contains', property: 'location' });
    expect(FILTER_FIELDS.Datacenter.locationContains!.description).toMatch(/location/);
    expect(FILTER_FIELDS.Datacenter.location!.description).toMatch(/location/);
    expect(FILTER_LABELS).toEqual(['Person', 'Company', 'Project', 'Datacenter', 'Deal', 'Source', 'Entity']);
    expect(EDGE_FILTER_KIND).toEqual({ string: 'stringMatch', number: 'floatRange', date: 'dateRange' });
  });

  it('offer relationship predicates on every typed relationship of a type, none on Entity', () => {
    expect(relationFiltersOf('Entity')).toEqual([]);
    for (const label of ['Person', 'Company', 'Project', 'Datacenter', 'Deal', 'Source'] as const)
      expect(relationFiltersOf(label)).toEqual(TYPED_RELATIONSHIPS.filter((r) => r.parentType === label));
  });

  it('join present predicates with AND, leaving absent ones out', () => {
    expect(and()).toBeNull();
    expect(and(null, undefined)).toBeNull();
    expect(and('a')).toBe('a');
    expect(and(null, 'a', undefined, 'b')).toBe('a AND b');
    expect(and('')).toBe('');
  });
});
