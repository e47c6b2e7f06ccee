/**
 * A generated graph with its claim history (src/graph/generator-history.ts) through the bulk
 * loader: today's graph is the graph without history, less the relationships that ended or were
 * retracted, with the same values and sources; reads at a date count what the claims say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { HISTORY_MIDDLE } from '../../src/graph/generator-history.js';
import { ENTITY_LABELS, KIND_PROPERTIES } from '../../src/graph/model.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const prefix = uniquePrefix('genhist');
const OPTIONS = { entities: 400, seed: 5, prefix };
const plain = generateGraph(OPTIONS);
const withHistory = generateGraph({ ...OPTIONS, history: true });
const ROOT_FIELDS = {
  Person: 'people',
  Company: 'companies',
  Project: 'projects',
  Datacenter: 'datacenters',
  Deal: 'deals',
};

let t: TestGraph;

beforeAll(async () => {
  t = await openTestGraph();
  await loadGraph(t.db, withHistory, { batchSize: 200 });
}, 300_000);

afterAll(async () => {
  await t.db.write('MATCH (c:Claim) WHERE c.id STARTS WITH $claims DETACH DELETE c', { claims: `clm-${prefix}-` });
  await t.db.write('MATCH (n:HEntity) WHERE n.id STARTS WITH $start DETACH DELETE n', { start: `${prefix}-` });
  await deleteByPrefix(t.db, prefix);
  await t.close();
});

/** A value as the graph returns it, as the generator wrote it (dates as ISO text). */
const plainValue = (v: unknown) => (v !== null && typeof v === 'object' ? String(v) : v);

describe('a generated graph with history, loaded', () => {
  it('has today every entity with the values of the graph without history', async () => {
    const fields = [...new Set(ENTITY_LABELS.flatMap((l) => Object.keys(KIND_PROPERTIES[l])))];
    const rows = await t.db.read(
      `MATCH (n:Entity) WHERE n.id STARTS WITH $start
       RETURN n.slug AS slug, [f IN $fields | n[f]] AS values`,
      { start: `${prefix}-`, fields },
    );
    const stored = new Map(rows.map((r) => [r.slug as string, r.values as unknown[]]));
    expect(stored.size).toBe(plain.entities.length);
    const wrong = plain.entities.filter((e) => {
      const values = stored.get(e.slug)!;
      return fields.some((f, i) => plainValue(values[i]) !== (e[f] ?? null));
    });
    expect(wrong.map((e) => e.slug)).toEqual([]);
  });

  it('holds back the relationships that ended or were retracted, and adds no MENTIONS', async () => {
    const held = withHistory.claims.filter(
      (c) => c.kind === 'RELATIONSHIP' && (c.validTo !== undefined || c.retractedAt !== undefined),
    );
    expect(held.length).toBeGreaterThan(0);
    const rows = await t.db.read(
      `MATCH (a)-[r]->(b) WHERE a.id STARTS WITH $start AND b.id STARTS WITH $start
       RETURN type(r) AS type, count(*) AS n`,
      { start: `${prefix}-` },
    );
    const counts = Object.fromEntries(rows.map((r) => [r.type as string, Number(r.n)]));
    const expected: Record<string, number> = {};
    const add = (type: string, n = 1) => {
      expected[type] = (expected[type] ?? 0) + n;
    };
    for (const r of plain.relationships) add(r.type);
    for (const c of held) {
      add(c.type!, -1);
      add(`H_${c.type}`);
    }
    add('MENTIONS', new Set(plain.mentions.flatMap((m) => m.entities.map((e) => `${m.source} ${e}`))).size);
    add(
      'CITES',
      plain.sources.reduce((n, s) => n + (s.cites?.length ?? 0), 0),
    );
    expect(counts).toEqual(Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)));
  });

  it('counts at the middle of the history the entities whose existence had started', async () => {
    const yoga = testServer(t.graph, t.config);
    for (const label of ENTITY_LABELS) {
      const slugs = plain.entities.filter((e) => e.label === label).map((e) => e.slug);
      const started = withHistory.claims.filter(
        (c) => c.kind === 'ENTITY' && slugs.includes(c.subject) && c.validFrom! <= HISTORY_MIDDLE,
      ).length;
      const field = ROOT_FIELDS[label];
      const answer = await gql(
        yoga,
        `query ($slugs: [String!], $asOf: Date) { ${field}(filter: { slugs: $slugs }, asOf: $asOf) { totalCount } }`,
        { slugs, asOf: HISTORY_MIDDLE },
      );
      expect(answer.errors, label).toBeUndefined();
      expect((answer.data as Record<string, { totalCount: number }>)[field]!.totalCount, label).toBe(started);
      expect(started).toBeLessThan(slugs.length);
    }
  });
});
