/**
 * `importGraph` takes at most 10,000 items in its one transaction (README, "Writes and import"):
 * 10,001 are refused with LIMIT_EXCEEDED naming MAX_IMPORT_ITEMS and nothing is written; exactly
 * 10,000 are written, all of them. The numbers are written out here, not taken from the code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'test-cap-write-key-01';
const asWriter = { authorization: `Bearer ${WRITE_KEY}` };
const IMPORT = `mutation($input: ImportGraphInput!) {
  importGraph(input: $input) { total { entities sources relationships } created { entities sources relationships } }
}`;

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('cap');

beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read`, QUERY_TIMEOUT_MS: '60000' });
  yoga = testServer(t.graph, t.config);
});

afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t?.close();
});

/** 4,000 companies, `people` people, and 2,000 LEADS (person i leads company i). */
function batch(tag: string, people: number) {
  const co = (i: number) => `${prefix}-${tag}-co-${i}`;
  const person = (i: number) => `${prefix}-${tag}-p-${i}`;
  return {
    companies: Array.from({ length: 4_000 }, (_, i) => ({ slug: co(i), name: `Co ${i}`, kind: 'OTHER' })),
    people: Array.from({ length: people }, (_, i) => ({ slug: person(i), name: `Person ${i}` })),
    relationships: Array.from({ length: 2_000 }, (_, i) => ({
      type: 'LEADS',
      from: person(i),
      to: co(i),
      properties: { title: 'CEO' },
    })),
  };
}

const inGraph = async (tag: string) => {
  const [row] = await t.db.read(
    `MATCH (n:Entity) WHERE n.slug STARTS WITH $p
     RETURN count(n) AS entities, sum(COUNT { (n)-[:LEADS]->() }) AS leads`,
    { p: `${prefix}-${tag}-` },
  );
  return { entities: Number(row!.entities), leads: Number(row!.leads) };
};

describe('importGraph item cap', () => {
  it('refuses 10,001 items with LIMIT_EXCEEDED naming MAX_IMPORT_ITEMS, and writes nothing', {
    timeout: 120_000,
  }, async () => {
    const input = batch('over', 4_001); // 4,000 + 4,001 + 2,000 = 10,001
    const body = await gql(yoga, IMPORT, { input }, asWriter);
    expect(body.data?.importGraph ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_IMPORT_ITEMS',
      max: 10_000,
      got: 10_001,
    });
    expect(body.errors![0]!.message).toMatch(/at most 10000/);
    expect(await inGraph('over')).toEqual({ entities: 0, leads: 0 });
  });

  it('writes exactly 10,000 items, every one', { timeout: 180_000 }, async () => {
    const input = batch('at', 4_000); // 4,000 + 4,000 + 2,000 = 10,000
    const body = await gql<{ importGraph: { total: Record<string, number>; created: Record<string, number> } }>(
      yoga,
      IMPORT,
      { input },
      asWriter,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.importGraph.created).toEqual({ entities: 8_000, sources: 0, relationships: 2_000 });
    expect(await inGraph('at')).toEqual({ entities: 8_000, leads: 2_000 });
  });
});
