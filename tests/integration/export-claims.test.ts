/**
 * Exports carry claims: every node's and edge's own claim and every sourced value's claim, with
 * validity, transaction time and citations, in NDJSON, GraphML and CSV; `asOf`/`knownAt` read
 * the neighbourhood at that slice; `format=json` writes the whole history as an import file.
 *
 * The graph is written here in the claims storage shape (docs/decisions/2026-12-07-claims-storage.md):
 * `Claim` nodes from a table of claim records, and today's view (labels, `H_` types, winning
 * values, claim copies) as this file derives it from the same table by the storage rules. The
 * expectations are computed from the table, not read back from the graph.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraph, type GraphData } from '../../src/graph/bulk-load.js';
import { SET_PAGE_KEYS } from '../../src/graph/page-keys.js';
import { runCli } from '../utils/cli.js';
import { openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('expc');
const slug = (x: string) => `${prefix}-${x}`;
const cid = (x: string) => `clm-${prefix}-${x}`;
const SRC_REPORT = `${prefix}-src-report`;
const SRC_WSJ = `${prefix}-src-wsj`;
const dir = mkdtempSync(join(tmpdir(), 'stargraph-export-claims-'));

interface Citation {
  source: string;
  quote?: string;
  locator?: string;
}

/** A claim as the import file's `claims` section states it (subjects by slug). */
interface ClaimRecord {
  id: string;
  kind: 'ENTITY' | 'RELATIONSHIP' | 'VALUE';
  subject: string;
  type?: string;
  object?: string;
  field?: string;
  value?: string | number;
  validFrom: string | null;
  validTo?: string;
  recordedAt: string;
  retractedAt?: string;
  retractReason?: string;
  confidence?: number;
  citations: Citation[];
}

const ENTITIES = [
  { key: 'oracle', label: 'Company', name: 'Oracle Test' },
  { key: 'stargate', label: 'Project', name: 'Stargate Test' },
  { key: 'deal', label: 'Deal', name: 'Oracle Test Deal' },
  { key: 'gone', label: 'Company', name: 'Gone Co', description: 'Entered by mistake' },
] as const;

const cite = (source: string, quote?: string, locator?: string): Citation => ({
  source,
  ...(quote ? { quote } : {}),
  ...(locator ? { locator } : {}),
});

/** The names one copy of the history uses: its slugs, claim ids and sources. */
interface HistoryIds {
  slug: (x: string) => string;
  cid: (x: string) => string;
  report: string;
  wsj: string;
}

/**
 * The history: Stargate from 2025-01-21, ANNOUNCED then STALLED from 2025-07-01; its pledge 500bn,
 * with a 400bn conflict recorded later and retracted; Oracle always there; the deal from
 * 2025-06-01; Oracle in Stargate until 2025-07-01 (ended); Gone Co and its investment retracted.
 */
function claimTable(ids: HistoryIds): ClaimRecord[] {
  return [
    {
      id: ids.cid('e-oracle'),
      kind: 'ENTITY',
      subject: ids.slug('oracle'),
      validFrom: null,
      recordedAt: '2024-01-01T00:00:00.000Z',
      citations: [],
    },
    {
      id: ids.cid('v-oracle-kind'),
      kind: 'VALUE',
      subject: ids.slug('oracle'),
      field: 'kind',
      value: 'CLOUD_PROVIDER',
      validFrom: null,
      recordedAt: '2024-01-01T00:00:00.000Z',
      citations: [cite(ids.report, 'le géant du cloud', '¶2')],
    },
    {
      id: ids.cid('e-stargate'),
      kind: 'ENTITY',
      subject: ids.slug('stargate'),
      validFrom: '2025-01-21',
      recordedAt: '2025-01-22T00:00:00.000Z',
      confidence: 0.95,
      citations: [cite(ids.report, 'annoncé le 21 janvier', '¶1')],
    },
    {
      id: ids.cid('v-stargate-status-1'),
      kind: 'VALUE',
      subject: ids.slug('stargate'),
      field: 'status',
      value: 'ANNOUNCED',
      validFrom: '2025-01-21',
      validTo: '2025-07-01',
      recordedAt: '2025-01-22T00:00:00.000Z',
      citations: [cite(ids.report, 'annoncé', '¶1')],
    },
    {
      id: ids.cid('v-stargate-status-2'),
      kind: 'VALUE',
      subject: ids.slug('stargate'),
      field: 'status',
      value: 'STALLED',
      validFrom: '2025-07-01',
      recordedAt: '2025-07-02T00:00:00.000Z',
      citations: [cite(ids.report, 'au point mort', '¶7'), cite(ids.wsj)],
    },
    {
      id: ids.cid('v-stargate-pledge-1'),
      kind: 'VALUE',
      subject: ids.slug('stargate'),
      field: 'pledgedUsd',
      value: 500e9,
      validFrom: '2025-01-21',
      recordedAt: '2025-01-22T00:00:00.000Z',
      confidence: 0.9,
      citations: [cite(ids.report, '500 milliards', '¶1')],
    },
    {
      id: ids.cid('v-stargate-pledge-2'),
      kind: 'VALUE',
      subject: ids.slug('stargate'),
      field: 'pledgedUsd',
      value: 400e9,
      validFrom: '2025-01-21',
      recordedAt: '2025-02-01T00:00:00.000Z',
      retractedAt: '2025-03-01T00:00:00.000Z',
      retractReason: 'misread figure',
      citations: [cite(ids.wsj, undefined, 'chars 10-40')],
    },
    {
      id: ids.cid('e-deal'),
      kind: 'ENTITY',
      subject: ids.slug('deal'),
      validFrom: '2025-06-01',
      recordedAt: '2025-06-02T00:00:00.000Z',
      citations: [],
    },
    {
      id: ids.cid('v-deal-value'),
      kind: 'VALUE',
      subject: ids.slug('deal'),
      field: 'valueUsd',
      value: 30e9,
      validFrom: '2025-06-01',
      recordedAt: '2025-06-02T00:00:00.000Z',
      citations: [cite(ids.wsj, '30 milliards de dollars', '¶4')],
    },
    {
      id: ids.cid('e-gone'),
      kind: 'ENTITY',
      subject: ids.slug('gone'),
      validFrom: null,
      recordedAt: '2024-02-01T00:00:00.000Z',
      retractedAt: '2025-05-01T00:00:00.000Z',
      retractReason: 'no such company',
      citations: [],
    },
    {
      id: ids.cid('r-party'),
      kind: 'RELATIONSHIP',
      subject: ids.slug('oracle'),
      type: 'PARTY_TO',
      object: ids.slug('deal'),
      validFrom: '2025-06-01',
      recordedAt: '2025-06-02T00:00:00.000Z',
      citations: [cite(ids.wsj, 'un accord de 30 milliards', '¶4')],
    },
    {
      id: ids.cid('v-party-role'),
      kind: 'VALUE',
      subject: ids.cid('r-party'),
      field: 'role',
      value: 'seller',
      validFrom: '2025-06-01',
      recordedAt: '2025-06-02T00:00:00.000Z',
      citations: [cite(ids.wsj)],
    },
    {
      id: ids.cid('r-part-of'),
      kind: 'RELATIONSHIP',
      subject: ids.slug('deal'),
      type: 'PART_OF',
      object: ids.slug('stargate'),
      validFrom: '2025-06-01',
      recordedAt: '2025-06-02T00:00:00.000Z',
      citations: [cite(ids.report)],
    },
    {
      id: ids.cid('r-participates'),
      kind: 'RELATIONSHIP',
      subject: ids.slug('oracle'),
      type: 'PARTICIPATES_IN',
      object: ids.slug('stargate'),
      validFrom: '2025-01-21',
      validTo: '2025-07-01',
      recordedAt: '2025-01-22T00:00:00.000Z',
      citations: [cite(ids.report, 'partenaire technologique')],
    },
    {
      id: ids.cid('v-participates-role'),
      kind: 'VALUE',
      subject: ids.cid('r-participates'),
      field: 'role',
      value: 'technology',
      validFrom: '2025-01-21',
      validTo: '2025-07-01',
      recordedAt: '2025-01-22T00:00:00.000Z',
      citations: [],
    },
    {
      id: ids.cid('r-invests'),
      kind: 'RELATIONSHIP',
      subject: ids.slug('gone'),
      type: 'INVESTS_IN',
      object: ids.slug('oracle'),
      validFrom: '2024-01-01',
      recordedAt: '2024-02-01T00:00:00.000Z',
      retractedAt: '2025-05-01T00:00:00.000Z',
      citations: [],
    },
    {
      id: ids.cid('v-invests-amount'),
      kind: 'VALUE',
      subject: ids.cid('r-invests'),
      field: 'amountUsd',
      value: 1e9,
      validFrom: '2024-01-01',
      recordedAt: '2024-02-01T00:00:00.000Z',
      retractedAt: '2025-05-01T00:00:00.000Z',
      citations: [],
    },
  ];
}

const DEFAULT_IDS: HistoryIds = { slug, cid, report: SRC_REPORT, wsj: SRC_WSJ };
const CLAIMS = claimTable(DEFAULT_IDS);

const byId = new Map(CLAIMS.map((c) => [c.id, c]));
const TODAY = new Date().toISOString().slice(0, 10);
const NOW = new Date().toISOString();

/** The storage rules: held on `asOf` as known at `knownAt`. */
const heldAt = (c: ClaimRecord, asOf: string, knownAt: string) =>
  (c.validFrom === null || c.validFrom <= asOf) &&
  (c.validTo === undefined || c.validTo > asOf) &&
  c.recordedAt <= knownAt &&
  (c.retractedAt === undefined || c.retractedAt > knownAt);

/** The value claim of `subject.field` held at the slice: the newest recorded. */
function valueClaimAt(subject: string, field: string, asOf: string, knownAt: string): ClaimRecord | undefined {
  return CLAIMS.filter((c) => c.kind === 'VALUE' && c.subject === subject && c.field === field)
    .filter((c) => heldAt(c, asOf, knownAt))
    .sort((a, b) => (a.recordedAt < b.recordedAt ? 1 : -1))[0];
}

const subjectsOf = (subject: string) => [
  ...new Set(CLAIMS.filter((c) => c.kind === 'VALUE' && c.subject === subject).map((c) => c.field!)),
];

/** Claim nodes, then today's view derived from them, as the storage decision lays it out. */
async function writeGraph(): Promise<void> {
  await t.db.write(
    `CREATE (:Source {id: $report, title: 'Rapport test', publisher: 'Test Press', language: 'fr'})
             -[:CITES]->(:Source {id: $wsj, title: 'WSJ test', publisher: 'Test Journal', language: 'en'})`,
    { report: SRC_REPORT, wsj: SRC_WSJ },
  );
  const stored = CLAIMS.map((c) => ({
    ...c,
    citeSources: c.citations.map((x) => x.source),
    citeQuotes: c.citations.map((x) => x.quote ?? ''),
    citeLocators: c.citations.map((x) => x.locator ?? ''),
  }));
  // Fixture entity ids are their slugs, so subjects and objects are ids already.
  await t.db.write(
    `UNWIND $claims AS c
     CREATE (n:Claim {id: c.id, kind: c.kind, subject: c.subject, recordedAt: datetime(c.recordedAt),
                      citeSources: c.citeSources, citeQuotes: c.citeQuotes, citeLocators: c.citeLocators})
     SET n.object = c.object, n.type = c.type, n.field = c.field, n.value = c.value,
         n.validFrom = date(c.validFrom), n.validTo = date(c.validTo), n.retractedAt = datetime(c.retractedAt),
         n.retractReason = c.retractReason, n.confidence = c.confidence`,
    { claims: stored },
  );
  for (const e of ENTITIES) {
    const existence = CLAIMS.find((c) => c.kind === 'ENTITY' && c.subject === slug(e.key))!;
    const labels = heldAt(existence, TODAY, NOW) ? `Entity:${e.label}` : `HEntity:H${e.label}`;
    const values = Object.fromEntries(
      subjectsOf(slug(e.key)).flatMap((field) => {
        const held = valueClaimAt(slug(e.key), field, TODAY, NOW);
        return held ? [[field, held.value]] : [];
      }),
    );
    await t.db.write(
      `CREATE (n:${labels} {id: $id, slug: $id, name: $name, aliases: [], claimId: $claimId,
               recordedAt: datetime($recordedAt), createdAt: datetime(), updatedAt: datetime()})
       SET n.description = $description, n.validFrom = date($validFrom), n.retractedAt = datetime($retractedAt),
           n += $values`,
      {
        id: slug(e.key),
        name: e.name,
        description: 'description' in e ? e.description : null,
        claimId: existence.id,
        recordedAt: existence.recordedAt,
        validFrom: existence.validFrom,
        retractedAt: existence.retractedAt ?? null,
        values,
      },
    );
  }
  for (const r of CLAIMS.filter((c) => c.kind === 'RELATIONSHIP')) {
    const type = heldAt(r, TODAY, NOW) ? r.type! : `H_${r.type}`;
    const role = valueClaimAt(r.id, 'role', TODAY, NOW)?.value;
    const amount = valueClaimAt(r.id, 'amountUsd', TODAY, NOW)?.value;
    await t.db.write(
      `MATCH (a:Entity|HEntity {id: $from}), (b:Entity|HEntity {id: $to})
       CREATE (a)-[r:${type} {claimId: $claimId, recordedAt: datetime($recordedAt)}]->(b)
       SET r.validFrom = date($validFrom), r.validTo = date($validTo), r.retractedAt = datetime($retractedAt),
           r.role = $role, r.amountUsd = $amount
       ${SET_PAGE_KEYS('a', 'r', 'b')}`,
      {
        from: r.subject,
        to: r.object,
        claimId: r.id,
        recordedAt: r.recordedAt,
        validFrom: r.validFrom,
        validTo: r.validTo ?? null,
        retractedAt: r.retractedAt ?? null,
        role: role ?? null,
        amount: amount ?? null,
      },
    );
  }
  await t.db.write(`MATCH (s:Source {id: $report}), (n:Entity {id: $stargate}) CREATE (s)-[:MENTIONS]->(n)`, {
    report: SRC_REPORT,
    stargate: slug('stargate'),
  });
}

beforeAll(async () => {
  t = await openTestGraph({ TRAVERSAL_TIMEOUT_MS: '60000' });
  yoga = testServer(t.graph, t.config);
  await writeGraph();
});

afterAll(async () => {
  await t.db.write('MATCH (n) WHERE (n:Entity OR n:HEntity) AND n.id STARTS WITH $prefix DETACH DELETE n', {
    prefix,
  });
  await t.db.write('MATCH (s:Source) WHERE s.id STARTS WITH $prefix DETACH DELETE s', { prefix });
  await t.db.write('MATCH (c:Claim) WHERE c.id STARTS WITH $start DETACH DELETE c', { start: `clm-${prefix}` });
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => yoga.fetch(`http://stargraph.test${path}`);

/** An exported claim as the export states it, from the table. */
function exported(c: ClaimRecord) {
  return {
    claimId: c.id,
    validFrom: c.validFrom,
    validTo: c.validTo ?? null,
    recordedAt: c.recordedAt,
    retractedAt: c.retractedAt ?? null,
    confidence: c.confidence ?? null,
    citations: c.citations.map((x) => ({ source: x.source, quote: x.quote ?? null, locator: x.locator ?? null })),
  };
}

interface NdjsonRecord {
  record: string;
  id: string;
  type?: string;
  from?: string;
  to?: string;
  claim: unknown;
  values: Record<string, unknown>;
  [key: string]: unknown;
}

async function ndjson(query: string): Promise<{ nodes: Map<string, NdjsonRecord>; edges: NdjsonRecord[] }> {
  const res = await get(`/export?format=ndjson&${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  const records = (await res.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as NdjsonRecord);
  return {
    nodes: new Map(records.filter((r) => r.record === 'node').map((r) => [r.id, r])),
    edges: records.filter((r) => r.record === 'relationship'),
  };
}

/** The claim table key of an exported edge's claim. */
const claimKeyOf = (e: NdjsonRecord) => (e.claim as { claimId: string }).claimId.slice(`clm-${prefix}-`.length);

/** What an entity's export holds at a slice, from the table. */
function expectedNode(key: string, asOf: string, knownAt: string) {
  const subject = slug(key);
  const fields = subjectsOf(subject).flatMap((field) => {
    const held = valueClaimAt(subject, field, asOf, knownAt);
    return held ? [[field, held] as const] : [];
  });
  return {
    id: subject,
    ...Object.fromEntries(fields.map(([field, c]) => [field, c.value])),
    claim: exported(CLAIMS.find((c) => c.kind === 'ENTITY' && c.subject === subject)!),
    values: Object.fromEntries(fields.map(([field, c]) => [field, exported(c)])),
  };
}

function expectedEdge(claimKey: string, asOf: string, knownAt: string) {
  const r = byId.get(cid(claimKey))!;
  const fields = subjectsOf(r.id).flatMap((field) => {
    const held = valueClaimAt(r.id, field, asOf, knownAt);
    return held ? [[field, held] as const] : [];
  });
  return {
    type: r.type,
    from: r.subject,
    to: r.object,
    ...Object.fromEntries(fields.map(([field, c]) => [field, c.value])),
    claim: exported(r),
    values: Object.fromEntries(fields.map(([field, c]) => [field, exported(c)])),
  };
}

/** The entities and relationship claims held at the slice within `depth` hops of `around`. */
function heldKeys(asOf: string, knownAt: string) {
  const entities = ENTITIES.map((e) => e.key).filter((key) =>
    heldAt(CLAIMS.find((c) => c.kind === 'ENTITY' && c.subject === slug(key))!, asOf, knownAt),
  );
  const relationships = CLAIMS.filter(
    (c) =>
      c.kind === 'RELATIONSHIP' &&
      heldAt(c, asOf, knownAt) &&
      entities.some((k) => slug(k) === c.subject) &&
      entities.some((k) => slug(k) === c.object),
  );
  return { entities: entities.map(slug).sort(), relationships: relationships.map((r) => r.id).sort() };
}

describe('NDJSON exports carry claims', () => {
  it('a plain export: today, each node, edge and value with its claim and citations', async () => {
    const { nodes, edges } = await ndjson(`around=${slug('oracle')}&depth=2`);
    const expected = heldKeys(TODAY, NOW);
    expect([...nodes.keys()].sort()).toEqual(expected.entities);
    expect(edges.map((e) => (e.claim as { claimId: string }).claimId).sort()).toEqual(expected.relationships);
    for (const key of ['oracle', 'stargate', 'deal'])
      expect(nodes.get(slug(key))).toMatchObject(expectedNode(key, TODAY, NOW));
    // Today: STALLED from the second claim, cited twice; the 400bn conflict was retracted.
    expect(nodes.get(slug('stargate'))).toMatchObject({ status: 'STALLED', pledgedUsd: 500e9 });
    expect(nodes.get(slug('stargate'))!.values.status).toMatchObject({
      claimId: cid('v-stargate-status-2'),
      citations: [
        { source: SRC_REPORT, quote: 'au point mort', locator: '¶7' },
        { source: SRC_WSJ, quote: null, locator: null },
      ],
    });
    expect(nodes.get(slug('stargate'))).not.toHaveProperty('claimId');
    for (const e of edges) expect(e).toMatchObject(expectedEdge(claimKeyOf(e), TODAY, NOW));
    expect(edges.find((e) => e.type === 'PARTY_TO')).toMatchObject({ role: 'seller' });
  });

  it('asOf before the deal: Oracle still in Stargate, ANNOUNCED, the edge typed as today names it', async () => {
    const { nodes, edges } = await ndjson(`around=${slug('oracle')}&depth=2&asOf=2025-03-01`);
    const expected = heldKeys('2025-03-01', NOW);
    expect([...nodes.keys()].sort()).toEqual(expected.entities.filter((s) => s !== slug('deal')));
    expect(nodes.get(slug('stargate'))).toMatchObject({
      ...expectedNode('stargate', '2025-03-01', NOW),
      status: 'ANNOUNCED',
      pledgedUsd: 500e9,
    });
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ ...expectedEdge('r-participates', '2025-03-01', NOW), role: 'technology' });
  });

  it('knownAt before the retractions: the 400bn conflict wins, Gone Co and its investment are there', async () => {
    const knownAt = '2025-02-15T00:00:00.000Z';
    const { nodes, edges } = await ndjson(`around=${slug('oracle')}&depth=2&asOf=2025-03-01&knownAt=${knownAt}`);
    expect([...nodes.keys()].sort()).toEqual([slug('gone'), slug('oracle'), slug('stargate')]);
    expect(nodes.get(slug('stargate'))).toMatchObject({ pledgedUsd: 400e9 });
    expect(nodes.get(slug('stargate'))!.values.pledgedUsd).toEqual(exported(byId.get(cid('v-stargate-pledge-2'))!));
    expect(nodes.get(slug('gone'))).toMatchObject({
      ...expectedNode('gone', '2025-03-01', knownAt),
      entityType: 'Company',
    });
    const invests = edges.find((e) => e.type === 'INVESTS_IN')!;
    expect(invests).toMatchObject({ ...expectedEdge('r-invests', '2025-03-01', knownAt), amountUsd: 1e9 });
  });

  it('asOf before Stargate existed: no Stargate, and around it is NOT_FOUND', async () => {
    const { nodes, edges } = await ndjson(`around=${slug('oracle')}&depth=3&asOf=2024-12-31`);
    expect([...nodes.keys()]).toEqual([slug('oracle')]);
    expect(edges).toEqual([]);
    const res = await get(`/export?format=ndjson&around=${slug('stargate')}&asOf=2024-12-31`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('2024-12-31') });
  });
});

describe('GraphML and CSV carry claims', () => {
  it('GraphML declares a key for every claim field and fills it per node, edge and value', async () => {
    const res = await get(`/export?format=graphml&around=${slug('oracle')}&depth=2&asOf=2025-07-15`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-stargraph-as-of')).toBe('2025-07-15');
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
    const keys = new Map(
      (Array.from(doc.getElementsByTagName('key')) as Element[]).map((k) => [
        k.getAttribute('id')!,
        { for: k.getAttribute('for')!, name: k.getAttribute('attr.name')!, type: k.getAttribute('attr.type')! },
      ]),
    );
    const keyOf = (domain: string, name: string) => [...keys.values()].find((k) => k.for === domain && k.name === name);
    for (const name of [
      'claimId',
      'validFrom',
      'validTo',
      'recordedAt',
      'retractedAt',
      'citations',
      'status.citations',
    ])
      expect(keyOf('node', name), name).toMatchObject({ type: 'string' });
    expect(keyOf('node', 'confidence')).toMatchObject({ type: 'double' });
    expect(keyOf('edge', 'role.claimId')).toBeDefined();
    expect(keyOf('graph', 'asOf')).toBeDefined();
    const dataOf = (el: Element) =>
      Object.fromEntries(
        (Array.from(el.getElementsByTagName('data')) as Element[]).map((d) => {
          const key = keys.get(d.getAttribute('key')!)!;
          return [key.name, d.textContent ?? ''];
        }),
      );
    const stargate = dataOf(
      (Array.from(doc.getElementsByTagName('node')) as Element[]).find(
        (n) => n.getAttribute('id') === slug('stargate'),
      )!,
    );
    const status = byId.get(cid('v-stargate-status-2'))!;
    expect(stargate).toMatchObject({
      status: 'STALLED',
      claimId: cid('e-stargate'),
      validFrom: '2025-01-21',
      confidence: '0.95',
      'status.claimId': status.id,
      'status.validFrom': '2025-07-01',
      'status.recordedAt': status.recordedAt,
    });
    expect(stargate).not.toHaveProperty('validTo');
    expect(JSON.parse(stargate['status.citations']!)).toEqual(exported(status).citations);
    const graph = dataOf(doc.getElementsByTagName('graph')[0] as Element);
    expect(graph).toMatchObject({ asOf: '2025-07-15' });
  });

  it('CSV: claim columns, value claim columns, citations as JSON text', async () => {
    const nodesCsv = await (await get(`/export?format=csv&part=nodes&around=${slug('oracle')}&depth=2`)).text();
    const [header, ...rows] = nodesCsv.trim().split('\n');
    const columns = header!.split(',');
    for (const name of ['claimId', 'validFrom', 'recordedAt', 'citations', 'kind.claimId', 'pledgedUsd.citations'])
      expect(columns).toContain(name);
    const oracle = rows.find((r) => r.startsWith(`${slug('oracle')},`))!;
    expect(oracle).toContain(cid('e-oracle'));
    expect(oracle).toContain(cid('v-oracle-kind'));
    expect(oracle).toContain(`""source"":""${SRC_REPORT}`);
    const edgesCsv = await (await get(`/export?format=csv&part=edges&around=${slug('oracle')}&depth=2`)).text();
    expect(edgesCsv.split('\n')[0]).toMatch(/^id,type,source,target,.*,claimId,.*,role\.claimId/);
    expect(edgesCsv).toContain(cid('v-party-role'));
  });
});

describe('time parameters', () => {
  it('bad asOf or knownAt answer 400 BAD_USER_INPUT naming the parameter', async () => {
    for (const [query, name] of <Array<[string, string]>>[
      ['asOf=2025-02-30', 'asOf'],
      ['asOf=March', 'asOf'],
      ['knownAt=2025-02-01', 'knownAt'],
      ['knownAt=yesterday', 'knownAt'],
      ['format=json&asOf=2025-01-01', 'asOf'],
    ]) {
      const res = await get(`/export?around=${slug('oracle')}&${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining(name) });
    }
  });
});

/** The history file the table states: every claim, verbatim, in id order. */
const KINDS = ['ENTITY', 'RELATIONSHIP', 'VALUE'];

function expectedHistory(ids: HistoryIds = DEFAULT_IDS) {
  return {
    entities: ENTITIES.map((e) => ({
      id: ids.slug(e.key),
      slug: ids.slug(e.key),
      label: e.label,
      name: e.name,
      ...('description' in e ? { description: e.description } : {}),
    })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    sources: [
      { id: ids.report, title: 'Rapport test', publisher: 'Test Press', language: 'fr', cites: [ids.wsj] },
      { id: ids.wsj, title: 'WSJ test', publisher: 'Test Journal', language: 'en' },
    ],
    relationships: [],
    mentions: [{ source: ids.report, entities: [ids.slug('stargate')] }],
    // Existence, then relationships, then values; each kind by id.
    claims: claimTable(ids).sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || (a.id < b.id ? -1 : 1)),
  };
}

describe('history export (format=json)', () => {
  it('every claim verbatim, closed and retracted ones included; entities with editorial fields only', async () => {
    const res = await get(`/export?format=json&around=${slug('oracle')}&depth=3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual(expectedHistory());
    // One record a line.
    expect(body.split('\n').filter((l) => l.includes(`"id":"${cid('')}`)).length).toBe(CLAIMS.length);
  });

  it('the CLI writes the same file', async () => {
    const out = join(dir, 'history.json');
    const cli = await runCli(['export', '--format', 'json', '--around', slug('oracle'), '--depth', '3', '--out', out], {
      TRAVERSAL_TIMEOUT_MS: '60000',
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(expectedHistory());
    // Without --around: the whole graph, which holds this file's history among the rest.
    const whole = join(dir, 'whole.json');
    const all = await runCli(['export', '--format', 'json', '--out', whole]);
    expect(all.code, all.stderr).toBe(0);
    const file = JSON.parse(readFileSync(whole, 'utf8')) as ReturnType<typeof expectedHistory>;
    const ours = <T extends { id?: string; source?: string }>(records: T[]) =>
      records.filter((r) => (r.id ?? r.source ?? '').startsWith(prefix) || (r.id ?? '').startsWith(cid('')));
    const expected = expectedHistory();
    expect({
      entities: ours(file.entities),
      sources: ours(file.sources),
      mentions: ours(file.mentions),
      claims: ours(file.claims),
    }).toEqual({
      entities: expected.entities,
      sources: expected.sources,
      mentions: expected.mentions,
      claims: expected.claims,
    });
    const slice = await runCli([
      'export',
      '--around',
      slug('oracle'),
      '--depth',
      '2',
      '--format',
      'ndjson',
      '--as-of',
      '2024-12-31',
    ]);
    expect(slice.code, slice.stderr).toBe(0);
    expect(
      slice.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([slug('oracle')]);
  });
});

describe('round trip: export, import into an emptied graph, export again', () => {
  const rt = uniquePrefix('exprt');
  const ids: HistoryIds = {
    slug: (x) => `${rt}-${x}`,
    cid: (x) => `clm-${rt}-${x}`,
    report: `${rt}-src-report`,
    wsj: `${rt}-src-wsj`,
  };
  /** This describe's data, all of it: entities (live or held), sources, claims. */
  const purge = async () => {
    await t.db.write('MATCH (n:Entity|HEntity) WHERE n.id STARTS WITH $rt DETACH DELETE n', { rt });
    await t.db.write('MATCH (s:Source) WHERE s.id STARTS WITH $rt DETACH DELETE s', { rt });
    await t.db.write('MATCH (c:Claim) WHERE c.id STARTS WITH $start DETACH DELETE c', { start: `clm-${rt}` });
    const [left] = await t.db.read(
      `MATCH (n) WHERE (n:Entity OR n:HEntity OR n:Source) AND n.id STARTS WITH $rt
          OR n:Claim AND n.id STARTS WITH $start
       RETURN count(n) AS n`,
      { rt, start: `clm-${rt}` },
    );
    expect(Number(left!.n)).toBe(0);
  };
  afterAll(purge);

  const historyText = async () => {
    const res = await get(`/export?format=json&around=${ids.slug('oracle')}&depth=3`);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Slice reads, without the relationships' element ids (a new database numbers its own). */
  const sliceReads = async () =>
    Promise.all(
      ['', '&asOf=2025-03-01', '&asOf=2025-03-01&knownAt=2025-02-15T00:00:00Z', '&asOf=2024-12-31'].map(async (q) => {
        const res = await get(`/export?format=ndjson&around=${ids.slug('oracle')}&depth=3${q}`);
        expect(res.status).toBe(200);
        return (await res.text())
          .trim()
          .split('\n')
          .map((l) => {
            const { id, createdAt: _c, updatedAt: _u, ...rest } = JSON.parse(l);
            return rest.record === 'node' ? { id, ...rest } : rest;
          });
      }),
    );

  it('the history imports back unchanged, and every slice reads the same', async () => {
    const file: GraphData = expectedHistory(ids);
    await loadGraph(t.db, file);
    const first = await historyText();
    const exported = JSON.parse(first) as ReturnType<typeof expectedHistory>;
    // Written verbatim: the claims as the file gave them; the entities with editorial fields only.
    expect(exported.claims).toEqual(expectedHistory(ids).claims);
    expect(exported.entities).toEqual(expectedHistory(ids).entities);
    expect(exported.sources).toEqual(expectedHistory(ids).sources);
    const slices = await sliceReads();
    // The imported history reads as the table says: today, and before the retractions.
    const stargateIn = (slice: Array<Record<string, unknown>>) => slice.find((r) => r.id === ids.slug('stargate'));
    expect(stargateIn(slices[0]!)).toMatchObject({
      status: 'STALLED',
      pledgedUsd: 500e9,
      values: { status: { claimId: ids.cid('v-stargate-status-2') } },
    });
    expect(stargateIn(slices[1]!)).toMatchObject({ status: 'ANNOUNCED' });
    expect(stargateIn(slices[2]!)).toMatchObject({
      pledgedUsd: 400e9,
      values: { pledgedUsd: { claimId: ids.cid('v-stargate-pledge-2') } },
    });
    expect(slices[3]!.map((r) => r.id)).toEqual([ids.slug('oracle')]);

    await purge();
    await loadGraph(t.db, exported);
    expect(await historyText()).toBe(first);
    expect(await sliceReads()).toEqual(slices);
  });
});
