/**
 * The change log as a feed (SPEC section 2a), through HTTP (yoga.fetch): every committed claim
 * change has an id growing in commit order; `changes(after:, first:)` pages through them, each
 * once; graphChanged over SSE sends each event's id and, reconnecting with Last-Event-ID,
 * replays what was missed, each once, before live events; ids older than the log keeps answer
 * CHANGE_LOG_EXPIRED. (Replicas and killed processes: tests/e2e/change-feed-kill.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteFixtures } from '../utils/fixtures.js';
import { gql, openTestGraph, prefixTracker, testServer, type TestGraph } from '../utils/graph.js';
import { sseSubscribe } from '../utils/sse.js';
import { lastChangeId, pruneChangeLog } from '../../src/claims/change-log.js';
import { waitUntil } from '../utils/wait.js';

const WRITER = 'feed-writer-key-1';
const auth = { authorization: `Bearer ${WRITER}` };

const CHANGES = /* GraphQL */ `
  query ($after: String, $first: Int) {
    changes(after: $after, first: $first) {
      edges { cursor node { id change claim { id kind } entity { slug } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const SUBSCRIPTION = /* GraphQL */ `
  subscription ($slugs: [String!]) {
    graphChanged(slugs: $slugs) { id change entity { slug } claimChanges { id change } }
  }
`;

interface ChangeNode {
  id: string;
  change: string;
  claim: { id: string; kind: string };
  entity: { slug: string } | null;
}

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
const prefixes = prefixTracker();
beforeAll(async () => {
  t = await openTestGraph({ API_KEYS: `${WRITER}:write+read` });
  yoga = testServer(t.graph, t.config);
});
afterAll(async () => {
  for (const p of prefixes.all) await deleteFixtures(t.db, p);
  await yoga.dispose();
  await t.close();
});

const upsertCompany = (slug: string, name = slug) =>
  gql(yoga, 'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }', { i: { slug, name } }, auth);

interface ChangesPage {
  changes: {
    edges: Array<{ cursor: string; node: ChangeNode }>;
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

/** Every change after `after`, paging `first` at a time. */
async function allChangesAfter(after: string, first: number): Promise<ChangeNode[]> {
  const out: ChangeNode[] = [];
  let cursor: string | null = after;
  for (;;) {
    const res: Awaited<ReturnType<typeof gql<ChangesPage>>> = await gql<ChangesPage>(yoga, CHANGES, {
      after: cursor,
      first,
    });
    expect(res.errors).toBeUndefined();
    out.push(...res.data!.changes.edges.map((e) => e.node));
    if (!res.data!.changes.pageInfo.hasNextPage) return out;
    cursor = res.data!.changes.pageInfo.endCursor;
  }
}

describe('the change log', () => {
  it('numbers each committed claim change in commit order; changes pages through them once each', async () => {
    const p = prefixes.next('feed');
    const before = String(await lastChangeId(t.db));
    const slugs = [`${p}-a`, `${p}-b`, `${p}-c`];
    for (const slug of slugs) expect((await upsertCompany(slug)).errors).toBeUndefined();
    // A failed write (an unknown source cited) commits nothing and logs nothing.
    const failed = await gql(
      yoga,
      'mutation ($i: UpsertCompanyInput!) { upsertCompany(input: $i) { slug } }',
      { i: { slug: `${p}-failed`, name: 'x', citations: [{ source: `${p}-no-such-source` }] } },
      auth,
    );
    expect(failed.errors?.length).toBeGreaterThan(0);

    const paged = (await allChangesAfter(before, 1)).filter((c) => c.entity?.slug.startsWith(p));
    const ids = paged.map((c) => Number(c.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    // Each company's existence was recorded, in the order written; nothing of the failed write.
    const created = paged
      .filter((c) => c.claim.kind === 'ENTITY' && c.change === 'RECORDED')
      .map((c) => c.entity!.slug);
    expect(created).toEqual(slugs);
    expect(paged.some((c) => c.entity?.slug === `${p}-failed`)).toBe(false);
    // Pages of two, and one page of everything, give the same entries as pages of one.
    const byTwo = (await allChangesAfter(before, 2)).filter((c) => c.entity?.slug.startsWith(p));
    expect(byTwo.map((c) => c.id)).toEqual(paged.map((c) => c.id));
    const whole = (await allChangesAfter(before, 100)).filter((c) => c.entity?.slug.startsWith(p));
    expect(whole.map((c) => c.id)).toEqual(paged.map((c) => c.id));
  });

  it('refuses a bad id and a page over MAX_PAGE_SIZE', async () => {
    const bad = await gql(yoga, CHANGES, { after: 'abc' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await gql(yoga, CHANGES, { first: 10_000 });
    expect(big.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
  });
});

describe('graphChanged with ids', () => {
  it('sends each event id and resumes from Last-Event-ID with nothing missed and nothing twice', async () => {
    const p = prefixes.next('feed-sse');
    const slugs = [1, 2, 3, 4, 5].map((i) => `${p}-${i}`);
    const first = await sseSubscribe(yoga, SUBSCRIPTION, { slugs }, auth);
    await waitUntil(() => yoga.live.subscribers > 0);
    expect((await upsertCompany(slugs[0]!)).errors).toBeUndefined();
    const heard = await first.next();
    const event = heard.data?.data?.graphChanged as { id: string; claimChanges: Array<{ id: string }> };
    // The SSE id is the event's change id: its last claim change.
    expect(heard.id).toBe(event.id);
    expect(event.id).toBe(event.claimChanges.at(-1)!.id);
    first.close();

    // Missed while away: two writes; then back with the last id seen.
    await upsertCompany(slugs[1]!);
    await upsertCompany(slugs[2]!);
    const back = await sseSubscribe(yoga, SUBSCRIPTION, { slugs }, { ...auth, 'last-event-id': heard.id! });
    const replayed = [await back.next(), await back.next()];
    await waitUntil(() => yoga.live.subscribers > 0);
    await upsertCompany(slugs[3]!);
    const live = await back.next();
    const got = [...replayed, live].map((e) => e.data?.data?.graphChanged as { id: string; entity: { slug: string } });
    expect(got.map((e) => e.entity.slug)).toEqual([slugs[1], slugs[2], slugs[3]]);
    expect([...replayed, live].map((e) => e.id)).toEqual(got.map((e) => e.id));
    const ids = got.map((e) => Number(e.id));
    expect(ids[0]).toBeGreaterThan(Number(heard.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await back.quietFor(300)).toBe(true);
    back.close();
  });

  it('answers CHANGE_LOG_EXPIRED for an id older than the log keeps', async () => {
    const p = prefixes.next('feed-old');
    await upsertCompany(`${p}-a`);
    const old = await lastChangeId(t.db);
    await upsertCompany(`${p}-b`);
    // What a prune past the retention does to entries committed before now.
    await pruneChangeLog(t.db, new Date(Date.now() + 1_000));
    const read = await gql(yoga, CHANGES, { after: String(old - 1) });
    expect(read.errors?.[0]?.extensions?.code).toBe('CHANGE_LOG_EXPIRED');
    const resumed = await sseSubscribe(yoga, SUBSCRIPTION, {}, { ...auth, 'last-event-id': String(old - 1) });
    const answer = await resumed.next();
    expect(answer.data?.errors?.[0]?.extensions?.code).toBe('CHANGE_LOG_EXPIRED');
    resumed.close();
  });
});
