/**
 * The cost measure (src/query-cost.ts) on the real schema, without a database: a relationship
 * filter's work grows by D per level, whole-set reads are priced once per connection, and a
 * measurement that fails refuses the operation. Over HTTP: tests/e2e/query-cost.test.ts.
 */
import {
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLInputType,
  getOperationAST,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { ASSUMED_DEGREE as D, filterWork, measureOperation, queryCostRefusal, ROOT_SET } from '../../src/query-cost.js';
import { schema } from '../../src/schema/index.js';

const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
const limits = { maxComplexity: 25_000, maxDepth: 16 };
const type = (name: string) => schema.getType(name) as GraphQLInputType;

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables, { config }).complexity;
};

describe('filterWork', () => {
  it('costs property tests nothing, a predicate D × (1 + its node filter), count D', () => {
    expect(filterWork({ kinds: ['AI_LAB'], name: { contains: 'a' } }, type('CompanyFilter'))).toBe(0);
    expect(filterWork({ deals: { some: { role: { eq: 'buyer' } } } }, type('CompanyFilter'))).toBe(D);
    expect(filterWork({ deals: { count: { gte: 2 } } }, type('CompanyFilter'))).toBe(D);
    expect(filterWork({ deals: { none: {}, all: {}, count: { gte: 1 } } }, type('CompanyFilter'))).toBe(3 * D);
    expect(filterWork(null, type('CompanyFilter'))).toBe(0);
  });

  it('multiplies by D per level nested, and adds up AND/OR/NOT entries', () => {
    let filter: Record<string, unknown> = { slugs: ['x'] };
    const works: number[] = [];
    for (let level = 1; level <= 4; level++) {
      filter = level % 2 ? { deals: { some: { node: filter } } } : { parties: { all: { node: filter } } };
      works.push(filterWork(filter, type(level % 2 ? 'CompanyFilter' : 'DealFilter')));
    }
    expect(works).toEqual([D, D + D ** 2, D + D ** 2 + D ** 3, D + D ** 2 + D ** 3 + D ** 4]);
    const one = { deals: { some: {} } };
    expect(filterWork({ AND: [one, one], OR: [one], NOT: one }, type('CompanyFilter'))).toBe(4 * D);
  });
});

describe('measureOperation', () => {
  it('prices totalCount once per connection, not per item of its page', () => {
    const base = cost(`{ entity(slug: "x") { ... on Company { deals(first: 100) { edges { node { slug } } } } } }`);
    expect(base).toBe(1 + 100);
    const counted = cost(
      `{ entity(slug: "x") { ... on Company { deals(first: 100) { totalCount edges { node { slug } } } } } }`,
    );
    expect(counted).toBe(base + D);
  });

  it('prices a root count and aggregate over the root set, with the filter tested on each node', () => {
    expect(cost('{ companies(first: 1) { totalCount } }')).toBe(1 + ROOT_SET);
    const filter = '{ deals: { some: { role: { eq: "buyer" } } } }';
    // The page: S × D to find it; the count: S × (1 + D); the aggregate: 1 + S × (1 + D).
    expect(cost(`{ companies(first: 1, filter: ${filter}) { totalCount aggregate { count } } }`)).toBe(
      1 + ROOT_SET * D + 2 * ROOT_SET * (1 + D) + 1,
    );
  });

  it('uses the variables it is given: coerced values, defaults included', () => {
    const query = 'query($n: Int = 7) { companies(first: $n) { edges { node { slug } } } }';
    expect(cost(query, { n: 7 })).toBe(7);
    expect(cost(query, { n: 30 })).toBe(30);
  });
});

describe('queryCostRefusal', () => {
  it('leaves variables that do not coerce to execution (no refusal of its own)', () => {
    const document = parse('query($n: Int!) { companies(first: $n) { totalCount } }');
    expect(
      queryCostRefusal({ schema, document, variableValues: { n: 'many' }, contextValue: { config } }, limits),
    ).toBe(null);
  });

  it('refuses, never lets through, an operation whose measurement fails for any reason', () => {
    const Item = new GraphQLObjectType({ name: 'Item', fields: { name: { type: GraphQLString } } });
    const failing = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          items: {
            type: new GraphQLList(Item),
            args: { first: { type: GraphQLInt } },
            extensions: {
              complexity: () => {
                throw new TypeError('a rule that breaks');
              },
            },
          },
        },
      }),
    });
    const refusal = queryCostRefusal({ schema: failing, document: parse('{ items(first: 1) { name } }') }, limits);
    expect(refusal?.extensions).toEqual({ code: 'LIMIT_EXCEEDED', limit: 'MAX_COMPLEXITY', max: 25_000 });
    expect(refusal?.message).toMatch(/cannot be measured/);
  });
});
