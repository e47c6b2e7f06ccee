/**
 * `/reconcile`, the W3C Reconciliation Service API 0.2 (src/plugins/use-reconcile.ts), over real
 * HTTP on the seed, in the spec's own shapes: the manifest field by field, a batch form-encoded
 * exactly as OpenRefine sends it, identifiers and other properties, JSONP, suggest, preview,
 * errors with their codes, CORS and the reads' auth rule. Then the preview in headless Chromium:
 * rendered under the site's CSP, framable by another origin, every value escaped.
 */
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadSeed } from '../../src/graph/seed.js';
import { createEntities, deleteFixtures } from '../utils/fixtures.js';
import { guardedPage, launchChromium, listen } from '../utils/browser.js';
import { openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const prefix = uniquePrefix('rchttp');
/** An entity whose every text is markup, to show the preview escapes it. */
const hostile = {
  slug: `${prefix}-hostile`,
  name: `<script>alert(1)</script> Zyxwar ${prefix} Labs`,
  description: '<img src=x onerror="alert(2)"> & "quotes"',
  alias: `<b>bold</b> 'single'`,
};
const READ_KEY = 'reconcile-reader-0123456789';
const WRITE_KEY = 'reconcile-writer-0123456789';

let t: TestGraph;
let http: Awaited<ReturnType<typeof listen>>;
let guarded: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

beforeAll(async () => {
  t = await openTestGraph();
  await loadSeed(t.db);
  await createEntities(t.db, [
    {
      label: 'Company',
      slug: hostile.slug,
      name: hostile.name,
      props: {
        description: hostile.description,
        aliases: [hostile.alias],
        country: 'FR',
        identifiers: [`DOMAIN:${prefix}.example`],
      },
    },
  ]);
  http = await listen(testServer(t.graph, t.config));
  guarded = await listen(
    testServer(
      t.graph,
      testConfig({ REQUIRE_AUTH_FOR_READS: 'true', API_KEYS: `${READ_KEY}:read,${WRITE_KEY}:write` }),
    ),
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await http?.close();
  await guarded?.close();
  if (t) await deleteFixtures(t.db, prefix);
  await t?.close();
});

interface Candidate {
  id: string;
  name: string;
  description?: string;
  type: Array<{ id: string; name: string }>;
  score: number;
  match: boolean;
  features: Array<{ id: string; value: number }>;
}
type ResultBatch = Record<string, { result: Candidate[] }>;

const get = (path: string, headers: Record<string, string> = {}, origin = http.origin) =>
  fetch(`${origin}${path}`, { headers });

/** POSTs a batch as OpenRefine does: `queries=<JSON>` form-encoded (spaces as `+`). */
const postForm = (batch: unknown, headers: Record<string, string> = {}, origin = http.origin) =>
  fetch(`${origin}/reconcile`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ queries: typeof batch === 'string' ? batch : JSON.stringify(batch) }).toString(),
  });

async function reconcile(batch: unknown): Promise<ResultBatch> {
  const res = await postForm(batch);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ResultBatch;
}

/** The match rule on the API's 0-100 scale: top at least 90 and 20 ahead of the second. */
function ruleSays(result: Candidate[]) {
  const [top, second] = result;
  return !!top && top.score >= 90 && (!second || top.score - second.score >= 20);
}

/** Expects a JSON error answer with `status` and `code`. */
async function expectError(res: Response, status: number, code: string) {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { code: string; message: string };
  expect({ status: res.status, code: body.code }, body.message).toEqual({ status, code });
  expect(body.message).toEqual(expect.any(String));
  return body as Record<string, unknown>;
}

/** Runs a JSONP answer's script as a browser would (in a context of its own); what it passed to `callback`. */
function runJsonp(script: string, callback: string): unknown {
  let got: unknown;
  const receive = (value: unknown) => (got = value);
  // `a.b` is the function b of an object a.
  const names = callback.split('.');
  const globals = names.reduceRight<unknown>((inner, name) => ({ [name]: inner }), receive) as object;
  runInNewContext(script, globals);
  return got;
}

describe('the service manifest (GET /reconcile)', () => {
  it('gives every field the spec defines, with URLs that answer', async () => {
    const res = await get('/reconcile');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const m = (await res.json()) as Record<string, any>;
    const o = http.origin;
    expect(m.versions).toEqual(['0.1', '0.2']);
    expect(m.name).toBe('stargraph');
    expect(m.identifierSpace).toBe(`${o}/entity/`);
    expect(m.schemaSpace).toBe(`${o}/schema/`);
    expect(m.defaultTypes).toEqual(
      ['Person', 'Company', 'Project', 'Datacenter', 'Deal'].map((k) => ({ id: k, name: k })),
    );
    expect(m.view).toEqual({ url: `${o}/explorer?focus={{id}}` });
    expect(m.preview).toEqual({ url: `${o}/reconcile/preview?id={{id}}`, width: 420, height: 240 });
    expect(Number.isInteger(m.preview.width) && Number.isInteger(m.preview.height)).toBe(true);
    for (const what of ['entity', 'type', 'property'])
      expect(m.suggest[what]).toEqual({ service_url: o, service_path: `/reconcile/suggest/${what}` });
    expect(m.batchSize).toBe(100);
    expect(m.authentication).toBeUndefined();
    expect(Object.keys(m).sort()).toEqual(
      [
        'batchSize',
        'defaultTypes',
        'identifierSpace',
        'name',
        'preview',
        'schemaSpace',
        'suggest',
        'versions',
        'view',
      ].sort(),
    );
    // Each template, filled with an id, answers.
    const fill = (template: string) => template.replace('{{id}}', encodeURIComponent('openai'));
    expect((await fetch(fill(m.view.url))).status).toBe(200);
    expect((await fetch(fill(m.preview.url))).status).toBe(200);
    for (const what of ['entity', 'type', 'property']) {
      const s = m.suggest[what];
      const answer = await fetch(`${s.service_url}${s.service_path}?prefix=c`);
      expect(answer.status, what).toBe(200);
      expect(((await answer.json()) as { result: unknown[] }).result.length, what).toBeGreaterThan(0);
    }
  });

  it('builds its URLs on PUBLIC_URL when set, and on HTTPS behind a trusted proxy', async () => {
    const configured = testServer(t.graph, testConfig({ PUBLIC_URL: 'https://graph.example.org/sg/' }));
    const m = (await (await configured.fetch('http://127.0.0.1:4000/reconcile')).json()) as Record<string, any>;
    expect(m.identifierSpace).toBe('https://graph.example.org/sg/entity/');
    expect(m.preview.url).toBe('https://graph.example.org/sg/reconcile/preview?id={{id}}');
    expect(m.suggest.entity.service_url).toBe('https://graph.example.org/sg');
    const proxied = testServer(t.graph, testConfig({ TRUST_PROXY: 'true' }));
    const behind = (await (
      await proxied.fetch('http://graph.example.org/reconcile', { headers: { 'x-forwarded-proto': 'https' } })
    ).json()) as Record<string, any>;
    expect(behind.schemaSpace).toBe('https://graph.example.org/schema/');
  });
});

describe('reconciliation queries', () => {
  const OPENREFINE_BATCH =
    '{"q0":{"query":"Open AI","type":"Company","type_strict":"should"},"q1":{"query":"openai inc"},' +
    '"q2":{"query":"Oracle Corp","properties":[{"pid":"country","v":"US"}]},' +
    '"q3":{"query":"Sam Altmann","type":"Person"}}';

  it('answers a form-encoded batch exactly as OpenRefine sends it, matching by the rule', async () => {
    const res = await postForm(OPENREFINE_BATCH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const batch = (await res.json()) as ResultBatch;
    expect(Object.keys(batch)).toEqual(['q0', 'q1', 'q2', 'q3']);
    const expected = {
      q0: ['openai', 'EXACT_ALIAS', 'Company'],
      q1: ['openai', 'LEGAL_FORM', 'Company'],
      q2: ['oracle', 'LEGAL_FORM', 'Company'],
      q3: ['sam-altman', 'SIMILAR_SPELLING', 'Person'],
    } as const;
    for (const [key, [id, reason, type]] of Object.entries(expected)) {
      const { result } = batch[key]!;
      const [top] = result;
      expect(top, key).toMatchObject({ id, type: [{ id: type, name: type }], match: true });
      expect(top!.features[0]?.id, key).toBe(reason);
      expect(typeof top!.name).toBe('string');
      expect(top!.description).toEqual(expect.any(String));
      // Scores on 0-100, best first; `match` only on the top one, where the rule says so.
      for (const c of result) {
        expect(c.score).toBeGreaterThanOrEqual(0);
        expect(c.score).toBeLessThanOrEqual(100);
        // The features add up to the score (held within 0-100), each on the same scale.
        const sum = c.features.reduce((s, f) => s + f.value, 0);
        expect(Math.min(100, Math.max(0, sum))).toBeCloseTo(c.score, 0);
      }
      expect(result.map((c) => c.score)).toEqual([...result.map((c) => c.score)].sort((a, b) => b - a));
      expect(result.map((c) => c.match)).toEqual(result.map((_, i) => i === 0 && ruleSays(result)));
    }
    // Kinds asked for are kept to; the country weighs in.
    expect(batch.q0!.result.every((c) => c.type[0]!.id === 'Company')).toBe(true);
    expect(batch.q3!.result.every((c) => c.type[0]!.id === 'Person')).toBe(true);
    expect(batch.q2!.result[0]!.features).toContainEqual({ id: 'SAME_COUNTRY', value: 3 });
    expect(batch.q0!.result[0]).toMatchObject({ score: 100, features: [{ id: 'EXACT_ALIAS', value: 100 }] });
  });

  it('answers the same batch by GET, and as a JSON body (bare or under "queries")', async () => {
    const byForm = await reconcile(OPENREFINE_BATCH);
    const byGet = await get(`/reconcile?queries=${encodeURIComponent(OPENREFINE_BATCH)}`);
    expect(byGet.status).toBe(200);
    expect(await byGet.json()).toEqual(byForm);
    for (const body of [OPENREFINE_BATCH, JSON.stringify({ queries: JSON.parse(OPENREFINE_BATCH) })]) {
      const res = await fetch(`${http.origin}/reconcile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(byForm);
    }
    expect(await reconcile({})).toEqual({});
  });

  it('takes identifiers as properties: one per scheme, or SCHEME:value, even without a name', async () => {
    const batch = await reconcile({
      ticker: { query: 'MSFT Corp.', properties: [{ pid: 'TICKER', v: 'NASDAQ:MSFT' }] },
      scheme: { properties: [{ pid: 'identifier', v: 'DOMAIN:OpenAI.com' }] },
      entityValue: { query: 'Microsoft', properties: [{ pid: 'WIKIDATA', v: { id: 'Q2283', name: 'Microsoft' } }] },
      list: { query: 'Oracle', properties: [{ pid: 'DOMAIN', v: ['nope', 'oracle.com'] }] },
      other: { query: 'Oracle', properties: [{ pid: 'DOMAIN', v: 'oracle.example' }] },
      messy: {
        query: 'Oracle',
        properties: [
          { pid: 'LEI', v: 'not an LEI' },
          { pid: 'country', v: 'United States' },
        ],
      },
    });
    expect(batch.ticker!.result[0]).toMatchObject({ id: 'microsoft', match: true });
    expect(batch.ticker!.result[0]!.score).toBeGreaterThanOrEqual(99);
    expect(batch.ticker!.result[0]!.features.map((f) => f.id)).toContain('SHARED_IDENTIFIER');
    expect(batch.scheme!.result[0]).toMatchObject({ id: 'openai', score: 99, match: true });
    expect(batch.scheme!.result[0]!.features).toEqual([{ id: 'SHARED_IDENTIFIER', value: 99 }]);
    expect(batch.entityValue!.result[0]!.features.map((f) => f.id)).toEqual(['EXACT_NAME', 'SHARED_IDENTIFIER']);
    expect(batch.list!.result[0]!.features.map((f) => f.id)).toContain('SHARED_IDENTIFIER');
    // Another value in a scheme the entity holds counts against it (-30).
    expect(batch.other!.result[0]).toMatchObject({ id: 'oracle', score: 70, match: false });
    expect(batch.other!.result[0]!.features).toContainEqual({ id: 'OTHER_IDENTIFIER', value: -30 });
    // A cell that cannot be an identifier or a country code is left out, not an error.
    expect(batch.messy!.result[0]).toMatchObject({ id: 'oracle', score: 100, match: true });
    expect(batch.messy!.result[0]!.features).toEqual([{ id: 'EXACT_NAME', value: 100 }]);
  });

  it('takes related entities by name or id, a list of types, a country and a limit', async () => {
    const batch = await reconcile({
      byName: { query: 'OpenAI', properties: [{ pid: 'related', v: 'Sam Altman' }] },
      byId: { query: 'OpenAI', properties: [{ pid: 'related', v: [{ id: 'sam-altman' }, 'Nobody Atall'] }] },
      types: { query: 'Oracle', type: ['Person', 'Company'] },
      otherCountry: { query: 'Oracle', properties: [{ pid: 'Country', v: 'fr' }] },
      limited: { query: 'OpenAI', limit: 1 },
      hopeless: { query: 'x'.repeat(301) },
    });
    for (const key of ['byName', 'byId'])
      expect(batch[key]!.result[0]!.features, key).toContainEqual({ id: 'SHARED_NEIGHBOURS', value: 5 });
    expect(batch.types!.result[0]!.id).toBe('oracle');
    expect(batch.types!.result.every((c) => ['Person', 'Company'].includes(c.type[0]!.id))).toBe(true);
    expect(batch.otherCountry!.result[0]!.features).toContainEqual({ id: 'OTHER_COUNTRY', value: -10 });
    expect(batch.limited!.result).toHaveLength(1);
    expect(batch.hopeless!.result).toEqual([]);
  });

  it('refuses what is not a batch with 400 and a stable code, too much with 413, never a 500', async () => {
    await expectError(await postForm('{"q0": {"query": "OpenAI"'), 400, 'BAD_USER_INPUT');
    await expectError(await postForm('[{"query": "OpenAI"}]'), 400, 'BAD_USER_INPUT');
    await expectError(await postForm({ q0: 'OpenAI' }), 400, 'BAD_USER_INPUT');
    await expectError(await postForm({ q0: {} }), 400, 'BAD_USER_INPUT');
    await expectError(await postForm({ q0: { query: '' } }), 400, 'BAD_USER_INPUT');
    await expectError(await postForm({ q0: { query: 'OpenAI', qurey: 'x' } }), 400, 'BAD_USER_INPUT');
    await expectError(await postForm({ q0: { query: 42 } }), 400, 'BAD_USER_INPUT');
    await expectError(await postForm({ q0: { query: 'OpenAI', limit: 'five' } }), 400, 'BAD_USER_INPUT');
    const type = await expectError(await postForm({ q0: { query: 'OpenAI', type: 'Q43229' } }), 400, 'BAD_USER_INPUT');
    expect(type.message).toContain('Person, Company, Project, Datacenter, Deal');
    const pid = await expectError(
      await postForm({ q0: { query: 'OpenAI', properties: [{ pid: 'P17', v: 'US' }] } }),
      400,
      'BAD_USER_INPUT',
    );
    expect(pid.message).toContain('country, related, identifier, WIKIDATA');
    await expectError(
      await postForm({ q0: { query: 'OpenAI', properties: [{ pid: 'country', v: true }] } }),
      400,
      'BAD_USER_INPUT',
    );
    await expectError(
      await postForm({ q0: { query: 'OpenAI', properties: [{ pid: 'country', v: ['US', 'FR'] }] } }),
      400,
      'BAD_USER_INPUT',
    );
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`q${i}`, { query: 'OpenAI' }]));
    expect(await expectError(await postForm(many), 413, 'LIMIT_EXCEEDED')).toMatchObject({
      limit: 'MAX_RECONCILE_QUERIES',
      max: 100,
      got: 101,
    });
    expect(await expectError(await postForm('x'.repeat(1_000_001)), 413, 'LIMIT_EXCEEDED')).toMatchObject({
      limit: 'MAX_RECONCILE_BODY_BYTES',
      max: 1_000_000,
    });
    // The form, its type and the route.
    const noField = await fetch(`${http.origin}/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=OpenAI',
    });
    await expectError(noField, 400, 'BAD_USER_INPUT');
    const xml = await fetch(`${http.origin}/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<q/>',
    });
    await expectError(xml, 400, 'BAD_USER_INPUT');
    await expectError(await get('/reconcile?query=OpenAI'), 400, 'BAD_USER_INPUT');
    await expectError(await get('/reconcile?queries=%7B%7D&queries=%7B%7D'), 400, 'BAD_USER_INPUT');
    await expectError(await get('/reconcile/extend'), 404, 'NOT_FOUND');
    const put = await fetch(`${http.origin}/reconcile`, { method: 'PUT', body: 'x' });
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    await expectError(put, 405, 'BAD_USER_INPUT');
  });

  it('is open to browsers on other origins (CORS), as the spec requires', async () => {
    const res = await postForm({ q0: { query: 'OpenAI' } }, { origin: 'http://127.0.0.1:3333' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${http.origin}/reconcile/suggest/entity?prefix=o`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3333', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('JSONP', () => {
  it('wraps the manifest, a batch and suggestions in the callback, as text/javascript', async () => {
    const manifest = await get('/reconcile?callback=jQuery351_1700000000&_=1700000000');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await manifest.text();
    expect(script.startsWith('/**/jQuery351_1700000000(')).toBe(true);
    expect(runJsonp(script, 'jQuery351_1700000000')).toMatchObject({ name: 'stargraph', versions: ['0.1', '0.2'] });
    const batch = await get(`/reconcile?callback=cb.q&queries=${encodeURIComponent('{"q0":{"query":"Open AI"}}')}`);
    const answered = runJsonp(await batch.text(), 'cb.q') as ResultBatch;
    expect(answered.q0!.result[0]).toMatchObject({ id: 'openai', match: true });
    const suggest = await get('/reconcile/suggest/type?prefix=comp&callback=cb');
    expect(runJsonp(await suggest.text(), 'cb')).toMatchObject({ result: [{ id: 'Company' }] });
  });

  it('refuses a callback that is not a plain function name', async () => {
    for (const callback of ['alert(1)//', 'a b', '1abc', 'cb;alert(1)', 'a'.repeat(101), 'x.', '<script>'])
      await expectError(await get(`/reconcile?callback=${encodeURIComponent(callback)}`), 400, 'BAD_USER_INPUT');
  });
});

describe('suggest', () => {
  it('suggests entities by prefix with their kind, an entity by its id, a kind asked, page by page', async () => {
    const open = (await (await get('/reconcile/suggest/entity?prefix=Open')).json()) as { result: any[] };
    expect(open.result[0]).toEqual({
      id: 'openai',
      name: 'OpenAI',
      description: expect.any(String),
      notable: [{ id: 'Company', name: 'Company' }],
    });
    expect(open.result.length).toBeLessThanOrEqual(10);
    const bySlug = (await (await get('/reconcile/suggest/entity?prefix=sam-altman')).json()) as { result: any[] };
    expect(bySlug.result[0]).toMatchObject({ id: 'sam-altman', name: 'Sam Altman' });
    const deals = (await (await get('/reconcile/suggest/entity?prefix=openai&type=Deal')).json()) as {
      result: any[];
    };
    expect(deals.result.length).toBeGreaterThan(0);
    expect(deals.result.every((s) => s.notable[0].id === 'Deal')).toBe(true);
    const all = (await (await get('/reconcile/suggest/entity?prefix=openai')).json()) as { result: any[] };
    const next = (await (await get('/reconcile/suggest/entity?prefix=openai&cursor=1')).json()) as {
      result: any[];
    };
    expect(all.result.length).toBeGreaterThan(1);
    expect(next.result.slice(0, all.result.length - 1).map((s) => s.id)).toEqual(all.result.slice(1).map((s) => s.id));
    expect(((await (await get('/reconcile/suggest/entity?prefix=')).json()) as { result: any[] }).result).toEqual([]);
  });

  it('suggests types and properties by a prefix of their id or a word of their name', async () => {
    const types = async (p: string) =>
      ((await (await get(`/reconcile/suggest/type?prefix=${p}`)).json()) as { result: any[] }).result;
    expect(await types('comp')).toEqual([{ id: 'Company', name: 'Company', description: expect.any(String) }]);
    expect((await types('')).map((x) => x.id)).toEqual(['Person', 'Company', 'Project', 'Datacenter', 'Deal']);
    expect(await types('zzz')).toEqual([]);
    const props = async (p: string) =>
      ((await (await get(`/reconcile/suggest/property?prefix=${p}`)).json()) as { result: any[] }).result.map(
        (x) => x.id,
      );
    expect(await props('wiki')).toEqual(['WIKIDATA']);
    expect(await props('dom')).toEqual(['DOMAIN']);
    expect(await props('c')).toEqual(['country', 'CRUNCHBASE']);
    expect(await props('ticker')).toEqual(['TICKER']);
    expect(await props('')).toHaveLength(8);
  });

  it('refuses a missing prefix, a bad cursor and an unknown type', async () => {
    await expectError(await get('/reconcile/suggest/entity'), 400, 'BAD_USER_INPUT');
    await expectError(await get('/reconcile/suggest/type?prefix=a&cursor=-1'), 400, 'BAD_USER_INPUT');
    await expectError(await get('/reconcile/suggest/entity?prefix=a&cursor=100000'), 400, 'BAD_USER_INPUT');
    await expectError(await get('/reconcile/suggest/entity?prefix=a&type=Planet'), 400, 'BAD_USER_INPUT');
  });
});

describe('preview over HTTP', () => {
  it('is one HTML page under the site policy with its own style nonce, framable, escaped; 404 for an unknown id', async () => {
    const res = await get('/reconcile/preview?id=openai');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    const html = await res.text();
    const nonce = /<style nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain(`style-src-elem 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('frame-ancestors *');
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain('<h1>OpenAI</h1>');
    expect(html).toContain('openai.com');
    // Another page keeps the site's policy: no nonce, framed by nobody.
    const other = await get('/reconcile/preview?id=oracle');
    expect(other.headers.get('content-security-policy')).not.toContain(`'nonce-${nonce}'`);
    const manifest = await get('/reconcile');
    expect(manifest.headers.get('x-frame-options')).toBe('DENY');
    expect(manifest.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const escaped = await (await get(`/reconcile/preview?id=${hostile.slug}`)).text();
    expect(escaped).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(escaped).not.toContain('<script>');
    expect(escaped).not.toContain('<img');
    expect(escaped).not.toContain('<b>');

    const missing = await get('/reconcile/preview?id=no-such-entity');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no-such-entity');
    const weird = await get(`/reconcile/preview?id=${encodeURIComponent('<script>x</script>')}`);
    expect(weird.status).toBe(404);
    expect(await weird.text()).toContain('&#60;script&#62;x');
    await expectError(await get('/reconcile/preview'), 400, 'BAD_USER_INPUT');
  });

  it('may be framed only by the CORS origins when CORS_ORIGINS lists them', async () => {
    const listed = testServer(t.graph, testConfig({ CORS_ORIGINS: 'http://127.0.0.1:3333' }));
    const res = await listed.fetch('http://stargraph.test/reconcile/preview?id=openai');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self' http://127.0.0.1:3333");
  });
});

describe('with REQUIRE_AUTH_FOR_READS', () => {
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('opens the manifest (saying which credentials the rest needs) and closes every other route', async () => {
    const open = await get('/reconcile', {}, guarded.origin);
    expect(open.status).toBe(200);
    expect(((await open.json()) as Record<string, unknown>).authentication).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: expect.stringContaining('Bearer'),
    });
    await expectError(await get('/reconcile', bearer('not-a-key'), guarded.origin), 401, 'UNAUTHENTICATED');
    const closed = [
      () => postForm({ q0: { query: 'OpenAI' } }, {}, guarded.origin),
      () => get(`/reconcile?queries=${encodeURIComponent('{"q0":{"query":"OpenAI"}}')}`, {}, guarded.origin),
      () => get('/reconcile/suggest/entity?prefix=open', {}, guarded.origin),
      () => get('/reconcile/suggest/type?prefix=c', {}, guarded.origin),
      () => get('/reconcile/suggest/property?prefix=c', {}, guarded.origin),
      () => get('/reconcile/preview?id=openai', {}, guarded.origin),
    ];
    for (const call of closed) {
      const res = await call();
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      await expectError(res, 401, 'UNAUTHENTICATED');
    }
    const read = await postForm({ q0: { query: 'Open AI' } }, bearer(READ_KEY), guarded.origin);
    expect(read.status).toBe(200);
    expect(((await read.json()) as ResultBatch).q0!.result[0]!.id).toBe('openai');
    // A write token may read, as everywhere.
    expect((await get('/reconcile/preview?id=openai', bearer(WRITE_KEY), guarded.origin)).status).toBe(200);
    expect((await get('/reconcile/suggest/entity?prefix=open', bearer(READ_KEY), guarded.origin)).status).toBe(200);
    await expectError(
      await postForm({ q0: { query: 'OpenAI' } }, bearer('not-a-key'), guarded.origin),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('the preview in Chromium', () => {
  /** Records CSP violations from the page's start (an init script runs before the page's own). */
  const watchCsp = `window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

  it('shows the name, kind and identifiers of OpenAI, styled, with no console error or CSP violation', async () => {
    const { page, problems } = await guardedPage(browser, http.origin, { width: 420, height: 240 });
    await page.addInitScript(watchCsp);
    const res = await page.goto(`${http.origin}/reconcile/preview?id=openai`);
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').innerText()).toBe('OpenAI');
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await page.locator('.kind').innerText()).toMatch(/^company · US$/i);
    const domain = page.getByText('openai.com');
    expect(await domain.isVisible()).toBe(true);
    expect(await page.locator('.aliases').innerText()).toBe('Open AI');
    // The nonce'd style sheet took: the heading has its size.
    expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontSize)).toBe('17px');
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows markup in an entity as text, running nothing', async () => {
    const { page, problems } = await guardedPage(browser, http.origin);
    await page.addInitScript(watchCsp);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${http.origin}/reconcile/preview?id=${hostile.slug}`);
    expect(await page.locator('h1').innerText()).toBe(hostile.name);
    expect(await page.locator('.description').innerText()).toBe(hostile.description);
    expect(await page.locator('.aliases').innerText()).toBe(hostile.alias);
    expect(await page.evaluate(() => document.querySelectorAll('script, img, b').length)).toBe(0);
    expect(dialogs).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('renders inside an iframe of another origin, as OpenRefine shows it', async () => {
    const host = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>OpenRefine stand-in</title><iframe id="p" width="420" height="240" src="${http.origin}/reconcile/preview?id=openai"></iframe>`,
      );
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      await page.goto(host.origin);
      const frame = page.frameLocator('#p');
      await expect.poll(() => frame.locator('h1').innerText(), { timeout: 15_000 }).toBe('OpenAI');
      expect(problems).toEqual([]);
      // The rest of the site still refuses to be framed.
      await page.setContent(`<iframe id="e" src="${http.origin}/reconcile"></iframe>`);
      await page.waitForTimeout(500);
      expect(problems.join(' ')).toMatch(/frame|refused/i);
    } finally {
      await context.close();
      await host.close();
    }
  });
});
