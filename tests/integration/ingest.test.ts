/**
 * Ingesting a document on the real Neo4j: the French paraphrase of the seed report's figures
 * (tests/fixtures/ingest/01-stargate-bilan-fr) against a graph holding the seed. What it must
 * propose is written out here from the report's figures, not read from the extractor's rules.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/graph/seed.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-write-key-ingest1';
const asWriter = { authorization: `Bearer ${WRITE_KEY}` };
const TEXT = readFileSync(new URL('../fixtures/ingest/01-stargate-bilan-fr.txt', import.meta.url), 'utf8');

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('ing');
/** This run's document: a URL of its own, so runs and files never share the source. */
const URL_ = `https://example.org/${prefix}/stargate-bilan`;

interface Candidate {
  id: string;
  status: string;
  kind: string;
  subject: { slug: string } | null;
  field: string | null;
  value: unknown;
  type: string | null;
  from: { slug: string } | null;
  to: { slug: string } | null;
  quote: string;
  quoteStart: number;
  quoteEnd: number;
  rule: string;
  confidence: number;
  claim: { id: string } | null;
}

const INGEST = `mutation ($input: IngestDocumentInput!) { ingestDocument(input: $input) {
  source { id title }
  mentions { start end text entity { slug } newEntityName }
  amounts { start end text kind usd mw approximate }
  dates { text from to }
  candidates { id status kind subject { slug } field value type from { slug } to { slug }
    quote quoteStart quoteEnd rule confidence claim { id } } } }`;

const input = {
  title: 'Stargate, six mois après',
  url: URL_,
  publisher: 'Exemple',
  publishedOn: '2025-07-02',
  language: 'fr',
  text: TEXT,
};

type Ingested = {
  source: { id: string };
  mentions: Array<{ start: number; end: number; text: string; entity: { slug: string } | null }>;
  amounts: Array<{ text: string; kind: string; usd: number | null; mw: number | null }>;
  candidates: Candidate[];
};

async function ingest(): Promise<Ingested> {
  const { data, errors } = await gql<{ ingestDocument: Ingested }>(yoga, INGEST, { input }, asWriter);
  expect(errors).toBeUndefined();
  return data!.ingestDocument;
}

let first: Ingested;

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
  first = await ingest();
}, 120_000);

afterAll(async () => {
  const sourceId = first
    ? (await t.db.read('MATCH (s:Source {url: $url}) RETURN s.id AS id', { url: URL_ }))[0]?.id
    : null;
  if (sourceId) {
    await t.db.write('MATCH (c:CandidateClaim {source: $id}) DELETE c', { id: sourceId });
    await t.db.write('MATCH (x:SourceText {source: $id}) DELETE x', { id: sourceId });
  }
  await t.close();
});

/** The value candidate about `slug`'s `field`. */
const valueCandidate = (slug: string, field: string) =>
  first.candidates.find((c) => c.kind === 'VALUE' && c.subject?.slug === slug && c.field === field);

describe('ingesting the French paraphrase of the report', () => {
  it('finds the seed entities it names, at their places in the text', () => {
    const slugs = new Set(first.mentions.flatMap((m) => (m.entity ? [m.entity.slug] : [])));
    for (const slug of [
      'donald-trump',
      'sam-altman',
      'openai',
      'stargate',
      'softbank',
      'oracle',
      'coreweave',
      'microsoft',
    ])
      expect(slugs).toContain(slug);
    for (const m of first.mentions) expect(TEXT.slice(m.start, m.end)).toBe(m.text);
  });

  it('reads its amounts: 500, 100, 30, about 28 billion dollars and 10 gigawatts', () => {
    const money = first.amounts.filter((a) => a.kind === 'MONEY').map((a) => a.usd);
    for (const usd of [500e9, 100e9, 30e9, 28e9]) expect(money).toContain(usd);
    expect(first.amounts.filter((a) => a.kind === 'POWER').map((a) => a.mw)).toContain(10_000);
  });

  it('proposes the pledge, the first-year plan, the Oracle and Microsoft deals and the 10 GW, each quoted, KNOWN from the seed', () => {
    const expected: Array<[string, string, unknown]> = [
      ['stargate', 'pledgedUsd', 500e9],
      ['stargate', 'firstYearUsd', 100e9],
      ['openai-oracle-datacenter-deal', 'valueUsd', 30e9],
      ['openai-microsoft-server-rental', 'valueUsd', 28e9],
      ['openai-microsoft-server-rental', 'endsOn', '2028-12-31'],
      ['stargate', 'targetPowerMw', 10_000],
    ];
    for (const [slug, field, value] of expected) {
      const c = valueCandidate(slug, field);
      expect(c, `${slug}.${field}`).toBeDefined();
      expect(c!.value).toEqual(value);
      expect(TEXT.slice(c!.quoteStart, c!.quoteEnd)).toBe(c!.quote);
      expect(c!.quote.length).toBeLessThanOrEqual(500);
      expect(c!.rule).not.toBe('');
      expect(c!.confidence).toBeGreaterThan(0);
      expect(c!.confidence).toBeLessThanOrEqual(1);
      // The seed holds each of these values: the candidate names the claim it equals.
      expect(c!.status).toBe('KNOWN');
      expect(c!.claim?.id).toMatch(/^clm-seed-/);
    }
  });

  it('writes nothing but the source, its text and the candidates before a review', async () => {
    const sourceId = (await t.db.read('MATCH (s:Source {url: $url}) RETURN s.id AS id', { url: URL_ }))[0]!.id;
    const [effects] = await t.db.read(
      `MATCH (s:Source {id: $id})
       RETURN COUNT { (s)--() } AS links,
              COUNT { MATCH (c:Claim) WHERE $id IN c.citeSources } AS claims,
              COUNT { MATCH (x:SourceText {source: $id}) } AS texts,
              COUNT { MATCH (c:CandidateClaim {source: $id}) } AS candidates`,
      { id: sourceId },
    );
    expect(effects).toEqual({ links: 0, claims: 0, texts: 1, candidates: first.candidates.length });
    // Every entity it names is one the seed made: no new entity came from the document.
    const [made] = await t.db.read(
      'MATCH (n:Entity|HEntity) WHERE n.name IN $names AND NOT n.slug IN $seed RETURN count(n) AS n',
      {
        names: first.mentions.map((m) => m.text),
        seed: ['donald-trump', 'sam-altman', 'openai', 'softbank', 'oracle', 'coreweave', 'microsoft', 'stargate'],
      },
    );
    expect(made!.n).toBe(0);
  });
});

interface QueuePage {
  totalCount: number;
  edges: Array<{ node: { id: string; status: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string };
}

describe('reviewing the candidates', () => {
  const ACCEPT = `mutation ($id: ID!) { acceptCandidate(id: $id) {
    candidate { status } claim { id citations { source { url } quote locator } } } }`;

  it("accepting a KNOWN candidate adds the document, quoted, to the claim's citations", async () => {
    const pledge = valueCandidate('stargate', 'pledgedUsd')!;
    const { data, errors } = await gql<{
      acceptCandidate: {
        candidate: { status: string };
        claim: { id: string; citations: Array<Record<string, unknown>> };
      };
    }>(yoga, ACCEPT, { id: pledge.id }, asWriter);
    expect(errors).toBeUndefined();
    expect(data!.acceptCandidate.candidate.status).toBe('ACCEPTED');
    expect(data!.acceptCandidate.claim.id).toBe(pledge.claim!.id);
    expect(data!.acceptCandidate.claim.citations).toContainEqual({
      source: { url: URL_ },
      quote: pledge.quote,
      locator: `characters ${pledge.quoteStart}-${pledge.quoteEnd}`,
    });
    // Stargate's sources now include the document; its pledge is the same claim and value.
    const { data: read } = await gql<{ entity: { pledgedUsd: number; sources: Array<{ url: string | null }> } }>(
      yoga,
      '{ entity(slug: "stargate") { ... on Project { pledgedUsd } sources { url } } }',
    );
    expect(read!.entity.pledgedUsd).toBe(500e9);
    expect(read!.entity.sources.map((s) => s.url)).toContain(URL_);
    // Accepting again changes nothing.
    const again = await gql(yoga, ACCEPT, { id: pledge.id }, asWriter);
    expect(again.errors).toBeUndefined();
  });

  it('rejecting records why; a rejected one cannot be accepted; a second ingest keeps both decisions', async () => {
    const power = valueCandidate('stargate', 'targetPowerMw')!;
    const rejected = await gql<{ rejectCandidate: { status: string; reason: string } }>(
      yoga,
      'mutation ($id: ID!) { rejectCandidate(id: $id, reason: "already sourced better") { status reason } }',
      { id: power.id },
      asWriter,
    );
    expect(rejected.data?.rejectCandidate).toEqual({ status: 'REJECTED', reason: 'already sourced better' });
    const accept = await gql(yoga, ACCEPT, { id: power.id }, asWriter);
    expect(accept.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const second = await ingest();
    expect(second.candidates.map((c) => c.id).sort()).toEqual(first.candidates.map((c) => c.id).sort());
    const status = new Map(second.candidates.map((c) => [c.id, c.status]));
    expect(status.get(power.id)).toBe('REJECTED');
    expect(status.get(valueCandidate('stargate', 'pledgedUsd')!.id)).toBe('ACCEPTED');
  });

  it('pages the review queue by status and document', async () => {
    const sourceId = first.source.id;
    const Q = `query ($source: ID, $after: String) { candidateClaims(status: KNOWN, source: $source, first: 2, after: $after) {
      totalCount edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const answer: Awaited<ReturnType<typeof gql<{ candidateClaims: QueuePage }>>> = await gql<{
        candidateClaims: QueuePage;
      }>(yoga, Q, { source: sourceId, after });
      const page: QueuePage = answer.data!.candidateClaims;
      total = page.totalCount;
      for (const e of page.edges) {
        expect(e.node.status).toBe('KNOWN');
        seen.push(e.node.id);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const known = (await ingest()).candidates.filter((c) => c.status === 'KNOWN').map((c) => c.id);
    expect(seen.sort()).toEqual(known.sort());
    expect(total).toBe(known.length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses bad input with stable codes', async () => {
    const bad = await gql(yoga, INGEST, { input: { ...input, language: 'de' } }, asWriter);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const anonymous = await gql(yoga, INGEST, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const missing = await gql(yoga, 'mutation { acceptCandidate(id: "cand-nope") { candidate { id } } }', {}, asWriter);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reconciles a name the graph lacks before proposing it as new: a slip of a known name is that entity', async () => {
    const company = `${prefix}-quillmarsh`;
    await gql(
      yoga,
      'mutation ($input: UpsertCompanyInput!) { upsertCompany(input: $input) { id } }',
      { input: { slug: company, name: 'Quillmarsh Energy', kind: 'ENERGY' } },
      asWriter,
    );
    try {
      const text = 'Quillmarsh Enrgy signed a $2 billion power agreement with OpenAI in March 2025.\n';
      const { data, errors } = await gql<{
        ingestDocument: {
          mentions: Array<{
            text: string;
            entity: { slug: string } | null;
            newEntityName: string | null;
            reconciled: Array<{ entity: { slug: string }; score: number; match: boolean }>;
          }>;
        };
      }>(
        yoga,
        `mutation ($input: IngestDocumentInput!) { ingestDocument(input: $input) {
           mentions { text entity { slug } newEntityName reconciled { entity { slug } score match } } } }`,
        { input: { title: 'Quillmarsh', url: `${URL_}/quillmarsh`, publishedOn: '2025-03-10', language: 'en', text } },
        asWriter,
      );
      expect(errors).toBeUndefined();
      const slip = data!.ingestDocument.mentions.find((m) => m.text === 'Quillmarsh Enrgy');
      expect(slip).toMatchObject({ entity: { slug: company }, newEntityName: null, reconciled: [] });
      expect(data!.ingestDocument.mentions.find((m) => m.text === 'OpenAI')?.entity?.slug).toBe('openai');
    } finally {
      await t.db.write('MATCH (s:Source {url: $url}) MATCH (c:CandidateClaim {source: s.id}) DELETE c', {
        url: `${URL_}/quillmarsh`,
      });
    }
  });
});
