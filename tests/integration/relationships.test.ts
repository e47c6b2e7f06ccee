import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { createEntities, deleteFixtures, relate, type FixtureEntity } from '../utils/fixtures.js';
import { generateGraph } from '../../src/graph/generator.js';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
/** The DataLoader layer on its own (planner off): what serves every field the planner does not fold. */
let loaders: ReturnType<typeof testServer>;
const prefix = uniquePrefix('rel');
const COMPANIES = 50;
const slug = (kind: string, i: number) => `${prefix}-${kind}-${String(i).padStart(3, '0')}`;

beforeAll(async () => {
  t = await openTestGraph({ DEBUG_EXTENSIONS: 'true' });
  yoga = testServer(t.graph, t.config);
  loaders = testServer(t.graph, { ...t.config, readPlanner: false });
  const entities: FixtureEntity[] = [];
  for (let i = 0; i < COMPANIES; i++) {
    entities.push({
      label: 'Company',
      slug: slug('company', i),
      name: `${prefix} Company ${String(i).padStart(3, '0')}`,
    });
    entities.push({ label: 'Person', slug: slug('person', i), name: `${prefix} Person ${i}` });
    entities.push({
      label: 'Deal',
      slug: slug('deal', i),
      name: `${prefix} Deal ${String(i).padStart(3, '0')}`,
      props: { valueUsd: 1e9 * (i + 1) },
    });
  }
  // A name full of Lucene syntax, for search to find as plain text.
  entities.push({ label: 'Project', slug: `${prefix}-syntax`, name: `${prefix} AT&T (US) "unbalanced [` });
  await createEntities(t.db, entities);
  // Each deal i joins buyer company i and seller company (i+1); company 0 is also party to every
  // deal as an investor, so it has 50 deals to page through.
  const parties: Array<[string, string, Record<string, unknown>]> = [];
  for (let i = 0; i < COMPANIES; i++) {
    parties.push([slug('company', i), slug('deal', i), { role: 'buyer' }]);
    parties.push([slug('company', (i + 1) % COMPANIES), slug('deal', i), { role: 'seller' }]);
    if (i !== 0 && i !== COMPANIES - 1) parties.push([slug('company', 0), slug('deal', i), { role: 'investor' }]);
  }
  await relate(t.db, 'PARTY_TO', parties);
  await relate(
    t.db,
    'LEADS',
    Array.from(
      { length: COMPANIES },
      (_, i) =>
        [slug('person', i), slug('company', i), { title: 'Chief executive' }] as [
          string,
          string,
          Record<string, unknown>,
        ],
    ),
  );
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

const NESTED = `query($first: Int, $filter: CompanyFilter) {
  companies(first: $first, filter: $filter) {
    edges { node { name
      deals(first: 5) { edges { role node { name valueUsd
        parties(first: 5) { edges { role node { name
          leaders(first: 3) { edges { title node { name } } }
        } } }
      } } }
    } }
  }
}`;

describe('relationship fields batch: no N+1', () => {
  it('costs the same round trips for 1 parent as for 50 (one statement per field and level)', async () => {
    const filter = { nameContains: prefix };
    const one = await gql<{ companies: { edges: unknown[] } }>(loaders, NESTED, { first: 1, filter });
    const fifty = await gql<{ companies: { edges: unknown[] } }>(loaders, NESTED, { first: 50, filter });
    const planned = await gql<{ companies: { edges: unknown[] } }>(yoga, NESTED, { first: 50, filter });
    expect(planned.data).toEqual(fifty.data);
    expect((planned.extensions!.cypher as { roundTrips: number }).roundTrips).toBe(1);
    expect(one.errors, JSON.stringify(one.errors)).toBeUndefined();
    expect(fifty.errors).toBeUndefined();
    expect(fifty.data!.companies.edges).toHaveLength(50);
    const trips = (r: typeof one) => (r.extensions!.cypher as { roundTrips: number }).roundTrips;
    // companies + deals + parties + leaders
    expect(trips(one)).toBe(4);
    expect(trips(fifty)).toBe(4);
  });
});

describe('no N+1 on generated (power-law) data', () => {
  const genPrefix = uniquePrefix('gen-nplus1');
  afterAll(() => deleteByPrefix(t.db, genPrefix));

  it('the nested companies → deals → parties → leaders read costs 4 round trips for 1 company and for 50 on the loaders, 1 planned', async () => {
    const data = generateGraph({ entities: 1500, seed: 7, prefix: genPrefix, sources: 0 });
    await loadGraph(t.db, data);
    const companies = data.entities.filter((e) => e.label === 'Company').map((e) => e.slug);
    expect(companies.length).toBeGreaterThanOrEqual(50);
    const run = (slugs: string[], server = loaders) =>
      gql<{ companies: { edges: unknown[] } }>(server, NESTED, { first: 50, filter: { slugs } });
    const [one, fifty] = [await run(companies.slice(0, 1)), await run(companies.slice(0, 50))];
    const planned = await run(companies.slice(0, 50), yoga);
    expect(planned.data).toEqual(fifty.data);
    expect((planned.extensions!.cypher as { roundTrips: number }).roundTrips).toBe(1);
    expect(fifty.errors, JSON.stringify(fifty.errors)).toBeUndefined();
    expect(fifty.data!.companies.edges).toHaveLength(50);
    expect((one.extensions!.cypher as { roundTrips: number }).roundTrips).toBe(4);
    expect((fifty.extensions!.cypher as { roundTrips: number }).roundTrips).toBe(4);
  }, 120_000);
});

describe('typed relationship connections', () => {
  it('carry edge properties and page per parent inside Cypher', async () => {
    type Edge = { cursor: string; role: string; node: { slug: string } };
    type Conn = { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number };
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const body: { data?: { entity: { deals: Conn } }; errors?: unknown } = await gql(
        yoga,
        `query($slug: String!, $after: String) { entity(slug: $slug) { ... on Company { deals(first: 7, after: $after) {
           edges { cursor role node { slug } } pageInfo { hasNextPage endCursor } totalCount } } } }`,
        { slug: slug('company', 0), after },
      );
      expect(body.errors).toBeUndefined();
      const deals = body.data!.entity.deals;
      total = deals.totalCount;
      sizes.push(deals.edges.length);
      seen.push(...deals.edges.map((e) => e.node.slug));
      if (!deals.pageInfo.hasNextPage) break;
      after = deals.pageInfo.endCursor;
    }
    // buyer of deal 0, seller of deal 49, investor in deals 1..48
    expect(total).toBe(50);
    expect(sizes).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    // In name order ("... Deal 000" to "... Deal 049"), each once.
    expect(seen).toEqual(Array.from({ length: COMPANIES }, (_, i) => slug('deal', i)));
  });

  it('counts without fetching a page when only totalCount is selected', async () => {
    const body = await gql<{ entity: { deals: { totalCount: number }; leaders: { totalCount: number } } }>(
      loaders,
      `query($slug: String!) { entity(slug: $slug) { ... on Company { deals { totalCount } leaders { totalCount } } } }`,
      { slug: slug('company', 0) },
    );
    expect(body.data!.entity).toEqual({ deals: { totalCount: 50 }, leaders: { totalCount: 1 } });
    // the entity, then one count per field: no page statements
    expect((body.extensions!.cypher as { roundTrips: number }).roundTrips).toBe(3);
    const planned = await gql(
      yoga,
      `query($slug: String!) { entity(slug: $slug) { ... on Company { deals { totalCount } leaders { totalCount } } } }`,
      {
        slug: slug('company', 0),
      },
    );
    expect(planned.data).toEqual(body.data);
    expect((planned.extensions!.cypher as { roundTrips: number }).roundTrips).toBe(1);
  });

  it('pages backward with last/before', async () => {
    const body = await gql<{
      entity: { deals: { edges: Array<{ node: { slug: string } }>; pageInfo: { hasPreviousPage: boolean } } };
    }>(
      yoga,
      `query($slug: String!) { entity(slug: $slug) { ... on Company { deals(last: 3) { edges { node { slug } } pageInfo { hasPreviousPage } } } } }`,
      { slug: slug('company', 0) },
    );
    expect(body.data!.entity.deals.edges.map((e) => e.node.slug)).toEqual([
      slug('deal', 47),
      slug('deal', 48),
      slug('deal', 49),
    ]);
    expect(body.data!.entity.deals.pageInfo.hasPreviousPage).toBe(true);
  });

  it('Deal.parties shows both sides with their roles', async () => {
    const body = await gql<{ entity: { parties: { edges: Array<{ role: string; node: { slug: string } }> } } }>(
      yoga,
      `query($slug: String!) { entity(slug: $slug) { ... on Deal { parties(first: 10) { edges { role node { slug } } } } } }`,
      { slug: slug('deal', 3) },
    );
    const roles = Object.fromEntries(body.data!.entity.parties.edges.map((e) => [e.node.slug, e.role]));
    expect(roles).toEqual({
      [slug('company', 3)]: 'buyer',
      [slug('company', 4)]: 'seller',
      [slug('company', 0)]: 'investor',
    });
  });

  it('the generic relationships connection filters by type and direction', async () => {
    const body = await gql<{
      entity: {
        out: { totalCount: number };
        inLeads: { edges: Array<{ type: string; direction: string; title: string; node: { slug: string } }> };
      };
    }>(
      yoga,
      `query($slug: String!) { entity(slug: $slug) {
         out: relationships(direction: OUT) { totalCount }
         inLeads: relationships(types: [LEADS], direction: IN, first: 5) { edges { type direction title node { slug } } }
       } }`,
      { slug: slug('company', 5) },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.entity.out.totalCount).toBe(2); // buyer of deal 5, seller of deal 4
    expect(body.data!.entity.inLeads.edges).toEqual([
      { type: 'LEADS', direction: 'IN', title: 'Chief executive', node: { slug: slug('person', 5) } },
    ]);
  });
});

describe('object identification and errors', () => {
  it('node and nodes fetch by global ID, entity fetches by slug', async () => {
    const first = await gql<{ entity: { id: string; __typename: string } }>(
      yoga,
      `query($s: String!) { entity(slug: $s) { id __typename } }`,
      {
        s: slug('person', 1),
      },
    );
    const id = first.data!.entity.id;
    expect(first.data!.entity.__typename).toBe('Person');
    expect(Buffer.from(id, 'base64').toString()).toBe(`Person:${slug('person', 1)}`);
    const body = await gql<{ node: { slug: string }; nodes: Array<{ slug: string } | null> }>(
      yoga,
      `query($id: ID!, $ids: [ID!]!) { node(id: $id) { ... on Entity { slug } } nodes(ids: $ids) { ... on Entity { slug } } }`,
      { id, ids: [id, Buffer.from('Person:no-such-person').toString('base64')] },
    );
    expect(body.data!.node.slug).toBe(slug('person', 1));
    expect(body.data!.nodes).toEqual([{ slug: slug('person', 1) }, null]);
  });

  it('gives stable codes for a malformed ID, an ID of the wrong type, an unknown slug', async () => {
    const malformed = await gql(yoga, `{ node(id: "%%%not-base64") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    const unknownType = await gql(yoga, `query($id: ID!) { node(id: $id) { id } }`, {
      id: Buffer.from('Spaceship:1').toString('base64'),
    });
    expect(unknownType.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    // A Company ID pointing at a person's id names nothing: null, per Relay.
    const wrongType = await gql<{ node: null }>(yoga, `query($id: ID!) { node(id: $id) { id } }`, {
      id: Buffer.from(`Company:${slug('person', 1)}`).toString('base64'),
    });
    expect(wrongType.errors).toBeUndefined();
    expect(wrongType.data!.node).toBeNull();
    const unknownSlug = await gql<{ entity: null }>(yoga, `{ entity(slug: "${prefix}-nobody") { id } }`);
    expect(unknownSlug.data!.entity).toBeNull();
    const badEnum = await gql(yoga, `{ companies(filter: { kinds: [SPACESHIP] }) { totalCount } }`);
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('search finds entities through the full-text index, filtered by kind, and treats syntax as text', async () => {
    const body = await gql<{ search: Array<{ score: number; entity: { slug: string; __typename: string } }> }>(
      yoga,
      `query($text: String!) { search(text: $text, kinds: [DEAL], first: 5) { score entity { __typename slug } } }`,
      { text: `${prefix} Deal 007` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.search[0]!.entity.slug).toBe(slug('deal', 7));
    expect(body.data!.search.every((h) => h.entity.__typename === 'Deal')).toBe(true);
    // Lucene syntax typed into the box is searched for as text: unbalanced quotes and brackets
    // are no error and find the entity whose name holds them ...
    const syntax = await gql<{ search: Array<{ entity: { slug: string; name: string } }> }>(
      yoga,
      `query($text: String!) { search(text: $text, kinds: [PROJECT], first: 1) { entity { slug name } } }`,
      { text: `${prefix} AT&T (US) "unbalanced [` },
    );
    expect(syntax.errors).toBeUndefined();
    expect(syntax.data!.search).toEqual([
      { entity: { slug: `${prefix}-syntax`, name: `${prefix} AT&T (US) "unbalanced [` } },
    ]);
    // ... and a match-all query, were it syntax, matches nothing as text.
    for (const text of ['*:*', '*', '?*', '(*)']) {
      const matchAll = await gql<{ search: unknown[] }>(
        yoga,
        `query($text: String!) { search(text: $text, first: 5) { score } }`,
        { text },
      );
      expect(matchAll.errors, text).toBeUndefined();
      expect(matchAll.data!.search, text).toEqual([]);
    }
  });
});
