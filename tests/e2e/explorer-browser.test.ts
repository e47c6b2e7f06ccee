/**
 * The explorer in headless Chromium on the seed, every request outside the server blocked:
 * focus, expand, suggestions, path finder, sources, shared URL, phone width. Screenshots go to
 * test-results/explorer/. Fails on any console error or failed request.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadSeed } from '../../src/graph/seed.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { guardedPage, launchChromium, listen } from '../utils/browser.js';
import { openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const SHOTS = 'test-results/explorer';
const prefix = uniquePrefix('explorer');
const analyst = `${prefix}-analyst`;

let t: TestGraph;
let browser: Browser;
let http: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await openTestGraph();
  await loadSeed(t.db);
  // One entity beyond OpenAI's two hops (it leads Microsoft), so expanding Microsoft adds it.
  await createEntities(t.db, [{ label: 'Person', slug: analyst, name: `Ada Analyst ${prefix}` }]);
  await relate(t.db, 'LEADS', [[analyst, 'microsoft', { title: 'Analyst' }]]);
  http = await listen(testServer(t.graph, t.config));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await http?.close();
  if (t) await deleteFixtures(t.db, prefix);
  await t?.close();
});

/** Reads the graph as Cytoscape holds it (the page exposes its view for this). */
function graphState(page: Page) {
  return page.evaluate(() => {
    const view = (
      window as unknown as {
        stargraphExplorer: {
          cy: {
            nodes(): { map<T>(f: (n: { id(): string; renderedPosition(): { x: number; y: number } }) => T): T[] };
            elements(s: string): { map<T>(f: (e: { id(): string }) => T): T[] };
            width(): number;
            height(): number;
          };
        };
      }
    ).stargraphExplorer;
    const width = view.cy.width();
    const height = view.cy.height();
    return {
      nodes: view.cy.nodes().map((n) => ({ id: n.id(), ...n.renderedPosition() })),
      onScreen: view.cy
        .nodes()
        .map((n) => ({ id: n.id(), p: n.renderedPosition() }))
        .filter(({ p }) => p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height)
        .map((n) => n.id),
      path: view.cy.elements('.path').map((e) => e.id()),
    };
  });
}

async function settledAfter(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.getElementById('graph')?.dataset.layouts ?? 0) > n, before, {
    timeout: 30_000,
  });
}

const layouts = (page: Page) => page.evaluate(() => Number(document.getElementById('graph')?.dataset.layouts ?? 0));
const textEntities = (page: Page) => page.locator('#text-entities li').allInnerTexts();

describe('the graph explorer at /explorer', () => {
  it('focuses, expands, suggests, finds a path, shows sources, and keeps the view in the URL', async () => {
    const { page, problems } = await guardedPage(browser, http.origin);
    const response = await page.goto(`${http.origin}/explorer?focus=openai`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await settledAfter(page, 0);

    // OpenAI's neighbours, in the graph (on screen) and in the text view.
    const neighbours = ['oracle', 'microsoft', 'coreweave', 'sam-altman', 'stargate'];
    expect((await graphState(page)).onScreen).toEqual(expect.arrayContaining(['openai', ...neighbours]));
    const names = await textEntities(page);
    for (const name of ['Oracle', 'Microsoft', 'CoreWeave', 'Sam Altman', 'Stargate'])
      expect(names.some((n) => n.startsWith(name))).toBe(true);
    await expect.poll(() => page.locator('#panel h2').innerText()).toContain('OpenAI');
    await page.screenshot({ path: `${SHOTS}/1-focus-openai.png` });

    // Expand Microsoft by double-clicking its node on the canvas.
    const microsoft = (await graphState(page)).nodes.find((n) => n.id === 'microsoft')!;
    const box = (await page.locator('#graph').boundingBox())!;
    const before = await layouts(page);
    await page.mouse.dblclick(box.x + microsoft.x, box.y + microsoft.y);
    await settledAfter(page, before);
    expect((await graphState(page)).nodes.map((n) => n.id)).toContain(analyst);
    expect((await textEntities(page)).some((n) => n.startsWith('Ada Analyst'))).toBe(true);

    // Suggestions as you type: "ora" offers Oracle; picking it focuses Oracle.
    await page.locator('#search-input').fill('ora');
    const oracle = page.locator('#suggestions li', { hasText: /^Oracle/ }).first();
    await oracle.waitFor({ timeout: 15_000 });
    expect(await page.locator('#suggestions li').first().innerText()).toMatch(/^Oracle/);
    await oracle.click();
    await expect.poll(() => page.locator('#panel h2').innerText(), { timeout: 15_000 }).toContain('Oracle');
    expect(new URL(page.url()).searchParams.get('focus')).toBe('oracle');

    // Path finder: Donald Trump to CoreWeave, highlighted in the graph and the text view.
    await page.locator('#path-from').fill('donald-trump');
    await page.locator('#path-to').fill('coreweave');
    const beforePath = await layouts(page);
    await page.locator('#path-form button[type=submit]').click();
    await expect
      .poll(() => page.locator('#status').innerText(), { timeout: 15_000 })
      .toMatch(/^Path \(\d hops\): Donald Trump → .* → CoreWeave$/);
    const path = (await graphState(page)).path;
    expect(path).toEqual(expect.arrayContaining(['donald-trump', 'coreweave']));
    expect(await page.locator('#text-entities li.on-path').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#text-relationships li.on-path').count()).toBeGreaterThanOrEqual(2);
    await settledAfter(page, beforePath); // the path is framed once its layout has settled
    await page.waitForTimeout(800); // the nodes glide for 350 ms; edges are drawn once they stop
    await page.screenshot({ path: `${SHOTS}/2-path-trump-coreweave.png` });

    // The URL shares the view: reloading it shows the same focus and the same path.
    const shared = page.url();
    expect(new URL(shared).searchParams.get('from')).toBe('donald-trump');
    await page.goto(shared);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await expect.poll(async () => (await graphState(page)).path.length, { timeout: 15_000 }).toBe(path.length);

    // Sources: select OpenAI from the text view (keyboard), open the report's source link.
    const openaiItem = page.locator('#text-entities li', { hasText: /^OpenAI Company/ }).locator('button.linklike');
    await openaiItem.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#panel h2').first().innerText(), { timeout: 15_000 }).toContain('OpenAI');
    await page.locator('#panel a.source-link', { hasText: "Stargate's slow start" }).click();
    await expect
      .poll(() => page.locator('#panel .source-title').innerText(), { timeout: 15_000 })
      .toContain("Stargate's slow start");
    expect(await page.locator('#panel ul li', { hasText: 'OpenAI' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/3-source.png` });

    // A phone-sized screen: the graph and the panel stack, nothing fails.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${http.origin}/explorer?focus=stargate`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    await settledAfter(page, 0);
    expect((await graphState(page)).onScreen.length).toBeGreaterThan(3);
    await page.screenshot({ path: `${SHOTS}/4-phone.png`, fullPage: true });

    expect(problems).toEqual([]);
  });
});
