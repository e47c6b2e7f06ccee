/** Generated graphs and the bulk loader on the shared test Neo4j; all data under a unique prefix. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGraph } from '../../src/graph/generator.js';
import { deleteByPrefix, loadGraph, type GraphData, type LoadProgress } from '../../src/graph/bulk-load.js';
import { GraphDataError } from '../../src/graph/record-rules.js';
import { SPEC_ENDPOINTS } from '../utils/spec-model.js';
import { openTestGraph, prefixTracker, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
const prefixes = prefixTracker();
const newPrefix = prefixes.next;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(async () => {
  for (const prefix of prefixes.all) await deleteByPrefix(t.db, prefix);
  await t.close();
});

/** Node counts per kind label under a prefix. */
async function labelCounts(prefix: string): Promise<Record<string, number>> {
  const rows = await t.db.read(
    `MATCH (n) WHERE (n:Entity OR n:Source) AND n.id STARTS WITH $start
     RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, count(*) AS n`,
    { start: `${prefix}-` },
  );
  return Object.fromEntries(rows.map((r) => [r.label as string, r.n as number]));
}

/** Relationship counts per type among nodes under a prefix. */
async function typeCounts(prefix: string): Promise<Record<string, number>> {
  const rows = await t.db.read(
    `MATCH (a)-[r]->(b) WHERE (a:Entity OR a:Source) AND a.id STARTS WITH $start AND b.id STARTS WITH $start
     RETURN type(r) AS type, count(*) AS n`,
    { start: `${prefix}-` },
  );
  return Object.fromEntries(rows.map((r) => [r.type as string, r.n as number]));
}

describe('a generated graph of 2,000 entities', () => {
  const prefix = newPrefix('gen');
  const data = generateGraph({ entities: 2_000, seed: 42, prefix });
  const progress: LoadProgress[] = [];
  /** Entities per label, counted in the generated records themselves. */
  const generated: Record<string, number> = {};
  for (const e of data.entities) generated[e.label] = (generated[e.label] ?? 0) + 1;

  // A cold test server plans each of the loader's statements once; on a busy two-core machine
  // that alone can take most of the default 60 s.
  it('loads in batches with the expected node and relationship counts', { timeout: 180_000 }, async () => {
    const result = await loadGraph(t.db, data, { batchSize: 500, concurrency: 2, onProgress: (p) => progress.push(p) });
    const mentions = data.mentions.reduce((n, m) => n + m.entities.length, 0);
    const cites = data.sources.reduce((n, s) => n + (s.cites?.length ?? 0), 0);
    const relationships = data.relationships.length + mentions + cites;
    expect(result.created).toEqual({ entities: 2_000, sources: data.sources.length, relationships });

    expect(Object.keys(generated).sort()).toEqual(['Company', 'Datacenter', 'Deal', 'Person', 'Project']);
    const expectedLabels: Record<string, number> = { ...generated, Source: data.sources.length };
    expect(await labelCounts(prefix)).toEqual(expectedLabels);
    const expectedTypes: Record<string, number> = { MENTIONS: mentions };
    if (cites > 0) expectedTypes.CITES = cites;
    for (const r of data.relationships) expectedTypes[r.type] = (expectedTypes[r.type] ?? 0) + 1;
    expect(await typeCounts(prefix)).toEqual(expectedTypes);

    // The 1,000 deals come in 2 batches of 500; the group reports its last batch as done.
    expect(generated.Deal).toBe(1_000);
    const deals = progress.filter((p) => p.group === 'Deal');
    expect(deals.map((p) => p.done)).toEqual([500, 1_000]);
    expect(deals.at(-1)).toMatchObject({ phase: 'entities', done: 1_000, total: 1_000 });
  });

  it('stores dates as Neo4j dates and ids/slugs as generated', async () => {
    const [row] = await t.db.read(
      `MATCH (d:Deal) WHERE d.id STARTS WITH $start
       RETURN count(*) AS deals, all(x IN collect(d.announcedOn) WHERE x IS :: DATE) AS dates,
              all(x IN collect(d) WHERE x.id = x.slug) AS idsAreSlugs`,
      { start: `${prefix}-` },
    );
    expect(row).toEqual({ deals: generated.Deal, dates: true, idsAreSlugs: true });
  });

  it('joins only the kinds the spec allows, in the database too', async () => {
    const present = await typeCounts(prefix);
    for (const [type, spec] of Object.entries(SPEC_ENDPOINTS)) {
      const [row] = await t.db.read(
        `MATCH (a)-[r:${type}]->(b) WHERE a.id STARTS WITH $start
         RETURN count(r) AS all, count(CASE WHEN NOT any(l IN labels(a) WHERE l IN $from) OR NOT any(l IN labels(b) WHERE l IN $to) THEN r END) AS wrong`,
        { start: `${prefix}-`, from: spec.from, to: spec.to },
      );
      expect(row, type).toEqual({ all: present[type] ?? 0, wrong: 0 });
    }
    // Every entity relationship type and MENTIONS occur (CITES may not), so the check above ran on each.
    expect(
      Object.keys(present)
        .filter((type) => type !== 'CITES')
        .sort(),
    ).toEqual(
      Object.keys(SPEC_ENDPOINTS)
        .filter((type) => type !== 'CITES')
        .sort(),
    );
  });

  it('loads again without creating or updating anything', { timeout: 120_000 }, async () => {
    const [before] = await t.db.read(
      'MATCH (n:Entity) WHERE n.id STARTS WITH $start RETURN max(n.updatedAt) AS latest, count(*) AS n',
      { start: `${prefix}-` },
    );
    const again = await loadGraph(t.db, data, { batchSize: 1_000 });
    expect(again.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(again.updated).toEqual({ entities: 0, sources: 0, relationships: 0 });
    const [after] = await t.db.read(
      'MATCH (n:Entity) WHERE n.id STARTS WITH $start RETURN max(n.updatedAt) AS latest, count(*) AS n',
      { start: `${prefix}-` },
    );
    expect(after).toEqual(before);
  });

  it('is removed entirely by deleteByPrefix', async () => {
    const deleted = await deleteByPrefix(t.db, prefix, 700);
    expect(deleted).toEqual({ entities: 2_000, sources: data.sources.length });
    expect(await labelCounts(prefix)).toEqual({});
  });
});

describe('loadGraph', () => {
  it('moves updatedAt only for what changed, and never changes id or createdAt', async () => {
    const prefix = newPrefix('upd');
    const data: GraphData = {
      entities: [
        { id: `${prefix}-a`, slug: `${prefix}-a`, label: 'Company', name: 'A', kind: 'AI_LAB' },
        { id: `${prefix}-b`, slug: `${prefix}-b`, label: 'Company', name: 'B', kind: 'INVESTOR' },
      ],
      relationships: [
        {
          type: 'INVESTS_IN',
          from: `${prefix}-b`,
          to: `${prefix}-a`,
          properties: { amountUsd: 1e9, on: '2025-03-01' },
        },
      ],
      sources: [],
      mentions: [],
    };
    await loadGraph(t.db, data);
    const read = async () =>
      Object.fromEntries(
        (
          await t.db.read(
            'MATCH (n:Entity) WHERE n.id STARTS WITH $start RETURN n.slug AS slug, n { .id, .name, createdAt: toString(n.createdAt), updatedAt: toString(n.updatedAt) } AS n',
            {
              start: `${prefix}-`,
            },
          )
        ).map((r) => [r.slug as string, r.n as Record<string, string>]),
      );
    const before = await read();
    await new Promise((r) => setTimeout(r, 5));

    const changed: GraphData = {
      ...data,
      entities: [{ ...data.entities[0]!, id: 'ignored-new-id', name: 'A renamed' }, data.entities[1]!],
      relationships: [{ ...data.relationships[0]!, properties: { amountUsd: 2e9, on: '2025-03-01' } }],
    };
    const result = await loadGraph(t.db, changed);
    expect(result.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(result.updated).toEqual({ entities: 1, sources: 0, relationships: 1 });

    const after = await read();
    const a = `${prefix}-a`;
    const b = `${prefix}-b`;
    expect(after[a]).toMatchObject({ id: a, name: 'A renamed', createdAt: before[a]!.createdAt });
    expect(after[a]!.updatedAt! > before[a]!.updatedAt!).toBe(true);
    expect(after[b]).toEqual(before[b]!);
    const [rel] = await t.db.read(
      'MATCH (:Entity {slug: $b})-[r:INVESTS_IN]->(:Entity {slug: $a}) RETURN r.amountUsd AS amount',
      { a, b },
    );
    expect(rel?.amount).toBe(2e9);
  });

  it('refuses a relationship whose endpoint is missing, naming it', async () => {
    const prefix = newPrefix('miss');
    const data: GraphData = {
      entities: [{ id: `${prefix}-a`, slug: `${prefix}-a`, label: 'Company', name: 'A' }],
      relationships: [{ type: 'OPERATES', from: `${prefix}-a`, to: `${prefix}-nowhere` }],
      sources: [],
      mentions: [],
    };
    await expect(loadGraph(t.db, data)).rejects.toThrow(GraphDataError);
    await expect(loadGraph(t.db, data)).rejects.toThrow(/OPERATES: 1 of 1 rows name an endpoint that is missing/);
  });

  it('writes a MENTIONS or CITES pair listed twice once, instead of failing as a missing endpoint', async () => {
    const prefix = newPrefix('dup');
    const a = `${prefix}-a`;
    const data: GraphData = {
      entities: [
        { id: a, slug: a, label: 'Company', name: 'A' },
        { id: `${prefix}-b`, slug: `${prefix}-b`, label: 'Company', name: 'B' },
      ],
      relationships: [],
      sources: [
        { id: `${prefix}-s1`, title: 'One' },
        { id: `${prefix}-s2`, title: 'Two', cites: [`${prefix}-s1`, `${prefix}-s1`] },
      ],
      mentions: [
        { source: `${prefix}-s1`, entities: [a, a, `${prefix}-b`] },
        { source: `${prefix}-s1`, entities: [a] },
      ],
    };
    const first = await loadGraph(t.db, data, { batchSize: 2 });
    expect(first.created.relationships).toBe(3);
    expect(first.total.relationships).toBe(3);
    expect(await typeCounts(prefix)).toEqual({ MENTIONS: 2, CITES: 1 });
    const again = await loadGraph(t.db, data);
    expect(again.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(await typeCounts(prefix)).toEqual({ MENTIONS: 2, CITES: 1 });
  });

  it('refuses a kebab-less prefix for deletion (so it cannot match other data)', async () => {
    await expect(deleteByPrefix(t.db, 'Bad Prefix')).rejects.toThrow(/kebab-case/);
  });
});
