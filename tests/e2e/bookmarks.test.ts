/**
 * Read-your-writes across API replicas (src/neo4j/bookmarks.ts): two servers, each with its own
 * driver and its own response cache, as two replicas without a shared Redis are. A write on one
 * answers with `x-stargraph-bookmark`; a read on the other that sends it back reads after that
 * write, even where that replica's cache holds an answer from before it.
 * (Waiting for a bookmark a follower has not reached is tested on a Neo4j of its own, where the
 * next transaction is known: tests/e2e/routing/bookmark-wait.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { openTestGraph, post, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

const KEY = 'bookmarks-writer-key-0123456789abcdef';
const prefix = uniquePrefix('bkm');
let a: TestGraph;
let b: TestGraph;
let replicaA: ReturnType<typeof testServer>;
let replicaB: ReturnType<typeof testServer>;

beforeAll(async () => {
  // The response cache on (30 s) on both: replica B must not answer from it after A's write.
  const env = { API_KEYS: `${KEY}:write+read`, RESPONSE_CACHE_TTL_MS: '30000' };
  a = await openTestGraph(env);
  b = await openTestGraph(env);
  replicaA = testServer(a.graph, a.config);
  replicaB = testServer(b.graph, b.config);
});
afterAll(async () => {
  await deleteFixtures(a.db, prefix);
  await a?.close();
  await b?.close();
});

async function postTo(replica: ReturnType<typeof testServer>, query: string, headers: Record<string, string> = {}) {
  const { headers: answered, body } = await post<Record<string, { name: string } | null>>(replica, query, headers);
  return { bookmark: answered.get('x-stargraph-bookmark'), body };
}

const readName = (slug: string) => `{ entity(slug: "${slug}") { name } }`;
const rename = (slug: string, name: string) =>
  `mutation { upsertCompany(input: { slug: "${slug}", name: "${name}" }) { name } }`;

describe('x-stargraph-bookmark', () => {
  it('comes with every answer that wrote, and only with those', async () => {
    const slug = `${prefix}-only`;
    const wrote = await postTo(replicaA, rename(slug, 'First'), { authorization: `Bearer ${KEY}` });
    expect(wrote.body.errors).toBeUndefined();
    // Neo4j 5's bookmarks: `FB:` and base64, several joined by commas.
    expect(wrote.bookmark).toMatch(/^FB:[A-Za-z0-9+/=_-]+(,FB:[A-Za-z0-9+/=_-]+)*$/);
    const read = await postTo(replicaA, readName(slug));
    expect(read.body.data?.entity?.name).toBe('First');
    expect(read.bookmark).toBeNull();
  });

  it("makes a read on another replica see the write, past that replica's cached answer", async () => {
    const slug = `${prefix}-ryw`;
    const auth = { authorization: `Bearer ${KEY}` };
    expect((await postTo(replicaA, rename(slug, 'Before'), auth)).body.errors).toBeUndefined();
    // Replica B answers, and caches, the name as it was.
    expect((await postTo(replicaB, readName(slug))).body.data?.entity?.name).toBe('Before');

    const wrote = await postTo(replicaA, rename(slug, 'After'), auth);
    expect(wrote.body.data?.upsertCompany?.name).toBe('After');
    // Without the bookmark, B still answers from its cache: it has not heard of A's write.
    expect((await postTo(replicaB, readName(slug))).body.data?.entity?.name).toBe('Before');
    // With it, B reads after the write.
    const read = await postTo(replicaB, readName(slug), { 'x-stargraph-bookmark': wrote.bookmark! });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data?.entity?.name).toBe('After');
  });

  it.each([
    ['not a bookmark at all', 'hello world'],
    ['an empty entry', 'FB:abc,,FB:def'],
    ['a character no bookmark has', 'FB:a<b'],
    ['too many', Array.from({ length: 17 }, (_, i) => `FB:a${i}`).join(',')],
    ['too long', `FB:${'a'.repeat(300)}`],
  ])('refuses %s with INVALID_BOOKMARK, running nothing', async (_, header) => {
    const slug = `${prefix}-refused`;
    const answer = await postTo(replicaB, rename(slug, 'Never'), {
      authorization: `Bearer ${KEY}`,
      'x-stargraph-bookmark': header,
    });
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_BOOKMARK']);
    expect(answer.body.errors?.[0]?.message).toMatch(/x-stargraph-bookmark/);
    expect((await postTo(replicaA, readName(slug))).body.data?.entity).toBeNull();
  });

  it('refuses, with INVALID_BOOKMARK, a well-formed one that Neo4j cannot read', async () => {
    const answer = await postTo(replicaB, readName(`${prefix}-any`), {
      'x-stargraph-bookmark': 'FB:bm90LWEtYm9va21hcms',
    });
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_BOOKMARK']);
  });
});
