/**
 * The read planner's statements, without a database (in the style of the Neo4j GraphQL
 * Library's tests/tck): a document in, the Cypher text and parameters out. Answers are checked
 * on Neo4j in tests/integration/planner.test.ts.
 */
import { parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { explainPlans } from '../../src/plan/explain.js';
import { statementCache } from '../../src/plan/compile.js';
import { ENTITY_RELATIONSHIPS_ORDERING } from '../../src/plan/cypher.js';
import { keyExpressions, relationshipOrdering } from '../../src/graph/ordering.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';
import { encodeCursor } from '../../src/graph/cursor.js';

/** Cypher text broken at clause keywords, so snapshots read like statements. */
const format = (cypher: string) =>
  cypher
    .replace(/ (?=(CALL|MATCH|WHERE|WITH|ORDER BY|LIMIT|RETURN|COLLECT|COUNT) )/g, '\n')
    .replace(/ (?=__(rows|count|sources)\d+:)/g, '\n');

const plan = (query: string, variables: Record<string, unknown> = {}) => {
  const plans = explainPlans(schema, parse(query), rootConnectionSpecs, variables);
  return Object.fromEntries(
    Object.entries(plans).map(([key, p]) => [key, { cypher: format(p.cypher), params: p.params }]),
  );
};

describe('read planner statements', () => {
  it('folds a nested page of connections into one statement with the selected properties only', () => {
    expect(
      plan(`{
        companies(first: 2) {
          totalCount
          edges { node { slug name createdAt
            deals(first: 5) { edges { role node { slug valueUsd announcedOn
              parties(first: 3) { totalCount edges { node { name } } }
            } } }
          } }
        }
      }`),
    ).toMatchInlineSnapshot(`
      {
        "companies": {
          "cypher": "CALL () {
      MATCH (n:Company)
      WHERE n.name IS NOT NULL AND n.id IS NOT NULL
      WITH n
      ORDER BY n.name ASC, n.id ASC
      LIMIT toInteger($fetch)
      RETURN collect({ n: n { .slug, .name, createdAt: n.createdAt.epochMillis,
      __rows0:
      COLLECT {
      MATCH (n)-[r0:PARTY_TO]->(n0) USING INDEX SEEK r0:PARTY_TO(fromId, toLabel, toName, toId)
      WHERE r0.fromId = n.id AND r0.toLabel = 'Deal' AND r0.toName IS NOT NULL AND r0.toId IS NOT NULL
      WITH n, r0, n0
      ORDER BY r0.fromId, r0.toLabel, r0.toName, r0.toId
      LIMIT toInteger($c0_fetch)
      RETURN { role: r0.role, n: n0 { .slug, .valueUsd, announcedOn: toString(n0.announcedOn),
      __count1:
      COUNT { (n0)<-[:PARTY_TO]-() }, __parent: elementId(n0) } } } } }) AS edges }
      CALL (edges) { UNWIND edges AS x
      WITH x.n AS m UNWIND coalesce(m.__rows0, []) AS x
      WITH x.n AS m
      WITH DISTINCT m.__parent AS eid
      WHERE eid IS NOT NULL
      MATCH (p1)
      WHERE elementId(p1) = eid
      RETURN collect([eid,
      COLLECT {
      MATCH (p1)<-[r1:PARTY_TO]-(n1) USING INDEX SEEK r1:PARTY_TO(toId, fromLabel, fromName, fromId)
      WHERE r1.toId = p1.id AND r1.fromLabel = 'Company' AND r1.fromName IS NOT NULL AND r1.fromId IS NOT NULL
      WITH p1, r1, n1
      ORDER BY r1.toId, r1.fromLabel, r1.fromName, r1.fromId
      LIMIT toInteger($c1_fetch)
      RETURN { n: n1 { .name } } }]) AS __table1 }
      WITH edges, __table1,
      COUNT {
      MATCH (n:Company) } AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] + [x IN __table1 | ['__table1', x]] AS part
      RETURN part[0] AS key, part[1] AS value",
          "params": {
            "c0_fetch": 6,
            "c1_fetch": 4,
            "fetch": 3,
          },
        },
      }
    `);
  });

  it('reads fields selected on Entity once and guards kind fragments by label', () => {
    expect(
      plan(
        `query($withDeals: Boolean!) {
        entity(slug: "openai") {
          name
          sources { title publishedOn }
          ... on Company { kind dealCount: deals @include(if: $withDeals) { totalCount } }
          ...PersonParts
        }
      }
      fragment PersonParts on Person { leads(first: 2) { edges { title node { slug } } } }`,
        { withDeals: true },
      ),
    ).toMatchInlineSnapshot(`
      {
        "entity": {
          "cypher": "MATCH (n:Entity {slug: $slug})
      RETURN n { label: head([l IN labels(n)
      WHERE l <> 'Entity']), .name, .kind,
      __rows1: CASE WHEN n:Person THEN
      COLLECT {
      MATCH (n)-[r1:LEADS]->(n1) USING INDEX SEEK r1:LEADS(fromId, toLabel, toName, toId)
      WHERE r1.fromId = n.id AND r1.toLabel = 'Company' AND r1.toName IS NOT NULL AND r1.toId IS NOT NULL
      WITH n, r1, n1
      ORDER BY r1.fromId, r1.toLabel, r1.toName, r1.toId
      LIMIT toInteger($c1_fetch)
      RETURN { title: r1.title, n: n1 { .slug } } } END,
      __sources0:
      COLLECT {
      MATCH (s0:Source)-[:MENTIONS]->(n)
      WITH s0
      ORDER BY s0.publishedOn IS NULL, s0.publishedOn DESC, s0.id
      RETURN s0 { title: s0.title, publishedOn: toString(s0.publishedOn) } },
      __count2: CASE WHEN n:Company THEN
      COUNT { (n)-[:PARTY_TO]->() } END } AS node",
          "params": {
            "c1_fetch": 3,
            "slug": "openai",
          },
        },
      }
    `);
  });

  it('drops what @include(if: false) and @skip(if: true) leave out', () => {
    const query = `query($a: Boolean!, $b: Boolean!) {
      entity(slug: "x") { slug ... on Company { deals @include(if: $a) { totalCount } leaders @skip(if: $b) { totalCount } } }
    }`;
    const withBoth = plan(query, { a: true, b: false }).entity!.cypher;
    const withNone = plan(query, { a: false, b: true }).entity!.cypher;
    expect(withBoth).toContain(':PARTY_TO');
    expect(withBoth).toContain(':LEADS');
    expect(withNone).not.toContain('PARTY_TO');
    expect(withNone).not.toContain('LEADS');
  });

  it('binds filters, ordering, cursors and backward pages as parameters', () => {
    const after = encodeCursor('Deal:VALUE_USD:DESC', [5e9, 'd-1']);
    expect(
      plan(
        `query($after: String, $min: Float) {
          deals(first: 10, after: $after, filter: { valueUsd: { gte: $min } }, orderBy: { field: VALUE_USD, direction: DESC }) {
            pageInfo { hasNextPage endCursor }
            edges { node { slug parties(last: 2) { edges { role node { slug } } } } }
          }
        }`,
        { after, min: 1e9 },
      ),
    ).toMatchInlineSnapshot(`
      {
        "deals": {
          "cypher": "CALL () {
      MATCH (n:Deal)
      WHERE n.valueUsd <= $cursor[0] AND n.id IS NOT NULL AND n.valueUsd >= $f0 AND [coalesce(n.valueUsd, -1.0), n.id] < $cursor
      WITH n
      ORDER BY n.valueUsd DESC, n.id DESC
      LIMIT toInteger($fetch)
      RETURN collect({ k: [coalesce(n.valueUsd, -1.0), n.id], n: n { .slug,
      __rows0:
      COLLECT {
      MATCH (n)<-[r0:PARTY_TO]-(n0) USING INDEX SEEK r0:PARTY_TO(toId, fromLabel, fromName, fromId)
      WHERE r0.toId = n.id AND r0.fromLabel = 'Company' AND r0.fromName IS NOT NULL AND r0.fromId IS NOT NULL
      WITH n, r0, n0
      ORDER BY r0.toId DESC, r0.fromLabel DESC, r0.fromName DESC, r0.fromId DESC
      LIMIT toInteger($c0_fetch)
      RETURN { role: r0.role, n: n0 { .slug } } } } }) AS edges }
      WITH edges, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part
      RETURN part[0] AS key, part[1] AS value",
          "params": {
            "c0_fetch": 3,
            "cursor": [
              5000000000,
              "d-1",
            ],
            "f0": 1000000000,
            "fetch": 11,
          },
        },
      }
    `);
  });

  it('leaves unknown fields to their resolvers and returns the whole node for them', () => {
    const { companies } = plan(
      `{ companies(first: 3) { edges { node { slug dealStats { count } excludedByDeals: deals { totalCount } } } } }`,
    );
    expect(companies!.cypher).toContain('n { .*');
    expect(companies!.cypher).toContain('COUNT { (n)-[:PARTY_TO]->() }');
    expect(companies!.cypher).not.toContain('dealStats');
  });

  it('leaves a nested connection with invalid arguments to its resolver, which reports the error at its path', () => {
    const { companies } = plan(
      `{ companies(first: 3) { edges { node { slug deals(first: 100000) { totalCount } } } } }`,
    );
    expect(companies!.cypher).not.toContain('PARTY_TO');
  });

  it('puts no request text in the statement: aliases and values become keys and parameters', () => {
    const hostile = "x'}) DETACH DELETE n //";
    const { evil } = plan(
      `query($s: String!) { evil: entity(slug: $s) { alias1: name ... on Company { inject: deals(first: 1) { edges { node { slug } } } } } }`,
      { s: hostile },
    );
    expect(evil!.cypher).not.toContain('evil');
    expect(evil!.cypher).not.toContain('alias1');
    expect(evil!.cypher).not.toContain('inject');
    expect(evil!.cypher).not.toContain('DETACH');
    expect(evil!.params.slug).toBe(hostile);
  });

  it('caches the statement per operation and shape: a repeated operation only binds values', () => {
    const document = parse(
      `query($slug: String!) { entity(slug: $slug) { name ... on Company { deals(first: 2) { edges { node { slug } } } } } }`,
    );
    // Spied on, so the test fails when planning compiles every time: equal text alone would not.
    statementCache.clear();
    const get = vi.spyOn(statementCache, 'get');
    const set = vi.spyOn(statementCache, 'set');
    try {
      const first = explainPlans(schema, document, rootConnectionSpecs, { slug: 'openai' });
      const second = explainPlans(schema, document, rootConnectionSpecs, { slug: 'oracle' });
      expect(second.entity!.cypher).toBe(first.entity!.cypher);
      expect(second.entity!.params).toEqual({ ...first.entity!.params, slug: 'oracle' });
      // Compiled and stored once; the second planning read the text from the cache.
      expect(set).toHaveBeenCalledTimes(1);
      expect(get.mock.results.map((r) => r.value)).toEqual([undefined, first.entity!.cypher]);
      // Another shape is a miss, compiled and stored beside the first.
      explainPlans(schema, parse(`{ entity(slug: "openai") { name } }`), rootConnectionSpecs, {});
      expect(set).toHaveBeenCalledTimes(2);
      expect(statementCache.size).toBe(2);
    } finally {
      get.mockRestore();
      set.mockRestore();
    }
  });
});

describe('order keys', () => {
  it('are written for the variables of the read that sorts by them', () => {
    expect(keyExpressions(ENTITY_RELATIONSHIPS_ORDERING.keys, { node: 'n3', rel: 'r3' })).toEqual([
      'type(r3)',
      'n3.name',
      'n3.id',
      'elementId(r3)',
    ]);
    const sources = relationshipOrdering({ parentType: 'Company', fieldName: 'sources', nodeLabel: 'Source' });
    expect(keyExpressions(sources.keys, { node: 'n12', rel: 'r12' })).toEqual(["coalesce(n12.title, '')", 'n12.id']);
  });
});
