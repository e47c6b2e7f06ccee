/** GraphiQL in a real (headless) Chromium, with every request to another host blocked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadSeed } from '../../src/graph/seed.js';
import { exampleOperations } from '../../src/schema/examples.js';
import { guardedPage, launchChromium, listen } from '../utils/browser.js';
import { openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let browser: Browser;
let http: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db);
  // The plan tab's requests ask for `extensions.plan` with the x-debug-cypher header.
  http = await listen(testServer(t.graph, { ...t.config, debugExtensionsHeader: true }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await http?.close();
  await t?.close();
});

describe('GraphiQL served by stargraph itself', () => {
  it('renders offline under our CSP, with the example tabs, and runs one', async () => {
    const { page, problems } = await guardedPage(browser, http.origin);
    const response = await page.goto(`${http.origin}/graphql`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src-elem 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain('unsafe-eval');

    const tabs = page.locator('.graphiql-tab');
    await tabs.first().waitFor({ timeout: 30_000 });
    expect(await tabs.count()).toBe(exampleOperations().length);
    expect(await tabs.first().innerText()).toContain('GraphStats');
    expect(await page.locator('a.stargraph-explorer-link').getAttribute('href')).toBe('/explorer');

    await page.locator('.graphiql-execute-button').click();
    const answer = page.locator('.graphiql-response');
    await expect.poll(() => answer.innerText(), { timeout: 20_000 }).toContain('"graphStats"');
    expect(await answer.innerText()).toMatch(/"label":\s*"Company"/);
    // Monaco's theme rules took (its <style> carries the page's nonce): tokens are coloured.
    expect(
      await page.evaluate(
        () => document.querySelector<HTMLStyleElement>('style.monaco-colors')?.sheet?.cssRules.length ?? 0,
      ),
    ).toBeGreaterThan(100);
    // The link to the explorer leads to it, and the explorer links back. (Opened in a second
    // page: leaving GraphiQL would abort the editor worker request Monaco leaves pending when it
    // restarts that worker, a navigation artefact rather than a failure.)
    const href = await page.locator('a.stargraph-explorer-link').getAttribute('href');
    const explorer = await guardedPage(browser, http.origin);
    await explorer.page.goto(new URL(href!, http.origin).href);
    await explorer.page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    expect(await explorer.page.locator('nav a[href="/graphql"]').count()).toBe(1);
    expect(explorer.problems).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('has a "Query plan" tab beside the query builder, showing the statements the last request ran', async () => {
    const { page, problems } = await guardedPage(browser, http.origin);
    await page.goto(`${http.origin}/graphql`);
    await page.locator('.graphiql-tab').first().waitFor({ timeout: 30_000 });
    // Yoga's own plugin (the query builder) is still there: ours is added, not swapped in.
    expect(await page.locator('button[aria-label="Show GraphiQL Explorer"]').count()).toBe(1);
    await page.locator('button[aria-label="Show Query plan"]').click();
    const tab = page.locator('.stargraph-plan');
    await expect.poll(() => tab.innerText(), { timeout: 10_000 }).toContain('Run an operation');

    // Without asking, the answer carries no plan, and the tab says how to get one.
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => tab.innerText(), { timeout: 20_000 }).toContain('Choose "statements"');

    await page.locator('select[aria-label="Ask for the plan"]').selectOption('profile');
    await page.locator('.graphiql-execute-button').click();
    const statements = tab.locator('.stargraph-plan-statement');
    await expect.poll(() => statements.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const summary = await tab.locator('.stargraph-plan-summary').innerText();
    expect(summary).toMatch(
      /^\d+ statements? · \d+ round trips? · in Neo4j [\d.,]+ ms · answered in [\d.,]+ ms · [\d,]+ db hits/,
    );
    expect(await statements.first().locator('.stargraph-plan-cypher').innerText()).toMatch(
      /\b(MATCH|CALL|UNWIND|RETURN)\b/,
    );
    expect(await statements.first().innerText()).toMatch(
      /\d+ rows? · round trip [\d.,]+ ms · in Neo4j [\d.,]+ ms · [\d,]+ db hits/,
    );
    // The choice is kept for the next visit.
    expect(await page.evaluate(() => localStorage.getItem('stargraph:plan-ask'))).toBe('profile');
    expect(problems).toEqual([]);
  });
});
