/**
 * The explorer's time slider and provenance panel in headless Chromium on the seed. What the page
 * must show is computed here from the seed file's claims (the value valid on a day, newest
 * recorded winning; the day an entity starts), not from what the server answers. Screenshots go
 * to test-results/explorer/. Fails on any console error or failed request.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadSeed, readSeed } from '../../src/graph/seed.js';
import { guardedPage, launchChromium, listen } from '../utils/browser.js';
import { openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

const SHOTS = 'test-results/explorer';

interface SeedClaim {
  id: string;
  kind: 'ENTITY' | 'RELATIONSHIP' | 'VALUE';
  subject: string;
  type?: string;
  object?: string;
  field?: string;
  value?: unknown;
  validFrom?: string | null;
  validTo?: string | null;
  recordedAt: string;
  retractedAt?: string | null;
  citations?: Array<{ source: string; quote?: string; locator?: string }>;
}

const claims = ((readSeed() as unknown as { claims?: SeedClaim[] }).claims ?? []) as SeedClaim[];
const validOn = (c: SeedClaim, day: string) =>
  !c.retractedAt && (!c.validFrom || c.validFrom <= day) && (!c.validTo || day < c.validTo);

/** The value of `field` of `subject` on `day`: the newest recorded of the claims valid then. */
function valueOn(subject: string, field: string, day: string): unknown {
  const valid = claims.filter(
    (c) => c.kind === 'VALUE' && c.subject === subject && c.field === field && validOn(c, day),
  );
  return valid.sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))[0]?.value;
}

function existenceClaim(slug: string): SeedClaim {
  const claim = claims.find((c) => c.kind === 'ENTITY' && c.subject === slug);
  if (!claim) throw new Error(`the seed has no existence claim for ${slug}`);
  return claim;
}

function relationshipClaim(from: string, type: string, to: string): SeedClaim {
  const claim = claims.find(
    (c) => c.kind === 'RELATIONSHIP' && c.subject === from && c.type === type && c.object === to,
  );
  if (!claim) throw new Error(`the seed has no claim ${from} ${type} ${to}`);
  return claim;
}

const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
/** The slider's value for a day: days since 1970-01-01 (UTC). */
const sliderValue = (iso: string) => String(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

let t: TestGraph;
let browser: Browser;
let http: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await openTestGraph();
  await loadSeed(t.db);
  http = await listen(testServer(t.graph, t.config));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await http?.close();
  await t?.close();
});

/** What the test reads from Cytoscape (the page exposes its view for this). */
interface Cy {
  nodes(): { map<T>(f: (n: { id(): string }) => T): T[] };
  edges(): {
    filter(f: (e: { data(key: string): unknown }) => boolean): {
      map<T>(f: (e: { renderedMidpoint(): { x: number; y: number } }) => T): T[];
    };
  };
}

const nodeIds = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { stargraphExplorer: { cy: Cy } }).stargraphExplorer.cy.nodes().map((n) => n.id()),
  );

/** Where on the canvas the edge of a relationship claim is drawn (its midpoint). */
const edgeMidpoint = (page: Page, claimId: string) =>
  page.evaluate(
    (id) =>
      (window as unknown as { stargraphExplorer: { cy: Cy } }).stargraphExplorer.cy
        .edges()
        .filter((e) => e.data('claimId') === id)
        .map((e) => e.renderedMidpoint())[0],
    claimId,
  );
const layouts = (page: Page) => page.evaluate(() => Number(document.getElementById('graph')?.dataset.layouts ?? 0));

async function settledAfter(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.getElementById('graph')?.dataset.layouts ?? 0) > n, before, {
    timeout: 30_000,
  });
  await page.waitForTimeout(500); // nodes glide for 350 ms; edges are drawn once they stop
}

/** Moves the slider to `day` and waits for the view to be re-read and laid out at it. */
async function slideTo(page: Page, day: string, label: string): Promise<void> {
  const before = await layouts(page);
  await page.locator('#time-slider').fill(sliderValue(day));
  await expect.poll(() => page.locator('#as-of-date').innerText(), { timeout: 15_000 }).toBe(label);
  await expect.poll(() => new URL(page.url()).searchParams.get('asOf'), { timeout: 15_000 }).toBe(day);
  await settledAfter(page, before);
}

/** "1 March 2025", as the page names the chosen day. */
const longDate = (iso: string) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** Opens Stargate's status history: one card per status claim, `inForce`'s marked and quoted. */
async function expectStatusHistory(page: Page, inForceValue: string): Promise<void> {
  await page.locator('#panel .value-link[data-field=status]').click();
  const statusClaims = claims.filter((c) => c.subject === 'stargate' && c.field === 'status');
  await expect.poll(() => page.locator('#provenance .claim').count(), { timeout: 15_000 }).toBe(statusClaims.length);
  const inForce = page.locator('#provenance .claim', { has: page.locator('.in-force') });
  expect(await inForce.locator('.claim-value strong').innerText()).toBe(inForceValue);
  const claim = statusClaims.find((c) => c.value === inForceValue)!;
  expect(await inForce.locator('.quote').first().innerText()).toContain(claim.citations![0]!.quote!);
}

/** Clicks the edge of a relationship claim on the canvas: its quote and validity show. */
async function expectEdgeProvenance(page: Page, relationship: SeedClaim): Promise<void> {
  const edgeAt = await edgeMidpoint(page, relationship.id);
  expect(edgeAt).toBeDefined();
  const box = (await page.locator('#graph').boundingBox())!;
  await page.mouse.click(box.x + edgeAt!.x, box.y + edgeAt!.y);
  await expect
    .poll(() => page.locator('#provenance .provenance-title').innerText(), { timeout: 15_000 })
    .toContain(relationship.type!);
  const card = page.locator(`#provenance .claim[data-claim-id="${relationship.id}"]`);
  expect(await card.locator('.quote').first().innerText()).toContain(relationship.citations![0]!.quote!);
  expect(await card.locator('.claim-facts').innerText()).toContain(String(relationship.validFrom));
}

const statusValue = (page: Page) => page.locator('#panel .value-link[data-field=status]').innerText();

describe('the explorer through time', () => {
  it('re-reads the view as of a day on the slider, and shows each edge and value with its quotes', async () => {
    const stargate = existenceClaim('stargate');
    const firstDatacenter = existenceClaim('stargate-first-datacenter');
    const march = '2025-03-01';
    expect(valueOn('stargate', 'status', march)).toBe('ANNOUNCED'); // the story the seed tells
    const statusToday = valueOn('stargate', 'status', new Date().toISOString().slice(0, 10));
    expect(statusToday).not.toBe('ANNOUNCED');

    const { page, problems } = await guardedPage(browser, http.origin, { width: 1366, height: 900 });
    await page.goto(`${http.origin}/explorer?focus=stargate`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await settledAfter(page, 0);

    // Today: the marks include the day Stargate starts; its status is today's.
    await expect
      .poll(() => page.locator(`#time-marks .mark[data-day="${stargate.validFrom}"]`).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.locator('#as-of-date').innerText()).toMatch(/^Today/);
    await expect.poll(() => statusValue(page), { timeout: 15_000 }).toBe(String(statusToday));
    expect(await nodeIds(page)).toContain(firstDatacenter.subject);

    // 1 March 2025: Stargate announced, its first datacenter not yet claimed.
    await slideTo(page, march, longDate(march));
    await expect.poll(() => statusValue(page), { timeout: 15_000 }).toBe('ANNOUNCED');
    const inMarch = await nodeIds(page);
    expect(inMarch).toContain('stargate');
    expect(inMarch).not.toContain(firstDatacenter.subject);
    expect(await page.locator('#timeline').getAttribute('class')).toContain('past');
    await page.screenshot({ path: `${SHOTS}/5-time-2025-03-01.png` });

    // The status's history: every status claim, the one in force in March marked, its quote shown.
    await expectStatusHistory(page, 'ANNOUNCED');
    await page.screenshot({ path: `${SHOTS}/6-provenance-value.png` });

    // An edge clicked on the canvas: OpenAI's part in Stargate, with its citation and validity.
    await expectEdgeProvenance(page, relationshipClaim('openai', 'PARTICIPATES_IN', 'stargate'));
    await page.screenshot({ path: `${SHOTS}/7-provenance-edge.png` });

    // A mark clicked: the day the status changed shows the new status.
    const statusClaims = claims.filter((c) => c.subject === 'stargate' && c.field === 'status');
    const changed = statusClaims.map((c) => c.validFrom).find((d) => d && d > march)!;
    await page.locator(`#time-marks .mark[data-day="${changed}"]`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf'), { timeout: 15_000 }).toBe(changed);
    await expect
      .poll(() => statusValue(page), { timeout: 15_000 })
      .toBe(String(valueOn('stargate', 'status', changed)));

    // The day before Stargate: it is gone from the graph and the panel says so.
    const before = dayBefore(String(stargate.validFrom));
    await slideTo(page, before, longDate(before));
    await expect.poll(() => nodeIds(page), { timeout: 15_000 }).not.toContain('stargate');
    await expect.poll(() => page.locator('#panel .absent').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#empty-view').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/8-time-before-stargate.png` });

    // Back to today: Stargate is back, and the URL no longer carries a date.
    await page.locator('#time-today').click();
    await expect.poll(() => statusValue(page), { timeout: 15_000 }).toBe(String(statusToday));
    expect(new URL(page.url()).searchParams.get('asOf')).toBeNull();
    await expect.poll(() => nodeIds(page), { timeout: 15_000 }).toContain('stargate');

    expect(problems).toEqual([]);
  });
});
