/**
 * "Created or updated" is told one way by every write (graph/merge.ts): the loader, importGraph's
 * statements and the mutations' upserts and connects count a row as created exactly when their
 * MERGE created it, also when writers race, and the mark that tells them never stays in the graph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, loadGraph } from '../../src/graph/bulk-load.js';
import { generateGraph } from '../../src/graph/generator.js';
import { connectEntities, upsertEntity } from '../../src/graph/writes.js';
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
