/**
 * The traversal statements' text and parameters, without a database: a recording stand-in for
 * the Db handle captures what each traversal would send (answers are tested on Neo4j in
 * tests/integration/traversals.test.ts). Only validated integers and model names reach the text.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import type { EntityRow } from '../../src/graph/entities.js';
import { commonNeighbors, moneyFlows, neighborhood, rank, shortestPath } from '../../src/graph/traversals.js';
import type { Db, Row } from '../../src/neo4j/db.js';

const limits = parseConfig({ NEO4J_URI: 'bolt://127.0.0.1:1' }).limits;
const entity = (id: string): EntityRow => ({
  id,
  slug: id,
  name: id,
  description: null,
  aliases: [],
  createdAt: null,
  updatedAt: null,
  label: 'Company',
});

/** Records statements instead of running them; answers no rows. */
function recorder() {
  const sent: Array<{ cypher: string; params: Row }> = [];
  const db = {
    read: async (cypher: string, params: Row = {}) => (
      sent.push({ cypher: cypher.replace(/\s+/g, ' ').trim(), params }), []
    ),
  } as unknown as Db;
  return { db, sent };
}

describe('traversal statements', () => {
  it('shortestPath: bounded hops and model types in the text, endpoints as parameters', async () => {
    const { db, sent } = recorder();
    await shortestPath(db, limits, { from: entity('a'), to: entity('b'), maxHops: 4, types: ['LEADS', 'PARTY_TO'] });
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "cypher": "MATCH (a:Entity {id: $from}), (b:Entity {id: $to}) MATCH p = shortestPath((a)-[:LEADS|PARTY_TO*1..4]-(b)) RETURN [n IN nodes(p) | n { .*, label: head([l IN labels(n) WHERE l <> 'Entity']) }] AS nodes, [r IN relationships(p) | { id: elementId(r), type: type(r), from: startNode(r).id, to: endNode(r).id, properties: properties(r) }] AS relationships",
          "params": {
            "from": "a",
            "to": "b",
          },
        },
      ]
    `);
  });

  it('neighborhood: one expansion per distance up to the depth, limit as a parameter', async () => {
    const { db, sent } = recorder();
    await neighborhood(db, limits, { center: entity('c'), depth: 2, limit: 50, types: null });
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "cypher": "MATCH (a:Entity {id: $id}) CALL (a) { WITH [a] AS seen, [a] AS frontier CALL (seen, frontier) { UNWIND frontier AS f MATCH (f)-[r:LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN]-(n:Entity) WITH DISTINCT n LIMIT 2 * toInteger($limit) + 1 WITH n WHERE NOT n IN seen WITH n LIMIT toInteger($limit) WITH n ORDER BY n.name, n.id RETURN collect(n) AS near } WITH seen, seen + near[0..toInteger($limit) + 1 - size(seen)] AS grown WITH grown AS seen, CASE WHEN size(grown) > toInteger($limit) THEN [] ELSE grown[size(seen)..] END AS frontier CALL (seen, frontier) { UNWIND frontier AS f MATCH (f)-[r:LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN]-(n:Entity) WITH DISTINCT n LIMIT 2 * toInteger($limit) + 1 WITH n WHERE NOT n IN seen WITH n LIMIT toInteger($limit) WITH n ORDER BY n.name, n.id RETURN collect(n) AS near } WITH seen, seen + near[0..toInteger($limit) + 1 - size(seen)] AS grown WITH grown AS seen, CASE WHEN size(grown) > toInteger($limit) THEN [] ELSE grown[size(seen)..] END AS frontier RETURN seen[1..] AS found } WITH a, found[0..toInteger($limit) - 1] AS kept, size(found) >= $limit AS truncated WITH [a] + kept AS ns, truncated CALL (ns) { UNWIND ns AS x MATCH (x)-[r:LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN]->(y:Entity) WHERE y IN ns RETURN collect({ id: elementId(r), type: type(r), from: startNode(r).id, to: endNode(r).id, properties: properties(r) }) AS relationships } RETURN [n IN ns | n { .*, label: head([l IN labels(n) WHERE l <> 'Entity']) }] AS nodes, relationships, truncated",
          "params": {
            "id": "c",
            "limit": 50,
          },
        },
      ]
    `);
  });

  it('commonNeighbors and rank', async () => {
    const { db, sent } = recorder();
    await commonNeighbors(db, limits, { a: entity('a'), b: entity('b'), first: 5, types: ['INVESTS_IN'] });
    await rank(db, limits, { by: 'DEGREE', kinds: ['COMPANY'], first: 3 });
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "cypher": "MATCH (a:Entity {id: $a}), (b:Entity {id: $b}) MATCH (a)-[:INVESTS_IN]-(n:Entity)-[:INVESTS_IN]-(b) WHERE n <> a AND n <> b WITH DISTINCT n ORDER BY n.name, n.id LIMIT toInteger($first) RETURN n { .*, label: head([l IN labels(n) WHERE l <> 'Entity']) } AS entity",
          "params": {
            "a": "a",
            "b": "b",
            "first": 5,
          },
        },
        {
          "cypher": "CALL () { MATCH (n:Company) RETURN n, COUNT { (n)-[:LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN]-() } AS score } WITH n, score WHERE score > 0 WITH n, score ORDER BY score DESC, n.name, n.id LIMIT toInteger($first) RETURN score, n { .*, label: head([l IN labels(n) WHERE l <> 'Entity']) } AS entity",
          "params": {
            "first": 3,
          },
        },
      ]
    `);
  });

  it('moneyFlows: the money rule on directed steps, hops bounded', async () => {
    const { db, sent } = recorder();
    await moneyFlows(db, limits, { from: entity('softbank'), maxHops: 3, first: 5 });
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "cypher": "MATCH (a:Entity {id: $from}) CALL (a) { MATCH p = ANY SHORTEST (a)((x:Entity)-[r:INVESTS_IN|PARTICIPATES_IN|PARTY_TO|COVERS|PART_OF]->(y:Entity) WHERE type(r) IN ['INVESTS_IN', 'COVERS'] OR (type(r) = 'PARTICIPATES_IN' AND (r.role IN $financingRoles OR r.committedUsd IS NOT NULL)) OR (type(r) = 'PARTY_TO' AND r.role IN $buyerRoles) OR (type(r) = 'PART_OF' AND x:Deal)){1,3}(t:Project|Datacenter) WHERE t <> a WITH p, t LIMIT toInteger($first) RETURN p, t UNION MATCH p = ANY SHORTEST (a)((x:Entity)-[r:INVESTS_IN|PARTICIPATES_IN|PARTY_TO|COVERS|PART_OF]->(y:Entity) WHERE type(r) IN ['INVESTS_IN', 'COVERS'] OR (type(r) = 'PARTICIPATES_IN' AND (r.role IN $financingRoles OR r.committedUsd IS NOT NULL)) OR (type(r) = 'PARTY_TO' AND r.role IN $buyerRoles) OR (type(r) = 'PART_OF' AND x:Deal)){0,2}(:Project)<-[:PART_OF]-(t:Datacenter) WITH p, t LIMIT toInteger($first) RETURN p, t } WITH t, p ORDER BY length(p), [n IN nodes(p) | n.id] WITH t, head(collect(p)) AS p WITH p, t ORDER BY length(p), t.name, t.id LIMIT toInteger($first) RETURN [n IN nodes(p) | n { .*, label: head([l IN labels(n) WHERE l <> 'Entity']) }] AS nodes, [r IN relationships(p) | { id: elementId(r), type: type(r), from: startNode(r).id, to: endNode(r).id, properties: properties(r) }] AS relationships",
          "params": {
            "buyerRoles": [
              "buyer",
              "customer",
              "lessee",
              "investor",
            ],
            "financingRoles": [
              "financier",
              "investor",
              "funder",
            ],
            "first": 5,
            "from": "softbank",
          },
        },
      ]
    `);
  });
});
