/**
 * mergeEntities and unmergeEntities on the real Neo4j, on entities written through the API (so
 * they carry claims, citations, relationships, identifiers and MENTIONS like real data):
 * everything moves to the kept entity, the merged one redirects, history keeps both sides, and the
 * undo leaves today's graph exactly as before (a dump compared whole).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { dumpAround } from '../utils/graph-dump.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-write-key-merge01';
const asWriter = { authorization: `Bearer ${WRITE_KEY}` };

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('mrg');
const slug = (name: string) => `${prefix}-${name}`;
const SOURCE = `${prefix}-src`;
const around = ['acme', 'acme-inc', 'ceo', 'deal', 'project', 'other'].map(slug);

async function write(query: string, variables: Record<string, unknown>) {
  const answer = await gql<Record<string, unknown>>(yoga, query, variables, asWriter);
  expect(answer.errors, query).toBeUndefined();
  return answer.data!;
}

const UPSERT_COMPANY = 'mutation ($input: UpsertCompanyInput!) { upsertCompany(input: $input) { id } }';
const CONNECT = 'mutation ($input: ConnectInput!) { connect(input: $input) { type } }';
const cite = (quote: string) => ({ citations: [{ source: SOURCE, quote }], validFrom: '2025-01-01' });

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  yoga = testServer(t.graph, t.config);
  await write('mutation ($input: AddSourceInput!) { addSource(input: $input) { id } }', {
    input: { id: SOURCE, title: 'A report', url: `https://example.org/${prefix}` },
  });
  await write(UPSERT_COMPANY, {
    input: {
      slug: slug('acme'),
      name: `Acme Robotics ${prefix}`,
      kind: 'AI_LAB',
      country: 'US',
      identifiers: [{ scheme: 'DOMAIN', value: `acme.${prefix}.example` }],
      ...cite('Acme, a lab'),
    },
  });
  await write(UPSERT_COMPANY, {
    input: {
      slug: slug('acme-inc'),
      name: `ACME Robotics Inc ${prefix}`,
      aliases: ['Acme R'],
      kind: 'AI_LAB',
      country: 'FR',
      identifiers: [{ scheme: 'TICKER', value: 'NYSE:ACMR' }],
      ...cite('ACME Robotics Inc., French'),
    },
  });
  await write(UPSERT_COMPANY, { input: { slug: slug('other'), name: `Other ${prefix}`, kind: 'INVESTOR' } });
  await write('mutation ($input: UpsertPersonInput!) { upsertPerson(input: $input) { id } }', {
    input: { slug: slug('ceo'), name: `Ada ${prefix}` },
  });
  await write('mutation ($input: UpsertProjectInput!) { upsertProject(input: $input) { id } }', {
    input: { slug: slug('project'), name: `Project ${prefix}`, status: 'ANNOUNCED' },
  });
  await write('mutation ($input: UpsertDealInput!) { upsertDeal(input: $input) { id } }', {
    input: { slug: slug('deal'), name: `Deal ${prefix}`, kind: 'PARTNERSHIP', valueUsd: 1e9 },
  });
  const connect = (type: string, from: string, to: string, properties: Record<string, unknown>, quote: string) =>
    write(CONNECT, { input: { type, from: slug(from), to: slug(to), properties, ...cite(quote) } });
  await connect('LEADS', 'ceo', 'acme-inc', { title: 'CEO' }, 'Ada runs ACME');
  await connect('PARTY_TO', 'acme-inc', 'deal', { role: 'buyer' }, 'ACME buys');
  await connect('PARTY_TO', 'acme', 'deal', { role: 'buyer' }, 'Acme buys');
  await connect('PARTICIPATES_IN', 'acme-inc', 'project', { role: 'technology' }, 'ACME builds it');
  await connect('INVESTS_IN', 'acme-inc', 'acme', { amountUsd: 5e6 }, 'ACME backs Acme');
  await connect('INVESTS_IN', 'other', 'acme-inc', { amountUsd: 2e7 }, 'Other backs ACME');
}, 180_000);

afterAll(async () => {
  await t.db.write('MATCH (x:EntityMerge) WHERE x.keepSlug STARTS WITH $p DELETE x', { p: prefix });
  await deleteFixtures(t.db, prefix);
  await t.db.write('MATCH (c:Claim) WHERE $s IN c.citeSources DETACH DELETE c', { s: SOURCE });
  await t.close();
});

const MERGE = `mutation ($keep: ID!, $merge: ID!) { mergeEntities(keep: $keep, merge: $merge, reason: "same company") {
  id keepSlug mergedSlug reason by at undoneAt keep { slug } merged { slug } } }`;
const UNMERGE = 'mutation ($id: ID!) { unmergeEntities(mergeId: $id) { id undoneAt } }';

describe('merging two entities that are one', () => {
  it('moves everything to the kept one, redirects the other, keeps history, and undoes exactly', async () => {
    const before = await dumpAround(t.db, around);
    expect(before.map((e) => e.slug)).toEqual([...around].sort());
    const beforeMerge = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));

    const { mergeEntities: merged } = (await write(MERGE, { keep: slug('acme'), merge: slug('acme-inc') })) as {
      mergeEntities: { id: string; keepSlug: string; mergedSlug: string; reason: string; undoneAt: null };
    };
    expect(merged).toMatchObject({
      keepSlug: slug('acme'),
      mergedSlug: slug('acme-inc'),
      reason: 'same company',
      undoneAt: null,
    });

    // The merged slug and ID answer with the kept entity, saying so.
    const { data: redirected } = await gql<{ entity: Record<string, unknown> }>(
      yoga,
      `{ entity(slug: "${slug('acme-inc')}") { slug redirectedFrom aliases identifiers { scheme value }
           ... on Company { leaders { edges { node { slug } title citations { quote } } }
             deals { edges { node { slug } role citations { quote } } }
             projects { edges { node { slug } } } } } }`,
    );
    const kept = redirected!.entity as {
      slug: string;
      redirectedFrom: string;
      aliases: string[];
      identifiers: Array<{ scheme: string; value: string }>;
      leaders: { edges: Array<{ node: { slug: string }; title: string }> };
      deals: { edges: Array<{ node: { slug: string }; role: string; citations: Array<{ quote: string }> }> };
      projects: { edges: Array<{ node: { slug: string } }> };
    };
    expect(kept.slug).toBe(slug('acme'));
    expect(kept.redirectedFrom).toBe(slug('acme-inc'));
    expect(kept.aliases).toEqual(expect.arrayContaining([`ACME Robotics Inc ${prefix}`, 'Acme R']));
    expect(kept.identifiers.map((i) => `${i.scheme}:${i.value}`).sort()).toEqual(
      [`DOMAIN:acme.${prefix}.example`, 'TICKER:NYSE:ACMR'].sort(),
    );
    expect(kept.leaders.edges).toEqual([
      { node: { slug: slug('ceo') }, title: 'CEO', citations: [{ quote: 'Ada runs ACME' }] },
    ]);
    // One deal edge (the two PARTY_TO were the same relationship): both citations on it.
    expect(kept.deals.edges).toHaveLength(1);
    expect(kept.deals.edges[0]!.citations.map((c) => c.quote).sort()).toEqual(['ACME buys', 'Acme buys']);
    expect(kept.projects.edges.map((e) => e.node.slug)).toEqual([slug('project')]);

    // Two countries for one company: both kept, the other one listed as a conflict.
    const { data: countries } = await gql<{
      entity: { claims: Array<{ value: string; conflicts: Array<{ value: string }> }> };
    }>(yoga, `{ entity(slug: "${slug('acme')}") { claims(field: "country") { value conflicts { value } } } }`);
    expect(countries!.entity.claims.map((c) => c.value).sort()).toEqual(['FR', 'US']);

    // The merged ID resolves too; the entity as known before the merge is still there.
    const { data: atBefore } = await gql<{ entity: { slug: string; name: string } | null }>(
      yoga,
      `{ entity(slug: "${slug('acme-inc')}", knownAt: "${beforeMerge}") { slug name } }`,
    );
    expect(atBefore!.entity).toEqual({ slug: slug('acme-inc'), name: `ACME Robotics Inc ${prefix}` });

    // Writing to the merged slug would make a second entity: refused, naming the kept one.
    const upsert = await gql(yoga, UPSERT_COMPANY, { input: { slug: slug('acme-inc'), name: 'Again' } }, asWriter);
    expect(upsert.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', redirectTo: slug('acme') });
    // So would an import naming it (importGraph and data files write through the bulk loader).
    const imported = await gql(
      yoga,
      'mutation ($input: ImportGraphInput!) { importGraph(input: $input) { created { entities } } }',
      { input: { companies: [{ slug: slug('acme-inc'), name: 'Again' }] } },
      asWriter,
    );
    expect(imported.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', redirectTo: slug('acme') });
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));

    const { unmergeEntities: undone } = (await write(UNMERGE, { id: merged.id })) as {
      unmergeEntities: { undoneAt: string | null };
    };
    expect(undone.undoneAt).not.toBeNull();
    expect(await dumpAround(t.db, around)).toEqual(before);

    // The history keeps the merged state: known between the merge and its undo, one entity.
    const { data: history } = await gql<{ entity: { slug: string } | null }>(
      yoga,
      `{ entity(slug: "${slug('acme-inc')}", knownAt: "${between}") { slug } }`,
    );
    expect(history!.entity).toBeNull();
    const { data: leadersThen } = await gql<{ entity: { leaders: { edges: Array<{ node: { slug: string } }> } } }>(
      yoga,
      `{ entity(slug: "${slug('acme')}", knownAt: "${between}") { ... on Company { leaders { edges { node { slug } } } } } }`,
    );
    expect(leadersThen!.entity.leaders.edges.map((e) => e.node.slug)).toEqual([slug('ceo')]);

    // Undone once is undone.
    const again = await gql(yoga, UNMERGE, { id: merged.id }, asWriter);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('refuses to merge an entity into itself or into another kind', async () => {
    const self = await gql(yoga, MERGE, { keep: slug('acme'), merge: slug('acme') }, asWriter);
    expect(self.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const kinds = await gql(yoga, MERGE, { keep: slug('acme'), merge: slug('ceo') }, asWriter);
    expect(kinds.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reader = await gql(yoga, MERGE, { keep: slug('acme'), merge: slug('other') });
    expect(reader.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('racing merges, writes and reads of the same entities leave no orphan, no duplicate and no lost claim', async () => {
    const names = ['x', 'y', 'z'];
    const countries: Record<string, string> = { x: 'US', y: 'FR', z: 'DE' };
    for (const n of names) {
      await write(UPSERT_COMPANY, {
        input: {
          slug: slug(`race-${n}`),
          name: `Race ${n} ${prefix}`,
          country: countries[n],
          ...cite(`${n} is in ${countries[n]}`),
        },
      });
      await write(CONNECT, {
        input: {
          type: 'LEADS',
          from: slug('ceo'),
          to: slug(`race-${n}`),
          properties: { title: 'Chair' },
          ...cite(`Ada chairs ${n}`),
        },
      });
      await write(CONNECT, {
        input: {
          type: 'PARTY_TO',
          from: slug(`race-${n}`),
          to: slug('deal'),
          properties: { role: 'investor' },
          ...cite(`${n} invests`),
        },
      });
    }
    const ids = Object.fromEntries(
      (
        await t.db.read('MATCH (n:Company) WHERE n.slug IN $slugs RETURN n.slug AS slug, n.id AS id', {
          slugs: names.map((n) => slug(`race-${n}`)),
        })
      ).map((r) => [r.slug as string, r.id as string]),
    );
    const race = (n: string) => slug(`race-${n}`);
    const attempts = [
      gql(yoga, MERGE, { keep: race('x'), merge: race('y') }, asWriter),
      gql(yoga, MERGE, { keep: race('y'), merge: race('x') }, asWriter),
      gql(yoga, MERGE, { keep: race('z'), merge: race('y') }, asWriter),
      gql(yoga, MERGE, { keep: race('x'), merge: race('z') }, asWriter),
      ...names.map((n) =>
        gql(
          yoga,
          UPSERT_COMPANY,
          { input: { slug: race(n), name: `Race ${n} ${prefix}`, description: 'racing' } },
          asWriter,
        ),
      ),
      ...names.map((n) =>
        gql(
          yoga,
          CONNECT,
          { input: { type: 'INVESTS_IN', from: slug('other'), to: race(n), ...cite(`Other backs ${n}`) } },
          asWriter,
        ),
      ),
      ...names.map((n) => gql(yoga, `{ entity(slug: "${race(n)}") { slug ... on Company { country } } }`)),
    ];
    const answers = await Promise.all(attempts);
    // Racers that lock the same entities in other orders may deadlock; Neo4j breaks it and the
    // driver retries for 3 s, which a loaded machine can outlast: then the client is told it was a
    // transient error of the transaction (DATABASE_UNAVAILABLE) and may retry. Nothing else is acceptable.
    for (const a of answers)
      for (const e of a.errors ?? []) {
        if (e.extensions?.code === 'DATABASE_UNAVAILABLE')
          expect(String(e.extensions.reason)).toMatch(/^transient: Neo\.TransientError\.Transaction\./);
        else expect(['BAD_USER_INPUT', 'CONFLICT', 'NOT_FOUND']).toContain(e.extensions?.code);
      }
    expect(answers.slice(0, 4).filter((a) => !a.errors).length).toBeGreaterThanOrEqual(1);

    // Where each racer ended: itself, or the live entity its redirects lead to (no cycle).
    const finalOf = async (id: string) => {
      const seen = new Set<string>();
      let at = id;
      for (;;) {
        expect(seen.has(at)).toBe(false);
        seen.add(at);
        const [n] = await t.db.read(
          'MATCH (n:Entity|HEntity {id: $id}) RETURN n:Entity AS live, n.redirectTo AS next',
          { id: at },
        );
        expect(n).toBeDefined();
        if (n!.live) return at;
        expect(n!.next).toBeTruthy();
        at = String(n!.next);
      }
    };
    const idOf = async (s: string) =>
      String((await t.db.read('MATCH (n:Entity {slug: $s}) RETURN n.id AS id', { s }))[0]!.id);
    const [ceo, deal] = [await idOf(slug('ceo')), await idOf(slug('deal'))];
    const finals = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await finalOf(ids[race(n)]!)] as const)),
    );

    // No lost claim: each racer's country and relationships are asserted about where it ended.
    for (const n of names) {
      const [country] = await t.db.read(
        `MATCH (c:Claim {subject: $id, field: 'country'}) WHERE c.retractedAt IS NULL AND c.value = $v AND $quote IN c.citeQuotes
         RETURN count(c) AS n`,
        { id: finals[n], v: countries[n], quote: `${n} is in ${countries[n]}` },
      );
      expect(country!.n, `country of ${n}`).toBe(1);
      for (const [type, from, to, quote] of [
        ['LEADS', ceo, finals[n], `Ada chairs ${n}`],
        ['PARTY_TO', finals[n], deal, `${n} invests`],
      ] as const) {
        const [rel] = await t.db.read(
          `MATCH (c:Claim {kind: 'RELATIONSHIP'}) WHERE c.type = $type AND c.retractedAt IS NULL AND $quote IN c.citeQuotes
             AND c.subject = $from AND c.object = $to
           RETURN count(c) AS n`,
          { type, quote, from, to },
        );
        expect(rel!.n, `${type} of ${n}`).toBe(1);
      }
    }

    // No orphan, no duplicate: every relationship around them has its claim, each asserted
    // relationship claim exactly one relationship, and no two live ones join the same pair.
    const all = [...new Set(Object.values(finals)), ...Object.values(ids)];
    const [orphans] = await t.db.read(
      `MATCH (n:Entity|HEntity)-[r]-() WHERE n.id IN $all AND r.claimId IS NOT NULL
         AND NOT EXISTS { MATCH (c:Claim {id: r.claimId}) }
       RETURN count(r) AS n`,
      { all },
    );
    expect(orphans!.n).toBe(0);
    const claims = await t.db.read(
      `MATCH (c:Claim {kind: 'RELATIONSHIP'}) WHERE (c.subject IN $all OR c.object IN $all) AND c.retractedAt IS NULL
       RETURN c.id AS id, COUNT { MATCH ()-[r]->() WHERE r.claimId = c.id } AS edges`,
      { all },
    );
    for (const c of claims) expect(c.edges, String(c.id)).toBe(1);
    const [duplicates] = await t.db.read(
      `MATCH (a:Entity)-[r]->(b:Entity) WHERE (a.id IN $all OR b.id IN $all) AND NOT type(r) STARTS WITH 'H_' AND type(r) <> 'MENTIONS'
       WITH a, b, type(r) AS type, count(r) AS n WHERE n > 1 RETURN count(*) AS n`,
      { all },
    );
    expect(duplicates!.n).toBe(0);
  });
});
