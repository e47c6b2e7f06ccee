/**
 * The review page of an ingested document, and merges from the explorer's details panel, in
 * headless Chromium on the seed: the French report (tests/fixtures/ingest/01-stargate-bilan-fr)
 * is ingested through the API under a URL of this run's own; the page must show its mentions and
 * candidates, and the keyboard must accept and reject them (checked through the API). Two
 * companies of this run are merged in the panel, the merged slug opened, the merge undone.
 * The review page's screenshot goes to docs/explorer-review.png. Fails on any console error or
 * failed request.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadSeed } from '../../src/graph/seed.js';
import { deleteFixtures } from '../utils/fixtures.js';
import { guardedPage, launchChromium, listen } from '../utils/browser.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-write-key-review1';
const asWriter = { authorization: `Bearer ${WRITE_KEY}` };
const TEXT = readFileSync(new URL('../fixtures/ingest/01-stargate-bilan-fr.txt', import.meta.url), 'utf8');
const prefix = uniquePrefix('rev');
const DOC_URL = `https://example.org/${prefix}/stargate-bilan`;
const CITED = `${prefix}-src`;
const keep = { slug: `${prefix}-acme`, name: `Acme Robotics ${prefix}` };
const merged = { slug: `${prefix}-acme-inc`, name: `ACME Robotics Inc ${prefix}` };

interface Candidate {
  id: string;
  status: string;
  quote: string;
  reason: string | null;
}
interface Ingested {
  source: { id: string };
  mentions: Array<{ start: number; end: number; text: string; entity: { slug: string } | null }>;
  candidates: Candidate[];
}

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
let http: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let doc: Ingested;
let rawSourceId: string | null = null;

async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await gql<T>(yoga, query, variables, asWriter);
  expect(answer.errors, query).toBeUndefined();
  return answer.data!;
}

const candidatesNow = async () =>
  (
    await api<{ candidateClaims: { edges: Array<{ node: Candidate }> } }>(
      'query ($s: ID!) { candidateClaims(source: $s, first: 100) { edges { node { id status quote reason } } } }',
      { s: doc.source.id },
    )
  ).candidateClaims.edges.map((e) => e.node);

const entityNow = (slug: string) =>
  api<{ entity: { slug: string; name: string; redirectedFrom: string | null } | null }>(
    'query ($slug: String!) { entity(slug: $slug) { slug name redirectedFrom } }',
    { slug },
  ).then((d) => d.entity);

beforeAll(async () => {
  mkdirSync('docs', { recursive: true });
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
  doc = (
    await api<{ ingestDocument: Ingested }>(
      `mutation ($input: IngestDocumentInput!) { ingestDocument(input: $input) {
        source { id } mentions { start end text entity { slug } } candidates { id status quote reason } } }`,
      {
        input: {
          title: 'Stargate, six mois après',
          url: DOC_URL,
          publisher: 'Exemple',
          publishedOn: '2025-07-02',
          language: 'fr',
          text: TEXT,
        },
      },
    )
  ).ingestDocument;
  rawSourceId = (await t.db.read('MATCH (s:Source {url: $url}) RETURN s.id AS id', { url: DOC_URL }))[0]?.id as string;
  await api('mutation ($input: AddSourceInput!) { addSource(input: $input) { id } }', {
    input: { id: CITED, title: 'A report', url: `https://example.org/${prefix}` },
  });
  for (const company of [keep, merged])
    await api('mutation ($input: UpsertCompanyInput!) { upsertCompany(input: $input) { id } }', {
      input: {
        ...company,
        kind: 'AI_LAB',
        country: 'US',
        citations: [{ source: CITED, quote: company.name }],
        validFrom: '2025-01-01',
      },
    });
  http = await listen(yoga);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await http?.close();
  if (t) {
    if (rawSourceId) {
      await t.db.write('MATCH (c:CandidateClaim {source: $id}) DELETE c', { id: rawSourceId });
      await t.db.write('MATCH (x:SourceText {source: $id}) DELETE x', { id: rawSourceId });
    }
    await t.db.write('MATCH (x:EntityMerge) WHERE x.keepSlug STARTS WITH $p DELETE x', { p: prefix });
    await deleteFixtures(t.db, prefix);
    await t.db.write('MATCH (c:Claim) WHERE $s IN c.citeSources DETACH DELETE c', { s: CITED });
  }
  await t?.close();
});

const selectedId = (page: Page) => page.locator('.candidate.selected').getAttribute('data-id');
const indexOf = (id: string | null) => doc.candidates.findIndex((c) => c.id === id);
const selectedIndex = async (page: Page) => indexOf(await selectedId(page));
const statusOf = (page: Page, id: string) => page.locator(`.candidate[data-id="${id}"] .cand-status`).innerText();

/** How many of the page's requests are under way: wait for 0 before leaving it, so none is cut off. */
function inFlight(page: Page): () => number {
  let n = 0;
  page.on('request', () => n++);
  page.on('requestfinished', () => n--);
  page.on('requestfailed', () => n--);
  return () => n;
}

/** Presses j (forward) or k (back) until candidate `target` is selected. */
async function moveTo(page: Page, target: number): Promise<number> {
  const from = await selectedIndex(page);
  const key = target > from ? 'j' : 'k';
  for (let i = 0; i < Math.abs(target - from); i++) await page.keyboard.press(key);
  await expect.poll(() => selectedId(page)).toBe(doc.candidates[target]!.id);
  return Math.abs(target - from);
}

describe('the API the page reads', () => {
  it('Source.document gives the stored text and mentions; documents lists the source; bad bounds fail', async () => {
    const { node } = await api<{
      node: {
        document: {
          text: string;
          mentions: Array<{ start: number; end: number; text: string; entity: { slug: string } | null }>;
        };
      };
    }>(
      'query ($id: ID!) { node(id: $id) { ... on Source { document { text mentions { start end text entity { slug } } } } } }',
      {
        id: doc.source.id,
      },
    );
    expect(node.document.text).toBe(TEXT);
    expect(node.document.mentions).toEqual(doc.mentions);
    const seedSource = await api<{ sources: { edges: Array<{ node: { document: unknown } }> } }>(
      '{ sources(first: 1) { edges { node { document { text } } } } }',
    );
    expect(seedSource.sources.edges[0]?.node.document).toBeNull();
    const { documents } = await api<{ documents: Array<{ id: string }> }>('{ documents(first: 100) { id } }');
    expect(documents.map((d) => d.id)).toContain(doc.source.id);
    for (const [first, code] of [
      [-1, 'BAD_USER_INPUT'],
      [1000, 'LIMIT_EXCEEDED'],
    ] as const) {
      const answer = await gql(yoga, 'query ($first: Int) { documents(first: $first) { id } }', { first });
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    }
  });
});

describe('the review page at /explorer/review', () => {
  it('shows the text with its mentions and the candidates, and accepts and rejects from the keyboard', async () => {
    const { page, problems } = await guardedPage(browser, http.origin, { width: 1400, height: 900 });
    const pending = inFlight(page);
    const response = await page.goto(`${http.origin}/explorer/review?source=${encodeURIComponent(doc.source.id)}`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });

    // Every mention highlighted, known entities one style and new names another.
    const known = doc.mentions.filter((m) => m.entity);
    expect(known.length).toBeGreaterThan(5);
    expect(await page.locator('#doc-text a.mention').count()).toBe(doc.mentions.length);
    expect(await page.locator('#doc-text a.mention.known').count()).toBe(known.length);
    expect(await page.locator('#doc-text a.mention.new').count()).toBe(doc.mentions.length - known.length);
    const oracle = page.locator('#doc-text a.mention.known', { hasText: /^Oracle$/ }).first();
    expect(await oracle.getAttribute('href')).toBe('/explorer/?focus=oracle');
    // The text is the document's, whole.
    expect((await page.locator('#doc-text').innerText()).replace(/\s+/g, ' ').trim()).toBe(
      TEXT.replace(/\s+/g, ' ').trim(),
    );

    // Every candidate listed, with its status and quote.
    expect(doc.candidates.length).toBeGreaterThan(3);
    expect(await page.locator('.candidate').count()).toBe(doc.candidates.length);
    for (const c of doc.candidates.slice(0, 5)) {
      expect(await statusOf(page, c.id)).toBe(c.status);
      expect(await page.locator(`.candidate[data-id="${c.id}"] .quote`).innerText()).toBe(`“${c.quote}”`);
    }

    // Without a token, a does not write: the page asks for the token and focuses its field.
    await page.locator('#candidates h2').click();
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('#review-status').innerText()).toContain('write token');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('write-token');

    // The write token, typed once (a password field), kept for the session only.
    const token = page.locator('#write-token');
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill(WRITE_KEY);
    expect(await page.evaluate(() => sessionStorage.getItem('stargraph-write-token'))).toBe(WRITE_KEY);
    await page.locator('#candidates h2').click(); // focus out of the field: keys go to the page

    // j to a KNOWN candidate after the one selected first: its quote is highlighted and in view.
    const start = await selectedIndex(page);
    const target = doc.candidates.findIndex((c, i) => i > start && c.status === 'KNOWN');
    expect(target).toBeGreaterThan(start);
    expect(await moveTo(page, target)).toBeGreaterThan(0);
    const accepted = doc.candidates[target]!;
    expect((await page.locator('#doc-text .seg.in-quote').allInnerTexts()).join('')).toBe(accepted.quote);
    const quoteBox = (await page.locator('#doc-text .seg.in-quote').first().boundingBox())!;
    const docBox = (await page.locator('.review .doc').boundingBox())!;
    expect(quoteBox.y).toBeGreaterThanOrEqual(docBox.y);
    expect(quoteBox.y).toBeLessThan(docBox.y + docBox.height);
    // The arrow keys move too: down and back up.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedId(page)).toBe(doc.candidates[target + 1]!.id);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => selectedId(page)).toBe(accepted.id);

    // a accepts it: ACCEPTED in the page and in the API.
    await page.keyboard.press('a');
    await expect.poll(() => statusOf(page, accepted.id), { timeout: 15_000 }).toBe('ACCEPTED');
    expect((await candidatesNow()).find((c) => c.id === accepted.id)?.status).toBe('ACCEPTED');

    // r on another undecided one asks for a reason; Escape cancels, Enter rejects.
    const other = doc.candidates.findIndex((c, i) => i !== target && (c.status === 'PENDING' || c.status === 'KNOWN'));
    expect(other).toBeGreaterThanOrEqual(0);
    await moveTo(page, other);
    const rejected = doc.candidates[other]!;
    await page.keyboard.press('r');
    const reason = page.locator('#reject-reason');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('reject-reason');
    expect(await page.locator('label[for="reject-reason"]').innerText()).toBe('Reason for rejecting');
    await page.keyboard.press('Escape');
    expect(await reason.count()).toBe(0);
    expect(await statusOf(page, rejected.id)).toBe(rejected.status);
    await page.keyboard.press('r');
    await reason.fill('The report paraphrases an older figure');
    await page.keyboard.press('Enter');
    await expect.poll(() => statusOf(page, rejected.id), { timeout: 15_000 }).toBe('REJECTED');
    const afterReject = (await candidatesNow()).find((c) => c.id === rejected.id);
    expect(afterReject).toMatchObject({ status: 'REJECTED', reason: 'The report paraphrases an older figure' });
    expect(await page.locator(`.candidate[data-id="${rejected.id}"] .reason`).innerText()).toContain(
      'The report paraphrases an older figure',
    );

    await moveTo(page, target);
    await page.screenshot({ path: 'docs/explorer-review.png' });

    // Without a source: the list of ingested documents links to this one.
    await expect.poll(pending, { timeout: 15_000 }).toBe(0);
    await page.goto(`${http.origin}/explorer/review`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    const link = page.locator('.documents a', { hasText: 'Stargate, six mois après' }).first();
    expect(await link.getAttribute('href')).toBe(`?source=${encodeURIComponent(doc.source.id)}`);

    expect(problems).toEqual([]);
  });
});

describe('merges in the explorer', () => {
  it('merges in the details panel, notes the redirect on the merged slug, and undoes it', async () => {
    const { page, problems } = await guardedPage(browser, http.origin);
    const pending = inFlight(page);
    await page.goto(`${http.origin}/explorer?focus=${merged.slug}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await expect.poll(() => page.locator('#panel h2').first().innerText(), { timeout: 15_000 }).toContain(merged.name);

    // Merge into…: the slug to keep and the write token, then the kept entity is focused.
    await page.getByRole('button', { name: 'Merge into…' }).click();
    await page.getByLabel('Entity to keep (slug)').fill(keep.slug);
    await page.locator('#merge-token').fill(WRITE_KEY);
    await page.locator('#merge-form button[type=submit]').click();
    await expect.poll(() => page.locator('#panel h2').first().innerText(), { timeout: 15_000 }).toContain(keep.name);
    expect(await page.locator('#panel .merge-note').innerText()).toContain(
      `${merged.slug} was merged into ${keep.name}.`,
    );
    expect(await entityNow(merged.slug)).toMatchObject({ slug: keep.slug, redirectedFrom: merged.slug });

    // Opened on the merged slug: the kept entity, saying so, with its undo.
    await expect.poll(pending, { timeout: 15_000 }).toBe(0);
    await page.goto(`${http.origin}/explorer?focus=${merged.slug}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await expect.poll(() => page.locator('#panel h2').first().innerText(), { timeout: 15_000 }).toContain(keep.name);
    expect(await page.locator('#panel .merge-note').innerText()).toContain(
      `${merged.slug} was merged into ${keep.name}.`,
    );
    await page.getByRole('button', { name: 'Undo merge' }).click();
    await expect.poll(() => page.locator('#panel h2').first().innerText(), { timeout: 15_000 }).toContain(merged.name);
    expect(await page.locator('#panel .merge-note').count()).toBe(0);

    // Entity.merges keeps the record, undone.
    const { entity } = await api<{ entity: { merges: Array<{ mergedSlug: string; undoneAt: string | null }> } }>(
      'query ($slug: String!) { entity(slug: $slug) { merges { mergedSlug undoneAt } } }',
      { slug: keep.slug },
    );
    expect(entity.merges).toEqual([{ mergedSlug: merged.slug, undoneAt: expect.any(String) }]);

    // Both are themselves again.
    expect(await entityNow(merged.slug)).toMatchObject({ slug: merged.slug, redirectedFrom: null });
    expect(await entityNow(keep.slug)).toMatchObject({ slug: keep.slug, name: keep.name, redirectedFrom: null });
    await expect.poll(pending, { timeout: 15_000 }).toBe(0);
    expect(problems).toEqual([]);
  });
});
