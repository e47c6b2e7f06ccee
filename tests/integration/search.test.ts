/**
 * Search as people use it, on the seed and on entities written through the API: exact name or
 * alias first (case and accents folded), then prefixes, then full-text relevance; `prefix: true`
 * for suggestions. Runs on the real Neo4j.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/graph/seed.js';
import { backfillEntities } from '../../src/graph/entity-backfill.js';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const WRITE_KEY = 'search-test-writer';
let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefix = uniquePrefix('search');
beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITE_KEY}:write+read` });
  await loadSeed(t.db);
  yoga = testServer(t.graph, t.config);
});
afterAll(async () => {
  await deleteFixtures(t.db, prefix);
  await t.close();
});

interface Hit {
  match: 'EXACT' | 'PREFIX' | 'TEXT';
  score: number;
  entity: { slug: string; __typename: string };
}

async function search(text: string, args = ''): Promise<Hit[]> {
  const body = await gql<{ search: Hit[] }>(
    yoga,
    `query($text: String!) { search(text: $text${args}) { match score entity { __typename slug } } }`,
    { text },
  );
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!.search;
}

describe('search on the seed', () => {
  it.each([
    ['Oracle', 'oracle'],
    ['oracle', 'oracle'],
    ['OpenAI', 'openai'],
    ['Altman', 'sam-altman'],
    ['Stargate', 'stargate'],
    ['sam altman', 'sam-altman'],
    ['ÓRACLE', 'oracle'],
  ])('"%s" puts %s first, as an exact match', async (text, slug) => {
    const hits = await search(text);
    expect(hits[0]).toMatchObject({ match: 'EXACT', entity: { slug } });
  });

  it('ranks exact, then prefix, then full-text, each entity once', async () => {
    const hits = await search('Oracle', ', first: 20');
    const order = hits.map((h) => ['EXACT', 'PREFIX', 'TEXT'].indexOf(h.match));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(hits.map((h) => h.match)).toEqual(expect.arrayContaining(['EXACT', 'PREFIX', 'TEXT']));
    // The deal that mentions Oracle in its name comes after Oracle itself.
    const slugs = hits.map((h) => h.entity.slug);
    expect(slugs.indexOf('openai-oracle-datacenter-deal')).toBeGreaterThan(slugs.indexOf('oracle'));
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it.each(['Oracle', 'open', 'stargate datacenter', 'a', 'Sam'])(
    'scores "%s" on one scale down the list: never rising, each tier in its band',
    async (text) => {
      const hits = await search(text, ', first: 50');
      expect(hits.length).toBeGreaterThan(0);
      const bands = { EXACT: [2, 2], PREFIX: [1, 2], TEXT: [0, 1] } as const;
      for (const [i, hit] of hits.entries()) {
        const [low, high] = bands[hit.match];
        expect(hit.score).toBeGreaterThanOrEqual(low);
        expect(hit.match === 'EXACT' ? hit.score <= high : hit.score < high).toBe(true);
        if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1]!.score);
      }
    },
  );

  it('kinds still narrows', async () => {
    const hits = await search('Oracle', ', kinds: [DEAL]');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.entity.__typename === 'Deal')).toBe(true);
  });

  it('prefix: true suggests names and aliases starting with the text, shortest first, and nothing else', async () => {
    const hits = await search('ora', ', prefix: true');
    expect(hits[0]).toMatchObject({ match: 'PREFIX', entity: { slug: 'oracle' } });
    expect(hits.every((h) => h.match === 'PREFIX')).toBe(true);
    const words = await search('datacenter', ', prefix: true');
    expect(words).toEqual([]); // only in the middle of names: full-text, not a suggestion
    expect((await search('datacenter')).length).toBeGreaterThan(0);
  });

  it('treats Lucene syntax as text and refuses bad sizes', async () => {
    expect(await search('AND ( "unbalanced [ *', ', prefix: true')).toEqual([]);
    const tooMany = await gql(yoga, '{ search(text: "a", first: 1000) { score } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_PAGE_SIZE' });
  });
});

describe('search keys follow writes', () => {
  it('an upsert that renames an entity or adds an alias is found by the new name at once', async () => {
    const slug = `${prefix}-co`;
    const upsert = (input: Record<string, unknown>) =>
      gql(
        yoga,
        'mutation($input: UpsertCompanyInput!) { upsertCompany(input: $input) { slug } }',
        { input },
        { authorization: `Bearer ${WRITE_KEY}` },
      );
    expect((await upsert({ slug, name: `Zéphyr ${prefix}`, kind: 'OTHER' })).errors).toBeUndefined();
    expect((await search(`zephyr ${prefix}`))[0]).toMatchObject({ match: 'EXACT', entity: { slug } });
    expect((await upsert({ slug, name: `Boreas ${prefix}`, aliases: [`Aquilon ${prefix}`] })).errors).toBeUndefined();
    expect((await search(`Boreas ${prefix}`))[0]).toMatchObject({ match: 'EXACT', entity: { slug } });
    expect((await search(`AQUILON ${prefix}`))[0]).toMatchObject({ match: 'EXACT', entity: { slug } });
    expect(await search(`zephyr ${prefix}`, ', prefix: true')).toEqual([]);
  });

  it('entities written without keys get them from the start-up backfill', async () => {
    const slug = `${prefix}-old`;
    await t.db.write(`CREATE (:Entity:Company {id: $slug, slug: $slug, name: $name, aliases: []})`, {
      slug,
      name: `Vieux ${prefix}`,
    });
    expect(await search(`vieux ${prefix}`, ', prefix: true')).toEqual([]);
    expect((await backfillEntities(t.db)).searchKeys).toBeGreaterThanOrEqual(1);
    expect((await search(`vieux ${prefix}`, ', prefix: true'))[0]).toMatchObject({ match: 'EXACT', entity: { slug } });
  });
});
