/**
 * Traversals, rankings and search read at `asOf`/`knownAt`, on a small graph written by hand in
 * the claims storage shape (docs/decisions/2026-12-07-claims-storage.md): live relationships
 * carrying their claim's copies, a held-back `H_` relationship that ended, a retracted entity
 * held back as `HEntity:HCompany`, a relationship recorded late, and `Claim` nodes for values.
 * Plain reads must see none of what is held back.
 *
 * The story (dates are valid time, "recorded" transaction time):
 * - Alpha invested in Beta from 2024-01-01 to 2025-01-01 (ended: H_INVESTS_IN).
 * - The Deal exists from 2025-01-01; Alpha (buyer) and Beta (seller) are party to it since then.
 *   Its value was 100 until 2025-06-01, then 300.
 * - The Project exists from 2025-03-01; the Deal is PART_OF it since then.
 * - Retracto (a company) was party to the Deal (buyer) from 2025-01-01; it was recorded on
 *   2024-12-01 and retracted, with its relationship, on 2025-05-01.
 * - Beta INVESTS_IN the Project since 2025-03-01, recorded only on 2025-08-01.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
const WRITE_KEY = 'test-time-write-key-01';
let yoga: ReturnType<typeof testServer>;
const p = uniquePrefix('tt');
const id = (name: string) => `${p}-${name}`;
const [ALPHA, BETA, DEAL, PROJECT, RETRACTO] = ['alpha', 'beta', 'deal', 'project', 'retracto'].map(id) as [
  string,
  string,
  string,
  string,
  string,
];
// A word of its own, so that full-text relevance matches no other entity of this graph.
const RETRACTO_NAME = `Retracto Zq${p.slice(3)}`;

/** Before any of it happened; while Retracto still stood; what is known now. */
const BEFORE_RETRACTION = '2025-04-15T00:00:00Z';

const GRAPH = `
CREATE (alpha:Entity:Company {id: $alpha, slug: $alpha, name: 'Alpha ' + $p, aliases: [],
          claimId: $alpha + '-c', recordedAt: datetime('2024-01-01T00:00:00Z')})
CREATE (beta:Entity:Company {id: $beta, slug: $beta, name: 'Beta ' + $p, aliases: [],
          claimId: $beta + '-c', recordedAt: datetime('2024-01-01T00:00:00Z')})
CREATE (deal:Entity:Deal {id: $deal, slug: $deal, name: 'Deal ' + $p, aliases: [], valueUsd: 300.0,
          claimId: $deal + '-c', validFrom: date('2025-01-01'), recordedAt: datetime('2025-01-02T00:00:00Z')})
CREATE (project:Entity:Project {id: $project, slug: $project, name: 'Project ' + $p, aliases: [],
          claimId: $project + '-c', validFrom: date('2025-03-01'), recordedAt: datetime('2025-03-02T00:00:00Z')})
CREATE (retracto:HEntity:HCompany {id: $retracto, slug: $retracto, name: $retractoName, aliases: [],
          claimId: $retracto + '-c', recordedAt: datetime('2024-12-01T00:00:00Z'),
          retractedAt: datetime('2025-05-01T00:00:07.123Z')})
CREATE (alpha)-[:H_INVESTS_IN {claimId: $p + '-r-ab', validFrom: date('2024-01-01'), validTo: date('2025-01-01'),
          recordedAt: datetime('2024-01-02T00:00:00Z')}]->(beta)
CREATE (alpha)-[:PARTY_TO {claimId: $p + '-r-ad', role: 'buyer', validFrom: date('2025-01-01'),
          recordedAt: datetime('2025-01-02T00:00:00Z')}]->(deal)
CREATE (beta)-[:PARTY_TO {claimId: $p + '-r-bd', role: 'seller', validFrom: date('2025-01-01'),
          recordedAt: datetime('2025-01-02T00:00:00Z')}]->(deal)
CREATE (deal)-[:PART_OF {claimId: $p + '-r-dp', validFrom: date('2025-03-01'),
          recordedAt: datetime('2025-03-02T00:00:00Z')}]->(project)
CREATE (retracto)-[:H_PARTY_TO {claimId: $p + '-r-rd', role: 'buyer', validFrom: date('2025-01-01'),
          recordedAt: datetime('2024-12-01T00:00:00Z'), retractedAt: datetime('2025-05-01T00:00:07.123Z')}]->(deal)
CREATE (beta)-[:INVESTS_IN {claimId: $p + '-r-bp', validFrom: date('2025-03-01'),
          recordedAt: datetime('2025-08-01T00:00:00Z')}]->(project)
WITH alpha, beta, deal, project, retracto
UNWIND [alpha, beta, deal, project, retracto] AS n
SET n.searchKeys = [toLower(n.name)]
WITH DISTINCT deal
UNWIND [
  {id: $p + '-v1', subject: $deal, field: 'valueUsd', value: 100.0, validFrom: date('2025-01-01'),
   validTo: date('2025-06-01'), recordedAt: datetime('2025-01-02T00:00:00Z')},
  {id: $p + '-v2', subject: $deal, field: 'valueUsd', value: 300.0, validFrom: date('2025-06-01'),
   recordedAt: datetime('2025-06-02T00:00:00Z')},
  {id: $p + '-v3', subject: $p + '-r-ad', field: 'role', value: 'buyer', validFrom: date('2025-01-01'),
   recordedAt: datetime('2025-01-02T00:00:00Z')},
  {id: $p + '-v4', subject: $p + '-r-bd', field: 'role', value: 'seller', validFrom: date('2025-01-01'),
   recordedAt: datetime('2025-01-02T00:00:00Z')},
  {id: $p + '-v5', subject: $p + '-r-rd', field: 'role', value: 'buyer', validFrom: date('2025-01-01'),
   recordedAt: datetime('2024-12-01T00:00:00Z'), retractedAt: datetime('2025-05-01T00:00:07.123Z')}
] AS claim
CREATE (c:Claim {kind: 'VALUE'}) SET c += claim`;

beforeAll(async () => {
  t = await openTestGraph({ TRAVERSAL_TIMEOUT_MS: '60000', API_KEYS: `${WRITE_KEY}:write+read` });
  await t.db.write(GRAPH, {
    p,
    alpha: ALPHA,
    beta: BETA,
    deal: DEAL,
    project: PROJECT,
    retracto: RETRACTO,
    retractoName: RETRACTO_NAME,
  });
  yoga = testServer(t.graph, t.config);
});

afterAll(async () => {
  await t?.db.write('MATCH (n) WHERE (n:Entity OR n:HEntity) AND n.id STARTS WITH $p DETACH DELETE n', { p });
  await t?.db.write('MATCH (c:Claim) WHERE c.id STARTS WITH $p DELETE c', { p });
  await t?.close();
});

async function ok<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T> {
  const res = await gql<T>(yoga, query, variables, headers);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

type Slugged = { slug: string };
interface PathJson {
  length: number;
  nodes: Slugged[];
  relationships: Array<{ type: string; role: string | null; from: Slugged; to: Slugged }>;
}
const PATH = 'length nodes { slug } relationships { type role from { slug } to { slug } }';
const slugsOf = (nodes: Slugged[]) => nodes.map((n) => n.slug);
const sorted = (xs: string[]) => [...xs].sort();

describe('plain reads', () => {
  it('ignore held-back relationships and entities', async () => {
    const data = await ok<{
      shortestPath: PathJson;
      neighborhood: { nodes: Slugged[]; relationships: Array<{ type: string; from: Slugged; to: Slugged }> };
      commonNeighbors: Slugged[];
      rank: Array<{ score: number; entity: Slugged }>;
      search: unknown[];
    }>(
      `query($a: ID!, $b: ID!, $name: String!) {
        shortestPath(from: $a, to: $b) { ${PATH} }
        neighborhood(id: $a, depth: 3) { nodes { slug } relationships { type from { slug } to { slug } } }
        commonNeighbors(a: $a, b: $b) { slug }
        rank(by: DEGREE, within: $a, depth: 3) { score entity { slug } }
        search(text: $name) { entity { slug } }
      }`,
      { a: ALPHA, b: BETA, name: RETRACTO_NAME },
    );
    // Not the ended INVESTS_IN: through the deal both are party to.
    expect(slugsOf(data.shortestPath.nodes)).toEqual([ALPHA, DEAL, BETA]);
    expect(sorted(slugsOf(data.neighborhood.nodes))).toEqual(sorted([ALPHA, BETA, DEAL, PROJECT]));
    expect(data.neighborhood.relationships.map((r) => r.type).sort()).toEqual([
      'INVESTS_IN',
      'PARTY_TO',
      'PARTY_TO',
      'PART_OF',
    ]);
    expect(slugsOf(data.commonNeighbors)).toEqual([DEAL]);
    // Degrees count live relationships only: the deal has two parties today and a project.
    expect(Object.fromEntries(data.rank.map((r) => [r.entity.slug, r.score]))).toEqual({
      [DEAL]: 3,
      [BETA]: 2,
      [PROJECT]: 2,
      [ALPHA]: 1,
    });
    expect(data.search).toEqual([]);
  });

  it('do not resolve a held-back entity', async () => {
    const res = await gql(yoga, 'query($r: ID!) { neighborhood(id: $r) { nodes { slug } } }', { r: RETRACTO });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('read values as they are today', async () => {
    const data = await ok<{ neighborhood: { nodes: Array<Slugged & { valueUsd?: number }> } }>(
      `query($a: ID!) { neighborhood(id: $a) { nodes { slug ... on Deal { valueUsd } } } }`,
      { a: ALPHA },
    );
    expect(data.neighborhood.nodes.find((n) => n.slug === DEAL)?.valueUsd).toBe(300);
  });
});

describe('reads at asOf / knownAt', () => {
  it('follow a relationship that has since ended, and only what existed then', async () => {
    const data = await ok<{ shortestPath: PathJson; neighborhood: { nodes: Slugged[] } }>(
      `query($a: ID!, $b: ID!) {
        shortestPath(from: $a, to: $b, asOf: "2024-06-01") { ${PATH} }
        neighborhood(id: $a, depth: 3, asOf: "2024-06-01") { nodes { slug } }
      }`,
      { a: ALPHA, b: BETA },
    );
    expect(data.shortestPath.length).toBe(1);
    expect(data.shortestPath.relationships[0]).toMatchObject({
      type: 'INVESTS_IN',
      from: { slug: ALPHA },
      to: { slug: BETA },
    });
    // No deal or project yet.
    expect(sorted(slugsOf(data.neighborhood.nodes))).toEqual(sorted([ALPHA, BETA]));
  });

  it('see a retracted entity while it was still asserted, with its values then', async () => {
    const data = await ok<{
      neighborhood: {
        nodes: Array<Slugged & { __typename: string; valueUsd?: number }>;
        relationships: Array<{ type: string; role: string | null; from: Slugged; to: Slugged }>;
      };
      shortestPath: PathJson;
    }>(
      `query($a: ID!, $r: ID!, $k: DateTime!) {
        neighborhood(id: $a, depth: 3, asOf: "2025-04-01", knownAt: $k) {
          nodes { __typename slug ... on Deal { valueUsd } }
          relationships { type role from { slug } to { slug } }
        }
        shortestPath(from: $r, to: $a, asOf: "2025-04-01", knownAt: $k) { ${PATH} }
      }`,
      { a: ALPHA, r: RETRACTO, k: BEFORE_RETRACTION },
    );
    const nodes = data.neighborhood.nodes;
    // Beta's INVESTS_IN in the project was not recorded yet.
    expect(sorted(slugsOf(nodes))).toEqual(sorted([ALPHA, BETA, DEAL, PROJECT, RETRACTO]));
    expect(nodes.find((n) => n.slug === RETRACTO)?.__typename).toBe('Company');
    expect(nodes.find((n) => n.slug === DEAL)?.valueUsd).toBe(100);
    expect(data.neighborhood.relationships.map((r) => [r.type, r.from.slug, r.to.slug, r.role]).sort()).toEqual(
      [
        ['PARTY_TO', ALPHA, DEAL, 'buyer'],
        ['PARTY_TO', BETA, DEAL, 'seller'],
        ['PARTY_TO', RETRACTO, DEAL, 'buyer'],
        ['PART_OF', DEAL, PROJECT, null],
      ].sort(),
    );
    expect(slugsOf(data.shortestPath.nodes)).toEqual([RETRACTO, DEAL, ALPHA]);
  });

  it('give nested fields the slice: relationship claims and copies, entity values', async () => {
    const data = await ok<{
      shortestPath: {
        nodes: Array<Slugged & { valueUsd?: number; claims?: Array<{ value: number }> }>;
        relationships: Array<{ claimId: string; validFrom: string | null; claims: Array<{ value: string }> }>;
      };
    }>(
      `query($r: ID!, $d: ID!, $k: DateTime!) {
        shortestPath(from: $r, to: $d, asOf: "2025-04-01", knownAt: $k) {
          nodes { slug ... on Deal { valueUsd claims(field: "valueUsd") { value } } }
          relationships { claimId validFrom claims(field: "role") { value } }
        }
      }`,
      { r: RETRACTO, d: DEAL, k: BEFORE_RETRACTION },
    );
    const [relationship] = data.shortestPath.relationships;
    expect(relationship).toEqual({ claimId: `${p}-r-rd`, validFrom: '2025-01-01', claims: [{ value: 'buyer' }] });
    const deal = data.shortestPath.nodes.find((n) => n.slug === DEAL)!;
    expect(deal.valueUsd).toBe(100);
    // The June value was recorded after knownAt: the history known then has one value.
    expect(deal.claims?.map((c) => c.value)).toEqual([100]);
  });

  it('leave out what was retracted or not yet recorded at knownAt', async () => {
    const now = await ok<{ neighborhood: { nodes: Slugged[]; relationships: Array<{ type: string }> } }>(
      `query($a: ID!) { neighborhood(id: $a, depth: 3, asOf: "2025-04-01") { nodes { slug } relationships { type } } }`,
      { a: ALPHA },
    );
    expect(sorted(slugsOf(now.neighborhood.nodes))).toEqual(sorted([ALPHA, BETA, DEAL, PROJECT]));
    expect(now.neighborhood.relationships.map((r) => r.type)).toContain('INVESTS_IN');
    const res = await gql(yoga, 'query($r: ID!) { neighborhood(id: $r, asOf: "2025-04-01") { nodes { slug } } }', {
      r: RETRACTO,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rank by the values and relationships held then', async () => {
    const query = `query($a: ID!, $asOf: Date, $k: DateTime) {
      value: rank(by: DEAL_VALUE, within: $a, depth: 3, asOf: $asOf, knownAt: $k) { score entity { slug } }
      degree: rank(by: DEGREE, within: $a, depth: 3, asOf: $asOf, knownAt: $k) { score entity { slug } }
    }`;
    type Ranked = Array<{ score: number; entity: Slugged }>;
    const scores = (ranked: Ranked) => Object.fromEntries(ranked.map((r) => [r.entity.slug, r.score]));
    const april = await ok<{ value: Ranked; degree: Ranked }>(query, {
      a: ALPHA,
      asOf: '2025-04-01',
      k: BEFORE_RETRACTION,
    });
    expect(scores(april.value)).toEqual({ [ALPHA]: 100, [BETA]: 100, [DEAL]: 100, [PROJECT]: 100, [RETRACTO]: 100 });
    expect(scores(april.degree)).toEqual({ [DEAL]: 4, [ALPHA]: 1, [BETA]: 1, [PROJECT]: 1, [RETRACTO]: 1 });
    const july = await ok<{ value: Ranked; degree: Ranked }>(query, { a: ALPHA, asOf: '2025-07-01' });
    expect(scores(july.value)).toEqual({ [ALPHA]: 300, [BETA]: 300, [DEAL]: 300, [PROJECT]: 300 });
    expect(scores(july.degree)).toEqual({ [DEAL]: 3, [BETA]: 2, [PROJECT]: 2, [ALPHA]: 1 });
  });

  it('computes communities and centralities on the neighbourhood held then', async () => {
    type Answer = {
      communities: Array<{ entities: Slugged[] }>;
      rank: Array<{ score: number; entity: Slugged }>;
    };
    const query = `query($a: ID!, $asOf: Date) {
      communities(within: $a, depth: 3, asOf: $asOf) { entities { slug } }
      rank(by: BETWEENNESS, within: $a, depth: 3, asOf: $asOf) { score entity { slug } }
    }`;
    const members = (answer: Answer) => sorted(answer.communities.flatMap((c) => slugsOf(c.entities)));
    const earlier = await ok<Answer>(query, { a: ALPHA, asOf: '2024-06-01' });
    expect(members(earlier)).toEqual(sorted([ALPHA, BETA]));
    // Two entities and one relationship: no shortest path passes through either.
    expect(earlier.rank).toEqual([]);
    const july = await ok<Answer>(query, { a: ALPHA, asOf: '2025-07-01' });
    expect(members(july)).toEqual(sorted([ALPHA, BETA, DEAL, PROJECT]));
    expect(july.rank[0]?.entity.slug).toBe(DEAL);
  });

  it('count deals, flows and common neighbours at the slice', async () => {
    const query = `query($a: ID!, $b: ID!, $asOf: Date, $k: DateTime) {
      neighborhood(id: $a, asOf: $asOf, knownAt: $k) {
        nodes { slug ... on Company { dealStats { count totalValueUsd asBuyer { count } } } }
      }
      moneyFlows(from: $a, asOf: $asOf, knownAt: $k) { nodes { slug } }
      commonNeighbors(a: $a, b: $b, asOf: $asOf, knownAt: $k) { slug }
    }`;
    type Answer = {
      neighborhood: { nodes: Array<Slugged & { dealStats?: { count: number; totalValueUsd: number } }> };
      moneyFlows: Array<{ nodes: Slugged[] }>;
      commonNeighbors: Slugged[];
    };
    const april = await ok<Answer>(query, { a: ALPHA, b: BETA, asOf: '2025-04-01', k: BEFORE_RETRACTION });
    expect(april.neighborhood.nodes.find((n) => n.slug === ALPHA)?.dealStats).toEqual({
      count: 1,
      totalValueUsd: 100,
      asBuyer: { count: 1 },
    });
    expect(april.moneyFlows.map((f) => slugsOf(f.nodes))).toEqual([[ALPHA, DEAL, PROJECT]]);
    expect(slugsOf(april.commonNeighbors)).toEqual([DEAL]);
    // Before the project existed no money reached it; before the deal, nothing joined Alpha and
    // Beta but the investment.
    const february = await ok<Answer>(query, { a: ALPHA, b: BETA, asOf: '2025-02-01' });
    expect(february.moneyFlows).toEqual([]);
    const earlier = await ok<Answer>(query, { a: ALPHA, b: BETA, asOf: '2024-06-01' });
    expect(earlier.commonNeighbors).toEqual([]);
    expect(earlier.neighborhood.nodes.find((n) => n.slug === ALPHA)?.dealStats).toMatchObject({ count: 0 });
  });

  it('search finds an entity held back today while it was held', async () => {
    const query = `query($text: String!, $k: DateTime) {
      search(text: $text, asOf: "2025-04-01", knownAt: $k) { match entity { __typename slug } }
    }`;
    const then = await ok<{ search: Array<{ match: string; entity: Slugged & { __typename: string } }> }>(query, {
      text: RETRACTO_NAME,
      k: BEFORE_RETRACTION,
    });
    expect(then.search).toEqual([{ match: 'EXACT', entity: { __typename: 'Company', slug: RETRACTO } }]);
    const known = await ok<{ search: unknown[] }>(query, { text: RETRACTO_NAME });
    expect(known.search).toEqual([]);
    const project = await ok<{ search: Array<{ entity: Slugged }> }>(
      `query($text: String!) {
        before: search(text: $text, prefix: true, asOf: "2025-02-01") { entity { slug } }
        after: search(text: $text, prefix: true, asOf: "2025-03-01") { entity { slug } }
      }`,
      { text: `Project ${p}` },
    );
    expect(project).toEqual({ before: [], after: [{ entity: { slug: PROJECT } }] });
  });

  it('counts the entities held at the slice', async () => {
    type Counts = Array<{ label: string; count: number }>;
    // A millisecond either side of Retracto's retraction (an instant of its own): what other test
    // files write is recorded now, or at instants of their histories, never in between, so only
    // the retraction tells the counts apart.
    const data = await ok<{ before: Counts; after: Counts }>(
      `query {
        before: graphStats(asOf: "2025-04-01", knownAt: "2025-05-01T00:00:07.122Z") { label count }
        after: graphStats(asOf: "2025-04-01", knownAt: "2025-05-01T00:00:07.124Z") { label count }
      }`,
    );
    const count = (counts: Counts, label: string) => counts.find((c) => c.label === label)!.count;
    for (const label of ['Entity', 'Company']) expect(count(data.before, label) - count(data.after, label)).toBe(1);
    for (const label of ['Deal', 'Project', 'Person']) expect(count(data.before, label)).toBe(count(data.after, label));
  });
});

describe('on claims the mutations wrote', () => {
  const asWriter = { authorization: `Bearer ${WRITE_KEY}` };
  it('a relationship that ended is followed only at a date it held', async () => {
    const q = uniquePrefix('ttw');
    const [a, b] = [`${q}-a`, `${q}-b`];
    for (const slug of [a, b]) {
      await ok(
        `mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }`,
        {
          input: { slug, name: `Company ${slug}`, validFrom: null },
        },
        asWriter,
      );
    }
    await ok(
      `mutation($input: ConnectInput!) { connect(input: $input) { created } }`,
      {
        input: { type: 'INVESTS_IN', from: a, to: b, validFrom: '2024-01-01', validTo: '2025-01-01' },
      },
      asWriter,
    );
    const data = await ok<{ today: PathJson | null; then: PathJson | null; after: PathJson | null }>(
      `query($a: ID!, $b: ID!) {
        today: shortestPath(from: $a, to: $b) { ${PATH} }
        then: shortestPath(from: $a, to: $b, asOf: "2024-06-01") { ${PATH} }
        after: shortestPath(from: $a, to: $b, asOf: "2025-01-01") { ${PATH} }
      }`,
      { a, b },
    );
    expect(data.today).toBeNull();
    expect(data.then).toMatchObject({ length: 1, relationships: [{ type: 'INVESTS_IN', from: { slug: a } }] });
    expect(data.after).toBeNull();
    await t.db.write('MATCH (n) WHERE (n:Entity OR n:HEntity) AND n.slug STARTS WITH $q DETACH DELETE n', { q });
    await t.db.write('MATCH (c:Claim) WHERE c.subject STARTS WITH $q OR c.object STARTS WITH $q DELETE c', { q });
  });
});
