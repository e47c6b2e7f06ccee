/**
 * The seed's claims, read through HTTP: who says so (citations with a short quote that occurs in
 * the report), since when (Stargate's status at two dates, no Stargate before its launch), and
 * what the graph knew before a correction. Expectations come from the report's text and from the
 * dates of the story, never from what the server or the seed file answers for the same question.
 *
 * The report itself is not part of the project: it is read from SEED_REPORT_FILE, or from the
 * seed folder next to the checkout; the checks that need its text are skipped without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraph, type GraphData } from '../../src/graph/bulk-load.js';
import { loadSeed, readSeed } from '../../src/graph/seed.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const REPORT_FILE =
  process.env.SEED_REPORT_FILE ??
  fileURLToPath(new URL('../../../shared/seed/stargate-article-2025-07.fr.txt', import.meta.url));
const reportText = existsSync(REPORT_FILE) ? readFileSync(REPORT_FILE, 'utf8') : null;
/** The report's paragraphs, blank-line separated, as `¶n` counts them (headings included). */
const paragraphs = (reportText ?? '')
  .split(/\n\s*\n/)
  .map((p) => p.trim())
  .filter(Boolean);

const REPORT_TITLE = "Stargate's slow start (French news report, July 2025)";
const WSJ_PUBLISHER = 'The Wall Street Journal';
const WRITER_KEY = 'seed-claims-writer';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db);
  yoga = testServer(t.graph, testConfig({ API_KEYS: `${WRITER_KEY}:write` }));
});
afterAll(() => t.close());

async function read<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const body = await gql<T>(yoga, query, variables, { authorization: `Bearer ${WRITER_KEY}` });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

interface Citation {
  quote: string | null;
  locator: string | null;
  source: { title: string; publisher: string | null };
}
interface Claim {
  id: string;
  value: unknown;
  validFrom: string | null;
  validTo: string | null;
  recordedAt: string;
  citations: Citation[];
}

const CITATION = 'citations { quote locator source { title publisher } }';
const CLAIM = `id value validFrom validTo recordedAt ${CITATION}`;

/** Words of a quote: whitespace-separated tokens with a letter or digit (guillemets are not words). */
const wordCount = (quote: string) => quote.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/** "30 milliards" → 30e9: the figure a French quote states, in dollars. */
function billionsIn(quote: string): number {
  const match = /(\d+(?:[.,]\d+)?)\s+milliards/.exec(quote);
  expect(match, `a figure in billions in «${quote}»`).not.toBeNull();
  return Number(match![1]!.replace(',', '.')) * 1e9;
}

/** Checks one quote: short, at most a dozen words, and verbatim in the paragraph its locator names. */
function expectQuoteFromReport(citation: Citation, context: string) {
  const quote = citation.quote;
  expect(quote, `${context}: quote`).toBeTruthy();
  if (!quote) return;
  expect(quote.length, `${context}: ${quote}`).toBeLessThanOrEqual(500);
  expect(wordCount(quote), `${context}: ${quote}`).toBeLessThanOrEqual(12);
  if (!reportText) return;
  expect(reportText, `${context}: quote in the report`).toContain(quote);
  const paragraph = Number(/^¶(\d+)$/.exec(citation.locator ?? '')?.[1]);
  expect(paragraphs[paragraph - 1], `${context}: ${quote} at ${citation.locator}`).toContain(quote);
}

/** Every citation either quotes the report or names the WSJ; any quote is at most 500 characters. */
function expectSoundCitations(citations: Citation[], context: string) {
  expect(citations.length, `${context}: citations`).toBeGreaterThanOrEqual(1);
  for (const citation of citations) {
    if (citation.quote) expect(citation.quote.length, context).toBeLessThanOrEqual(500);
    if (citation.source.title === REPORT_TITLE) expectQuoteFromReport(citation, context);
    else expect(citation.source.publisher, context).toBe(WSJ_PUBLISHER);
  }
}

/** The claim in force on `day`: half-open [validFrom, validTo), null ends open. */
const validOn = (claim: Claim, day: string) =>
  (claim.validFrom === null || claim.validFrom <= day) && (claim.validTo === null || day < claim.validTo);

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const seedSlugs = readSeed().entities.map((e) => e.slug);

describe('the seed tells the Stargate story as claims', () => {
  it("Stargate's pledge cites the report with a short quote that carries the figure", async () => {
    const { entity } = await read<{ entity: { pledgedUsd: number; claims: Claim[] } }>(
      `{ entity(slug: "stargate") { ... on Project { pledgedUsd } claims(field: "pledgedUsd") { ${CLAIM} } } }`,
    );
    const today = isoDay(new Date());
    const current = entity.claims.filter((c) => validOn(c, today));
    expect(current).toHaveLength(1);
    const [claim] = current;
    expect(claim!.value).toBe(entity.pledgedUsd);
    const fromReport = claim!.citations.filter((c) => c.source.title === REPORT_TITLE);
    expect(fromReport.length).toBeGreaterThanOrEqual(1);
    for (const citation of fromReport) {
      expectQuoteFromReport(citation, 'pledgedUsd');
      // The quote itself says how much: 500 milliards (de dollars).
      expect(billionsIn(citation.quote!)).toBe(entity.pledgedUsd);
    }
    // Pledged at the launch, 21 January 2025.
    expect(claim!.validFrom).toBe('2025-01-21');
  });

  it('Stargate was announced in March 2025 and stalled by mid-July, each status cited', async () => {
    const STATUS = `query($asOf: Date!) {
      entity(slug: "stargate", asOf: $asOf) { ... on Project { status } claims(field: "status") { ${CLAIM} } }
      projects(first: 5, filter: { slugs: ["stargate"] }, asOf: $asOf) { edges { node { slug status } } }
    }`;
    type Answer = {
      entity: { status: string; claims: Claim[] };
      projects: { edges: Array<{ node: { slug: string; status: string } }> };
    };
    const statusOn = async (asOf: string) => {
      const answer = await read<Answer>(STATUS, { asOf });
      const { status, claims } = answer.entity;
      // The root page agrees with the single read.
      const fromPage = answer.projects.edges.find((e) => e.node.slug === 'stargate')?.node.status;
      expect(fromPage, `projects(asOf: ${asOf})`).toBe(status);
      // The value read is the one of a claim valid that day, and that claim is cited.
      const backing = claims.filter((c) => c.value === status && validOn(c, asOf));
      expect(backing.length, `a claim for ${status} on ${asOf}`).toBeGreaterThanOrEqual(1);
      for (const claim of backing) expectSoundCitations(claim.citations, `status ${status} on ${asOf}`);
      return status;
    };
    const march = await statusOn('2025-03-01');
    const july = await statusOn('2025-07-15');
    expect(march).not.toBe(july);
    // Freshly announced in March; in July the report finds nothing large started.
    expect(march).toBe('ANNOUNCED');
    expect(july).toBe('STALLED');
  });

  it('holds no Stargate before its launch on 2025-01-21, while undated entities are always there', async () => {
    const QUERY = `query($asOf: Date!) {
      stargate: entity(slug: "stargate", asOf: $asOf) { slug }
      openai: entity(slug: "openai", asOf: $asOf) { slug }
    }`;
    type Answer = { stargate: { slug: string } | null; openai: { slug: string } | null };
    expect(await read<Answer>(QUERY, { asOf: '2024-12-31' })).toEqual({ stargate: null, openai: { slug: 'openai' } });
    expect(await read<Answer>(QUERY, { asOf: '2025-01-21' })).toEqual({
      stargate: { slug: 'stargate' },
      openai: { slug: 'openai' },
    });
  });

  it("the Oracle deal's $30bn cites the report, with its quote, and the WSJ the report relies on", async () => {
    const { entity, sources } = await read<{
      entity: { valueUsd: number; claims: Claim[] };
      sources: { edges: Array<{ node: { title: string; cites: { edges: Array<{ node: { publisher: string } }> } } }> };
    }>(`{
      entity(slug: "openai-oracle-datacenter-deal") { ... on Deal { valueUsd } claims(field: "valueUsd") { ${CLAIM} } }
      sources(first: 10, filter: { titleContains: "slow start" }) {
        edges { node { title cites(first: 5) { edges { node { publisher } } } } }
      }
    }`);
    const today = isoDay(new Date());
    const [claim] = entity.claims.filter((c) => validOn(c, today));
    expect(claim?.value).toBe(entity.valueUsd);
    const citations = claim!.citations;
    const report = citations.filter((c) => c.source.title === REPORT_TITLE);
    expect(report.length).toBeGreaterThanOrEqual(1);
    for (const citation of report) {
      expectQuoteFromReport(citation, 'Oracle deal valueUsd');
      expect(billionsIn(citation.quote!)).toBe(entity.valueUsd);
    }
    expect(citations.map((c) => c.source.publisher)).toContain(WSJ_PUBLISHER);
    // "Through the report": the report is the source that cites the WSJ.
    const reportSource = sources.edges.find((e) => e.node.title === REPORT_TITLE)?.node;
    expect(reportSource?.cites.edges.map((e) => e.node.publisher)).toContain(WSJ_PUBLISHER);
    if (reportText) expect(reportText).toMatch(/Wall Street Journal, l’accord à 30 milliards/);
  });

  it("Stargate's $100bn first year holds from the launch to the report, which says it shrank", async () => {
    const { march, july, today } = await read<{
      march: { firstYearUsd: number | null };
      july: { firstYearUsd: number | null };
      today: { firstYearUsd: number | null; claims: Claim[] };
    }>(`{
      march: entity(slug: "stargate", asOf: "2025-03-01") { ... on Project { firstYearUsd } }
      july: entity(slug: "stargate", asOf: "2025-07-15") { ... on Project { firstYearUsd } }
      today: entity(slug: "stargate") { ... on Project { firstYearUsd } claims(field: "firstYearUsd") { ${CLAIM} } }
    }`);
    const claims = today.claims.filter((c) => c.id.startsWith('clm-seed-'));
    expect(claims).toHaveLength(1);
    const [claim] = claims;
    // Planned at the launch, 21 January 2025; by the report, 1 July, it had become one datacenter
    // by the end of the year, with no new figure.
    expect(claim).toMatchObject({ value: 100e9, validFrom: '2025-01-21', validTo: '2025-07-01' });
    expectSoundCitations(claim!.citations, 'firstYearUsd');
    const quotes = claim!.citations.filter((c) => c.source.title === REPORT_TITLE).map((c) => c.quote!);
    const figures = quotes.filter((q) => /milliards/.test(q));
    expect(figures.length).toBeGreaterThanOrEqual(1);
    for (const quote of figures) expect(billionsIn(quote)).toBe(100e9);
    // Its end is cited too: the report's own words for the shrinking.
    expect(quotes.some((q) => /ambition bien plus modeste/.test(q))).toBe(true);
    // The report has it from the WSJ.
    expect(claim!.citations.map((c) => c.source.publisher)).toContain(WSJ_PUBLISHER);
    if (reportText) expect(reportText).toMatch(/les 100 milliards d’investissements prévus pour cette année/);
    // Reads at a date give the value held then; none holds after the report.
    expect(march.firstYearUsd).toBe(100e9);
    expect(july.firstYearUsd).toBeNull();
    expect(today.firstYearUsd).toBeNull();
  });

  it("SoftBank is party to neither OpenAI datacenter deal: each deal's excludes names it, cited", async () => {
    const DEAL = `query($slug: String!, $asOf: Date) { entity(slug: $slug, asOf: $asOf) {
      ... on Deal { excludedCompanies { slug } parties(first: 10) { edges { node { slug } } } }
      claims(field: "excludes") { ${CLAIM} }
    } }`;
    type Answer = {
      entity: {
        excludedCompanies: Array<{ slug: string }>;
        parties: { edges: Array<{ node: { slug: string } }> };
        claims: Claim[];
      } | null;
    };
    const today = isoDay(new Date());
    for (const slug of ['openai-oracle-datacenter-deal', 'openai-coreweave-datacenter-deal']) {
      const deal = (await read<Answer>(DEAL, { slug })).entity!;
      expect(deal.excludedCompanies.map((c) => c.slug)).toEqual(['softbank']);
      expect(deal.parties.edges.map((e) => e.node.slug)).not.toContain('softbank');
      const current = deal.claims.filter((c) => c.id.startsWith('clm-seed-') && validOn(c, today));
      expect(current, slug).toHaveLength(1);
      const [claim] = current;
      // Said by the report of 1 July 2025, the first the graph hears of the deals.
      expect(claim).toMatchObject({ value: ['softbank'], validFrom: '2025-07-01', validTo: null });
      expectSoundCitations(claim!.citations, `${slug} excludes`);
      const quotes = claim!.citations.filter((c) => c.source.title === REPORT_TITLE).map((c) => c.quote ?? '');
      expect(
        quotes.some((q) => q.includes('SoftBank')),
        `${slug}: a quote names SoftBank`,
      ).toBe(true);
      expect(
        quotes.some((q) => /n’est pas associé/.test(q)),
        `${slug}: a quote says it is not party`,
      ).toBe(true);
      // A read at a date gives the claim's value too; before the report the deal is not there.
      const july = (await read<Answer>(DEAL, { slug, asOf: '2025-07-15' })).entity;
      expect(july?.excludedCompanies.map((c) => c.slug)).toEqual(['softbank']);
      expect((await read<Answer>(DEAL, { slug, asOf: '2025-06-30' })).entity).toBeNull();
    }
    // The report says it of those two deals, not of the Microsoft rental.
    const rental = (await read<Answer>(DEAL, { slug: 'openai-microsoft-server-rental' })).entity!;
    expect(rental.excludedCompanies).toEqual([]);
    expect(rental.claims.filter((c) => c.id.startsWith('clm-seed-'))).toEqual([]);
  });

  it('cites every relationship of every seed entity, and every claim about them', async () => {
    const ENTITY = `query($slug: String!) { entity(slug: $slug) {
      slug
      claims { id ${CITATION} }
      relationships(first: 50) { edges { type direction claimId validFrom recordedAt ${CITATION} node { slug } } }
    } }`;
    type Edge = {
      type: string;
      direction: string;
      claimId: string;
      validFrom: string | null;
      recordedAt: string;
      citations: Citation[];
      node: { slug: string };
    };
    type Answer = { entity: { slug: string; claims: Claim[]; relationships: { edges: Edge[] } } | null };
    // One request per entity: all fourteen in one document is over the complexity limit.
    const answer = await Promise.all(seedSlugs.map(async (slug) => (await read<Answer>(ENTITY, { slug })).entity));
    const seen = new Set<string>();
    let edgesAmongSeed = 0;
    for (const found of answer) {
      expect(found, 'every seed entity exists today').not.toBeNull();
      const entity = found!;
      for (const claim of entity.claims) {
        if (!claim.id.startsWith('clm-seed-')) continue; // another test's write about a seed entity
        expectSoundCitations(claim.citations, `${entity.slug} claim ${claim.id}`);
      }
      for (const edge of entity.relationships.edges) {
        if (!seedSlugs.includes(edge.node.slug)) continue; // another test's relationship to a seed entity
        edgesAmongSeed += 1;
        const context = `${entity.slug} ${edge.direction} ${edge.type} ${edge.node.slug}`;
        expect(edge.claimId, context).toMatch(/^clm-/);
        expectSoundCitations(edge.citations, context);
        // Nothing about Stargate holds before its launch.
        if (entity.slug === 'stargate' || edge.node.slug === 'stargate') {
          expect(edge.validFrom, context).not.toBeNull();
          expect(edge.validFrom! >= '2025-01-21', `${context} from ${edge.validFrom}`).toBe(true);
        }
        seen.add(edge.claimId);
      }
    }
    // Each relationship is seen from both ends, under one claim id.
    expect(edgesAmongSeed).toBe(2 * seen.size);
    // The story's 16 relationships: 2 announcements, Altman leads OpenAI, 2 participants, Stargate's
    // one datacenter, 6 deal parties, 2 deals covering datacenters, 2 operators.
    expect(seen.size).toBe(16);
  });
});

describe('a correction recorded today', () => {
  const prefix = uniquePrefix('seedclaims');
  const copySlug = (slug: string) => `${prefix}-${slug}`;
  const copyId = (id: string) => (id.startsWith('clm-') ? `clm-${prefix}-${id.slice(4)}` : `${prefix}-${id}`);

  /** The seed with every slug, id and claim id prefixed (and no identifiers), so this test's write leaves the seed alone. */
  function seedCopy(): GraphData {
    const seed = readSeed() as GraphData & { claims: Array<Record<string, unknown>> };
    const slugs = new Set(seed.entities.map((e) => e.slug));
    const subject = (s: string) => (slugs.has(s) ? copySlug(s) : copyId(s));
    return {
      ...seed,
      // Identifiers name one entity: the copy holds none (the seed's own entities hold them).
      entities: seed.entities.map(({ identifiers: _identifiers, ...e }) => ({
        ...e,
        id: copyId(e.id),
        slug: copySlug(e.slug),
      })),
      relationships: seed.relationships.map((r) => ({ ...r, from: copySlug(r.from), to: copySlug(r.to) })),
      sources: seed.sources.map((s) => ({ ...s, id: copyId(s.id), cites: s.cites?.map(copyId) })),
      mentions: seed.mentions.map((m) => ({ source: copyId(m.source), entities: m.entities.map(copySlug) })),
      claims: seed.claims.map((c) => ({
        ...c,
        id: copyId(c.id as string),
        subject: subject(c.subject as string),
        ...(c.object ? { object: copySlug(c.object as string) } : {}),
        // A deal's excludes names companies by slug: the copy's.
        ...(c.field === 'excludes' ? { value: (c.value as string[]).map(copySlug) } : {}),
        citations: (c.citations as Array<{ source: string }>).map((cite) => ({ ...cite, source: copyId(cite.source) })),
      })),
    } as GraphData;
  }

  beforeAll(async () => {
    await loadGraph(t.db, seedCopy());
  });
  afterAll(async () => {
    await t.db.write(`MATCH (n) WHERE (n:Entity OR n:HEntity) AND n.slug STARTS WITH $prefix DETACH DELETE n`, {
      prefix,
    });
    await t.db.write('MATCH (s:Source) WHERE s.id STARTS WITH $prefix DETACH DELETE s', { prefix });
    await t.db.write(
      'MATCH (c:Claim) WHERE c.id STARTS WITH $claimPrefix OR c.subject STARTS WITH $prefix DETACH DELETE c',
      { prefix, claimPrefix: `clm-${prefix}` },
    );
  });

  it("leaves what the graph knew yesterday unchanged, while today's read shows it", async () => {
    const slug = copySlug('stargate');
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString();
    const STATUS = `query($slug: String!, $asOf: Date, $knownAt: DateTime) {
      entity(slug: $slug, asOf: $asOf, knownAt: $knownAt) { ... on Project { status } }
    }`;
    const statusOf = async (vars: { asOf?: string; knownAt?: string }) =>
      (await read<{ entity: { status: string } | null }>(STATUS, { slug, ...vars })).entity?.status;

    const before = {
      today: await statusOf({}),
      knownYesterday: await statusOf({ knownAt: yesterday }),
      julyKnownYesterday: await statusOf({ asOf: '2025-07-15', knownAt: yesterday }),
    };
    expect(before).toEqual({ today: 'STALLED', knownYesterday: 'STALLED', julyKnownYesterday: 'STALLED' });

    // The correction: work had in fact started by the report's date (a made-up fact for the test).
    const body = await gql<{ upsertProject: { slug: string } }>(
      yoga,
      `mutation($input: UpsertProjectInput!) { upsertProject(input: $input) { slug } }`,
      {
        input: {
          slug,
          name: 'Stargate',
          status: 'IN_PROGRESS',
          validFrom: '2025-07-01',
          citations: [{ source: copyId('seed-source-wsj-stargate-2025') }],
        },
      },
      { authorization: `Bearer ${WRITER_KEY}` },
    );
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();

    // Today's read and the July read as known now show the correction...
    expect(await statusOf({})).toBe('IN_PROGRESS');
    expect(await statusOf({ asOf: '2025-07-15' })).toBe('IN_PROGRESS');
    // ...while yesterday's knowledge, today and in July, is what it was.
    expect(await statusOf({ knownAt: yesterday })).toBe(before.knownYesterday);
    expect(await statusOf({ asOf: '2025-07-15', knownAt: yesterday })).toBe(before.julyKnownYesterday);
    // March is untouched either way.
    expect(await statusOf({ asOf: '2025-03-01' })).toBe('ANNOUNCED');

    // Both July statuses are kept: the correction, recorded today, lists the report's as a conflict.
    const { entity } = await read<{
      entity: { claims: Array<Claim & { conflicts: Array<{ value: unknown }> }> };
    }>(`query($slug: String!) { entity(slug: $slug) { claims(field: "status") { ${CLAIM} conflicts { value } } } }`, {
      slug,
    });
    const correction = entity.claims.find((c) => c.value === 'IN_PROGRESS');
    expect(correction).toBeDefined();
    expect(Date.parse(correction!.recordedAt)).toBeGreaterThan(Date.parse(yesterday));
    expect(correction!.conflicts.map((c) => c.value)).toContain('STALLED');
    expect(entity.claims.map((c) => c.value)).toEqual(expect.arrayContaining(['ANNOUNCED', 'STALLED', 'IN_PROGRESS']));
  });
});
