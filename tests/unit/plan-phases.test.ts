/**
 * The planner phase by phase, without a database (in the style of the Neo4j GraphQL Library's
 * tests/tck): for representative operations, the read tree the walk makes (printed), the
 * statement compiled from it and its parameters; and the statement cache key, which must tell
 * apart every two trees whose statements differ and only those.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { encodeCursor } from '../../src/graph/cursor.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';
import { ORDERINGS, orderingBy, orderingsOf, relationshipOrdering } from '../../src/graph/ordering.js';
import { ROOT_ROW } from '../../src/graph/patterns.js';
import { countRoot, loadRootPage, ROOT_CONNECTIONS } from '../../src/graph/root-connections.js';
import { compileRoot, statementKey } from '../../src/plan/compile.js';
import { explainPlans, explainTrees, printTree } from '../../src/plan/explain.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';

type Vars = Record<string, unknown>;

/** Cypher text broken at clause keywords, so snapshots read like statements. */
const format = (cypher: string) =>
  cypher.replace(/ (?=(CALL|MATCH|WHERE|WITH|ORDER BY|RETURN|COLLECT|COUNT|UNWIND) )/g, '\n');

/** Each phase's output for a document with one root field: the printed tree, the text, the parameters. */
function phases(query: string, variables: Vars = {}) {
  const document = parse(query);
  const [tree] = Object.values(explainTrees(schema, document, rootConnectionSpecs, variables));
  const [statement] = Object.values(explainPlans(schema, document, rootConnectionSpecs, variables));
  expect(compileRoot(tree!)).toBe(statement!.cypher);
  return { tree: printTree(tree!), cypher: format(statement!.cypher), params: statement!.params };
}

/** The statement cache key of a document's one root field. */
function keyOf(query: string, variables: Vars = {}) {
  const [tree] = Object.values(explainTrees(schema, parse(query), rootConnectionSpecs, variables));
  return statementKey(tree!);
}

describe('each phase of a planned read', () => {
  it('a root page with a count, and a filtered nested page with edge properties', () => {
    const { tree, cypher, params } = phases(
      `query($n: Int!) { companies(first: $n, filter: { country: "US" }) {
        totalCount
        edges { cursor node { name deals(first: 2, filter: { valueUsd: { gte: 1000 } }) {
          totalCount edges { role node { name valueUsd announcedOn } } } } }
      } }`,
      { n: 3 },
    );
    expect(tree).toMatchInlineSnapshot(`
      "Company Company:NAME:ASC forward index(name) count keys filtered
        Company { name }
          deals#0 OUT PARTY_TO Company.deals forward count filtered edge(role)
            Deal { name valueUsd:number announcedOn:date }"
    `);
    expect(cypher).toMatchInlineSnapshot(`
      "CALL () {
      MATCH (n:Company)
      WHERE n.name IS NOT NULL AND n.id IS NOT NULL AND n.country = $f0
      WITH n
      ORDER BY n.name ASC, n.id ASC LIMIT toInteger($fetch)
      RETURN collect({ k: [n.name, n.id], n: n { .name, __rows0:
      COLLECT {
      MATCH (n)-[r0:PARTY_TO]->(n0)
      WHERE n0.valueUsd >= $c0_f0
      WITH r0, n0
      ORDER BY n0.name ASC, n0.id ASC LIMIT toInteger($c0_fetch)
      RETURN { role: r0.role, n: n0 { .name, .valueUsd, announcedOn: toString(n0.announcedOn) } } }, __count0:
      COUNT {
      MATCH (n)-[:PARTY_TO]->(n0)
      WHERE n0.valueUsd >= $c0_f0 } } }) AS edges }
      WITH edges,
      COUNT {
      MATCH (n:Company)
      WHERE n.country = $f0 } AS total
      UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part
      RETURN part[0] AS key, part[1] AS value"
    `);
    expect(params).toMatchInlineSnapshot(`
      {
        "c0_f0": 1000,
        "c0_fetch": 3,
        "f0": "US",
        "fetch": 4,
      }
    `);
  });

  it('an entity by slug with kind fragments, sources and a page two connections down', () => {
    const { tree, cypher, params } = phases(
      `query($slug: String!) { entity(slug: $slug) {
        id name
        ... on Company { leaders(first: 2) {
          edges { title node { name leads(first: 3) { edges { node { slug } } } } } } }
        sources { title }
      } }`,
      { slug: 'openai' },
    );
    expect(tree).toMatchInlineSnapshot(`
      "entity(slug)
        Person { id name }
          sources#0 sources
            Source { title }
        Company { id name }
          leaders#1 IN LEADS Company.leaders forward edge(title)
            Person { name }
              leads#2 OUT LEADS Person.leads forward
                Company { slug }
          sources#0 (as above)
        Project { id name }
          sources#0 (as above)
        Datacenter { id name }
          sources#0 (as above)
        Deal { id name }
          sources#0 (as above)"
    `);
    expect(cypher).toMatchInlineSnapshot(`
      "MATCH (n:Entity {slug: $slug})
      WITH n { .id, label: head([l IN labels(n)
      WHERE l <> 'Entity']), .name, __sources0:
      COLLECT {
      MATCH (s0:Source)-[:MENTIONS]->(n)
      WITH s0
      ORDER BY s0.publishedOn IS NULL, s0.publishedOn DESC, s0.id
      RETURN s0 { title: s0.title } }, __rows1: CASE WHEN n:Company THEN
      COLLECT {
      MATCH (n)<-[r1:LEADS]-(n1) USING INDEX SEEK r1:LEADS(toId, fromLabel, fromName, fromId)
      WHERE r1.toId = n.id AND r1.fromLabel = 'Person' AND r1.fromName IS NOT NULL AND r1.fromId IS NOT NULL
      WITH n, r1, n1
      ORDER BY r1.toId, r1.fromLabel, r1.fromName, r1.fromId LIMIT toInteger($c1_fetch)
      RETURN { title: r1.title, n: n1 { .name, __parent: elementId(n1) } } } END } AS node
      CALL (node) {
      WITH node AS m
      UNWIND coalesce(m.__rows1, []) AS x
      WITH x.n AS m
      WITH DISTINCT m.__parent AS eid
      WHERE eid IS NOT NULL
      MATCH (p2)
      WHERE elementId(p2) = eid
      RETURN collect([eid,
      COLLECT {
      MATCH (p2)-[r2:LEADS]->(n2) USING INDEX SEEK r2:LEADS(fromId, toLabel, toName, toId)
      WHERE r2.fromId = p2.id AND r2.toLabel = 'Company' AND r2.toName IS NOT NULL AND r2.toId IS NOT NULL
      WITH p2, r2, n2
      ORDER BY r2.fromId, r2.toLabel, r2.toName, r2.toId LIMIT toInteger($c2_fetch)
      RETURN { n: n2 { .slug } } }]) AS __table2 }
      RETURN node, __table2"
    `);
    expect(params).toMatchInlineSnapshot(`
      {
        "c1_fetch": 3,
        "c2_fetch": 4,
        "slug": "openai",
      }
    `);
  });

  it('a backward root page from a cursor in index order, with aggregates and no nodes', () => {
    const before = encodeCursor('Deal:VALUE_USD:DESC', [5e8, 'deal-x']);
    const { tree, cypher, params } = phases(
      `query($before: String!) { deals(last: 2, before: $before, orderBy: { field: VALUE_USD, direction: DESC },
        filter: { valueUsd: { gte: 1000000 } }) {
        pageInfo { hasPreviousPage }
        aggregate { count valueUsd { sum avg } groupBy(field: KIND, first: 3) { key count } }
      } }`,
      { before },
    );
    expect(tree).toMatchInlineSnapshot(
      `"Deal Deal:VALUE_USD:DESC backward+cursor index(valueUsd) keys filtered aggregate aggregate#0(valueUsd by KIND)"`,
    );
    expect(cypher).toMatchInlineSnapshot(`
      "CALL () {
      MATCH (n:Deal)
      WHERE n.valueUsd >= $cursor[0] AND n.id IS NOT NULL AND n.valueUsd >= $f0 AND [coalesce(n.valueUsd, -1.0), n.id] > $cursor
      WITH n
      ORDER BY n.valueUsd ASC, n.id ASC LIMIT toInteger($fetch)
      RETURN collect({ k: [coalesce(n.valueUsd, -1.0), n.id], n: null }) AS edges }
      WITH edges, null AS total, { totals: head(COLLECT {
      MATCH (n:Deal)
      WHERE n.valueUsd >= $f0
      WITH count(*) AS count, sum(n.valueUsd) AS s0, min(n.valueUsd) AS m0, max(n.valueUsd) AS x0, avg(n.valueUsd) AS a0
      RETURN { count: count, valueUsd: { sum: s0, min: m0, max: x0, avg: a0 } } }), g0:
      COLLECT {
      MATCH (n:Deal)
      WHERE n.valueUsd >= $f0
      WITH n.kind AS key, count(*) AS count
      ORDER BY count DESC, key LIMIT toInteger($a0_g0)
      RETURN { key: key, count: count } } } AS __aggregate0
      UNWIND [['total', total], ['__aggregate0', __aggregate0]] + [x IN edges | ['edge', x]] AS part
      RETURN part[0] AS key, part[1] AS value"
    `);
    expect(params).toMatchInlineSnapshot(`
      {
        "a0_g0": 3,
        "cursor": [
          500000000,
          "deal-x",
        ],
        "f0": 1000000,
        "fetch": 3,
      }
    `);
  });
});

describe('the statement cache key', () => {
  const nested = (args: string, selection = 'edges { node { name } }') =>
    `{ companies(first: 5) { edges { node { name deals(${args}) { ${selection} } } } } }`;

  it('differs whenever the statement would', () => {
    const variants = [
      // The base, then one statement-relevant change each.
      nested('first: 2'),
      nested('last: 2'),
      nested(`first: 2, after: "${encodeCursor('Company.deals', ['a', 'b'])}"`),
      nested('first: 2, orderBy: { field: VALUE_USD }'),
      nested('first: 2, orderBy: { field: VALUE_USD, direction: DESC }'),
      nested('first: 2, filter: { valueUsd: { gte: 1 } }'),
      nested('first: 2, filter: { valueUsd: { lte: 1 } }'),
      nested('first: 2', 'totalCount edges { node { name } }'),
      nested('first: 2', 'edges { cursor node { name } }'),
      nested('first: 2', 'edges { role node { name } }'),
      nested('first: 2', 'edges { node { slug } }'),
      nested('first: 2', 'edges { node { name id } }'),
      nested('first: 2', 'edges { node { name parties(first: 1) { totalCount } } }'),
      nested('first: 2', 'edges { node { name } } aggregate { count }'),
      nested('first: 2', 'edges { node { name } } aggregate { count valueUsd { sum } }'),
      nested('first: 2', 'edges { node { name } } aggregate { groupBy(field: KIND) { key } }'),
      nested('first: 2', 'edges { node { name } } aggregate { groupBy(field: ANNOUNCED_YEAR) { key } }'),
      nested('first: 2', 'edges { node { name extraNotPlanned: sources { title } } }'),
      `{ companies(first: 5) { edges { node { name } } } }`,
      `{ companies(first: 5) { totalCount } }`,
      `{ companies(first: 5, orderBy: { field: CREATED_AT }) { edges { node { name } } } }`,
      `{ companies(first: 5, filter: { country: "US" }) { edges { node { name } } } }`,
      `{ people(first: 5) { edges { node { name } } } }`,
      `{ entity(slug: "x") { name } }`,
      `{ entity(slug: "x") { ... on Company { kind } } }`,
    ];
    const keys = variants.map((query) => keyOf(query));
    expect(new Set(keys).size).toBe(variants.length);
    // And so do the statements: no two of these trees share a text.
    const texts = variants.map((query) => Object.values(explainPlans(schema, parse(query), rootConnectionSpecs))[0]!);
    expect(new Set(texts.map((t) => t.cypher)).size).toBe(variants.length);
  });

  it('is the same when only values differ', () => {
    const query = `query($n: Int!, $m: Int!, $min: Float!, $g: Int!, $after: String, $country: String) {
      companies(first: $n, after: $after, filter: { country: $country }) { edges { cursor node { name
        deals(first: $m, filter: { valueUsd: { gte: $min } }) {
          edges { node { name } } aggregate { groupBy(field: KIND, first: $g) { key } } } } } } }`;
    const cursor = (name: string) => encodeCursor('Company:NAME:ASC', [name, `${name}-id`]);
    const a = { n: 5, m: 2, min: 1, g: 3, after: cursor('a'), country: 'US' };
    const b = { n: 50, m: 20, min: 1e9, g: 10, after: cursor('z'), country: 'FR' };
    expect(keyOf(query, b)).toBe(keyOf(query, a));
    const [planA] = Object.values(explainPlans(schema, parse(query), rootConnectionSpecs, a));
    const [planB] = Object.values(explainPlans(schema, parse(query), rootConnectionSpecs, b));
    expect(planB!.cypher).toBe(planA!.cypher);
    expect(planB!.params).not.toEqual(planA!.params);
    expect(keyOf(`{ entity(slug: "openai") { name } }`)).toBe(keyOf(`{ entity(slug: "oracle") { name } }`));
  });

  it('names an ordering by its name, which says its key expressions and directions', () => {
    const deals = (orderBy: string) => keyOf(`{ deals(first: 1, orderBy: ${orderBy}) { edges { node { slug } } } }`);
    expect(deals('{ field: VALUE_USD }')).toContain('"ordering":"Deal:VALUE_USD:ASC"');
    expect(deals('{ field: VALUE_USD }')).not.toBe(deals('{ field: VALUE_USD, direction: DESC }'));
    expect(deals('{ field: VALUE_USD }')).not.toBe(deals('{ field: NAME }'));
  });

  it('never gives two orderings with different keys the same name (the key relies on it)', () => {
    const orderings = [
      ...Object.entries(ORDERINGS).flatMap(([label, fields]) =>
        Object.keys(fields).flatMap((field) =>
          (['ASC', 'DESC'] as const).map((direction) => orderingBy(label, fields, { field, direction })),
        ),
      ),
      ...TYPED_RELATIONSHIPS.flatMap((rel) => [
        relationshipOrdering(rel),
        ...Object.keys(orderingsOf(rel.nodeLabel)).map((field) => relationshipOrdering(rel, { field })),
      ]),
    ];
    const textByName = new Map<string, string>();
    for (const ordering of orderings) {
      const keys = ordering.keys.map((k) => [k.expr(ROOT_ROW), !!k.descending]);
      const text = JSON.stringify([keys, ordering.indexed ?? null]);
      expect(textByName.get(ordering.name) ?? text, ordering.name).toBe(text);
      textByName.set(ordering.name, text);
    }
    expect(textByName.size).toBeGreaterThan(50);
  });
});

describe('root pages, planned and loaded', () => {
  /** The statements the root connection loaders (planner off) send, recorded. */
  async function loaderStatements(args: Record<string, unknown>) {
    const calls: Array<{ cypher: string; params: Record<string, unknown> }> = [];
    const ctx = {
      config: { limits: { maxPageSize: 100, maxFilterDepth: 5, maxFilterConditions: 50 } },
      db: {
        read: async (cypher: string, params: Record<string, unknown>) => {
          calls.push({ cypher, params });
          return [];
        },
      },
    } as unknown as Context;
    await loadRootPage(ctx, ROOT_CONNECTIONS.Deal, args);
    await countRoot(ctx, ROOT_CONNECTIONS.Deal, args.filter as never);
    return calls;
  }

  it('cuts the same page from the same index either way, the loader then returning whole nodes', async () => {
    const after = encodeCursor('Deal:VALUE_USD:DESC', [5e8, 'deal-x']);
    const args = {
      first: 2,
      after,
      orderBy: { field: 'VALUE_USD', direction: 'DESC' },
      filter: { valueUsd: { gte: 1 } },
    };
    const [page, count] = await loaderStatements(args);
    const planned = Object.values(
      explainPlans(
        schema,
        parse(`query($after: String) { deals(first: 2, after: $after, orderBy: { field: VALUE_USD, direction: DESC },
          filter: { valueUsd: { gte: 1 } }) { totalCount edges { node { name } } } }`),
        rootConnectionSpecs,
        { after },
      ),
    )[0]!;
    const rows =
      'MATCH (n:Deal) WHERE n.valueUsd <= $cursor[0] AND n.id IS NOT NULL AND n.valueUsd >= $f0' +
      ' AND [coalesce(n.valueUsd, -1.0), n.id] < $cursor' +
      ' WITH n ORDER BY n.valueUsd DESC, n.id DESC LIMIT toInteger($fetch)';
    expect(planned.cypher).toContain(`CALL () { ${rows} RETURN collect(`);
    expect(page!.cypher.startsWith(`${rows} RETURN n {`)).toBe(true);
    expect(page!.params).toEqual({ f0: 1, fetch: 3, cursor: [5e8, 'deal-x'] });
    expect(planned.cypher).toContain('COUNT { MATCH (n:Deal) WHERE n.valueUsd >= $f0 }');
    expect(count!.cypher).toBe('MATCH (n:Deal) WHERE n.valueUsd >= $f0 RETURN count(n) AS total');
  });
});
