/**
 * What subscribers hear when events arrive out of log order or not at all (live-graph.ts
 * `logOrder`), and how a resumed subscription joins the replay to live events (`resume`), with a
 * fake change log: every change once, in log order.
 */
import { describe, expect, it } from 'vitest';
import { createLiveGraph, type ChangeLogReader } from '../../src/live/live-graph.js';
import { createLogger } from '../../src/logger.js';
import type { GraphChangeEvent } from '../../src/live/changes.js';

/** An event carrying claim changes numbered `seqs` (one committed write). */
const event = (...seqs: number[]): GraphChangeEvent => ({
  id: String(seqs.at(-1)),
  change: 'UPDATED',
  at: '2026-12-08T00:00:00.000Z',
  entity: null,
  relationship: null,
  counts: null,
  touched: [{ label: 'Company', id: 'c1', slug: 'c1' }],
  kinds: [],
  sources: false,
  claimChanges: seqs.map((seq) => ({ claimId: `claim-${seq}`, change: 'RECORDED', on: '2026-12-08', at: null, seq })),
});

/** The fake log: one event per number, 1..`last`. */
const logThrough = (last: number): ChangeLogReader =>
  async function* (after, through) {
    for (let seq = after + 1; seq <= (through ?? last); seq++) yield event(seq);
  };

const live = (log: ChangeLogReader) =>
  createLiveGraph(
    {
      responseCacheTtlMs: 0,
      responseCacheMax: 1,
      responseCacheMaxBytes: 1_000,
      subscriptionQueueMax: 100,
      maxSubscriptions: 10,
      maxSubscriptionsPerToken: 10,
    },
    createLogger('silent'),
    [],
    log,
  );

describe('live events in log order', () => {
  it('fills a gap from the log and drops the late event it already delivered', async () => {
    const graph = live(logThrough(6));
    const sub = graph.subscribe({}, { caller: 'a' });
    await graph.publish(event(1, 2));
    // 3 is still in flight (another replica): 4..5 arrive first, then 3, then 6.
    await graph.publish(event(4, 5));
    await graph.publish(event(3));
    await graph.publish(event(6));
    const events: GraphChangeEvent[] = [];
    for (let i = 0; i < 4; i++) events.push((await sub.next()).value as GraphChangeEvent);
    expect(events.flatMap((e) => e.claimChanges!.map((c) => c.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    // The gap came from the log; the event after it went out as heard (one event, 4 and 5).
    expect(events.map((e) => e.id)).toEqual(['2', '3', '5', '6']);
    await sub.return?.();
    await graph.close();
  });

  it('resumes after an id: the log first, then live events not already replayed', async () => {
    const graph = live(logThrough(4));
    const sub = await graph.resume({}, { caller: 'a' }, 1);
    // Heard live while the replay runs: 4 (replayed too) must not come twice; 5 follows.
    await graph.publish(event(4));
    await graph.publish(event(5));
    const it = sub[Symbol.asyncIterator]();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(String(((await it.next()).value as GraphChangeEvent).id));
    expect(ids).toEqual(['2', '3', '4', '5']);
    await it.return?.();
    await graph.close();
  });
});
