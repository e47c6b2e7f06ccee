/**
 * The seed dataset on the shared test Neo4j. Other files may load the seed too (it is
 * idempotent) and rely on it, so this file never deletes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed, readSeed, seedIfEmpty } from '../../src/graph/seed.js';
import { README_BUYER_ROLES as BUYER_ROLES, README_SELLER_ROLES as SELLER_ROLES } from '../utils/spec-model.js';
import type { LoadResult } from '../../src/graph/bulk-load.js';
import { openTestGraph, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let first: LoadResult;
beforeAll(async () => {
  t = await openTestGraph();
  first = await loadSeed(t.db);
});
afterAll(() => t.close());

const seed = readSeed();
/** The fields of a seed claim record these checks read. */
interface SeedClaim {
  kind: string;
  subject: string;
  field?: string;
  validFrom: string | null;
  validTo: string | null;
  retractedAt?: string;
}
const seedSlugs = seed.entities.map((e) => e.slug);
const seedSourceIds = seed.sources.map((s) => s.id);

/** A property as text: timestamps at full precision (toString), lists as they are. */
const asText = (value: string) => `CASE WHEN ${value} IS :: LIST<ANY> THEN ${value} ELSE toString(${value}) END`;

/** Seed nodes and the relationships between them, every property (timestamps too) as text. */
async function snapshot(): Promise<string> {
  const rows = await t.db.read(
    `MATCH (n) WHERE (n:Entity AND n.slug IN $slugs) OR (n:Source AND n.id IN $sourceIds)
     OPTIONAL MATCH (n)-[r]->(m) WHERE (m:Entity AND m.slug IN $slugs) OR (m:Source AND m.id IN $sourceIds)
     WITH n, r, m ORDER BY type(r), m.id
     RETURN n.id AS id, labels(n) AS labels,
            [k IN keys(n) | [k, ${asText('n[k]')}]] AS props,
            collect([type(r), m.id, [k IN keys(r) | [k, ${asText('r[k]')}]]]) AS out
     ORDER BY id`,
    { slugs: seedSlugs, sourceIds: seedSourceIds },
  );
  return JSON.stringify(
    rows.map((r) => ({ ...r, props: (r.props as string[][]).sort(), labels: (r.labels as string[]).sort() })),
  );
}

/** One entity's properties, by slug. */
async function entity(slug: string): Promise<Record<string, unknown>> {
  const [row] = await t.db.read('MATCH (n:Entity {slug: $slug}) RETURN properties(n) AS p, labels(n) AS labels', {
    slug,
  });
  expect(row, `entity ${slug}`).toBeDefined();
  return { ...(row!.p as Record<string, unknown>), labels: row!.labels };
}

/** Roles on PARTY_TO for a deal, by company slug. */
async function parties(dealSlug: string): Promise<Record<string, string>> {
  const rows = await t.db.read(
    'MATCH (c:Company)-[r:PARTY_TO]->(:Deal {slug: $dealSlug}) RETURN c.slug AS company, r.role AS role',
    { dealSlug },
  );
  return Object.fromEntries(rows.map((r) => [r.company as string, r.role as string]));
}

describe('loading the seed', () => {
  it('writes every row of the file (created now or by an earlier load)', () => {
    expect(first.total).toEqual({
      entities: seed.entities.length,
      sources: seed.sources.length,
      relationships:
        seed.relationships.length +
        seed.mentions.reduce((n, m) => n + m.entities.length, 0) +
        seed.sources.reduce((n, s) => n + (s.cites?.length ?? 0), 0),
    });
  });

  it('changes nothing the second time: no creates, no updates, identical properties and timestamps', async () => {
    const before = await snapshot();
    const again = await loadSeed(t.db);
    expect(again.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(again.updated).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(await snapshot()).toBe(before);
  });

  it('gives each seed entity its deterministic id, createdAt and updatedAt', async () => {
    const rows = await t.db.read(
      'MATCH (n:Entity) WHERE n.slug IN $slugs RETURN n.slug AS slug, n.id AS id, n.createdAt IS :: ZONED DATETIME AS created, n.updatedAt >= n.createdAt AS updatedAfter',
      { slugs: seedSlugs },
    );
    expect(rows).toHaveLength(seed.entities.length);
    for (const row of rows) {
      expect(row.id).toBe(seed.entities.find((e) => e.slug === row.slug)!.id);
      expect(row).toMatchObject({ created: true, updatedAfter: true });
    }
  });

  it('does not seed a graph that already has entities', async () => {
    expect(await seedIfEmpty(t.db)).toBeNull();
  });
});

describe('seed facts', () => {
  it('has the people, and the companies with their kind and country', async () => {
    expect(await entity('donald-trump')).toMatchObject({
      name: 'Donald Trump',
      labels: expect.arrayContaining(['Entity', 'Person']),
    });
    expect(await entity('sam-altman')).toMatchObject({
      name: 'Sam Altman',
      labels: expect.arrayContaining(['Person']),
    });
    const companies = {
      openai: ['AI_LAB', 'US'],
      softbank: ['INVESTOR', 'JP'],
      oracle: ['CLOUD_PROVIDER', 'US'],
      coreweave: ['CLOUD_PROVIDER', 'US'],
      microsoft: ['CLOUD_PROVIDER', 'US'],
    };
    for (const [slug, [kind, country]] of Object.entries(companies)) {
      expect(await entity(slug)).toMatchObject({
        kind,
        country,
        labels: expect.arrayContaining(['Entity', 'Company']),
      });
    }
  });

  it('has Stargate as a stalled project with its money, power and announcement date', async () => {
    const stargate = await entity('stargate');
    expect(stargate).toMatchObject({
      status: 'STALLED',
      announcedOn: '2025-01-21',
      pledgedUsd: 500e9,
      targetPowerMw: 10_000,
    });
    // Its $100bn first year held from the launch to the report only: today it has none.
    expect(stargate).not.toHaveProperty('firstYearUsd');
    const [firstYear] = await t.db.read(
      `MATCH (c:Claim {subject: $id, field: 'firstYearUsd'})
       RETURN c.value AS value, toString(c.validFrom) AS validFrom, toString(c.validTo) AS validTo`,
      { id: stargate.id },
    );
    expect(firstYear).toEqual({ value: 100e9, validFrom: '2025-01-21', validTo: '2025-07-01' });
    const [typed] = await t.db.read(
      "MATCH (p:Project {slug: 'stargate'}) RETURN p.announcedOn = date('2025-01-21') AS isDate",
    );
    expect(typed?.isDate).toBe(true);
  });

  it('says who announced, leads and takes part in Stargate', async () => {
    const announced = await t.db.read(
      "MATCH (x:Entity)-[a:ANNOUNCED]->(:Project {slug: 'stargate'}) RETURN x.slug AS slug, a.on = date('2025-01-21') AS onLaunchDay ORDER BY slug",
    );
    expect(announced.filter((r) => seedSlugs.includes(r.slug as string))).toEqual([
      { slug: 'donald-trump', onLaunchDay: true },
      { slug: 'sam-altman', onLaunchDay: true },
    ]);
    const [leads] = await t.db.read(
      "MATCH (:Person {slug: 'sam-altman'})-[l:LEADS]->(:Company {slug: 'openai'}) RETURN l.title AS title",
    );
    expect(leads?.title).toBe('Chief Executive Officer');
    const participants = await t.db.read(
      "MATCH (c:Company)-[p:PARTICIPATES_IN]->(:Project {slug: 'stargate'}) WHERE c.slug IN ['openai', 'softbank'] RETURN c.slug AS slug, p.role AS role ORDER BY slug",
    );
    expect(participants).toEqual([
      { slug: 'openai', role: 'lead' },
      { slug: 'softbank', role: 'financier' },
    ]);
  });

  it('has the datacenters: the one Stargate site planned for end of 2025, and the partners’ sites', async () => {
    expect(await entity('stargate-first-datacenter')).toMatchObject({ status: 'PLANNED', targetDate: '2025-12-31' });
    const [partOf] = await t.db.read(
      "MATCH (:Datacenter {slug: 'stargate-first-datacenter'})-[:PART_OF]->(p:Project) RETURN p.slug AS slug",
    );
    expect(partOf?.slug).toBe('stargate');
    const operated = await t.db.read(
      "MATCH (c:Company)-[:OPERATES]->(d:Datacenter) WHERE d.slug IN ['oracle-openai-datacenters', 'coreweave-openai-datacenters'] RETURN c.slug AS company, d.slug AS datacenter ORDER BY company",
    );
    expect(operated).toEqual([
      { company: 'coreweave', datacenter: 'coreweave-openai-datacenters' },
      { company: 'oracle', datacenter: 'oracle-openai-datacenters' },
    ]);
  });

  it('has the deals with their values, end year, parties, roles and what they cover', async () => {
    expect(await entity('openai-oracle-datacenter-deal')).toMatchObject({ kind: 'COMPUTE_LEASE', valueUsd: 30e9 });
    expect(await parties('openai-oracle-datacenter-deal')).toEqual({ openai: 'customer', oracle: 'provider' });

    expect(await entity('openai-microsoft-server-rental')).toMatchObject({
      kind: 'CLOUD_CONTRACT',
      valueUsd: 28e9,
      endsOn: '2028-12-31',
    });
    expect(await parties('openai-microsoft-server-rental')).toEqual({ openai: 'lessee', microsoft: 'lessor' });

    expect(await entity('openai-coreweave-datacenter-deal')).toMatchObject({ kind: 'COMPUTE_LEASE' });
    expect(await parties('openai-coreweave-datacenter-deal')).toEqual({ openai: 'customer', coreweave: 'provider' });

    // OpenAI is on the paying side of each, its counterpart on the selling side (dealStats relies on it).
    for (const deal of [
      'openai-oracle-datacenter-deal',
      'openai-microsoft-server-rental',
      'openai-coreweave-datacenter-deal',
    ]) {
      const roles = await parties(deal);
      for (const [company, role] of Object.entries(roles)) {
        expect(company === 'openai' ? BUYER_ROLES : SELLER_ROLES, `${company} on ${deal}`).toContain(role);
      }
    }
    const covers = await t.db.read(
      "MATCH (d:Deal)-[:COVERS]->(dc:Datacenter) WHERE d.slug STARTS WITH 'openai-' RETURN d.slug AS deal, dc.slug AS datacenter ORDER BY deal",
    );
    expect(covers.filter((r) => seedSlugs.includes(r.deal as string))).toEqual([
      { deal: 'openai-coreweave-datacenter-deal', datacenter: 'coreweave-openai-datacenters' },
      { deal: 'openai-oracle-datacenter-deal', datacenter: 'oracle-openai-datacenters' },
    ]);
  });

  it('records that SoftBank is not party to the Oracle and CoreWeave deals', async () => {
    const rows = await t.db.read(
      `MATCH (d:Deal) WHERE d.slug IN ['openai-oracle-datacenter-deal', 'openai-coreweave-datacenter-deal']
       RETURN d.slug AS deal, 'softbank' IN d.excludes AS excludesSoftbank,
              EXISTS { (:Company {slug: 'softbank'})-[:PARTY_TO]->(d) } AS softbankIsParty,
              EXISTS { MATCH (c:Claim {subject: d.id, field: 'excludes'})
                       WHERE 'softbank' IN c.value AND 'seed-source-stargate-report-fr-2025-07' IN c.citeSources
              } AS claimedByReport`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ excludesSoftbank: true, softbankIsParty: false, claimedByReport: true });
    }
  });

  it('traces the facts to the French report, which cites the Wall Street Journal', async () => {
    const [report] = await t.db.read(
      "MATCH (s:Source {id: 'seed-source-stargate-report-fr-2025-07'}) RETURN s.language AS language, s.publishedOn = date('2025-07-01') AS july2025",
    );
    expect(report).toEqual({ language: 'fr', july2025: true });
    const cited = await t.db.read(
      "MATCH (:Source {id: 'seed-source-stargate-report-fr-2025-07'})-[:CITES]->(s:Source) RETURN s.publisher AS publisher, s.language AS language",
    );
    expect(cited).toEqual([{ publisher: 'The Wall Street Journal', language: 'en' }]);

    const mentioned = async (sourceId: string) =>
      (
        await t.db.read('MATCH (:Source {id: $sourceId})-[:MENTIONS]->(n:Entity) RETURN n.slug AS slug ORDER BY slug', {
          sourceId,
        })
      ).map((r) => r.slug);
    expect(await mentioned('seed-source-stargate-report-fr-2025-07')).toEqual([...seedSlugs].sort());
    expect(await mentioned('seed-source-wsj-stargate-2025')).toEqual(
      expect.arrayContaining([
        'stargate',
        'openai',
        'oracle',
        'openai-oracle-datacenter-deal',
        'stargate-first-datacenter',
      ]),
    );
  });

  it('stores every money figure as a number of US dollars', async () => {
    const rows = await t.db.read(
      `MATCH (n:Entity) WHERE n.slug IN $slugs
       UNWIND [k IN keys(n) WHERE k ENDS WITH 'Usd'] AS k
       RETURN n.slug AS slug, k, n[k] IS :: FLOAT AS isNumber`,
      { slugs: seedSlugs },
    );
    // Every money property the seed file has, counted in its own records: flat on an entity, or
    // as an entity's value claim in force today.
    const today = new Date().toISOString().slice(0, 10);
    const claims = (seed as { claims?: SeedClaim[] }).claims ?? [];
    const moneyClaims = claims.filter(
      (c) =>
        c.kind === 'VALUE' &&
        seedSlugs.includes(c.subject) &&
        c.field?.endsWith('Usd') &&
        (c.validFrom ?? '') <= today &&
        (c.validTo == null || today < c.validTo) &&
        !c.retractedAt,
    );
    const moneyProperties = seed.entities.reduce(
      (n, e) => n + Object.keys(e).filter((k) => k.endsWith('Usd') && e[k] != null).length,
      moneyClaims.length,
    );
    // Stargate's pledge, the Oracle deal and the Microsoft rental (the first year no longer holds).
    expect(moneyProperties).toBeGreaterThanOrEqual(3);
    expect(rows).toHaveLength(moneyProperties);
    for (const row of rows) expect(row.isNumber, `${row.slug}.${row.k}`).toBe(true);
  });
});
