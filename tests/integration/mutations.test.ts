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

const count = async (cypher: string, params: Record<string, unknown>) =>
  Number((await t.db.read(cypher, params))[0]?.n ?? 0);

/** One valid call per mutation; each uses its own slugs so the matrix rows do not interfere. */
const MUTATIONS: Array<{
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  expected: unknown;
  before?: () => Promise<void>;
}> = [
  {
    name: 'upsertPerson',
    expected: { slug: slug('auth-person') },
    query: 'mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-person'), name: 'Auth Person' } }),
  },
  {
    name: 'upsertCompany',
    expected: { slug: slug('auth-company') },
    query: 'mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-company'), name: 'Auth Co', kind: 'AI_LAB' } }),
  },
  {
    name: 'upsertProject',
    expected: { slug: slug('auth-project') },
    query: 'mutation($input: UpsertProjectInput!) { upsertProject(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-project'), name: 'Auth Project' } }),
  },
  {
    name: 'upsertDatacenter',
    expected: { slug: slug('auth-dc') },
    query: 'mutation($input: UpsertDatacenterInput!) { upsertDatacenter(input: $input) { slug } }',
    variables: () => ({ input: { slug: slug('auth-dc'), name: 'Auth DC' } }),
  },
  {
    name: 'upsertDeal',
    expected: { slug: slug('auth-deal') },
    query: 'mutation($input: UpsertDealInput!) { upsertDeal(input: $input) { slug } }',
    variables: () => ({
      input: {
        slug: slug('auth-deal'),
        name: 'Auth Deal',
        parties: [{ company: slug('auth-company'), role: 'buyer' }],
      },
    }),
  },
  {
    name: 'connect',
    expected: { created: true },
    query: 'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
    variables: () => ({
      input: {
        type: 'PARTICIPATES_IN',
        from: slug('auth-company'),
        to: slug('auth-project'),
        properties: { role: 'lead' },
      },
    }),
  },
  {
    name: 'disconnect',
    expected: { removed: true },
    query: 'mutation($input: DisconnectInput!) { disconnect(input: $input) { removed } }',
    variables: () => ({ input: { type: 'PARTICIPATES_IN', from: slug('auth-company'), to: slug('auth-project') } }),
  },
  {
    name: 'deleteEntity',
    expected: { slug: slug('auth-doomed') },
    query: 'mutation($id: ID!) { deleteEntity(id: $id) { slug } }',
    variables: () => ({ id: slug('auth-doomed') }),
    before: async () => {
      await gql(
        yoga,
        `mutation { upsertPerson(input: {slug: "${slug('auth-doomed')}", name: "Doomed"}) { slug } }`,
        {},
        asWriter,
      );
    },
  },
  {
    name: 'addSource',
    expected: { title: 'Auth source' },
    query: 'mutation($input: AddSourceInput!) { addSource(input: $input) { title } }',
    variables: () => ({ input: { id: slug('auth-source'), title: 'Auth source', mentions: [slug('auth-company')] } }),
  },
  {
    name: 'importGraph',
    expected: { total: { entities: 1 } },
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
  it('auth is checked before input: no token and invalid input → UNAUTHENTICATED', async () => {
    const body = await gql(yoga, UPSERT_COMPANY, { input: { slug: 'Not Kebab', name: '' } });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const readOnly = await gql(yoga, UPSERT_COMPANY, { input: { slug: 'Not Kebab', name: '' } }, bearer(READ_KEY));
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('nothing was written by the refused calls', async () => {
    expect(await count('MATCH (n:Entity) WHERE n.slug STARTS WITH $p RETURN count(n) AS n', { p: slug('auth-') })).toBe(
      0,
    );
    expect(await count('MATCH (s:Source {id: $id}) RETURN count(s) AS n', { id: slug('auth-source') })).toBe(0);
  });
  for (const m of MUTATIONS) {
    it(`${m.name} with a write token succeeds`, async () => {
      await m.before?.();
      const body = await gql(yoga, m.query, m.variables(), asWriter);
      expect(body.errors).toBeUndefined();
      expect(body.data?.[m.name]).toEqual(m.expected);
    });
  }
});

const UPSERT_COMPANY = `mutation($input: UpsertCompanyInput!) {
  upsertCompany(input: $input) { id slug name kind country createdAt updatedAt sources { id title } }
}`;

describe('upserts', () => {
  it('twice with the same input: same id, updatedAt unchanged; a real change moves updatedAt', async () => {
    const input = { slug: slug('idem'), name: 'Idem Co', kind: 'CLOUD_PROVIDER', country: 'US' };
    const first = await gql<{ upsertCompany: Record<string, string> }>(yoga, UPSERT_COMPANY, { input }, asWriter);
    expect(first.errors).toBeUndefined();
    const again = await gql<{ upsertCompany: Record<string, string> }>(yoga, UPSERT_COMPANY, { input }, asWriter);
    expect(again.data!.upsertCompany.id).toBe(first.data!.upsertCompany.id);
    expect(again.data!.upsertCompany.updatedAt).toBe(first.data!.upsertCompany.updatedAt);
    expect(again.data!.upsertCompany.createdAt).toBe(first.data!.upsertCompany.createdAt);
    await new Promise((r) => setTimeout(r, 5));
    const changed = await gql<{ upsertCompany: Record<string, string> }>(
      yoga,
      UPSERT_COMPANY,
      { input: { ...input, country: 'FR' } },
      asWriter,
    );
    expect(changed.data!.upsertCompany).toMatchObject({
      id: first.data!.upsertCompany.id,
      country: 'FR',
      kind: 'CLOUD_PROVIDER',
    });
    expect(Date.parse(changed.data!.upsertCompany.updatedAt!)).toBeGreaterThan(
      Date.parse(first.data!.upsertCompany.updatedAt!),
    );
    expect(changed.data!.upsertCompany.createdAt).toBe(first.data!.upsertCompany.createdAt);
  });

  it('omitted fields keep their value; null clears one', async () => {
    const input = { slug: slug('partial'), name: 'Partial', kind: 'INVESTOR', country: 'JP' };
    await gql(yoga, UPSERT_COMPANY, { input }, asWriter);
    const kept = await gql<{ upsertCompany: Record<string, string | null> }>(
      yoga,
      UPSERT_COMPANY,
      { input: { slug: input.slug, name: 'Partial' } },
      asWriter,
    );
    expect(kept.data!.upsertCompany).toMatchObject({ kind: 'INVESTOR', country: 'JP' });
    const cleared = await gql<{ upsertCompany: Record<string, string | null> }>(
      yoga,
      UPSERT_COMPANY,
      { input: { slug: input.slug, name: 'Partial', country: null } },
      asWriter,
    );
    expect(cleared.data!.upsertCompany).toMatchObject({ kind: 'INVESTOR', country: null });
  });

  it('twenty concurrent upserts of one slug leave one node', async () => {
    const s = slug('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gql<{ upsertCompany: { id: string } }>(
          yoga,
          UPSERT_COMPANY,
          { input: { slug: s, name: `Race ${i % 3}` } },
          asWriter,
        ),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.upsertCompany.id)).size).toBe(1);
    expect(await count('MATCH (n:Entity {slug: $s}) RETURN count(n) AS n', { s })).toBe(1);
    expect(await count('MATCH (n:Entity:Company {slug: $s}) RETURN count(n) AS n', { s })).toBe(1);
  });

  it('a slug of another kind is a CONFLICT, and the existing entity is untouched', async () => {
    const s = slug('kind-clash');
    await gql(
      yoga,
      'mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { id } }',
      { input: { slug: s, name: 'A Person' } },
      asWriter,
    );
    const body = await gql(yoga, UPSERT_COMPANY, { input: { slug: s, name: 'A Company' } }, asWriter);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', existingKind: 'Person' });
    const rows = await t.db.read('MATCH (n:Entity {slug: $s}) RETURN labels(n) AS labels, n.name AS name', { s });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.labels).toEqual(expect.arrayContaining(['Entity', 'Person']));
    expect(rows[0]!.labels).not.toContain('Company');
    expect(rows[0]!.name).toBe('A Person');
  });

  it('names its source: an inline source is created and MENTIONS the entity; sourceId links an existing one', async () => {
    const input = {
      slug: slug('sourced'),
      name: 'Sourced Co',
      source: {
        id: slug('src-a'),
        title: 'Report A',
        url: 'https://example.org/a',
        publishedOn: '2025-07-22',
        language: 'fr',
      },
    };
    const body = await gql<{ upsertCompany: { sources: Array<{ title: string }> } }>(
      yoga,
      UPSERT_COMPANY,
      { input },
      asWriter,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.upsertCompany.sources.map((s) => s.title)).toEqual(['Report A']);
    const project = await gql<{
      upsertProject: { sources: Array<{ title: string }>; announcedOn: string; pledgedUsd: number };
    }>(
      yoga,
      'mutation($input: UpsertProjectInput!) { upsertProject(input: $input) { announcedOn pledgedUsd sources { title } } }',
      {
        input: {
          slug: slug('sourced-project'),
          name: 'P',
          announcedOn: '2025-01-21',
          pledgedUsd: 5e11,
          sourceId: slug('src-a'),
        },
      },
      asWriter,
    );
    expect(project.errors).toBeUndefined();
    expect(project.data!.upsertProject).toEqual({
      announcedOn: '2025-01-21',
      pledgedUsd: 5e11,
      sources: [{ title: 'Report A' }],
    });
    // Dates are Neo4j dates, not strings.
    const [row] = await t.db.read('MATCH (n:Project {slug: $s}) RETURN valueType(n.announcedOn) AS type', {
      s: slug('sourced-project'),
    });
    expect(String(row!.type)).toMatch(/^DATE/);
    const missing = await gql(
      yoga,
      UPSERT_COMPANY,
      { input: { slug: slug('unsourced'), name: 'X', sourceId: slug('no-such-source') } },
      asWriter,
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await count('MATCH (n:Entity {slug: $s}) RETURN count(n) AS n', { s: slug('unsourced') })).toBe(0);
  });

  it('upsertDeal sets exactly the parties given, with roles', async () => {
    await gql(yoga, UPSERT_COMPANY, { input: { slug: slug('buyer'), name: 'Buyer' } }, asWriter);
    await gql(yoga, UPSERT_COMPANY, { input: { slug: slug('seller'), name: 'Seller' } }, asWriter);
    const DEAL = `mutation($input: UpsertDealInput!) { upsertDeal(input: $input) { valueUsd parties { edges { role node { slug } } } } }`;
    const first = await gql<{
      upsertDeal: { valueUsd: number; parties: { edges: Array<{ role: string; node: { slug: string } }> } };
    }>(
      yoga,
      DEAL,
      {
        input: {
          slug: slug('deal'),
          name: 'Deal',
          kind: 'COMPUTE_LEASE',
          valueUsd: 1e10,
          parties: [
            { company: slug('buyer'), role: 'lessee' },
            { company: slug('seller'), role: 'lessor' },
          ],
        },
      },
      asWriter,
    );
    expect(first.errors).toBeUndefined();
    const roles = (d: typeof first) =>
      Object.fromEntries(d.data!.upsertDeal.parties.edges.map((e) => [e.node.slug, e.role]));
    expect(roles(first)).toEqual({ [slug('buyer')]: 'lessee', [slug('seller')]: 'lessor' });
    const second = await gql<typeof first.data>(
      yoga,
      DEAL,
      { input: { slug: slug('deal'), name: 'Deal', parties: [{ company: slug('buyer'), role: 'buyer' }] } },
      asWriter,
    );
    expect(roles(second as typeof first)).toEqual({ [slug('buyer')]: 'buyer' });
    const wrongKind = await gql(
      yoga,
      DEAL,
      { input: { slug: slug('deal'), name: 'Deal', parties: [{ company: slug('deal'), role: 'buyer' }] } },
      asWriter,
    );
    expect(wrongKind.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['input', 'parties', 0, 'company'],
    });
  });
});

describe('validation', () => {
  const cases: Array<{ what: string; query: string; variables: Record<string, unknown>; path: unknown[] }> = [
    {
      what: 'a slug not in kebab-case',
      query: UPSERT_COMPANY,
      variables: { input: { slug: 'Not_Kebab', name: 'X' } },
      path: ['input', 'slug'],
    },
    {
      what: 'negative money',
      query: 'mutation($input: UpsertDealInput!) { upsertDeal(input: $input) { id } }',
      variables: { input: { slug: slug('neg'), name: 'X', valueUsd: -1 } },
      path: ['input', 'valueUsd'],
    },
    {
      what: 'a bad URL',
      query: 'mutation($input: AddSourceInput!) { addSource(input: $input) { id } }',
      variables: { input: { title: 'T', url: 'not a url' } },
      path: ['input', 'url'],
    },
    {
      what: 'a property of another relationship type',
      query: 'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
      variables: { input: { type: 'OPERATES', from: 'a', to: 'b', properties: { role: 'x' } } },
      path: ['input', 'properties', 'role'],
    },
    {
      what: 'MENTIONS through connect',
      query: 'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
      variables: { input: { type: 'MENTIONS', from: 'a', to: 'b' } },
      path: ['input', 'type'],
    },
    {
      what: 'an empty name',
      query: UPSERT_COMPANY,
      variables: { input: { slug: slug('empty'), name: '  ' } },
      path: ['input', 'name'],
    },
  ];
  for (const c of cases) {
    it(`${c.what} → BAD_USER_INPUT at ${c.path.join('.')}`, async () => {
      const body = await gql(yoga, c.query, c.variables, asWriter);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: c.path });
      expect(body.errors?.[0]?.message).toContain(c.path.join('.'));
    });
  }

  it('an invalid enum value is refused by GraphQL itself, with a code', async () => {
    const inDocument = await gql(
      yoga,
      `mutation { upsertCompany(input: { slug: "${slug('enum')}", name: "X", kind: BANK }) { id } }`,
      {},
      asWriter,
    );
    expect(inDocument.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(inDocument.errors?.[0]?.message).toMatch(/BANK/);
    const inVariables = await gql(
      yoga,
      UPSERT_COMPANY,
      { input: { slug: slug('enum'), name: 'X', kind: 'BANK' } },
      asWriter,
    );
    // The same value in variables is input, not the document: BAD_USER_INPUT, still with a code.
    expect(inVariables.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(inVariables.errors?.[0]?.message).toMatch(/BANK/);
    expect(await count('MATCH (n:Entity {slug: $s}) RETURN count(n) AS n', { s: slug('enum') })).toBe(0);
  });

  it('connect checks endpoint kinds from the model', async () => {
    await gql(
      yoga,
      'mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { id } }',
      { input: { slug: slug('ceo'), name: 'CEO' } },
      asWriter,
    );
    await gql(yoga, UPSERT_COMPANY, { input: { slug: slug('led'), name: 'Led' } }, asWriter);
    const wrong = await gql(
      yoga,
      'mutation($input: ConnectInput!) { connect(input: $input) { created } }',
      { input: { type: 'LEADS', from: slug('led'), to: slug('ceo') } },
      asWriter,
    );
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['input', 'from'] });
    const CONNECT =
      'mutation($input: ConnectInput!) { connect(input: $input) { created changed from { slug } to { ... on Company { leaders { edges { title since node { slug } } } } } } }';
    const input = {
      type: 'LEADS',
      from: slug('ceo'),
      to: slug('led'),
      properties: { title: 'CEO', since: '2019-03-01' },
    };
    const ok = await gql<{ connect: { created: boolean; changed: boolean; to: { leaders: { edges: unknown[] } } } }>(
      yoga,
      CONNECT,
      { input },
      asWriter,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.connect).toMatchObject({ created: true, changed: true });
    expect(ok.data!.connect.to.leaders.edges).toEqual([
      { title: 'CEO', since: '2019-03-01', node: { slug: slug('ceo') } },
    ]);
    const again = await gql<typeof ok.data>(yoga, CONNECT, { input }, asWriter);
    expect(again.data!.connect).toMatchObject({ created: false, changed: false });
    expect(
      await count('MATCH (:Person {slug: $a})-[r:LEADS]->(:Company {slug: $b}) RETURN count(r) AS n', {
        a: slug('ceo'),
        b: slug('led'),
      }),
    ).toBe(1);
    const gone = await gql<{ disconnect: { removed: boolean } }>(
      yoga,
      'mutation($input: DisconnectInput!) { disconnect(input: $input) { removed } }',
      { input: { type: 'LEADS', from: slug('ceo'), to: slug('led') } },
      asWriter,
    );
    expect(gone.data!.disconnect.removed).toBe(true);
    expect(await count('MATCH (:Person {slug: $a})-[r:LEADS]->() RETURN count(r) AS n', { a: slug('ceo') })).toBe(0);
  });

  it('deleteEntity removes the node and its relationships; unknown ids are NOT_FOUND', async () => {
    await gql(
      yoga,
      UPSERT_COMPANY,
      { input: { slug: slug('del'), name: 'Del', source: { id: slug('src-del'), title: 'S' } } },
      asWriter,
    );
    const body = await gql<{ deleteEntity: { slug: string; entityKind: string; relationshipsRemoved: number } }>(
      yoga,
      'mutation($id: ID!) { deleteEntity(id: $id) { slug entityKind relationshipsRemoved } }',
      { id: slug('del') },
      asWriter,
    );
    expect(body.data!.deleteEntity).toEqual({ slug: slug('del'), entityKind: 'COMPANY', relationshipsRemoved: 1 });
    expect(await count('MATCH (n:Entity {slug: $s}) RETURN count(n) AS n', { s: slug('del') })).toBe(0);
    const again = await gql(
      yoga,
      'mutation($id: ID!) { deleteEntity(id: $id) { slug } }',
      { id: slug('del') },
      asWriter,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('importGraph', () => {
  const IMPORT =
    'mutation($input: ImportGraphInput!) { importGraph(input: $input) { total { entities sources relationships } created { entities sources relationships } updated { entities } } }';
  const batch = () => ({
    people: [{ slug: slug('imp-ceo'), name: 'Imp CEO' }],
    companies: [{ slug: slug('imp-co'), name: 'Imp Co', kind: 'AI_LAB' }],
    projects: [{ slug: slug('imp-proj'), name: 'Imp Project', status: 'ANNOUNCED', announcedOn: '2025-01-21' }],
    sources: [{ id: slug('imp-src'), title: 'Imp source', mentions: [slug('imp-co'), slug('imp-proj')] }],
    relationships: [
      { type: 'LEADS', from: slug('imp-ceo'), to: slug('imp-co'), properties: { title: 'CEO' } },
      {
        type: 'PARTICIPATES_IN',
        from: slug('imp-co'),
        to: slug('imp-proj'),
        properties: { role: 'lead', committedUsd: 1e9 },
      },
    ],
  });
  const state = async () => ({
    entities: await count('MATCH (n:Entity) WHERE n.slug STARTS WITH $p RETURN count(n) AS n', { p: slug('imp-') }),
    rels: await count('MATCH (n:Entity)-[r]-() WHERE n.slug STARTS WITH $p RETURN count(DISTINCT r) AS n', {
      p: slug('imp-'),
    }),
    sources: await count('MATCH (s:Source {id: $id}) RETURN count(s) AS n', { id: slug('imp-src') }),
  });

  it('one bad relationship writes nothing', async () => {
    const bad = batch();
    bad.relationships.push({
      type: 'OPERATES',
      from: slug('imp-co'),
      to: slug('no-such-datacenter'),
      properties: {},
    } as never);
    const body = await gql(yoga, IMPORT, { input: bad }, asWriter);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await state()).toEqual({ entities: 0, rels: 0, sources: 0 });
  });

  it('a relationship of the wrong kinds writes nothing', async () => {
    const bad = batch();
    bad.relationships.push({ type: 'LEADS', from: slug('imp-co'), to: slug('imp-proj'), properties: {} } as never);
    const body = await gql(yoga, IMPORT, { input: bad }, asWriter);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await state()).toEqual({ entities: 0, rels: 0, sources: 0 });
  });

  it('writes everything at once; again changes nothing', async () => {
    const first = await gql<{ importGraph: Record<string, Record<string, number>> }>(
      yoga,
      IMPORT,
      { input: batch() },
      asWriter,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.importGraph.created).toEqual({ entities: 3, sources: 1, relationships: 4 });
    const after = await state();
    expect(after).toEqual({ entities: 3, rels: 4, sources: 1 });
    const again = await gql<{ importGraph: Record<string, Record<string, number>> }>(
      yoga,
      IMPORT,
      { input: batch() },
      asWriter,
    );
    expect(again.data!.importGraph.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(again.data!.importGraph.updated).toEqual({ entities: 0 });
    expect(await state()).toEqual(after);
  });

  it('a slug of another kind is a CONFLICT and nothing is written', async () => {
    const body = await gql(
      yoga,
      IMPORT,
      {
        input: {
          companies: [{ slug: slug('imp-ceo'), name: 'Clash' }],
          people: [{ slug: slug('imp-new'), name: 'New' }],
        },
      },
      asWriter,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await count('MATCH (n:Entity {slug: $s}) RETURN count(n) AS n', { s: slug('imp-new') })).toBe(0);
  });

  it('a source citing another twice and mentioning an entity twice writes one CITES and one MENTIONS', async () => {
    const input = {
      companies: [{ slug: slug('dup-co'), name: 'Dup Co' }],
      sources: [
        { id: slug('dup-s1'), title: 'One' },
        {
          id: slug('dup-s2'),
          title: 'Two',
          cites: [slug('dup-s1'), slug('dup-s1')],
          mentions: [slug('dup-co'), slug('dup-co')],
        },
      ],
    };
    const body = await gql<{ importGraph: Record<string, Record<string, number>> }>(yoga, IMPORT, { input }, asWriter);
    expect(body.errors).toBeUndefined();
    expect(body.data!.importGraph.created).toEqual({ entities: 1, sources: 2, relationships: 2 });
    expect(
      await count('MATCH (:Source {id: $a})-[r:CITES]->(:Source {id: $b}) RETURN count(r) AS n', {
        a: slug('dup-s2'),
        b: slug('dup-s1'),
      }),
    ).toBe(1);
    expect(
      await count('MATCH (:Source {id: $a})-[r:MENTIONS]->(:Entity {slug: $b}) RETURN count(r) AS n', {
        a: slug('dup-s2'),
        b: slug('dup-co'),
      }),
    ).toBe(1);
  });
});

describe('REQUIRE_AUTH_FOR_READS', () => {
  it('reads need a token with read (or write) when set; public otherwise', async () => {
    const strict = testServer(t.graph, { ...t.config, auth: { ...t.config.auth, requireAuthForReads: true } });
    const q = '{ entity(slug: "nothing-here") { id } }';
    expect((await gql(strict, q)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(strict, q, {}, bearer(READ_KEY))).errors).toBeUndefined();
    expect((await gql(strict, q, {}, asWriter)).errors).toBeUndefined();
    expect((await gql(yoga, q)).errors).toBeUndefined();
  });

  it('introspection and /metrics are reads too; { __typename } and /health stay open', async () => {
    const strict = testServer(t.graph, { ...t.config, auth: { ...t.config.auth, requireAuthForReads: true } });
    for (const q of ['{ __schema { queryType { name } } }', '{ __type(name: "Company") { name } }']) {
      const anonymous = await gql(strict, q);
      expect(anonymous.data ?? null).toBeNull();
      expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect((await gql(strict, q, {}, bearer(READ_KEY))).errors).toBeUndefined();
      expect((await gql(yoga, q)).errors).toBeUndefined();
    }
    expect((await gql(strict, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    const metrics = async (headers: Record<string, string> = {}) =>
      (await strict.fetch('http://stargraph.test/metrics', { headers })).status;
    expect(await metrics()).toBe(401);
    expect(await metrics({ authorization: 'Bearer not-a-key-of-ours-at-all' })).toBe(401);
    expect(await metrics({ authorization: `Bearer ${READ_KEY}` })).toBe(200);
    expect((await yoga.fetch('http://stargraph.test/metrics')).status).toBe(200);
    expect((await strict.fetch('http://stargraph.test/health')).status).toBe(200);
  });
});
