/**
 * Neighbourhood exports (GraphML, CSV, NDJSON) over HTTP (`GET /export`) and from the CLI
 * (`src/main.ts export --around`, run as a child process), each parsed back and checked against
 * the graph: the entities and relationships the `neighborhood` query returns, an edge with its
 * properties, typed GraphML keys, sources on nodes and relationships. And the endpoint's errors,
 * its GraphQL rules (cost against MAX_COMPLEXITY, MAX_LIST_ITEMS, QUERY_TIMEOUT_MS for its reads:
 * 504 TIMEOUT) and its streamed body (no Content-Length, chunked, in pieces). Its defaults, the
 * truncated marker, page keys kept out of every format, and the CLI's --types, --part and warning.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { runCli } from '../utils/cli.js';
import { parseCsv } from '../utils/csv.js';
import { PAGE_KEY_NAMES } from '../../src/graph/page-keys.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('exp');
const slug = (x: string) => `${prefix}-${x}`;
const dir = mkdtempSync(join(tmpdir(), 'stargraph-export-'));
const SOURCE_ID = `${prefix}-src`;
/** Text an export must carry through unharmed: XML and CSV metacharacters, quotes, a newline. */
const AWKWARD = 'Builds <big> "AI" sites, fast & cheap\nsecond line';

/**
 * hub (Company) -PARTY_TO {role: buyer}-> deal (Deal, valueUsd) <-PARTY_TO {role: seller}- seller (Company)
 * boss (Person) -LEADS {title}-> hub; far (Company) -INVESTS_IN-> seller (three hops from the hub).
 * The source mentions hub and deal (so it supports the hub's PARTY_TO) but not the seller.
 */
beforeAll(async () => {
  t = await openTestGraph({ TRAVERSAL_TIMEOUT_MS: '60000' });
  yoga = testServer(t.graph, t.config);
  await createEntities(t.db, [
    {
      label: 'Company',
      slug: slug('hub'),
      name: 'Hub Co',
      props: { kind: 'CLOUD_PROVIDER', country: 'US', description: AWKWARD, aliases: ['Hub', 'HC'] },
    },
    { label: 'Company', slug: slug('seller'), name: 'Seller Co', props: { kind: 'CHIPMAKER' } },
    { label: 'Company', slug: slug('far'), name: 'Far Co', props: { kind: 'INVESTOR' } },
    { label: 'Person', slug: slug('boss'), name: 'Boss Person' },
    { label: 'Deal', slug: slug('deal'), name: 'Big Deal', props: { kind: 'COMPUTE_LEASE', valueUsd: 12.5e9 } },
  ]);
  await relate(t.db, 'PARTY_TO', [
    [slug('hub'), slug('deal'), { role: 'buyer' }],
    [slug('seller'), slug('deal'), { role: 'seller' }],
  ]);
  await relate(t.db, 'LEADS', [[slug('boss'), slug('hub'), { title: 'Chief "Executive"' }]]);
  await relate(t.db, 'INVESTS_IN', [[slug('far'), slug('seller'), { amountUsd: 1e6 }]]);
  await t.db.write(
    `CREATE (s:Source {id: $id, title: 'Export test source', publisher: 'Test Wire', url: 'https://example.org/a', language: 'en'})
     WITH s MATCH (n:Entity) WHERE n.slug IN $slugs CREATE (s)-[:MENTIONS]->(n)`,
    { id: SOURCE_ID, slugs: [slug('hub'), slug('deal')] },
  );
});

afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Truth {
  nodes: string[];
  relationships: Array<{ type: string; from: string; to: string }>;
}

/** What the GraphQL `neighborhood` says of the hub at `depth`: the export must hold the same. */
async function truth(depth: number): Promise<Truth> {
  const res = await gql<{
    neighborhood: {
      nodes: Array<{ slug: string }>;
      relationships: Array<{ type: string; from: { slug: string }; to: { slug: string } }>;
    };
  }>(
    yoga,
    `query($id: ID!, $depth: Int!) { neighborhood(id: $id, depth: $depth) { nodes { slug } relationships { type from { slug } to { slug } } } }`,
    { id: slug('hub'), depth },
  );
  expect(res.errors).toBeUndefined();
  return {
    nodes: res.data!.neighborhood.nodes.map((n) => n.slug).sort(),
    relationships: res
      .data!.neighborhood.relationships.map((r) => ({ type: r.type, from: r.from.slug, to: r.to.slug }))
      .sort(byKey),
  };
}
const byKey = (a: { type: string; from: string; to: string }, b: { type: string; from: string; to: string }) =>
  `${a.type} ${a.from} ${a.to}` < `${b.type} ${b.from} ${b.to}` ? -1 : 1;

const get = (path: string, headers: Record<string, string> = {}, server = yoga) =>
  server.fetch(`http://stargraph.test${path}`, { headers });

interface ParsedGraphml {
  keys: Map<string, { for: string; name: string; type: string }>;
  graph: Record<string, string>;
  nodes: Map<string, Record<string, string>>;
  edges: Array<{ id: string; source: string; target: string; data: Record<string, string> }>;
}

/** GraphML as networkx reads it: keys by id with their name and type, each element's data by key name. */
function parseGraphml(text: string): ParsedGraphml {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const root = doc.documentElement!;
  expect(root.localName).toBe('graphml');
  expect(root.namespaceURI).toBe('http://graphml.graphdrawing.org/xmlns');
  const elements = (parent: Element | typeof doc, name: string) =>
    Array.from(parent.getElementsByTagName(name)) as Element[];
  const keys = new Map(
    elements(doc, 'key').map((k) => [
      k.getAttribute('id')!,
      { for: k.getAttribute('for')!, name: k.getAttribute('attr.name')!, type: k.getAttribute('attr.type')! },
    ]),
  );
  const dataOf = (el: Element, domain: string) =>
    Object.fromEntries(
      (Array.from(el.childNodes) as Element[])
        .filter((c) => c.nodeType === 1 && c.localName === 'data')
        .map((d) => {
          const key = keys.get(d.getAttribute('key')!);
          expect(key?.for).toBe(domain); // every data names a declared key of its own domain
          return [key!.name, d.textContent ?? ''];
        }),
    );
  const graph = elements(doc, 'graph')[0]!;
  expect(graph.getAttribute('edgedefault')).toBe('directed');
  return {
    keys,
    graph: dataOf(graph, 'graph'),
    nodes: new Map(elements(doc, 'node').map((n) => [n.getAttribute('id')!, dataOf(n, 'node')])),
    edges: elements(doc, 'edge').map((e) => ({
      id: e.getAttribute('id')!,
      source: e.getAttribute('source')!,
      target: e.getAttribute('target')!,
      data: dataOf(e, 'edge'),
    })),
  };
}

/** Fixture ids are their slugs (tests/utils/fixtures.ts), so an export's ids compare with slugs. */
function checkGraphml(text: string, expected: Truth) {
  const g = parseGraphml(text);
  const typeOf = (domain: string, name: string) =>
    [...g.keys.values()].find((k) => k.for === domain && k.name === name)?.type;
  expect(typeOf('node', 'valueUsd')).toBe('double');
  expect(typeOf('node', 'name')).toBe('string');
  expect(typeOf('node', 'sources')).toBe('string');
  expect(typeOf('edge', 'amountUsd')).toBe('double');
  expect(typeOf('edge', 'role')).toBe('string');
  expect(g.graph).toMatchObject({ center: slug('hub'), truncated: 'false' });
  expect([...g.nodes.keys()].sort()).toEqual(expected.nodes);
  expect(g.edges.map((e) => ({ type: e.data.type!, from: e.source, to: e.target })).sort(byKey)).toEqual(
    expected.relationships,
  );

  const hub = g.nodes.get(slug('hub'))!;
  expect(hub).toMatchObject({
    label: 'Hub Co',
    name: 'Hub Co',
    entityType: 'Company',
    kind: 'CLOUD_PROVIDER',
    country: 'US',
    description: AWKWARD,
  });
  expect(JSON.parse(hub.aliases!)).toEqual(['Hub', 'HC']);
  expect(JSON.parse(hub.sources!).map((s: { id: string }) => s.id)).toEqual([SOURCE_ID]);
  expect(Number(g.nodes.get(slug('deal'))!.valueUsd)).toBe(12.5e9);
  expect(g.nodes.get(slug('seller'))!.sources).toBe('[]');

  const buyer = g.edges.find((e) => e.source === slug('hub') && e.target === slug('deal'))!;
  expect(buyer.data).toMatchObject({ type: 'PARTY_TO', label: 'PARTY_TO', role: 'buyer' });
  expect(JSON.parse(buyer.data.sources!)).toEqual([
    expect.objectContaining({ id: SOURCE_ID, title: 'Export test source', url: 'https://example.org/a' }),
  ]);
  const seller = g.edges.find((e) => e.source === slug('seller'))!;
  expect(seller.data.role).toBe('seller');
  expect(JSON.parse(seller.data.sources!)).toEqual([]);
  expect(g.edges.find((e) => e.data.type === 'LEADS')!.data.title).toBe('Chief "Executive"');
}

describe('GET /export', () => {
  it('GraphML: typed keys, every entity and relationship of the neighbourhood, properties and sources', async () => {
    const res = await get(`/export?around=${slug('hub')}&depth=2&format=graphml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/graphml\+xml/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${slug('hub')}-depth2.graphml"`);
    expect(res.headers.get('x-stargraph-nodes')).toBe('4');
    checkGraphml(await res.text(), await truth(2));
  });

  it('CSV: nodes and edges parts, one column per property, sources as JSON', async () => {
    const expected = await truth(3);
    const nodesRes = await get(`/export?around=${slug('hub')}&depth=3&format=csv&part=nodes`);
    expect(nodesRes.status).toBe(200);
    expect(nodesRes.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(nodesRes.headers.get('content-disposition')).toContain(`${slug('hub')}-depth3-nodes.csv`);
    const nodes = parseCsv(await nodesRes.text());
    expect(nodes.map((n) => n.id).sort()).toEqual(expected.nodes);
    expect(expected.nodes).toContain(slug('far')); // three hops away: depth 3 reached it
    const hub = nodes.find((n) => n.id === slug('hub'))!;
    expect(hub).toMatchObject({ entityType: 'Company', name: 'Hub Co', description: AWKWARD, kind: 'CLOUD_PROVIDER' });
    expect(JSON.parse(hub.sources!)[0].id).toBe(SOURCE_ID);
    expect(Number(nodes.find((n) => n.id === slug('deal'))!.valueUsd)).toBe(12.5e9);

    const edges = parseCsv(await (await get(`/export?around=${slug('hub')}&depth=3&format=csv&part=edges`)).text());
    expect(edges.map((e) => ({ type: e.type!, from: e.source!, to: e.target! })).sort(byKey)).toEqual(
      expected.relationships,
    );
    const invests = edges.find((e) => e.type === 'INVESTS_IN')!;
    expect(Number(invests.amountUsd)).toBe(1e6);
    expect(edges.find((e) => e.type === 'LEADS')!.title).toBe('Chief "Executive"');
  });

  it('NDJSON: nodes then relationships, one object a line, lists and sources as arrays; types narrow it', async () => {
    const res = await get(`/export?around=${slug('hub')}&depth=3&format=ndjson&types=PARTY_TO`);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const records = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const kinds = records.map((r) => r.record);
    expect(kinds.indexOf('relationship')).toBe(kinds.lastIndexOf('node') + 1);
    // Only PARTY_TO followed: the boss (LEADS) and far (INVESTS_IN) are out.
    expect(
      records
        .filter((r) => r.record === 'node')
        .map((r) => r.id)
        .sort(),
    ).toEqual([slug('deal'), slug('hub'), slug('seller')]);
    expect(records.filter((r) => r.record === 'relationship').every((r) => r.type === 'PARTY_TO')).toBe(true);
    const hub = records.find((r) => r.id === slug('hub'));
    expect(hub).toMatchObject({
      entityType: 'Company',
      aliases: ['Hub', 'HC'],
      sources: [expect.objectContaining({ id: SOURCE_ID, publisher: 'Test Wire' })],
    });
    expect(hub).not.toHaveProperty('searchKeys');
    expect(records.find((r) => r.record === 'relationship' && r.from === slug('hub'))).toMatchObject({
      role: 'buyer',
      to: slug('deal'),
      sources: [expect.objectContaining({ id: SOURCE_ID })],
    });
  });

  it('answers bad parameters with 400 and a stable code; unknown centers 404; limits as neighbourhood', async () => {
    const error = async (path: string, status: number) => {
      const res = await get(path);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      return (await res.json()) as { code: string; message: string };
    };
    expect(await error('/export?format=graphml', 400)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('around'),
    });
    expect(await error(`/export?around=${slug('hub')}&format=gexf`, 400)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('format'),
    });
    expect(await error(`/export?around=${slug('hub')}&format=csv`, 400)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('part'),
    });
    expect(await error(`/export?around=${slug('hub')}&depth=two`, 400)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await error(`/export?around=${slug('hub')}&dpeth=2`, 400)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('dpeth'),
    });
    expect(await error(`/export?around=${slug('hub')}&types=MENTIONS`, 400)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await error(`/export?around=${slug('hub')}&types=DROP`, 400)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await error(`/export?around=${slug('hub')}&depth=9`, 400)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('depth'),
    });
    expect(await error(`/export?around=${slug('hub')}&limit=100000`, 400)).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(await error(`/export?around=${slug('nobody')}`, 404)).toMatchObject({ code: 'NOT_FOUND' });
    const post = await yoga.fetch(`http://stargraph.test/export?around=${slug('hub')}`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('a limit below the neighbourhood cuts it and says so', async () => {
    const res = await get(`/export?around=${slug('hub')}&depth=3&limit=2&format=ndjson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-stargraph-truncated')).toBe('true');
    expect(
      (await res.text())
        .trim()
        .split('\n')
        .filter((l) => JSON.parse(l).record === 'node'),
    ).toHaveLength(2);
  });

  it('follows the reads rule: with REQUIRE_AUTH_FOR_READS a token with read is needed', async () => {
    const locked = testServer(t.graph, {
      ...t.config,
      auth: { ...t.config.auth, requireAuthForReads: true, apiKeys: [{ secret: 'reader-key-1', scopes: ['read'] }] },
    });
    const anonymous = await get(`/export?around=${slug('hub')}`, {}, locked);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await get(`/export?around=${slug('hub')}`, { authorization: 'Bearer wrong' }, locked)).status).toBe(401);
    const reader = await get(`/export?around=${slug('hub')}&depth=2`, { authorization: 'Bearer reader-key-1' }, locked);
    expect(reader.status).toBe(200);
    checkGraphml(await reader.text(), await truth(2));
  });
});

describe('GET /export: defaults, the truncated marker, internal properties', () => {
  it('with only `around`: GraphML of depth 1 over every relationship type, not truncated', async () => {
    const res = await get(`/export?around=${slug('hub')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/graphml\+xml/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${slug('hub')}-depth1.graphml"`);
    expect(res.headers.get('x-stargraph-truncated')).toBe('false');
    const g = parseGraphml(await res.text());
    expect(g.graph).toMatchObject({ center: slug('hub'), truncated: 'false' });
    const expected = await truth(1);
    // One hop: the deal (PARTY_TO) and the boss (LEADS), both types followed; the seller is two away.
    expect(expected.nodes).toEqual([slug('boss'), slug('deal'), slug('hub')].sort());
    expect([...g.nodes.keys()].sort()).toEqual(expected.nodes);
    expect(g.edges.map((e) => ({ type: e.data.type!, from: e.source, to: e.target })).sort(byKey)).toEqual(
      expected.relationships,
    );
  });

  it('a cut neighbourhood is marked truncated in GraphML and in the header', async () => {
    const res = await get(`/export?around=${slug('hub')}&depth=3&limit=2&format=graphml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-stargraph-truncated')).toBe('true');
    const g = parseGraphml(await res.text());
    expect(g.graph).toMatchObject({ center: slug('hub'), truncated: 'true' });
    expect(g.nodes.size).toBe(2);
  });

  it('never carries the page keys (internal copies of endpoint ids and names) in any format', async () => {
    // The fixtures' relationships carry them, as every write path sets them.
    const [stored] = await t.db.read(
      `MATCH (:Entity {slug: $hub})-[r:PARTY_TO]->(:Entity {slug: $deal})
       RETURN [k IN $names WHERE r[k] IS NOT NULL] AS present, r.toName AS toName`,
      { hub: slug('hub'), deal: slug('deal'), names: [...PAGE_KEY_NAMES] },
    );
    expect([...(stored!.present as string[])].sort()).toEqual([...PAGE_KEY_NAMES].sort());
    expect(stored!.toName).toBe('Big Deal');

    const around = `around=${slug('hub')}&depth=3`;
    const bodies: Record<string, string> = {};
    const formats: Array<[string, string]> = [
      ['graphml', 'format=graphml'],
      ['csv nodes', 'format=csv&part=nodes'],
      ['csv edges', 'format=csv&part=edges'],
      ['ndjson', 'format=ndjson'],
      ['ndjson at a date', `format=ndjson&asOf=${new Date().toISOString().slice(0, 10)}`],
      ['graphml at a date', `format=graphml&asOf=${new Date().toISOString().slice(0, 10)}`],
      ['json history', 'format=json'],
    ];
    for (const [name, query] of formats) {
      const res = await get(`/export?${around}&${query}`);
      expect(res.status, name).toBe(200);
      bodies[name] = await res.text();
    }
    const pageKey = new RegExp(`\\b(${[...PAGE_KEY_NAMES].join('|')})\\b`);
    for (const [name, body] of Object.entries(bodies)) {
      // Each holds the relationships but none of the keys.
      expect(body, name).toContain(name === 'csv nodes' ? 'Hub Co' : 'PARTY_TO');
      expect(body.match(pageKey)?.[0], name).toBeUndefined();
    }
  });
});

describe('GET /export under the rules of GraphQL reads', () => {
  /** A server on the test graph with `env` (neighbourhood reads as generous as this file's). */
  const serverWith = (env: Record<string, string>) =>
    testServer(t.graph, testConfig({ TRAVERSAL_TIMEOUT_MS: '60000', ...env }));
  const answer = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    return (await res.json()) as Record<string, unknown>;
  };

  it('is priced as the GraphQL neighbourhood of as many entities: over MAX_COMPLEXITY is LIMIT_EXCEEDED', async () => {
    // neighborhood(limit: L) { nodes relationships } costs L + 10·L + L = 12·L (README, "Query cost").
    const small = serverWith({ MAX_COMPLEXITY: '2000' });
    expect(await answer(await get(`/export?around=${slug('hub')}&limit=200`, {}, small), 400)).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('MAX_COMPLEXITY'),
      limit: 'MAX_COMPLEXITY',
      max: 2000,
      got: 2400,
    });
    // The default limit (200) is priced the same.
    expect(await answer(await get(`/export?around=${slug('hub')}`, {}, small), 400)).toMatchObject({ got: 2400 });
    const within = await get(`/export?around=${slug('hub')}&depth=2&limit=166&format=graphml`, {}, small);
    expect(within.status).toBe(200); // 1,992
    checkGraphml(await within.text(), await truth(2));
  });

  it('takes at most MAX_LIST_ITEMS types', async () => {
    const server = serverWith({ MAX_LIST_ITEMS: '2' });
    expect(
      await answer(await get(`/export?around=${slug('hub')}&types=LEADS,PARTY_TO,INVESTS_IN`, {}, server), 400),
    ).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('types'),
      limit: 'MAX_LIST_ITEMS',
      max: 2,
      got: 3,
    });
    expect((await get(`/export?around=${slug('hub')}&types=LEADS,PARTY_TO`, {}, server)).status).toBe(200);
  });

  it('answers 504 TIMEOUT naming QUERY_TIMEOUT_MS when its reads pass it, and the next export is served', async () => {
    // Each statement keeps the graph's own 10 s timeout: only the export's deadline can stop it in 1 ms.
    const hurried = serverWith({ QUERY_TIMEOUT_MS: '1' });
    expect(await answer(await get(`/export?around=${slug('hub')}&depth=3`, {}, hurried), 504)).toEqual({
      code: 'TIMEOUT',
      message: expect.stringContaining('QUERY_TIMEOUT_MS'),
      limit: 'QUERY_TIMEOUT_MS',
      ms: 1,
    });
    const next = await get(`/export?around=${slug('hub')}&depth=2`);
    expect(next.status).toBe(200);
    checkGraphml(await next.text(), await truth(2));
  });

  it('streams its document: no Content-Length, chunked over HTTP, in pieces that make the whole', async () => {
    const star = uniquePrefix('exp-star');
    const POINTS = 120;
    try {
      await createEntities(t.db, [
        { label: 'Company', slug: `${star}-center`, name: 'Star Center' },
        ...Array.from({ length: POINTS }, (_, i) => ({
          label: 'Company' as const,
          slug: `${star}-p${i}`,
          name: `Point ${i}`,
          props: { description: `A long description of point ${i}. `.repeat(50) },
        })),
      ]);
      await relate(
        t.db,
        'INVESTS_IN',
        Array.from({ length: POINTS }, (_, i): [string, string] => [`${star}-center`, `${star}-p${i}`]),
      );
      const path = `/export?around=${star}-center&limit=${POINTS + 1}&format=graphml`; // the center counts

      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      const reader = res.body!.getReader();
      const pieces: string[] = [];
      const decoder = new TextDecoder();
      for (let read = await reader.read(); !read.done; read = await reader.read())
        pieces.push(decoder.decode(read.value, { stream: true }));
      const whole = pieces.join('');
      expect(pieces.length).toBeGreaterThan(2); // well over 100 KB, in chunks of about 64 KB
      expect(pieces[0]!.length).toBeLessThan(whole.length / 2);
      expect(parseGraphml(whole).nodes.size).toBe(POINTS + 1);

      // Over a socket: chunked transfer, no length announced up front; the same bytes.
      const http = createHttpServer(yoga);
      await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
      try {
        const { headers, body } = await new Promise<{ headers: Record<string, unknown>; body: string }>(
          (resolve, reject) => {
            httpGet(`http://127.0.0.1:${(http.address() as AddressInfo).port}${path}`, (response) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (d: string) => (text += d));
              response.on('end', () => resolve({ headers: response.headers, body: text }));
            }).on('error', reject);
          },
        );
        expect(headers['transfer-encoding']).toBe('chunked');
        expect(headers['content-length']).toBeUndefined();
        expect(body).toBe(whole);
      } finally {
        await new Promise((ok) => http.close(ok));
      }
    } finally {
      await deleteFixtures(t.db, star);
    }
  }, 120_000);
});

describe('npm run export (CLI)', () => {
  const run = (args: string[]) => runCli(['export', ...args], { TRAVERSAL_TIMEOUT_MS: '60000' });

  it('writes GraphML to stdout and CSV as nodes.csv and edges.csv in --out', async () => {
    const out = join(dir, 'csv');
    const [graphml, csv, missing] = await Promise.all([
      run(['--around', slug('hub'), '--depth', '2', '--format', 'graphml']),
      run(['--around', slug('hub'), '--depth', '3', '--format', 'csv', '--out', out]),
      run(['--around', slug('nobody'), '--format', 'ndjson']),
    ]);
    expect(graphml.code, graphml.stderr).toBe(0);
    checkGraphml(graphml.stdout, await truth(2));

    expect(csv.code, csv.stderr).toBe(0);
    const expected = await truth(3);
    expect(
      parseCsv(readFileSync(join(out, 'nodes.csv'), 'utf8'))
        .map((n) => n.id)
        .sort(),
    ).toEqual(expected.nodes);
    const edges = parseCsv(readFileSync(join(out, 'edges.csv'), 'utf8'));
    expect(edges.map((e) => ({ type: e.type!, from: e.source!, to: e.target! })).sort(byKey)).toEqual(
      expected.relationships,
    );
    expect(edges.find((e) => e.source === slug('hub'))!.role).toBe('buyer');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
    expect(missing.stdout).toBe('');
  });

  it('--types narrows the neighbourhood, --part writes one CSV part to stdout, a cut warns on stderr', {
    timeout: 240_000,
  }, async () => {
    const [typed, edgesPart, nodesPart, cut] = await Promise.all([
      run(['--around', slug('hub'), '--depth', '3', '--types', 'PARTY_TO', '--format', 'ndjson']),
      run(['--around', slug('hub'), '--depth', '3', '--format', 'csv', '--part', 'edges']),
      run(['--around', slug('hub'), '--depth', '3', '--format', 'csv', '--part', 'nodes']),
      run(['--around', slug('hub'), '--depth', '3', '--limit', '2', '--format', 'ndjson']),
    ]);
    for (const r of [typed, edgesPart, nodesPart, cut]) expect(r.code, r.stderr).toBe(0);
    const expected = await truth(3);

    const records = typed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { record: string; id: string; type?: string });
    // Only PARTY_TO followed: the boss (LEADS) and far (INVESTS_IN) are out.
    expect(
      records
        .filter((r) => r.record === 'node')
        .map((r) => r.id)
        .sort(),
    ).toEqual([slug('deal'), slug('hub'), slug('seller')]);
    const typedEdges = records.filter((r) => r.record === 'relationship');
    expect(typedEdges.map((r) => r.type)).toEqual(['PARTY_TO', 'PARTY_TO']);

    const edges = parseCsv(edgesPart.stdout);
    expect(edges.map((e) => ({ type: e.type!, from: e.source!, to: e.target! })).sort(byKey)).toEqual(
      expected.relationships,
    );
    expect(
      parseCsv(nodesPart.stdout)
        .map((n) => n.id)
        .sort(),
    ).toEqual(expected.nodes);

    expect(
      cut.stdout
        .trim()
        .split('\n')
        .filter((l) => (JSON.parse(l) as { record: string }).record === 'node'),
    ).toHaveLength(2);
    expect(cut.stderr).toMatch(/^Truncated at --limit 2: more entities were within reach/m);
    expect(typed.stderr).not.toMatch(/Truncated/);
  });
});
