/**
 * "Created or updated" is told one way by every write (graph/merge.ts): the loader, importGraph's
 * statements and the mutations' upserts and connects count a row as created exactly when their
 * MERGE created it, also when writers race, and the mark that tells them never stays in the graph.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, loadGraph, type GraphData } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { connectEntities, importGraph, upsertEntity } from '../../src/graph/writes.js';
import { importFile } from '../../src/import/import-file.js';
import { openTestGraph, prefixTracker, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
const prefixes = prefixTracker();

beforeAll(async () => {
  t = await openTestGraph();
});

afterAll(async () => {
  for (const prefix of prefixes.all) await deleteByPrefix(t.db, prefix);
  await t.close();
});

/** Nodes and relationships under `prefix` still carrying the create mark. */
async function marked(prefix: string): Promise<number> {
  const [row] = await t.db.read(
    `MATCH (n) WHERE (n:Entity OR n:Source) AND n.id STARTS WITH $p
     OPTIONAL MATCH (n)-[r]-()
     RETURN count(DISTINCT CASE WHEN n.\`_created\` IS NOT NULL THEN n END) + count(DISTINCT CASE WHEN r.\`_created\` IS NOT NULL THEN r END) AS marked`,
    { p: `${prefix}-` },
  );
  return Number(row!.marked);
}

describe('created or updated', () => {
  it('the loader counts each row created once, nothing on a second load, and leaves no mark', async () => {
    const prefix = prefixes.next('made');
    const data = generateGraph({ entities: 40, prefix, seed: 7 });
    const first = await loadGraph(t.db, data);
    expect(first.created).toEqual(first.total);
    expect(first.total.entities).toBe(data.entities.length);
    const again = await loadGraph(t.db, data);
    expect(again.created).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(again.updated).toEqual({ entities: 0, sources: 0, relationships: 0 });
    expect(await marked(prefix)).toBe(0);
  });

  it('of upserts racing on one new slug, exactly one reports created', async () => {
    const prefix = prefixes.next('race');
    const slug = `${prefix}-co`; // upserts choose their own id: cleaned up by slug below
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        upsertEntity(t.db, { label: 'Company', properties: { slug, name: `Co ${i}` } }),
      ),
    );
    try {
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.value.id)).size).toBe(1);
      const [row] = await t.db.read(
        'MATCH (n:Entity {slug: $slug}) RETURN n.`_created` IS NULL AS clean, count(*) AS n',
        { slug },
      );
      expect(row).toMatchObject({ clean: true, n: 1 });
    } finally {
      await t.db.write('MATCH (n:Entity {slug: $slug}) DETACH DELETE n', { slug });
    }
  });

  it('of connects racing on one new relationship, exactly one reports created', async () => {
    const prefix = prefixes.next('link');
    const data = generateGraph({ entities: 10, prefix, seed: 3 });
    await loadGraph(t.db, { ...data, relationships: [], mentions: [] });
    const people = data.entities.filter((e) => e.label === 'Person');
    const companies = data.entities.filter((e) => e.label === 'Company');
    expect(people.length).toBeGreaterThan(0);
    expect(companies.length).toBeGreaterThan(0);
    const write = {
      type: 'LEADS' as const,
      fromId: people[0]!.id,
      toId: companies[0]!.id,
      properties: { title: 'CEO' },
    };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => connectEntities(t.db, write)));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(await marked(prefix)).toBe(0);
  });
});

describe('every write path stamps what it creates', () => {
  /** The relationship's stamps, as strings (null when missing). */
  async function stamps(type: string, from: string, to: string) {
    const [row] = await t.db.read(
      `MATCH (:Entity {slug: $from})-[r:${type}]->(:Entity {slug: $to})
       RETURN toString(r.createdAt) AS createdAt, toString(r.updatedAt) AS updatedAt`,
      { from, to },
    );
    return row ?? null;
  }

  /** Two companies and a deal under `prefix`, loaded without relationships. */
  async function endpoints(prefix: string) {
    const slug = (x: string) => `${prefix}-${x}`;
    const data: GraphData = {
      entities: [
        { id: slug('a'), slug: slug('a'), label: 'Company', name: 'A' },
        { id: slug('b'), slug: slug('b'), label: 'Company', name: 'B' },
        { id: slug('deal'), slug: slug('deal'), label: 'Deal', name: 'Deal', announcedOn: '2025-01-02' },
      ],
      relationships: [],
      sources: [],
      mentions: [],
    };
    await loadGraph(t.db, data);
    return { slug, data };
  }

  const relationship = (from: string, to: string) => ({
    entities: [],
    relationships: [{ type: 'INVESTS_IN' as const, from, to, properties: { on: '2025-03-01' } }],
    sources: [],
    mentions: [],
  });

  it('gives a relationship createdAt and updatedAt through the loader, importGraph, the import CLI and connect', async () => {
    const prefix = prefixes.next('stamp');
    const { slug } = await endpoints(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'stargraph-stamps-'));
    try {
      await loadGraph(t.db, relationship(slug('a'), slug('b')));
      await importGraph(t.db, relationship(slug('b'), slug('a')));
      const file = join(dir, 'rel.ndjson');
      const record = { type: 'relationship', relationship: 'PARTY_TO', from: slug('a'), to: slug('deal') };
      writeFileSync(file, `${JSON.stringify({ ...record, properties: { role: 'buyer' } })}\n`);
      const report = await importFile(t.db, file, { progress: false, checkpointDir: join(dir, 'checkpoints') });
      expect(report.invalidCount).toBe(0);
      await connectEntities(t.db, { type: 'PARTY_TO', fromId: slug('b'), toId: slug('deal'), properties: {} });
      const written = [
        await stamps('INVESTS_IN', slug('a'), slug('b')),
        await stamps('INVESTS_IN', slug('b'), slug('a')),
        await stamps('PARTY_TO', slug('a'), slug('deal')),
        await stamps('PARTY_TO', slug('b'), slug('deal')),
      ];
      for (const row of written) {
        expect(row?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(row?.updatedAt).toBe(row?.createdAt);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps createdAt when the relationship is written again, and moves updatedAt only for a change', async () => {
    const prefix = prefixes.next('restamp');
    const { slug } = await endpoints(prefix);
    await loadGraph(t.db, relationship(slug('a'), slug('b')));
    const first = await stamps('INVESTS_IN', slug('a'), slug('b'));
    await new Promise((r) => setTimeout(r, 5));
    const again = await loadGraph(t.db, relationship(slug('a'), slug('b')));
    expect(again.updated.relationships).toBe(0);
    expect(await stamps('INVESTS_IN', slug('a'), slug('b'))).toEqual(first);
    const changed = await connectEntities(t.db, {
      type: 'INVESTS_IN',
      fromId: slug('a'),
      toId: slug('b'),
      properties: { amountUsd: 5e6 },
    });
    expect(changed).toMatchObject({ created: false, changed: true });
    const after = await stamps('INVESTS_IN', slug('a'), slug('b'));
    expect(after?.createdAt).toBe(first?.createdAt);
    expect(after!.updatedAt! > first!.updatedAt!).toBe(true);
  });

  it('leaves a stored date alone when a later write of the record omits it, on every path', async () => {
    const prefix = prefixes.next('keepdate');
    const { slug, data } = await endpoints(prefix);
    const { announcedOn: _omitted, ...deal } = data.entities[2]!;
    await loadGraph(t.db, { ...data, entities: [{ ...deal, name: 'Deal renamed' }] });
    await upsertEntity(t.db, { label: 'Deal', properties: { slug: slug('deal'), name: 'Deal renamed again' } });
    const [row] = await t.db.read('MATCH (n:Deal {slug: $slug}) RETURN toString(n.announcedOn) AS on, n.name AS name', {
      slug: slug('deal'),
    });
    expect(row).toEqual({ on: '2025-01-02', name: 'Deal renamed again' });
  });
});
