/**
 * The read planner's plan builder piece by piece, without a database: how a selection is walked
 * (directives, fragments, aliases, what stays with the resolvers), the Cypher each part becomes,
 * the statement cache, and how rows are shaped for the resolvers (a recorded `db.read` stands in
 * for Neo4j there; the answers themselves are checked on Neo4j in tests/integration/planner.test.ts).
 */
import { parse, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { explainPlans } from '../../src/plan/explain.js';
import { readPlanned } from '../../src/plan/run.js';
import { plannedField } from '../../src/plan/shape.js';
import { collectFields, readableProperties, walkNode, type RootRead, type WalkContext } from '../../src/plan/walk.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';
import { encodeCursor } from '../../src/graph/cursor.js';
import { ROOT_CONNECTIONS } from '../../src/graph/root-connections.js';
import { entityByIdLoader } from '../../src/graph/entity-loaders.js';
import type { Context } from '../../src/context.js';

type Vars = Record<string, unknown>;

/** The one planned statement of a document (its only root field). */
function planOf(query: string, variables: Vars = {}, maxPageSize?: number) {
  const plans = explainPlans(schema, parse(query), rootConnectionSpecs, variables, maxPageSize);
  const values = Object.values(plans);
  expect(values).toHaveLength(1);
  return values[0]!;
}
const cypherOf = (query: string, variables: Vars = {}, maxPageSize?: number) =>
  planOf(query, variables, maxPageSize).cypher;

/**
 * The statement cache must never serve one shape's text for another: one parsed document planned
 * with each set of variables in turn gives what a fresh document gives, and the shapes really differ.
 */
function expectCacheKeepsShapesApart(query: string, variableSets: Vars[]) {
  const shared = parse(query);
  const texts = variableSets.map((variables) => {
    const cached = explainPlans(schema, shared, rootConnectionSpecs, variables);
    const fresh = explainPlans(schema, parse(query), rootConnectionSpecs, variables);
    expect(cached).toEqual(fresh);
    return Object.values(fresh)[0]!.cypher;
  });
  expect(new Set(texts).size).toBe(variableSets.length);
}

describe('selection walk', () => {
  it('applies @skip and @include together: a field is kept only when not skipped and included', () => {
    const query = `query($s: Boolean!, $i: Boolean!) { entity(slug: "x") { slug description @skip(if: $s) @include(if: $i) } }`;
    const has = (s: boolean, i: boolean) => cypherOf(query, { s, i }).includes('.description');
    expect([has(false, true), has(false, false), has(true, true), has(true, false)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(cypherOf(`{ entity(slug: "x") { slug description @skip(if: false) } }`)).toContain('.description');
    expect(cypherOf(`{ entity(slug: "x") { slug description @include(if: true) } }`)).toContain('.description');
    expect(cypherOf(`{ entity(slug: "x") { slug description @include(if: false) } }`)).not.toContain('.description');
    expect(cypherOf(`{ entity(slug: "x") { slug ... @skip(if: true) { description } } }`)).not.toContain(
      '.description',
    );
  });

  it('applies inline fragments by type condition: none, the runtime type, an interface; not another type', () => {
    const cypher = cypherOf(`{ entity(slug: "x") {
      ... { slug }
      ... on Node { id }
      ... on Entity { description }
      ... on Company { kind }
      ... on Source { url }
      ... on NoSuchType { country }
    } }`);
    expect(cypher).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { .id, label: head([l IN labels(n) WHERE l <> 'Entity']), .slug, .description, .kind } AS node",
    );
  });

  it('reads a fragment spread twice at one position once, and a fragment at two positions at each', () => {
    const once = cypherOf(`{ entity(slug: "x") { ...F ...F name } } fragment F on Entity { slug name }`);
    expect(once).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { label: head([l IN labels(n) WHERE l <> 'Entity']), .slug, .name } AS node",
    );
    const twice =
      cypherOf(`{ companies(first: 1) { edges { node { ...C investments(first: 2) { edges { node { ...C } } } } } } }
      fragment C on Company { slug deals { totalCount } }`);
    expect(twice).toContain('__count0: COUNT { (n)-[:PARTY_TO]->() }');
    expect(twice).toContain('__count2: COUNT { (n1)-[:PARTY_TO]->() }');
  });

  it('ignores a spread of a missing fragment and does not loop on a fragment that spreads itself', () => {
    expect(cypherOf(`{ entity(slug: "x") { slug ...Missing } }`)).toContain('.slug');
    const looped = cypherOf(`{ entity(slug: "x") { ...Loop } } fragment Loop on Entity { slug ...Loop }`);
    expect(looped).toContain('.slug');
  });

  it('plans two aliases of one connection with different arguments apart, merging same-key fields', () => {
    const { cypher, params } = planOf(`{ entity(slug: "x") { name name ... on Company {
      a: deals(first: 1) { edges { node { slug } } }
      b: deals(last: 2) { edges { node { name } } }
    } } }`);
    expect(cypher).toContain("'Entity']), .name, __rows0");
    // Pages by name read the parent's page-key index (src/graph/page-keys.ts), forward and backward.
    expect(cypher).toContain(
      "__rows0: CASE WHEN n:Company THEN COLLECT { MATCH (n)-[r0:PARTY_TO]->(n0) USING INDEX SEEK r0:PARTY_TO(fromId, toLabel, toName, toId) WHERE r0.fromId = n.id AND r0.toLabel = 'Deal' AND r0.toName IS NOT NULL AND r0.toId IS NOT NULL WITH n, r0, n0 ORDER BY r0.fromId, r0.toLabel, r0.toName, r0.toId LIMIT toInteger($c0_fetch)",
    );
    expect(cypher).toContain(
      "__rows1: CASE WHEN n:Company THEN COLLECT { MATCH (n)-[r1:PARTY_TO]->(n1) USING INDEX SEEK r1:PARTY_TO(fromId, toLabel, toName, toId) WHERE r1.fromId = n.id AND r1.toLabel = 'Deal' AND r1.toName IS NOT NULL AND r1.toId IS NOT NULL WITH n, r1, n1 ORDER BY r1.fromId DESC, r1.toLabel DESC, r1.toName DESC, r1.toId DESC LIMIT toInteger($c1_fetch)",
    );
    expect(params).toEqual({ slug: 'x', c0_fetch: 2, c1_fetch: 3 });
  });

  it('serves __typename, entityKind and id from the row; anything it does not fold reads the whole node', () => {
    expect(cypherOf(`{ entity(slug: "x") { __typename entityKind } }`)).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { label: head([l IN labels(n) WHERE l <> 'Entity']) } AS node",
    );
    expect(cypherOf(`{ entity(slug: "x") { a: id b: id } }`)).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { .id, label: head([l IN labels(n) WHERE l <> 'Entity']) } AS node",
    );
    // dealStats has its own resolver: the node comes back whole, so no property is listed.
    expect(cypherOf(`{ entity(slug: "x") { id name ... on Company { dealStats { count } } } }`)).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { .*, label: head([l IN labels(n) WHERE l <> 'Entity']) } AS node",
    );
    // `sources` is only Entity's: on a Source it is not folded (explainPlans does not validate).
    expect(cypherOf(`{ sources(first: 1) { edges { node { title sources { title } } } } }`)).toContain(
      'n: n { .*, title: n.title }',
    );
  });

  it('leaves a connection with invalid arguments or cursors, or unknown fields, to its resolver', () => {
    const nested = (args: string, sel = 'edges { node { slug } }') =>
      cypherOf(`{ entity(slug: "x") { ... on Company { deals${args} { ${sel} } } } }`, {}, 5);
    expect(nested('(first: 5)')).toContain('PARTY_TO');
    expect(nested('(first: 6)')).not.toContain('PARTY_TO');
    expect(nested('(first: -1)')).not.toContain('PARTY_TO');
    expect(nested('(first: 1, last: 1)')).not.toContain('PARTY_TO');
    expect(nested('(first: 1, after: "not-a-cursor")')).not.toContain('PARTY_TO');
    expect(nested(`(first: 1, after: "${encodeCursor('Company.leaders', ['a', 'b'])}")`)).not.toContain('PARTY_TO');
    expect(nested('(first: 1)', 'bogus')).not.toContain('PARTY_TO');
    expect(nested('(first: 1)', 'edges { bogus node { slug } }')).not.toContain('PARTY_TO');
    expect(nested('(first: 1)', '__typename edges { __typename node { slug } }')).toContain('PARTY_TO');
    // A bad cursor only matters when a page is read: a count needs no cursor.
    expect(nested('(first: 1, after: "not-a-cursor")', 'totalCount')).toContain('COUNT { (n)-[:PARTY_TO]->() }');
  });

  it('reads a count-only connection as a COUNT, and k only when a cursor or pageInfo is selected', () => {
    const count = planOf(`{ entity(slug: "x") { ... on Company { deals { totalCount } } } }`);
    expect(count.cypher).toContain('__count0: CASE WHEN n:Company THEN COUNT { (n)-[:PARTY_TO]->() } END');
    expect(count.cypher).not.toContain('__rows0');
    expect(count.params).toEqual({ slug: 'x' });
    const info = planOf(`{ entity(slug: "x") { ... on Company { deals { pageInfo { hasNextPage } } } } }`);
    expect(info.cypher).toContain('RETURN { k: [n0.name, n0.id] } }');
    expect(info.params).toEqual({ slug: 'x', c0_fetch: 21 });
    expect(cypherOf(`{ entity(slug: "x") { ... on Company { deals { edges { cursor } } } } }`)).toContain(
      'RETURN { k: [n0.name, n0.id] } }',
    );
    expect(cypherOf(`{ entity(slug: "x") { ... on Company { deals { edges { node { slug } } } } } }`)).toContain(
      'RETURN { n: n0 { .slug } } }',
    );
  });

  it('returns the selected edge properties beside k and n, sorted, dates as text', () => {
    const cypher = cypherOf(
      `{ entity(slug: "x") { ... on Person { leads(first: 1) { edges { title since cursor node { slug } } } } } }`,
    );
    expect(cypher).toContain(
      'RETURN { k: [n0.name, n0.id], since: toString(r0.since), title: r0.title, n: n0 { .slug } } }',
    );
  });

  it('binds nested cursors and backward pages as parameters per connection', () => {
    const cursor = encodeCursor('Deal.parties', ['Acme', 'c-1']);
    const { cypher, params } = planOf(
      `query($c: String) { entity(slug: "x") { ... on Deal { parties(last: 2, before: $c) { edges { node { slug } } } } } }`,
      { c: cursor },
    );
    // The index is sought from the cursor's name; the keyset test compares the copied keys.
    expect(cypher).toContain(
      "COLLECT { MATCH (n)<-[r0:PARTY_TO]-(n0) USING INDEX SEEK r0:PARTY_TO(toId, fromLabel, fromName, fromId) WHERE r0.toId = n.id AND r0.fromLabel = 'Company' AND r0.fromName <= $c0_cursor[0] AND r0.fromId IS NOT NULL AND [r0.fromName, r0.fromId] < $c0_cursor WITH n, r0, n0 ORDER BY r0.toId DESC, r0.fromLabel DESC, r0.fromName DESC, r0.fromId DESC LIMIT toInteger($c0_fetch)",
    );
    // Filtered, the page expands and sorts (a filter could make related nodes rare along the index).
    const filtered = cypherOf(
      `query($c: String) { entity(slug: "x") { ... on Deal { parties(last: 2, before: $c, filter: { name: { startsWith: "A" } }) { edges { node { slug } } } } } }`,
      { c: cursor },
    );
    expect(filtered).toContain(
      '((n0.name < $c0_cursor[0]) OR (n0.name = $c0_cursor[0] AND n0.id < $c0_cursor[1])) WITH r0, n0 ORDER BY n0.name DESC, n0.id DESC LIMIT toInteger($c0_fetch)',
    );
    expect(params).toEqual({ slug: 'x', c0_fetch: 3, c0_cursor: ['Acme', 'c-1'] });
  });

  it('gives one shape one statement: the cache never serves another shape’s text', () => {
    expectCacheKeepsShapesApart(
      `query($id: Boolean!, $name: Boolean!, $stats: Boolean!, $src: Boolean!) { entity(slug: "x") {
        slug id @include(if: $id) name @include(if: $name)
        sources @include(if: $src) { title }
        ... on Company { dealStats @include(if: $stats) { count } }
      } }`,
      [
        { id: false, name: false, stats: false, src: false },
        { id: true, name: false, stats: false, src: false },
        { id: false, name: true, stats: false, src: false },
        { id: false, name: false, stats: true, src: false },
        { id: false, name: false, stats: false, src: true },
      ],
    );
    const cursor = encodeCursor('Company.leaders', ['Ann', 'p-1']);
    expectCacheKeepsShapesApart(
      `query($f: Int, $l: Int, $a: String, $b: String, $edges: Boolean!, $count: Boolean!, $cur: Boolean!, $title: Boolean!, $node: Boolean!) {
        entity(slug: "x") { ... on Company { leaders(first: $f, last: $l, after: $a, before: $b) {
          totalCount @include(if: $count)
          edges @include(if: $edges) { cursor @include(if: $cur) title @include(if: $title) node @include(if: $node) { slug } }
        } } }
      }`,
      [
        { f: 1, edges: true, count: false, cur: false, title: false, node: false },
        { l: 1, edges: true, count: false, cur: false, title: false, node: false },
        { f: 1, a: cursor, edges: true, count: false, cur: false, title: false, node: false },
        { l: 1, b: cursor, edges: true, count: false, cur: false, title: false, node: false },
        { f: 1, edges: false, count: true, cur: false, title: false, node: false },
        { f: 1, edges: true, count: true, cur: false, title: false, node: false },
        { f: 1, edges: true, count: false, cur: true, title: false, node: false },
        { f: 1, edges: true, count: false, cur: false, title: true, node: false },
        { f: 1, edges: true, count: false, cur: false, title: false, node: true },
        { f: 1, edges: false, count: false, cur: false, title: false, node: false },
      ],
    );
  });

  it('collects fields per runtime type and walks a node into per-kind needs', () => {
    const document = parse(
      `{ entity(slug: "x") { slug createdAt ... on Deal { announcedOn } ... on Company { deals(first: 2) { totalCount } } } }`,
    );
    const operation = document.definitions[0] as OperationDefinitionNode;
    const ctx: WalkContext = { schema, fragments: {}, variables: {}, maxPageSize: 10, next: 0 };
    const roots = collectFields(ctx, schema.getQueryType()!, [operation.selectionSet]);
    expect([...roots.keys()]).toEqual(['entity']);
    const read = walkNode(ctx, 'Entity', roots.get('entity')!);
    expect(read.types.map((t) => t.typeName)).toEqual(['Person', 'Company', 'Project', 'Datacenter', 'Deal']);
    const deal = read.types.find((t) => t.typeName === 'Deal')!;
    expect([...deal.properties]).toEqual([
      ['slug', 'string'],
      ['createdAt', 'datetime'],
      ['announcedOn', 'date'],
    ]);
    const company = read.types.find((t) => t.typeName === 'Company')!;
    expect(company.connections).toHaveLength(1);
    expect(company.connections[0]).toMatchObject({
      index: 0,
      key: 'deals',
      page: null,
      count: true,
      cursors: false,
      edgeProperties: [],
      node: null,
    });
    expect(ctx.next).toBe(1);
    expect(() => walkNode(ctx, 'NoSuchType' as never, [])).toThrow('NoSuchType is not an object type of the schema');
    expect(readableProperties('Source')).toEqual({
      title: 'string',
      publisher: 'string',
      url: 'string',
      publishedOn: 'date',
      language: 'string',
    });
    expect(readableProperties('Deal')).toMatchObject({
      excludes: 'stringList',
      valueUsd: 'number',
      updatedAt: 'datetime',
      aliases: 'stringList',
    });
  });
});

describe('node and connection Cypher', () => {
  it('converts dates to text, datetimes to epoch milliseconds, and missing aliases to []', () => {
    expect(cypherOf(`{ entity(slug: "x") { aliases updatedAt ... on Deal { valueUsd startsOn } } }`)).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { label: head([l IN labels(n) WHERE l <> 'Entity']), aliases: coalesce(n.aliases, []), updatedAt: n.updatedAt.epochMillis, .valueUsd, startsOn: toString(n.startsOn) } AS node",
    );
  });

  it('tests the far label only where the model does not imply it', () => {
    const project = cypherOf(`{ entity(slug: "x") { ... on Project {
      deals(first: 1) { totalCount edges { node { slug } } }
      datacenters { totalCount }
      announcedBy(first: 1) { edges { node { name } } }
    } } }`);
    // Read from the page-key index, whose key holds the far label.
    expect(project).toContain(
      "MATCH (n)<-[r0:PART_OF]-(n0) USING INDEX SEEK r0:PART_OF(toId, fromLabel, fromName, fromId) WHERE r0.toId = n.id AND r0.fromLabel = 'Deal'",
    );
    expect(
      cypherOf(
        `{ entity(slug: "x") { ... on Project { deals(first: 1, filter: { name: { eq: "D" } }) { edges { node { slug } } } } } }`,
      ),
    ).toContain('MATCH (n)<-[r0:PART_OF]-(n0:Deal)');
    expect(project).toContain('COUNT { (n)<-[:PART_OF]-(:Deal) }');
    expect(project).toContain('COUNT { (n)<-[:PART_OF]-(:Datacenter) }');
    // Far nodes of any kind: the page-key index orders them by kind first, so this page sorts.
    expect(project).toContain(
      "COLLECT { MATCH (n)<-[r2:ANNOUNCED]-(n2) WITH r2, n2 ORDER BY n2.name ASC, n2.id ASC LIMIT toInteger($c2_fetch) RETURN { n: n2 { label: head([l IN labels(n2) WHERE l <> 'Entity']), .name } } }",
    );
    const source = cypherOf(
      `{ sources(first: 1) { edges { node { title cites(first: 1) { totalCount edges { node { url } } } } } } }`,
    );
    expect(source).toContain(
      "COLLECT { MATCH (n)-[r0:CITES]->(n0) WITH r0, n0 ORDER BY coalesce(n0.title, '') ASC, n0.id ASC LIMIT toInteger($c0_fetch) RETURN { n: n0 { title: n0.title, .url } } }",
    );
    expect(source).toContain('COUNT { (n)-[:CITES]->() }');
  });

  it('reads sources once for the kinds sharing them and guards the others by label', () => {
    const { cypher, params } = planOf(`{ entity(slug: "x") {
      sources { title publisher cites(first: 4) { edges { node { title } } } }
      ... on Deal { sources { url } }
    } }`);
    expect(cypher).toContain(
      '__sources0: CASE WHEN n:Person OR n:Company OR n:Project OR n:Datacenter THEN COLLECT { MATCH (s0:Source)-[:MENTIONS]->(n) WITH s0 ORDER BY s0.publishedOn IS NULL, s0.publishedOn DESC, s0.id RETURN s0 { title: s0.title, .publisher, __rows1: COLLECT {',
    );
    expect(cypher).toContain('__sources2: CASE WHEN n:Deal THEN COLLECT { MATCH (s2:Source)-[:MENTIONS]->(n)');
    expect(cypher).toContain('RETURN s2 { title: s2.title, .publisher, .url, __rows3: COLLECT {');
    expect(cypher).not.toContain('__sources4');
    expect(params).toEqual({ slug: 'x', c1_fetch: 5, c3_fetch: 5 });
    expect(cypherOf(`{ entity(slug: "x") { sources { title } } }`)).toContain(
      '__sources0: COLLECT { MATCH (s0:Source)',
    );
  });

  it('does not share a read between kinds whose selections differ, even at the same length', () => {
    const cypher = cypherOf(
      `{ entity(slug: "x") { sources { title } ... on Person { sources { url } } ... on Company { sources { publisher } } } }`,
    );
    expect(cypher).toMatch(
      /CASE WHEN n:Person THEN COLLECT \{ MATCH \(s(\d+):Source\)[^{}]*RETURN s\1 \{ title: s\1\.title, \.url \}/,
    );
    expect(cypher).toMatch(
      /CASE WHEN n:Company THEN COLLECT \{ MATCH \(s(\d+):Source\)[^{}]*RETURN s\1 \{ title: s\1\.title, \.publisher \}/,
    );
  });

  it('returns id when any kind at an Entity position selects it', () => {
    expect(cypherOf(`{ entity(slug: "x") { slug ... on Company { id } } }`)).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { .id, label: head([l IN labels(n) WHERE l <> 'Entity']), .slug } AS node",
    );
  });
});

describe('pages two connections below the root, computed once per distinct parent', () => {
  const tree = `{ companies(first: 2) { edges { node { slug deals(first: 2) { totalCount edges { node { slug
    parties(first: 2) { edges { node { slug leaders(first: 3) { edges { node { slug } } } } } } } } } } } } }`;

  it('reads the first level inline and gathers the parents of each deeper page from it', () => {
    const cypher = cypherOf(tree);
    // Level one inline, its nodes marked with their element id; its count stays inline too.
    expect(cypher).toContain(
      'RETURN { n: n0 { .slug, __parent: elementId(n0) } } }, __count0: COUNT { (n)-[:PARTY_TO]->() } } }) AS edges }',
    );
    // Level two: the distinct deals of every company's page, found again by element id.
    expect(cypher).toContain(
      'CALL (edges) { UNWIND edges AS x WITH x.n AS m UNWIND coalesce(m.__rows0, []) AS x WITH x.n AS m WITH DISTINCT m.__parent AS eid WHERE eid IS NOT NULL MATCH (p1) WHERE elementId(p1) = eid RETURN collect([eid, COLLECT {',
    );
    expect(cypher).toContain('RETURN { n: n1 { .slug, __parent: elementId(n1) } } }]) AS __table1 }');
    // Level three: the distinct parties of level two's table.
    expect(cypher).toContain(
      'CALL (__table1) { UNWIND __table1 AS y UNWIND y[1] AS x WITH x.n AS m WITH DISTINCT m.__parent AS eid WHERE eid IS NOT NULL MATCH (p2) WHERE elementId(p2) = eid',
    );
    // Sent in parts: the count, each edge, each entry of each table (see compileRoot).
    expect(cypher).toContain(
      "WITH edges, __table1, __table2, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] + [x IN __table1 | ['__table1', x]] + [x IN __table2 | ['__table2', x]] AS part RETURN part[0] AS key, part[1] AS value",
    );
    // The first level is not deferred: its parents are the root's own rows.
    expect(cypher).not.toContain('__table0');
  });

  it('defers under an entity looked up by slug, guarding by the kinds that selected the page', () => {
    const cypher = cypherOf(`{ entity(slug: "x") { ... on Company { deals(first: 2) { edges { node { slug
      parties(first: 2) { edges { node { slug ... on Company { leaders(first: 1) { edges { node { slug } } } } } } } } } } } } }`);
    expect(cypher).toMatch(
      /^MATCH \(n:Entity \{slug: \$slug\}\) WITH n \{ .* \} AS node CALL \(node\) \{ WITH node AS m UNWIND coalesce\(m.__rows0, \[\]\) AS x WITH x.n AS m WITH DISTINCT m.__parent AS eid/,
    );
    expect(cypher).toMatch(/RETURN node, __table1, __table2$/);
    expect(cypherOf(`{ entity(slug: "x") { slug } }`)).toBe(
      "MATCH (n:Entity {slug: $slug}) RETURN n { label: head([l IN labels(n) WHERE l <> 'Entity']), .slug } AS node",
    );
  });

  it('keeps inline a page holding an aggregate, and everything under a source', () => {
    const aggregate = cypherOf(`{ companies(first: 2) { edges { node { deals(first: 2) { edges { node {
      parties(first: 2) { aggregate { count } edges { node { slug } } } } } } } } } }`);
    expect(aggregate).not.toContain('CALL (edges)');
    expect(aggregate).not.toContain('__parent:');
    const sources = cypherOf(`{ entity(slug: "x") { sources { cites(first: 2) { edges { node { title } } } } } }`);
    expect(sources).not.toContain('__parent:');
  });
});

describe('root statements', () => {
  const cursorFor = (order: string, key: unknown[]) => encodeCursor(order, key as never);

  it('reads each root connection from its label, in its default order', () => {
    const orders: Record<string, string> = {
      people: 'MATCH (n:Person) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC',
      companies: 'MATCH (n:Company) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC',
      projects: 'MATCH (n:Project) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC',
      datacenters:
        'MATCH (n:Datacenter) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC',
      deals: 'MATCH (n:Deal) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC',
      sources: "MATCH (n:Source) WITH n ORDER BY coalesce(toString(n.publishedOn), '') ASC, n.id ASC",
    };
    for (const [field, order] of Object.entries(orders)) {
      const { cypher, params } = planOf(`{ ${field}(first: 3) { edges { node { id } } } }`);
      const projection = field === 'sources' ? 'n { .id, title: n.title }' : 'n { .id }';
      expect(cypher).toBe(
        `CALL () { ${order} LIMIT toInteger($fetch) RETURN collect({ n: ${projection} }) AS edges } WITH edges, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part RETURN part[0] AS key, part[1] AS value`,
      );
      expect(params).toEqual({ fetch: 4 });
    }
  });

  it('counts without reading a page, with the filter, and returns no edges then', () => {
    expect(planOf(`{ companies { totalCount } }`)).toEqual({
      cypher: 'RETURN null AS edges, COUNT { MATCH (n:Company) } AS total',
      params: {},
    });
    expect(planOf(`{ companies(filter: { nameContains: "ai", country: "US" }) { totalCount } }`)).toEqual({
      cypher:
        'RETURN null AS edges, COUNT { MATCH (n:Company) WHERE (toLower(n.name) CONTAINS toLower($f0) AND n.country = $f1) } AS total',
      params: { f0: 'ai', f1: 'US' },
    });
  });

  it('returns sort keys without nodes when only cursors are selected', () => {
    expect(cypherOf(`{ people(first: 2) { edges { cursor } } }`)).toBe(
      "CALL () { MATCH (n:Person) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC LIMIT toInteger($fetch) RETURN collect({ k: [n.name, n.id], n: null }) AS edges } WITH edges, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part RETURN part[0] AS key, part[1] AS value",
    );
    expect(cypherOf(`{ people(first: 2) { pageInfo { endCursor } totalCount } }`)).toBe(
      "CALL () { MATCH (n:Person) WHERE n.name IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.name ASC, n.id ASC LIMIT toInteger($fetch) RETURN collect({ k: [n.name, n.id], n: null }) AS edges } WITH edges, COUNT { MATCH (n:Person) } AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part RETURN part[0] AS key, part[1] AS value",
    );
  });

  it('seeks an indexed key from the cursor in either direction', () => {
    const after = cursorFor('Company:NAME:ASC', ['Acme', 'c-1']);
    expect(
      planOf(`query($a: String) { companies(first: 2, after: $a) { edges { node { slug } } } }`, { a: after }),
    ).toEqual({
      cypher:
        "CALL () { MATCH (n:Company) WHERE n.name >= $cursor[0] AND n.id IS NOT NULL AND [n.name, n.id] > $cursor WITH n ORDER BY n.name ASC, n.id ASC LIMIT toInteger($fetch) RETURN collect({ n: n { .slug } }) AS edges } WITH edges, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part RETURN part[0] AS key, part[1] AS value",
      params: { fetch: 3, cursor: ['Acme', 'c-1'] },
    });
    expect(
      cypherOf(`query($b: String) { companies(last: 2, before: $b) { edges { node { slug } } } }`, { b: after }),
    ).toContain(
      'WHERE n.name <= $cursor[0] AND n.id IS NOT NULL AND [n.name, n.id] < $cursor WITH n ORDER BY n.name DESC, n.id DESC',
    );
    const desc = cursorFor('Company:NAME:DESC', ['Acme', 'c-1']);
    expect(
      cypherOf(
        `query($a: String) { companies(first: 2, after: $a, orderBy: { field: NAME, direction: DESC }) { edges { node { slug } } } }`,
        { a: desc },
      ),
    ).toContain(
      'WHERE n.name <= $cursor[0] AND n.id IS NOT NULL AND [n.name, n.id] < $cursor WITH n ORDER BY n.name DESC, n.id DESC',
    );
    expect(
      cypherOf(
        `query($b: String) { companies(last: 2, before: $b, orderBy: { field: NAME, direction: DESC }) { edges { node { slug } } } }`,
        { b: desc },
      ),
    ).toContain(
      'WHERE n.name >= $cursor[0] AND n.id IS NOT NULL AND [n.name, n.id] > $cursor WITH n ORDER BY n.name ASC, n.id ASC',
    );
  });

  it('reads a nullable key in index order only when a range filter requires it', () => {
    const unfiltered = cypherOf(`{ deals(first: 2, orderBy: { field: VALUE_USD }) { edges { node { slug } } } }`);
    expect(unfiltered).toContain(
      'CALL () { MATCH (n:Deal) WITH n ORDER BY coalesce(n.valueUsd, -1.0) ASC, n.id ASC LIMIT',
    );
    const byKind = cypherOf(
      `{ deals(first: 2, orderBy: { field: VALUE_USD }, filter: { kinds: [INVESTMENT] }) { edges { node { slug } } } }`,
    );
    expect(byKind).toContain('MATCH (n:Deal) WHERE n.kind IN $f0 WITH n ORDER BY coalesce(n.valueUsd, -1.0) ASC');
    const ranged = planOf(
      `{ deals(first: 2, orderBy: { field: VALUE_USD }, filter: { valueUsd: { lte: 5 } }) { edges { node { slug } } } }`,
    );
    expect(ranged.cypher).toContain(
      'MATCH (n:Deal) WHERE n.valueUsd IS NOT NULL AND n.id IS NOT NULL AND n.valueUsd <= $f0 WITH n ORDER BY n.valueUsd ASC, n.id ASC LIMIT',
    );
    expect(ranged.params).toEqual({ f0: 5, fetch: 3 });
    // A range under OR or NOT does not hold for every row: no index order then.
    for (const filter of [
      '{ OR: [{ valueUsd: { lte: 5 } }, { kinds: [INVESTMENT] }] }',
      '{ NOT: { valueUsd: { lte: 5 } } }',
    ]) {
      expect(
        cypherOf(`{ deals(first: 2, orderBy: { field: VALUE_USD }, filter: ${filter}) { edges { node { slug } } } }`),
      ).toContain('ORDER BY coalesce(n.valueUsd, -1.0) ASC');
    }
  });

  it('pages an expression key by the keyset predicate over all keys', () => {
    const after = cursorFor('Company:UPDATED_AT:ASC', [5, 'c-1']);
    const { cypher, params } = planOf(
      `query($a: String) { companies(first: 1, after: $a, orderBy: { field: UPDATED_AT }) { edges { cursor } } }`,
      { a: after },
    );
    expect(cypher).toBe(
      "CALL () { MATCH (n:Company) WHERE ((coalesce(n.updatedAt.epochMillis, 0) > $cursor[0]) OR (coalesce(n.updatedAt.epochMillis, 0) = $cursor[0] AND n.id > $cursor[1])) WITH n ORDER BY coalesce(n.updatedAt.epochMillis, 0) ASC, n.id ASC LIMIT toInteger($fetch) RETURN collect({ k: [coalesce(n.updatedAt.epochMillis, 0), n.id], n: null }) AS edges } WITH edges, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part RETURN part[0] AS key, part[1] AS value",
    );
    expect(params).toEqual({ fetch: 2, cursor: [5, 'c-1'] });
  });

  it('reads createdAt in index order and seeks the instant a cursor holds', () => {
    expect(
      cypherOf(`{ companies(first: 1, orderBy: { field: CREATED_AT, direction: DESC }) { edges { cursor } } }`),
    ).toBe(
      "CALL () { MATCH (n:Company) WHERE n.createdAt IS NOT NULL AND n.id IS NOT NULL WITH n ORDER BY n.createdAt DESC, n.id DESC LIMIT toInteger($fetch) RETURN collect({ k: [coalesce(n.createdAt.epochSeconds, 0), coalesce(n.createdAt.nanosecond, 0), n.id], n: null }) AS edges } WITH edges, null AS total UNWIND [['total', total]] + [x IN edges | ['edge', x]] AS part RETURN part[0] AS key, part[1] AS value",
    );
    const after = cursorFor('Company:CREATED_AT:DESC', [1764000000, 5, 'c-1']);
    const { cypher, params } = planOf(
      `query($a: String) { companies(first: 1, after: $a, orderBy: { field: CREATED_AT, direction: DESC }) { edges { cursor } } }`,
      { a: after },
    );
    expect(cypher).toContain(
      'WHERE n.createdAt <= datetime({epochSeconds: toInteger($cursor[0]), nanosecond: toInteger($cursor[1])}) AND n.id IS NOT NULL AND [coalesce(n.createdAt.epochSeconds, 0), coalesce(n.createdAt.nanosecond, 0), n.id] < $cursor WITH n ORDER BY n.createdAt DESC, n.id DESC',
    );
    expect(params).toEqual({ fetch: 2, cursor: [1764000000, 5, 'c-1'] });
  });

  it('keeps root shapes apart in the cache: order, direction, cursor, page, count, index, filter', () => {
    const asc = cursorFor('Deal:VALUE_USD:ASC', [1, 'd-1']);
    expectCacheKeepsShapesApart(
      `query($f: Int, $l: Int, $a: String, $b: String, $o: DealOrder, $flt: DealFilter, $edges: Boolean!, $count: Boolean!) {
        deals(first: $f, last: $l, after: $a, before: $b, orderBy: $o, filter: $flt) {
          totalCount @include(if: $count) edges @include(if: $edges) { node { slug } }
        }
      }`,
      [
        { f: 1, edges: true, count: false, o: { field: 'VALUE_USD' } },
        { l: 1, edges: true, count: false, o: { field: 'VALUE_USD' } },
        { f: 1, a: asc, edges: true, count: false, o: { field: 'VALUE_USD' } },
        { f: 1, edges: true, count: true, o: { field: 'VALUE_USD', direction: 'DESC' } },
        { f: 1, edges: true, count: false },
        { f: 1, edges: false, count: true, o: { field: 'VALUE_USD' } },
        { f: 1, edges: true, count: true, o: { field: 'VALUE_USD' } },
        { f: 1, edges: true, count: false, o: { field: 'VALUE_USD' }, flt: { valueUsd: { gte: 1 } } },
        { f: 1, edges: true, count: false, o: { field: 'VALUE_USD' }, flt: { nameContains: 'a' } },
      ],
    );
  });

  it('keeps a root page with sort keys apart from one without (cursor or pageInfo toggled by a variable)', () => {
    expectCacheKeepsShapesApart(
      `query($c: Boolean!, $p: Boolean!) { companies(first: 2) { pageInfo @include(if: $p) { endCursor } edges { cursor @include(if: $c) node { slug } } } }`,
      [
        { c: false, p: false },
        { c: true, p: false },
      ],
    );
    expectCacheKeepsShapesApart(
      `query($p: Boolean!) { companies(first: 2) { pageInfo @include(if: $p) { endCursor } edges { node { slug } } } }`,
      [{ p: false }, { p: true }],
    );
    // A page of bare edges (no node, no cursor) is still a page read.
    expectCacheKeepsShapesApart(
      `query($e: Boolean!) { companies(first: 2) { totalCount edges @include(if: $e) { __typename } } }`,
      [{ e: false }, { e: true }],
    );
  });

  it('reads no page for __typename beside a count', () => {
    expect(cypherOf(`{ companies { __typename totalCount } }`)).toBe(
      'RETURN null AS edges, COUNT { MATCH (n:Company) } AS total',
    );
  });

  it('finds the operation after fragment definitions and applies root-level directives', () => {
    const document = parse(`fragment F on Entity { slug }
      query($s: Boolean!) { a: entity(slug: "x") @skip(if: $s) { ...F } b: companies { totalCount } }`);
    expect(Object.keys(explainPlans(schema, document, rootConnectionSpecs, { s: true }))).toEqual(['b']);
    expect(explainPlans(schema, document, rootConnectionSpecs, { s: false }).a!.cypher).toContain('.slug');
  });

  it('plans only the root fields it knows, each under its response key, within the page limit', () => {
    const plans = explainPlans(
      schema,
      parse(`{ graphStats { label } big: companies(first: 100) { totalCount } entity(slug: "s") { slug } }`),
      rootConnectionSpecs,
    );
    expect(Object.keys(plans)).toEqual(['big', 'entity']);
    expect(plans.entity).toEqual({
      cypher:
        "MATCH (n:Entity {slug: $slug}) RETURN n { label: head([l IN labels(n) WHERE l <> 'Entity']), .slug } AS node",
      params: { slug: 's' },
    });
    expect(() =>
      explainPlans(schema, parse(`{ companies(first: 101) { totalCount } }`), rootConnectionSpecs),
    ).toThrow();
    // A root connection spec on a field that is not a connection is a programming error, said plainly.
    expect(() =>
      explainPlans(schema, parse(`{ node(id: "x") { id } }`), new Map([['node', ROOT_CONNECTIONS.Company]])),
    ).toThrow('Node is not an object type');
    expect(() =>
      explainPlans(schema, parse(`{ companies(first: 11) { totalCount } }`), rootConnectionSpecs, {}, 10),
    ).toThrow();
  });
});

describe('shaping planned rows (readPlanned with a recorded db.read)', () => {
  /**
   * A root page's row as its statement sends it, in [key, value] parts (see compileRoot): the
   * count, the aggregates, each edge, each entry of each deferred table. A row without `edges`
   * (an entity, or a page with none selected) is sent as it is.
   */
  function asParts(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
    return rows.flatMap((row): Array<Record<string, unknown>> => {
      if (!Array.isArray(row.edges)) return [row];
      return Object.entries(row).flatMap(([key, value]) =>
        key === 'edges'
          ? (value as unknown[]).map((edge) => ({ key: 'edge', value: edge }))
          : key.startsWith('__d')
            ? (value as unknown[]).map((entry) => ({ key, value: entry }))
            : [{ key, value }],
      );
    });
  }

  function fakeContext(rows: Array<Record<string, unknown>>) {
    const calls: Array<{ cypher: string; params: unknown; options: unknown }> = [];
    const records = asParts(rows);
    const ctx = {
      config: { limits: { maxPageSize: 100 } },
      stats: { roundTrips: 0, dbTimeMs: 0 },
      loaders: new Map(),
      db: {
        read: async (cypher: string, params: unknown, options: unknown) => {
          calls.push({ cypher, params, options });
          return records;
        },
      },
    } as unknown as Context;
    return { ctx, calls };
  }

  function infoFor(query: string, variables: Vars = {}): GraphQLResolveInfo {
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    return {
      schema,
      fragments: {},
      variableValues: variables,
      fieldNodes: [operation.selectionSet.selections[0] as FieldNode],
      operation,
    } as unknown as GraphQLResolveInfo;
  }

  const root = (field: keyof typeof ROOT_CONNECTIONS, args: Record<string, unknown>): RootRead => ({
    kind: 'connection',
    spec: ROOT_CONNECTIONS[field],
    args,
  });

  const nested = (parent: unknown, type: string, key: string) =>
    plannedField<Record<string, any>>(parent, { parentType: { name: type }, path: { key } } as never);

  it('cuts a forward page, attaches nested connections, and encodes cursors from the sort keys', async () => {
    const { ctx, calls } = fakeContext([
      {
        edges: [
          {
            k: ['A', 'c-1'],
            n: {
              slug: 'a',
              __rows0: [
                { role: 'buyer', n: { slug: 'd1' } },
                { role: 'seller', n: { slug: 'd2' } },
              ],
              __count0: 7,
            },
          },
          { k: ['B', 'c-2'], n: { slug: 'b', __rows0: null, __count0: 0 } },
          { k: ['C', 'c-3'], n: { slug: 'c', __rows0: [], __count0: 0 } },
        ],
        total: 12,
      },
    ]);
    const info = infoFor(
      `{ companies(first: 2) { totalCount edges { cursor node { slug deals(first: 1) { totalCount edges { role node { slug } } } } } } }`,
    );
    const page = (await readPlanned(ctx, info, root('Company', { first: 2 }))) as Record<string, any>;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toEqual({ fetch: 3, c0_fetch: 2 });
    expect(page.totalCount).toBe(12);
    expect(page.edges.map((e: any) => e.node.slug)).toEqual(['a', 'b']);
    expect(page.edges[0].node).toMatchObject({ label: 'Company', aliases: [], description: null });
    expect(page.edges[0].cursor).toBe(encodeCursor('Company:NAME:ASC', ['A', 'c-1']));
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor('Company:NAME:ASC', ['A', 'c-1']),
      endCursor: encodeCursor('Company:NAME:ASC', ['B', 'c-2']),
    });
    const deals = nested(page.edges[0].node, 'Company', 'deals')!;
    expect(deals.totalCount).toBe(7);
    expect(deals.edges.map((e: any) => [e.node.slug, e.node.label, e.properties.role])).toEqual([
      ['d1', 'Deal', 'buyer'],
    ]);
    expect(deals.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const three = (await readPlanned(
      fakeContext([
        {
          edges: [
            { k: ['A', '1'], n: null },
            { k: ['B', '2'], n: null },
            { k: ['C', '3'], n: null },
          ],
          total: null,
        },
      ]).ctx,
      infoFor(`{ companies(first: 3) { pageInfo { startCursor endCursor } } }`),
      root('Company', { first: 3 }),
    )) as Record<string, any>;
    expect(three.pageInfo).toMatchObject({
      startCursor: encodeCursor('Company:NAME:ASC', ['A', '1']),
      endCursor: encodeCursor('Company:NAME:ASC', ['C', '3']),
      hasNextPage: false,
    });
    // An empty root page: only its count is sent.
    const none = (await readPlanned(
      fakeContext([{ edges: [], total: 0 }]).ctx,
      info,
      root('Company', { first: 2 }),
    )) as Record<string, any>;
    expect(none.edges).toEqual([]);
    expect(none.totalCount).toBe(0);
    expect(none.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null });
    const empty = nested(page.edges[1].node, 'Company', 'deals')!;
    expect(empty.edges).toEqual([]);
    expect(empty.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(empty.totalCount).toBe(0);
  });

  it('reverses a backward page: more rows mean a previous page, the cursor a next one', async () => {
    const rows = [
      {
        edges: [
          { k: ['C', 'c-3'], n: null },
          { k: ['B', 'c-2'], n: null },
          { k: ['A', 'c-1'], n: null },
        ],
        total: null,
      },
    ];
    const info = infoFor(`{ companies(last: 2) { edges { cursor } } }`);
    const first = (await readPlanned(fakeContext(rows).ctx, info, root('Company', { last: 2 }))) as Record<string, any>;
    expect(first.edges.map((e: any) => e.cursor)).toEqual([
      encodeCursor('Company:NAME:ASC', ['B', 'c-2']),
      encodeCursor('Company:NAME:ASC', ['C', 'c-3']),
    ]);
    expect(first.edges[0].node).toBeNull();
    // Not counted (not selected): never resolved, and says so if it were.
    expect(typeof first.totalCount).toBe('function');
    await expect((first.totalCount as () => Promise<number>)()).rejects.toThrow(/not selected/);
    expect(first.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = encodeCursor('Company:NAME:ASC', ['D', 'c-4']);
    const info2 = infoFor(`query($b: String) { companies(last: 5, before: $b) { edges { cursor } } }`, { b: before });
    const second = (await readPlanned(fakeContext(rows).ctx, info2, root('Company', { last: 5, before }))) as Record<
      string,
      any
    >;
    expect(second.edges).toHaveLength(3);
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('reports a previous page forward from a cursor, and none without one', async () => {
    const after = encodeCursor('Company:NAME:ASC', ['A', 'c-1']);
    const rows = [{ edges: [{ k: ['B', 'c-2'], n: null }], total: 3 }];
    const info = infoFor(`query($a: String) { companies(first: 1, after: $a) { edges { cursor } } }`, { a: after });
    const page = (await readPlanned(fakeContext(rows).ctx, info, root('Company', { first: 1, after }))) as Record<
      string,
      any
    >;
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('returns no edges and no pages when only the count was read', async () => {
    const info = infoFor(`{ companies { totalCount } }`);
    const page = (await readPlanned(fakeContext([{ edges: null, total: 4 }]).ctx, info, root('Company', {}))) as Record<
      string,
      any
    >;
    expect(page.edges).toEqual([]);
    expect(page.totalCount).toBe(4);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('shapes an entity: its kind label, planned sources, and nothing for a missing slug', async () => {
    const info = infoFor(`{ entity(slug: "acme") { name sources { title } ... on Company { deals { totalCount } } } }`);
    const raw = { label: 'Company', name: 'Acme', __sources0: [{ title: 'T1' }, { title: 'T2' }], __count1: 2 };
    const { ctx, calls } = fakeContext([{ node: raw }]);
    const entity = (await readPlanned(ctx, info, { kind: 'entity', slug: 'acme' })) as Record<string, any>;
    expect(calls[0]!.params).toEqual({ slug: 'acme' });
    // Raw records: the planned maps are shaped here, not converted by the driver wrapper.
    expect(calls[0]!.options).toEqual({ raw: true });
    // A partial node must not stand in for the entity in later lookups.
    expect(ctx.loaders.size).toBe(0);
    expect(entity).toMatchObject({ label: 'Company', name: 'Acme', aliases: [], description: null });
    const sources = nested(entity, 'Company', 'sources') as unknown as Array<Record<string, unknown>>;
    expect(sources.map((s) => s.title)).toEqual(['T1', 'T2']);
    expect(sources[0]).not.toHaveProperty('aliases');
    expect(nested(entity, 'Company', 'deals')!.totalCount).toBe(2);
    expect(nested(entity, 'Person', 'deals')).toBeUndefined();
    expect(await readPlanned(fakeContext([]).ctx, info, { kind: 'entity', slug: 'nope' })).toBeNull();
    // A node with no kind label matches none of the five kinds: returned as read, nothing planned.
    const unlabelled = (await readPlanned(fakeContext([{ node: { label: null, name: 'N' } }]).ctx, info, {
      kind: 'entity',
      slug: 'n',
    })) as Record<string, any>;
    expect(unlabelled).toEqual({ label: null, name: 'N' });
    const person = (await readPlanned(
      fakeContext([{ node: { label: 'Person', name: 'P', __sources0: null } }]).ctx,
      info,
      {
        kind: 'entity',
        slug: 'p',
      },
    )) as Record<string, any>;
    expect(nested(person, 'Person', 'sources')).toEqual([]);
  });

  it('shapes sources without entity defaults, converting a whole Source node but never priming entities with it', async () => {
    const info = infoFor(
      `{ sources(first: 2) { edges { node { title bogus cites(first: 1) { edges { node { url } } } } } } }`,
    );
    const rows = [
      {
        edges: [
          {
            n: {
              id: 's-1',
              title: 'T',
              publishedOn: new neo4j.types.Date(2021, 2, 3),
              __rows0: [{ n: { title: 'U', url: 'http://u' } }],
            },
          },
        ],
        total: null,
      },
    ];
    const { ctx } = fakeContext(rows);
    const page = (await readPlanned(ctx, info, root('Source', { first: 2 }))) as Record<string, any>;
    const source = page.edges[0].node;
    expect(source).toMatchObject({ id: 's-1', title: 'T', publishedOn: '2021-02-03' });
    expect(source).not.toHaveProperty('label');
    expect(source).not.toHaveProperty('aliases');
    expect(nested(source, 'Source', 'cites')!.edges.map((e: any) => e.node.url)).toEqual(['http://u']);
    expect(ctx.loaders.size).toBe(0);
  });

  it('answers an empty page when the statement returns no row', async () => {
    const info = infoFor(`{ companies(first: 2) { totalCount edges { node { slug } } } }`);
    const page = (await readPlanned(fakeContext([]).ctx, info, root('Company', { first: 2 }))) as Record<string, any>;
    expect(page.edges).toEqual([]);
    expect(typeof page.totalCount).toBe('function');
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('converts a whole node once and primes the entity loaders with it', async () => {
    const info = infoFor(`{ entity(slug: "acme") { slug ... on Company { dealStats { count } } } }`);
    const raw = {
      label: 'Company',
      id: 'c-1',
      slug: 'acme',
      name: 'Acme',
      createdAt: neo4j.types.DateTime.fromStandardDate(new Date('2024-01-02T03:04:05.000Z')),
      foundedOn: new neo4j.types.Date(2020, 5, 6),
      employees: neo4j.int(42),
    };
    const { ctx, calls } = fakeContext([{ node: raw }]);
    const entity = (await readPlanned(ctx, info, { kind: 'entity', slug: 'acme' })) as Record<string, any>;
    expect(entity).toMatchObject({
      createdAt: '2024-01-02T03:04:05.000Z',
      foundedOn: '2020-05-06',
      employees: 42,
      aliases: [],
      description: null,
    });
    const loaded = await entityByIdLoader(ctx).load('c-1');
    expect(loaded).toMatchObject({ id: 'c-1', slug: 'acme', label: 'Company' });
    expect(calls).toHaveLength(1);
  });
});
