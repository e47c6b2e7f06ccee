/**
 * Page keys (src/graph/page-keys.ts) on a real Neo4j: every write path keeps a relationship's
 * copies of its endpoints exact, so pages by name follow renames; relationships written without
 * them get them at start-up; a page by name reads as many index entries as it keeps, whatever
 * the parent's degree.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';
import { pageKeyDrift } from '../../src/graph/page-keys.js';
import { migrate } from '../../src/neo4j/migrate.js';
import { explainPlans } from '../../src/plan/explain.js';
import { schema } from '../../src/schema/index.js';
import { rootConnectionSpecs } from '../../src/schema/root-connection.js';
import { runCli } from '../utils/cli.js';
import { createEntities } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-page-keys-write';
const asWriter = { authorization: `Bearer ${WRITE_KEY}` };

let t: TestGraph;
let planned: ReturnType<typeof testServer>;
let loaded: ReturnType<typeof testServer>;
const prefix = uniquePrefix('pkeys');
const slug = (name: string) => `${prefix}-${name}`;

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  planned = testServer(t.graph, { ...t.config, readPlanner: true });
  loaded = testServer(t.graph, { ...t.config, readPlanner: false });
});

afterAll(async () => {
  await deleteByPrefix(t.db, prefix);
  await t.close();
});

const LEADERS = `query($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
  entity(slug: $slug) { ... on Company { leaders(first: $first, after: $after, last: $last, before: $before) {
    pageInfo { endCursor startCursor } edges { title node { slug name } } } } } }`;
type Leaders = {
  pageInfo: { endCursor: string; startCursor: string };
  edges: Array<{ title: string | null; node: { slug: string; name: string } }>;
};

/** The page by both paths (planner and loaders), which must agree. */
async function leaders(company: string, args: Record<string, unknown> = { first: 20 }): Promise<Leaders> {
  const answer = await gql(planned, LEADERS, { slug: company, ...args });
  expect(answer.errors).toBeUndefined();
  const viaLoader = await gql(loaded, LEADERS, { slug: company, ...args });
  expect(viaLoader.data).toEqual(answer.data);
  return (answer.data as { entity: { leaders: Leaders } }).entity.leaders;
}
const names = (page: Leaders) => page.edges.map((e) => e.node.name);

async function write(query: string, variables: Record<string, unknown>) {
  const answer = await gql(planned, query, variables, asWriter);
  expect(answer.errors).toBeUndefined();
  return answer.data as Record<string, unknown>;
}
const upsertPerson = (s: string, name: string) =>
  write('mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug } }', {
    input: { slug: slug(s), name },
  });

describe('page keys', () => {
  it('are kept exact by every write path, so a page by name follows a rename', async () => {
    await write('mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }', {
      input: { slug: slug('acme'), name: 'Acme' },
    });
    for (const [s, name] of [
      ['zed', 'Zed'],
      ['amy', 'Amy'],
      ['mo', 'Mo'],
    ] as const) {
      await upsertPerson(s, name);
      await write('mutation($input: ConnectInput!) { connect(input: $input) { created } }', {
        input: { type: 'LEADS', from: slug(s), to: slug('acme'), properties: { title: `${name} title` } },
      });
    }
    // importGraph (the bulk loader's statements) adds a leader; upsertDeal sets a party.
    await write('mutation($input: ImportGraphInput!) { importGraph(input: $input) { created { entities } } }', {
      input: {
        people: [{ slug: slug('lu'), name: 'Lu' }],
        relationships: [{ type: 'LEADS', from: slug('lu'), to: slug('acme') }],
      },
    });
    await write('mutation($input: UpsertDealInput!) { upsertDeal(input: $input) { slug } }', {
      input: { slug: slug('deal'), name: 'Acme deal', parties: [{ company: slug('acme'), role: 'buyer' }] },
    });
    expect(names(await leaders(slug('acme')))).toEqual(['Amy', 'Lu', 'Mo', 'Zed']);
    expect(await pageKeyDrift(t.db, prefix)).toBe(0);

    // A rename through an upsert, then one through importGraph: the page reorders.
    await upsertPerson('zed', 'Aaron');
    expect(names(await leaders(slug('acme')))).toEqual(['Aaron', 'Amy', 'Lu', 'Mo']);
    await write('mutation($input: ImportGraphInput!) { importGraph(input: $input) { created { entities } } }', {
      input: { people: [{ slug: slug('mo'), name: 'Abe' }] },
    });
    expect(names(await leaders(slug('acme')))).toEqual(['Aaron', 'Abe', 'Amy', 'Lu']);
    // The company's own name is copied too (the deal's page of parties reads it).
    await write('mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }', {
      input: { slug: slug('acme'), name: 'Acme Renamed' },
    });
    const parties = await gql(
      planned,
      `query($s: String!) { entity(slug: $s) { ... on Deal { parties { edges { role node { name } } } } } }`,
      { s: slug('deal') },
    );
    expect(parties.data).toEqual({
      entity: { parties: { edges: [{ role: 'buyer', node: { name: 'Acme Renamed' } }] } },
    });
    expect(await pageKeyDrift(t.db, prefix)).toBe(0);
    // Users never see them: the relationship's properties as a write returns them.
    const [stored] = await t.db.read(`MATCH (:Entity {slug: $s})-[r:LEADS]->() RETURN keys(r) AS keys`, {
      s: slug('amy'),
    });
    expect(stored!.keys).toEqual(
      expect.arrayContaining(['fromId', 'fromName', 'toId', 'toName', 'fromLabel', 'toLabel']),
    );
    const again = await gql(
      planned,
      'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
      {
        input: { type: 'LEADS', from: slug('amy'), to: slug('acme'), properties: { title: 'Amy title' } },
      },
      asWriter,
    );
    expect(again.data).toEqual({ connect: { created: false } });
  });

  it('stay exact when a dense node is renamed while others relate to it', async () => {
    // Over 50 relationships make a node dense: a plain CREATE then takes only shared locks on
    // it, but a MERGE that creates locks both endpoints, so a rename and a connect wait for
    // each other.
    const people = Array.from({ length: 60 }, (_, i) => ({
      id: slug(`d${i}`),
      slug: slug(`d${i}`),
      label: 'Person' as const,
      name: `D${i}`,
    }));
    await loadGraph(t.db, {
      entities: [
        { id: slug('dense'), slug: slug('dense'), label: 'Company', name: 'Dense 0', kind: 'OTHER' },
        ...people,
      ],
      relationships: people
        .slice(0, 55)
        .map((p) => ({ type: 'LEADS', from: p.slug, to: slug('dense'), properties: {} })),
      sources: [],
      mentions: [],
    } as Parameters<typeof loadGraph>[1]);
    const connects = people
      .slice(55)
      .map((p) =>
        gql(
          planned,
          'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
          { input: { type: 'LEADS', from: p.slug, to: slug('dense') } },
          asWriter,
        ),
      );
    const renames = [1, 2, 3, 4, 5].map((i) =>
      gql(
        planned,
        'mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }',
        { input: { slug: slug('dense'), name: `Dense ${i}` } },
        asWriter,
      ),
    );
    const answers = await Promise.all([...connects, ...renames]);
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    expect(await pageKeyDrift(t.db, slug('dense'))).toBe(0);
    expect(names(await leaders(slug('dense'), { first: 100 }))).toHaveLength(60);
  });

  it('are given at start-up to relationships written without them', async () => {
    await createEntities(t.db, [
      { label: 'Company', slug: slug('raw'), name: 'Raw' },
      { label: 'Person', slug: slug('raw-b'), name: 'B' },
      { label: 'Person', slug: slug('raw-a'), name: 'A' },
    ]);
    // Written by hand, as another tool would: no page keys.
    await t.db.write(
      `MATCH (c:Entity {slug: $c}) UNWIND $people AS p MATCH (x:Entity {slug: p}) CREATE (x)-[:LEADS {title: 'raw'}]->(c)`,
      { c: slug('raw'), people: [slug('raw-b'), slug('raw-a')] },
    );
    expect(await pageKeyDrift(t.db, slug('raw'))).toBeGreaterThan(0);
    await migrate(t.db);
    expect(await pageKeyDrift(t.db, slug('raw'))).toBe(0);
    expect(names(await leaders(slug('raw')))).toEqual(['A', 'B']);

    // Renamed by hand: start-up leaves the stale copy (it only fills in missing keys), the repair
    // command corrects it, and the page follows the new name.
    await t.db.write(`MATCH (p:Entity {slug: $p}) SET p.name = 'C'`, { p: slug('raw-a') });
    await migrate(t.db);
    expect(await pageKeyDrift(t.db, slug('raw'))).toBe(1);
    const repaired = await runCli(['repair-page-keys']);
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/Page keys: [1-9]\d* relationship\(s\) corrected/);
    expect(await pageKeyDrift(t.db, slug('raw'))).toBe(0);
    expect(names(await leaders(slug('raw')))).toEqual(['B', 'C']);
  });

  it('cannot be set by a record the loader writes', async () => {
    await createEntities(t.db, [
      { label: 'Company', slug: slug('forged'), name: 'Forged' },
      { label: 'Person', slug: slug('forger'), name: 'Forger' },
    ]);
    const forged = loadGraph(t.db, {
      entities: [],
      relationships: [{ type: 'LEADS', from: slug('forger'), to: slug('forged'), properties: { toName: null } }],
      sources: [],
      mentions: [],
    } as unknown as Parameters<typeof loadGraph>[1]);
    await expect(forged).rejects.toThrow(/toName is set by the loader/);
  });

  it('let a page by name read as many index entries as it keeps, whatever the degree, and walk by cursor as the sort does', async () => {
    // Two companies, one with 3 leaders and one with 300 (names repeating, ties broken by id).
    const people = Array.from({ length: 300 }, (_, i) => ({
      id: slug(`p${String(i).padStart(3, '0')}`),
      slug: slug(`p${String(i).padStart(3, '0')}`),
      label: 'Person' as const,
      name: `${String.fromCharCode(97 + (i % 26))}${i % 30} leader`,
    }));
    await loadGraph(t.db, {
      entities: [
        { id: slug('big'), slug: slug('big'), label: 'Company', name: 'Big', kind: 'OTHER' },
        { id: slug('small'), slug: slug('small'), label: 'Company', name: 'Small', kind: 'OTHER' },
        ...people,
      ],
      relationships: [
        ...people.map((p) => ({ type: 'LEADS', from: p.slug, to: slug('big'), properties: { title: p.name } })),
        ...people.slice(0, 3).map((p) => ({ type: 'LEADS', from: p.slug, to: slug('small'), properties: {} })),
      ],
      sources: [],
      mentions: [],
    } as Parameters<typeof loadGraph>[1]);
    // A root page's statement, whose subqueries PROFILE shows as operators.
    const page = `query($slugs: [String!]) { companies(first: 1, filter: { slugs: $slugs }) { edges { node {
      leaders(first: 3) { edges { title node { slug name } } } } } } }`;
    const hitsOf = async (company: string) => {
      const [statement] = Object.values(explainPlans(schema, parse(page), rootConnectionSpecs, { slugs: [company] }));
      const profiled = await t.graph.driver.executeQuery(`PROFILE ${statement!.cypher}`, statement!.params, {
        database: t.graph.database,
      });
      type Operator = { operatorType: string; dbHits: number; children: Operator[] };
      const all = (op: Operator): Operator[] => [op, ...op.children.flatMap(all)];
      const operators = all(profiled.summary.profile as unknown as Operator);
      expect(operators.map((o) => o.operatorType)).toContainEqual(expect.stringMatching(/RelationshipIndexSeek/));
      expect(operators.map((o) => o.operatorType)).not.toContainEqual(expect.stringMatching(/^(Sort|Top|PartialTop)/));
      return operators.reduce((n, o) => n + o.dbHits, 0);
    };
    const small = await hitsOf(slug('small'));
    const big = await hitsOf(slug('big'));
    // Sorting would read all 300 relationships and two keys of each far node.
    expect(big).toBeLessThan(small + 10);

    const reference = (
      await t.db.read(`MATCH (p:Person)-[:LEADS]->(:Entity {slug: $s}) RETURN p.name AS name ORDER BY p.name, p.id`, {
        s: slug('big'),
      })
    ).map((r) => r.name as string);
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: Leaders = await leaders(slug('big'), { first: 7, after });
      walked.push(...names(page));
      after = page.pageInfo.endCursor;
    }
    expect(walked).toEqual(reference.slice(0, 35));
    const back = await leaders(slug('big'), { last: 7, before: after });
    expect(names(back)).toEqual(reference.slice(27, 34));
    expect(names(await leaders(slug('big'), { last: 4 }))).toEqual(reference.slice(-4));
  });
});
