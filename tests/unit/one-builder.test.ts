/**
 * Planned reads and the DataLoaders write a relationship page or count with the same builder
 * (src/plan/cypher.ts), without a database: for one selection, the planner's part of its statement
 * and the batched statement differ only in how the parents are bound (a variable of the enclosing
 * read, or `UNWIND $parentIds`). Answers on Neo4j: tests/integration/planner.test.ts compares
 * planned and loaded reads of the same queries.
 */
import {
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { encodeCursor } from '../../src/graph/cursor.js';
import { entitySourcesLoader } from '../../src/graph/entity-loaders.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';
import {
  loadEntityRelationshipCount,
  loadEntityRelationships,
  loadRelationshipCount,
  loadRelationshipPage,
  relationshipField,
} from '../../src/graph/relationship-loaders.js';
import {
  connectionAggregate,
  forEachParent,
  relationshipCount,
  relationshipParams,
  relationshipRows,
} from '../../src/plan/cypher.js';
import { explainPlans } from '../../src/plan/explain.js';
import { readAggregate } from '../../src/plan/run.js';
import { walkNode } from '../../src/plan/walk.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';

type Vars = Record<string, unknown>;

const companyDeals = TYPED_RELATIONSHIPS.find((r) => r.parentType === 'Company' && r.fieldName === 'deals')!;

/** A query whose one connection, `deals` under each company, is read number 0. */
const companiesWithDeals = (deals: string) =>
  `query($after: String) { companies(first: 1) { edges { node { deals${deals} } } } }`;

/** The planner's statement for a query, and the read it made of the connection. */
function planned(query: string, variables: Vars = {}) {
  const document = parse(query);
  const cypher = Object.values(explainPlans(schema, document, rootConnectionSpecs, variables))[0]!.cypher;
  const operation = document.definitions[0] as OperationDefinitionNode;
  const companies = operation.selectionSet.selections[0] as FieldNode;
  const edges = companies.selectionSet!.selections[0] as FieldNode;
  const node = edges.selectionSet!.selections[0] as FieldNode;
  const walk = { schema, fragments: {}, variables, maxPageSize: 100, next: 0, signature: [] };
  const read = walkNode(walk, 'Company', [node]).types[0]!.connections[0]!;
  return { cypher, read };
}

/** A request context whose database records the statements the loaders send. */
function recordingContext() {
  const calls: Array<{ cypher: string; params: Vars }> = [];
  const ctx = {
    loaders: new Map(),
    config: { limits: { maxPageSize: 100, maxFilterDepth: 8, maxFilterConditions: 50 } },
    db: {
      read: async (cypher: string, params: Vars) => {
        calls.push({ cypher, params });
        return [];
      },
    },
  } as unknown as Context;
  return { ctx, calls };
}

/** The text from the start of a page's COLLECT to its RETURN: what it matches, in what order. */
const pagePart = (cypher: string) => /COLLECT \{ .*? RETURN \{/.exec(cypher)![0];

describe('one builder for planned and loaded relationship reads', () => {
  it('writes a filtered page after a cursor once: the planner’s part and the loader’s statement', async () => {
    const after = encodeCursor('Company.deals', ['Acme deal', 'd-1']);
    const { cypher, read } = planned(
      companiesWithDeals('(first: 2, after: $after, filter: { nameContains: "gpu" }) { edges { node { id } } }'),
      { after },
    );
    const part = relationshipRows('n', read);
    expect(cypher).toContain(`n { __rows0: ${part} }`);
    // The same read with its parents from ids: the same text after `RETURN pid, `.
    expect(forEachParent('Entity', (v) => relationshipRows(v, read))).toBe(
      `UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) RETURN pid, ${part} AS value`,
    );
    expect(part).toMatchInlineSnapshot(
      `"COLLECT { MATCH (n)-[r0:PARTY_TO]->(n0) WHERE toLower(n0.name) CONTAINS toLower($c0_f0) AND ((n0.name > $c0_cursor[0]) OR (n0.name = $c0_cursor[0] AND n0.id > $c0_cursor[1])) WITH r0, n0 ORDER BY n0.name ASC, n0.id ASC LIMIT toInteger($c0_fetch) RETURN { n: n0 { .id } } }"`,
    );

    // The loader for the same field and arguments: the same page, with every property returned.
    const { ctx, calls } = recordingContext();
    await loadRelationshipPage(ctx, relationshipField(companyDeals), 'c-1', {
      first: 2,
      after,
      filter: { nameContains: 'gpu' },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.cypher).toMatchInlineSnapshot(
      `"UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) RETURN pid, COLLECT { MATCH (n)-[r0:PARTY_TO]->(n0) WHERE toLower(n0.name) CONTAINS toLower($c0_f0) AND ((n0.name > $c0_cursor[0]) OR (n0.name = $c0_cursor[0] AND n0.id > $c0_cursor[1])) WITH r0, n0 ORDER BY n0.name ASC, n0.id ASC LIMIT toInteger($c0_fetch) RETURN { k: [n0.name, n0.id], properties: properties(r0), relationshipId: elementId(r0), type: type(r0), direction: CASE WHEN endNode(r0) = n0 THEN 'OUT' ELSE 'IN' END, n: n0 { .*, label: head([l IN labels(n0) WHERE l <> 'Entity']) } } } AS value"`,
    );
    expect(pagePart(calls[0]!.cypher)).toBe(pagePart(part));
    const { parentIds, ...params } = calls[0]!.params;
    expect(parentIds).toEqual(['c-1']);
    expect(params).toEqual(relationshipParams(read));
  });

  it('reads a page by name from the page-key index on both paths', async () => {
    const { cypher, read } = planned(companiesWithDeals('(last: 3) { edges { cursor node { slug } } }'));
    const { ctx, calls } = recordingContext();
    await loadRelationshipPage(ctx, relationshipField(companyDeals), 'c-1', { last: 3 });
    const loaded = pagePart(calls[0]!.cypher);
    expect(pagePart(cypher)).toBe(loaded);
    expect(loaded).toMatchInlineSnapshot(
      `"COLLECT { MATCH (n)-[r0:PARTY_TO]->(n0) USING INDEX SEEK r0:PARTY_TO(fromId, toLabel, toName, toId) WHERE r0.fromId = n.id AND r0.toLabel = 'Deal' AND r0.toName IS NOT NULL AND r0.toId IS NOT NULL WITH n, r0, n0 ORDER BY r0.fromId DESC, r0.toLabel DESC, r0.toName DESC, r0.toId DESC LIMIT toInteger($c0_fetch) RETURN {"`,
    );
    expect(read.page?.backward).toBe(true);
  });

  it('counts from the degree store on both paths, and with the filter when there is one', async () => {
    for (const [args, filter] of [
      ['', undefined],
      ['(filter: { nameContains: "gpu" })', { nameContains: 'gpu' }],
    ] as const) {
      const { cypher, read } = planned(companiesWithDeals(`${args} { totalCount }`));
      const part = relationshipCount('n', read);
      expect(cypher).toContain(`__count0: ${part}`);
      const { ctx, calls } = recordingContext();
      await loadRelationshipCount(ctx, relationshipField(companyDeals), 'c-1', filter);
      expect(calls[0]!.cypher).toBe(`UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) RETURN pid, ${part} AS value`);
    }
    expect(relationshipCount('n', planned(companiesWithDeals(' { totalCount }')).read)).toBe(
      'COUNT { (n)-[:PARTY_TO]->() }',
    );
  });

  it('reads Entity.relationships (any type, both directions) through the same builder', async () => {
    const { ctx, calls } = recordingContext();
    await loadEntityRelationships(ctx, 'e-1', { first: 2, types: ['LEADS', 'INVESTS_IN'] });
    await loadEntityRelationshipCount(ctx, 'e-1', { direction: 'IN' });
    expect(calls.map((c) => c.cypher)).toMatchInlineSnapshot(`
      [
        "UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) RETURN pid, COLLECT { MATCH (n)-[r0:LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN]-(n0:Entity) WHERE ($c0_types IS NULL OR type(r0) IN $c0_types) WITH r0, n0 ORDER BY type(r0) ASC, n0.name ASC, n0.id ASC, elementId(r0) ASC LIMIT toInteger($c0_fetch) RETURN { k: [type(r0), n0.name, n0.id, elementId(r0)], properties: properties(r0), relationshipId: elementId(r0), type: type(r0), direction: CASE WHEN endNode(r0) = n0 THEN 'OUT' ELSE 'IN' END, n: n0 { .*, label: head([l IN labels(n0) WHERE l <> 'Entity']) } } } AS value",
        "UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) RETURN pid, COUNT { MATCH (n)<-[r0:LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN]-(n0:Entity) WHERE ($c0_types IS NULL OR type(r0) IN $c0_types) } AS value",
      ]
    `);
    expect(calls.map((c) => c.params)).toEqual([
      { parentIds: ['e-1'], c0_types: ['INVESTS_IN', 'LEADS'], c0_fetch: 3 },
      { parentIds: ['e-1'], c0_types: null },
    ]);
  });

  it('writes a relationship aggregate once: the planner’s hoisted item and the loader’s statement', async () => {
    const aggregateField = 'aggregate { count valueUsd { sum } }';
    const { cypher, read } = planned(companiesWithDeals(`(filter: { nameContains: "gpu" }) { ${aggregateField} }`));
    const aggregate = read.aggregates[0]!;
    const part = connectionAggregate('n', read, aggregate);
    expect(cypher).toContain(`WITH n, ${part} AS n__aggregate`);
    // The loader, asked for the same field of one company: the same expression over `n`.
    const { ctx, calls } = recordingContext();
    const operation = parse(`{ deals { ${aggregateField} } }`).definitions[0] as OperationDefinitionNode;
    const fieldNode = (operation.selectionSet.selections[0] as FieldNode).selectionSet!.selections[0] as FieldNode;
    const info = {
      schema,
      fragments: {},
      variableValues: {},
      fieldNodes: [fieldNode],
      parentType: schema.getType(read.connectionType) as GraphQLObjectType,
      path: { key: 'aggregate', prev: undefined, typename: undefined },
    } as unknown as GraphQLResolveInfo;
    await readAggregate(ctx, info, {
      kind: 'relationship',
      relationship: companyDeals,
      parentId: 'c-1',
      filter: { nameContains: 'gpu' },
    });
    expect(calls[0]!.cypher).toBe(
      `UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) WITH pid, n, ${part} AS value RETURN pid, value`,
    );
    expect(part).toMatchInlineSnapshot(
      `"{ totals: head(COLLECT { MATCH (n)-[r0:PARTY_TO]->(n0) WHERE toLower(n0.name) CONTAINS toLower($c0_f0) WITH count(*) AS count, sum(n0.valueUsd) AS s0, min(n0.valueUsd) AS m0, max(n0.valueUsd) AS x0, avg(n0.valueUsd) AS a0 RETURN { count: count, valueUsd: { sum: s0, min: m0, max: x0, avg: a0 } } }) }"`,
    );
  });

  it('lists an entity’s sources in the same order on both paths', async () => {
    const { entity } = explainPlans(schema, parse('{ entity(slug: "x") { sources { title } } }'), rootConnectionSpecs);
    const { ctx, calls } = recordingContext();
    await entitySourcesLoader(ctx).load('e-1');
    const sorted = (cypher: string) => /COLLECT \{ MATCH .*? RETURN/.exec(cypher)![0];
    expect(sorted(calls[0]!.cypher)).toBe(sorted(entity!.cypher));
    expect(calls[0]!.cypher).toMatchInlineSnapshot(
      `"UNWIND $parentIds AS pid MATCH (n:Entity {id: pid}) RETURN pid, COLLECT { MATCH (s0:Source)-[:MENTIONS]->(n) WITH s0 ORDER BY s0.publishedOn IS NULL, s0.publishedOn DESC, s0.id RETURN s0 { .* } } AS value"`,
    );
    expect(calls[0]!.params).toEqual({ parentIds: ['e-1'] });
  });
});
