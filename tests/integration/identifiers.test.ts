/**
 * External identifiers on the real Neo4j: the seed's, lookups by identifier, upserts that set and
 * drop them, one entity per identifier (also when two writes race for one), imports, and a purge
 * that frees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/graph/seed.js';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-write-key-ident1';
const asWriter = { authorization: `Bearer ${WRITE_KEY}` };

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('ident');
const slug = (name: string) => `${prefix}-${name}`;
/** A domain only this run uses, so runs never meet on one identifier. */
const domain = (name: string) => `${name}.${prefix}.example`;

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
});

afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

const BY_IDENTIFIER = `query ($scheme: IdentifierScheme!, $value: String!) {
  entity(identifier: { scheme: $scheme, value: $value }) { slug identifiers { scheme value url } } }`;

const UPSERT = `mutation ($input: UpsertCompanyInput!) {
  upsertCompany(input: $input) { slug updatedAt identifiers { scheme value } } }`;

async function upsert(input: Record<string, unknown>) {
  return gql<{ upsertCompany: { slug: string; updatedAt: string; identifiers: unknown[] } }>(
    yoga,
    UPSERT,
    { input },
    asWriter,
  );
}

describe('identifiers of the seed', () => {
  it('finds Microsoft by ticker, domain and Wikidata id, written any case, and lists its identifiers', async () => {
    const expected = {
      slug: 'microsoft',
      identifiers: [
        { scheme: 'DOMAIN', value: 'microsoft.com', url: 'https://microsoft.com' },
        { scheme: 'TICKER', value: 'NASDAQ:MSFT', url: null },
        { scheme: 'WIKIDATA', value: 'Q2283', url: 'https://www.wikidata.org/wiki/Q2283' },
      ],
    };
    for (const [scheme, value] of [
      ['TICKER', 'nasdaq:msft'],
      ['DOMAIN', 'Microsoft.COM'],
      ['WIKIDATA', 'q2283'],
    ]) {
      const { data, errors } = await gql(yoga, BY_IDENTIFIER, { scheme, value });
      expect(errors).toBeUndefined();
      expect(data?.entity).toEqual(expected);
    }
  });

  it('gives every seed company its web domain', async () => {
    const slugs = ['openai', 'softbank', 'oracle', 'coreweave', 'microsoft'];
    const { data } = await gql<Record<string, { identifiers: Array<{ scheme: string; value: string }> }>>(
      yoga,
      `{ ${slugs.map((s) => `${s}: entity(slug: "${s}") { identifiers { scheme value } }`).join(' ')} }`,
    );
    const domains = Object.fromEntries(
      slugs.map((s) => [s, data![s]!.identifiers.find((i) => i.scheme === 'DOMAIN')?.value]),
    );
    expect(domains).toEqual({
      openai: 'openai.com',
      softbank: 'group.softbank',
      oracle: 'oracle.com',
      coreweave: 'coreweave.com',
      microsoft: 'microsoft.com',
    });
  });

  it('answers null for an identifier nobody holds, and refuses a malformed one or both lookups at once', async () => {
    const none = await gql(yoga, BY_IDENTIFIER, { scheme: 'DOMAIN', value: domain('nobody') });
    expect(none).toEqual({ data: { entity: null } });
    const bad = await gql(yoga, BY_IDENTIFIER, { scheme: 'WIKIDATA', value: 'Microsoft' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/WIKIDATA value "Microsoft" is not a Wikidata item id/);
    const both = await gql(
      yoga,
      '{ entity(slug: "openai", identifier: { scheme: DOMAIN, value: "openai.com" }) { slug } }',
    );
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const neither = await gql(yoga, '{ entity { slug } }');
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('writing identifiers', () => {
  it('sets exactly the given identifiers, canonical and sorted; a repeat changes nothing; [] drops them', async () => {
    const first = await upsert({
      slug: slug('acme'),
      name: 'Acme AI',
      kind: 'AI_LAB',
      identifiers: [
        { scheme: 'TICKER', value: 'nyse:acme' },
        { scheme: 'DOMAIN', value: domain('ACME') },
        { scheme: 'DOMAIN', value: domain('acme') }, // the same, once canonical
      ],
    });
    expect(first.errors).toBeUndefined();
    expect(first.data?.upsertCompany.identifiers).toEqual([
      { scheme: 'DOMAIN', value: domain('acme') },
      { scheme: 'TICKER', value: 'NYSE:ACME' },
    ]);
    const stored = await t.db.read(
      'MATCH (n:Company {slug: $slug}) MATCH (i:Identifier {entity: n.id}) RETURN i.key AS key ORDER BY key',
      { slug: slug('acme') },
    );
    expect(stored.map((r) => r.key)).toEqual([`DOMAIN:${domain('acme')}`, 'TICKER:NYSE:ACME']);

    const again = await gql<{ upsertCompany: { updatedAt: string } }>(
      yoga,
      UPSERT,
      {
        input: {
          slug: slug('acme'),
          name: 'Acme AI',
          identifiers: [
            { scheme: 'TICKER', value: 'NYSE:ACME' },
            { scheme: 'DOMAIN', value: domain('acme') },
          ],
        },
      },
      asWriter,
    );
    const before = first.data?.upsertCompany.updatedAt;
    expect(again.data?.upsertCompany.updatedAt).toBe(before);

    // Omitted: left alone. Replaced: the dropped one is free again.
    await upsert({ slug: slug('acme'), name: 'Acme AI', description: 'x' });
    const swapped = await upsert({
      slug: slug('acme'),
      name: 'Acme AI',
      identifiers: [{ scheme: 'DOMAIN', value: domain('acme') }],
    });
    expect(swapped.data?.upsertCompany.identifiers).toEqual([{ scheme: 'DOMAIN', value: domain('acme') }]);
    expect((await gql(yoga, BY_IDENTIFIER, { scheme: 'TICKER', value: 'NYSE:ACME' })).data?.entity).toBeNull();
    const dropped = await upsert({ slug: slug('acme'), name: 'Acme AI', identifiers: [] });
    expect(dropped.data?.upsertCompany.identifiers).toEqual([]);
    expect(await t.db.read('MATCH (i:Identifier {key: $key}) RETURN i', { key: `DOMAIN:${domain('acme')}` })).toEqual(
      [],
    );
  });

  it("refuses another entity's identifier with CONFLICT naming its holder, and writes nothing", async () => {
    await upsert({ slug: slug('holder'), name: 'Holder', identifiers: [{ scheme: 'DOMAIN', value: domain('held') }] });
    const taken = await upsert({
      slug: slug('taker'),
      name: 'Taker',
      identifiers: [{ scheme: 'DOMAIN', value: domain('held') }],
    });
    expect(taken.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      identifier: { scheme: 'DOMAIN', value: domain('held') },
      heldBy: slug('holder'),
    });
    // The whole upsert rolled back: no entity was made.
    expect(await t.db.read('MATCH (n:Entity {slug: $slug}) RETURN n', { slug: slug('taker') })).toEqual([]);
    const bad = await upsert({
      slug: slug('bad'),
      name: 'Bad',
      identifiers: [{ scheme: 'LEI', value: '529900T8BM49AURSDO56' }],
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/check digits/);
  });

  it('lets one of two racing writes hold an identifier, and the other fail cleanly', async () => {
    const racers = Array.from({ length: 6 }, (_, i) =>
      upsert({
        slug: slug(`racer-${i}`),
        name: `Racer ${i}`,
        identifiers: [{ scheme: 'DOMAIN', value: domain('race') }],
      }),
    );
    const answers = await Promise.all(racers);
    const won = answers.filter((a) => !a.errors);
    expect(won).toHaveLength(1);
    for (const lost of answers.filter((a) => a.errors)) expect(lost.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const holders = await t.db.read(
      `MATCH (i:Identifier {key: $key}) MATCH (n:Entity {id: i.entity}) RETURN n.slug AS slug, n.identifiers AS ids`,
      { key: `DOMAIN:${domain('race')}` },
    );
    expect(holders).toEqual([{ slug: won[0]!.data!.upsertCompany.slug, ids: [`DOMAIN:${domain('race')}`] }]);
  });

  it('imports identifiers with importGraph, refusing two records that share one', async () => {
    const IMPORT = `mutation ($input: ImportGraphInput!) { importGraph(input: $input) { created { entities } } }`;
    const ok = await gql(
      yoga,
      IMPORT,
      {
        input: {
          companies: [
            {
              slug: slug('imported'),
              name: 'Imported',
              identifiers: [{ scheme: 'CRUNCHBASE', value: `${prefix}-imported` }],
            },
          ],
        },
      },
      asWriter,
    );
    expect(ok.errors).toBeUndefined();
    const found = await gql(yoga, BY_IDENTIFIER, { scheme: 'CRUNCHBASE', value: `${prefix}-imported` });
    expect(found.data?.entity).toMatchObject({ slug: slug('imported') });
    const twice = await gql(
      yoga,
      IMPORT,
      {
        input: {
          companies: [
            { slug: slug('twin-a'), name: 'Twin A', identifiers: [{ scheme: 'DOMAIN', value: domain('twin') }] },
            { slug: slug('twin-b'), name: 'Twin B', identifiers: [{ scheme: 'DOMAIN', value: domain('twin') }] },
          ],
        },
      },
      asWriter,
    );
    expect(twice.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(twice.errors?.[0]?.message).toContain(`identifier DOMAIN:${domain('twin')} is also ${slug('twin-a')}'s`);
    expect(
      await t.db.read('MATCH (n:Entity) WHERE n.slug IN $slugs RETURN n', { slugs: [slug('twin-a'), slug('twin-b')] }),
    ).toEqual([]);
  });

  it('frees the identifiers of a purged entity', async () => {
    const made = await upsert({
      slug: slug('purged'),
      name: 'Purged',
      identifiers: [{ scheme: 'DOMAIN', value: domain('purged') }],
    });
    expect(made.errors).toBeUndefined();
    const { data: node } = await gql<{ entity: { id: string } }>(yoga, `{ entity(slug: "${slug('purged')}") { id } }`);
    const purged = await gql(
      yoga,
      'mutation ($id: ID!) { purgeEntity(id: $id) { claimsDeleted } }',
      { id: node!.entity.id },
      asWriter,
    );
    expect(purged.errors).toBeUndefined();
    const reused = await upsert({
      slug: slug('reuser'),
      name: 'Reuser',
      identifiers: [{ scheme: 'DOMAIN', value: domain('purged') }],
    });
    expect(reused.errors).toBeUndefined();
  });
});
