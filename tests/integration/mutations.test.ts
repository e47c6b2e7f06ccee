/** Writes through GraphQL on the real Neo4j: auth matrix, validation, idempotency, concurrency, atomic imports. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-write-key-0001';
const READ_KEY = 'test-read-key-00001';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const asWriter = bearer(WRITE_KEY);

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('mut');
const slug = (name: string) => `${prefix}-${name}`;

/** Two files migrating a fresh database at once can race on CREATE INDEX; the retry finds it done. */
async function openWithKeys(): Promise<TestGraph> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read,${READ_KEY}:read` });
    } catch (error) {
      if (attempt >= 3 || !/equivalent \w+ already exists/i.test((error as Error).message)) throw error;
    }
  }
}

beforeAll(async () => {
  t = await openWithKeys();
  yoga = testServer(t.graph, t.config);
});

afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

const count = async (cypher: string, params: Record<string, unknown>) => Number((await t.db.read(cypher, params))[0]?.n ?? 0);

/** One valid call per mutation; each uses its own slugs so the matrix rows do not interfere. */
const MUTATIONS: Array<{ name: string; query: string; variables: () => Record<string, unknown>; before?: () => Promise<void> }> = [
  {
    name: 'upsertPerson',
    query: 'mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-person'), name: 'Auth Person' } }),
  },
  {
    name: 'upsertCompany',
    query: 'mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-company'), name: 'Auth Co', kind: 'AI_LAB' } }),
  },
  {
    name: 'upsertProject',
    query: 'mutation($input: UpsertProjectInput!) { upsertProject(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-project'), name: 'Auth Project' } }),
  },
  {
    name: 'upsertDatacenter',
    query: 'mutation($input: UpsertDatacenterInput!) { upsertDatacenter(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-dc'), name: 'Auth DC' } }),
  },
  {
    name: 'upsertDeal',
    query: 'mutation($input: UpsertDealInput!) { upsertDeal(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-deal'), name: 'Auth Deal', parties: [{ company: slug('auth-company'), role: 'buyer' }] } }),
  },
  {
    name: 'connect',
    query: 'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
    variables: () => ({ input: { type: 'PARTICIPATES_IN', from: slug('auth-company'), to: slug('auth-project'), properties: { role: 'lead' } } }),
  },
  {
    name: 'disconnect',
    query: 'mutation($input: DisconnectInput!) { disconnect(input: $input) { removed } }',
    variables: () => ({ input: { type: 'PARTICIPATES_IN', from: slug('auth-company'), to: slug('auth-project') } }),
  },
  {
    name: 'deleteEntity',
    query: 'mutation($id: ID!) { deleteEntity(id: $id) { slug } }',
    variables: () => ({ id: slug('auth-doomed') }),
    before: async () => {
      await gql(yoga, 'mutation { upsertPerson(input: {slug: "' + slug('auth-doomed') + '", name: "Doomed"}) { slug } }', {}, asWriter);
    },
  },
  {
    name: 'addSource',
    query: 'mutation($input: AddSourceInput!) { addSource(input: $input) { title } }',
    variables: () => ({ input: { id: slug('auth-source'), title: 'Auth source', mentions: [slug('auth-company')] } }),
  },
  {
    name: 'importGraph',
    query: 'mutation($input: ImportGraphInput!) { importGraph(input: $input) { total { entities } } }',
    variables: () => ({ input: { people: [{ slug: slug('auth-imported'), name: 'Imported' }] } }),
  },
];

describe('auth matrix: every mutation', () => {
  const cases = [
    { who: 'no token', headers: {}, code: 'UNAUTHENTICATED' },
    { who: 'a wrong token', headers: bearer('not-a-real-key-xyz'), code: 'UNAUTHENTICATED' },
    { who: 'a read-only token', headers: bearer(READ_KEY), code: 'FORBIDDEN' },
  ];
  for (const m of MUTATIONS) {
    for (const c of cases) {
      it(`${m.name} with ${c.who} → ${c.code}, nothing written`, async () => {
        const body = await gql(yoga, m.query, m.variables(), c.headers);
        expect(body.errors?.[0]?.extensions?.code).toBe(c.code);
        expect(body.data ?? null).toBeNull();
      });
    }
  }
  it('nothing was written by the refused calls', async () => {
    expect(await count('MATCH (n:Entity) WHERE n.slug STARTS WITH $p RETURN count(n) AS n', { p: slug('auth-') })).toBe(0);
    expect(await count('MATCH (s:Source {id: $id}) RETURN count(s) AS n', { id: slug('auth-source') })).toBe(0);
  });
  for (const m of MUTATIONS) {
    it(`${m.name} with a write token succeeds`, async () => {
      await m.before?.();
      const body = await gql(yoga, m.query, m.variables(), asWriter);
      expect(body.errors).toBeUndefined();
      expect(body.data?.[m.name]).toBeTruthy();
    });
  }
});
