/**
 * How responsive the explorer stays on a big graph: opens /explorer focused on a hub, expands
 * two of its neighbours, then zooms, in headless Chromium (Debian's, by path), and reports
 * per step the time until the layout settled, the longest frame, the 95th-percentile frame time
 * and the main-thread long tasks. Run it against a server holding a generated graph:
 *
 *   npx tsx src/main.ts generate --entities 100000      # once, into the local Neo4j
 *   npm start &                                         # or any stargraph
 *   npx tsx bench/explorer-responsiveness.ts [--url http://127.0.0.1:4000] [--hub <slug>]
 *
 * Without --hub it asks the API for the company with the highest degree among a sample.
 */
import { chromium, type Page } from 'playwright-core';
import { chromiumPath } from '../tests/utils/browser.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const base = flag('url') ?? process.env.STARGRAPH_URL ?? 'http://127.0.0.1:4000';

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function pickHub(): Promise<string> {
  const { rank } = await gql<{ rank: Array<{ entity: { slug: string } }> }>(
    '{ rank(by: DEGREE, kinds: [COMPANY], first: 1) { entity { slug } } }',
  );
  return rank[0]!.entity.slug;
}

interface Step {
  step: string;
  ms: number;
  nodes: number;
  edges: number;
  longestFrameMs: number;
  p95FrameMs: number;
  longTasks: number;
  longTaskMs: number;
}

/**
 * Frame and long-task recorders, installed before the page's own scripts. A string, not a
 * function: tsx would wrap named inner functions in a helper the page does not have.
 */
const RECORDERS = `
  window.frames_ = [];
  window.longTasks_ = [];
  let last = performance.now();
  function tick(now) { window.frames_.push(now - last); last = now; requestAnimationFrame(tick); }
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.longTasks_.push(e.duration))).observe({ type: 'longtask', buffered: true });
`;

/** The next node to expand: a company not yet expanded, else a deal, a project, a person. */
const NEXT_TO_EXPAND = `(done) => {
  const cy = window.stargraphExplorer.cy;
  for (const kind of ['COMPANY', 'DEAL', 'PROJECT', 'PERSON', 'DATACENTER']) {
    const found = cy.nodes('[kind = "' + kind + '"]').map((n) => n.id()).find((id) => !done.includes(id));
    if (found) return found;
  }
  return null;
}`;

async function measure(page: Page, step: string, action: () => Promise<void>): Promise<Step> {
  await page.evaluate(() => {
    const w = window as unknown as { frames_?: number[]; longTasks_?: number[] };
    if (w.frames_) w.frames_.length = 0; // before the first page load the recorders are not there yet
    if (w.longTasks_) w.longTasks_.length = 0;
  });
  const started = Date.now();
  await action();
  const ms = Date.now() - started;
  await page.waitForTimeout(300);
  return page.evaluate(
    ({ step, ms }) => {
      const w = window as unknown as {
        frames_: number[];
        longTasks_: number[];
        stargraphExplorer: { cy: { nodes(): { length: number }; edges(): { length: number } } };
      };
      const frames = [...w.frames_].sort((a, b) => a - b);
      const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
      return {
        step,
        ms,
        nodes: w.stargraphExplorer.cy.nodes().length,
        edges: w.stargraphExplorer.cy.edges().length,
        longestFrameMs: Math.round(frames.at(-1) ?? 0),
        p95FrameMs: Math.round(p95),
        longTasks: w.longTasks_.length,
        longTaskMs: Math.round(w.longTasks_.reduce((a, b) => a + b, 0)),
      };
    },
    { step, ms },
  );
}

const layouts = (page: Page) => page.evaluate(() => Number(document.getElementById('graph')?.dataset.layouts ?? 0));
async function waitLayout(page: Page, before: number) {
  await page.waitForFunction((n) => Number(document.getElementById('graph')?.dataset.layouts ?? 0) > n, before, {
    timeout: 120_000,
  });
}

async function main() {
  const hub = flag('hub') ?? (await pickHub());
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(RECORDERS);
  const steps: Step[] = [];
  steps.push(
    await measure(page, `open /explorer?focus=${hub}`, async () => {
      await page.goto(`${base}/explorer?focus=${encodeURIComponent(hub)}`);
      await waitLayout(page, 0);
    }),
  );
  // Expand twice: a company other than the hub when one is on screen (the generator's companies
  // are its hubs), else a deal (which brings in its parties, companies).
  const expanded = new Set([hub]);
  for (let i = 0; i < 2; i++) {
    const slug = (await page.evaluate(`(${NEXT_TO_EXPAND})(${JSON.stringify([...expanded])})`)) as string | null;
    if (!slug) break;
    expanded.add(slug);
    const before = await layouts(page);
    steps.push(
      await measure(page, `expand ${slug}`, async () => {
        await page.locator(`#text-entities li[data-slug="${slug}"] button.small`).click();
        await waitLayout(page, before);
      }),
    );
  }
  const box = (await page.locator('#graph').boundingBox())!;
  steps.push(
    await measure(page, 'zoom in and out (20 wheel steps)', async () => {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 20; i++) {
        await page.mouse.wheel(0, i < 10 ? -120 : 120);
        await page.waitForTimeout(30);
      }
    }),
  );
  await browser.close();
  console.log(`explorer responsiveness, ${base}, hub ${hub}`);
  console.log('| step | ms | nodes | edges | longest frame ms | p95 frame ms | long tasks | long-task ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const s of steps)
    console.log(
      `| ${s.step} | ${s.ms} | ${s.nodes} | ${s.edges} | ${s.longestFrameMs} | ${s.p95FrameMs} | ${s.longTasks} | ${s.longTaskMs} |`,
    );
}

await main();
