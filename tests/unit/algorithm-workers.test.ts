/**
 * The graph algorithms in worker threads (src/graph/algorithm-workers.ts), no database: the
 * answers are those of algorithms.ts computed in-process, the event loop stays free while a
 * worker computes, and an algorithm past its time limit answers TIMEOUT naming
 * ALGORITHM_TIMEOUT_MS while its worker is terminated; the next task gets a fresh worker. Through
 * the server on the real Neo4j: tests/e2e/algorithm-workers.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AlgorithmWorkers } from '../../src/graph/algorithm-workers.js';
import { centralityScores, louvainCommunities } from '../../src/graph/algorithms.js';
import { randomSubgraph as randomGraph } from '../utils/random-subgraph.js';

/** n entities, m relationships with hubs, seeded; names repeat, so ties go by id. */
const randomSubgraph = (n: number, m: number) => randomGraph(n, m, { seed: n + m, names: 97 });

const small = randomSubgraph(300, 1_200);
/** Betweenness on this takes seconds (entities × relationships). */
const heavy = randomSubgraph(3_000, 30_000);
const LONG = 120_000;

const workers = new AlgorithmWorkers(1);
afterAll(() => workers.close());

describe('algorithm workers', () => {
  it('answer as algorithms.ts does in-process: PAGERANK, BETWEENNESS and communities', async () => {
    expect(await workers.centrality(small, 'PAGERANK', LONG)).toEqual(centralityScores(small, 'PAGERANK'));
    expect(await workers.centrality(small, 'BETWEENNESS', LONG)).toEqual(centralityScores(small, 'BETWEENNESS'));
    const communities = await workers.communities(small, LONG);
    expect(communities).toEqual(louvainCommunities(small));
    // The caller's own rows come back, not copies.
    expect(communities.communities[0]!.entities[0]).toBe(
      small.nodes.find((n) => n === communities.communities[0]!.entities[0]),
    );
  }, 60_000);

  it('leave the event loop free while they compute', async () => {
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks += 1;
      if (ticking) setTimeout(tick, 5);
    };
    const computing = workers.centrality(heavy, 'BETWEENNESS', LONG);
    // Once the worker computes, timers keep firing here until it answers.
    while (workers.busy === 0) await new Promise((r) => setTimeout(r, 5));
    tick();
    const seenWhileBusy = await new Promise<number>((resolve) => {
      const check = () => (ticks >= 10 || workers.busy === 0 ? resolve(ticks) : setTimeout(check, 5));
      check();
    });
    const stillBusy = workers.busy;
    ticking = false;
    expect(seenWhileBusy).toBeGreaterThanOrEqual(10);
    expect(stillBusy).toBe(1); // the ten ticks came while the algorithm was computing
    expect((await computing).size).toBe(heavy.nodes.length);
  }, 120_000);

  it('stop an algorithm at its time limit: TIMEOUT naming ALGORITHM_TIMEOUT_MS, worker terminated, next task served', async () => {
    const before = workers.terminated;
    const error = await workers.centrality(heavy, 'BETWEENNESS', 50).then(
      () => undefined,
      (e: unknown) => e as { extensions?: Record<string, unknown>; message?: string },
    );
    expect(error?.extensions).toEqual({ code: 'TIMEOUT', limit: 'ALGORITHM_TIMEOUT_MS', ms: 50 });
    expect(error?.message).toMatch(/50 ms \(ALGORITHM_TIMEOUT_MS\)/);
    expect(workers.terminated).toBe(before + 1);
    expect(workers.busy).toBe(0);
    expect(await workers.centrality(small, 'PAGERANK', LONG)).toEqual(centralityScores(small, 'PAGERANK'));
  }, 60_000);

  it('queue tasks beyond their number of workers, and answer each', async () => {
    const answers = await Promise.all([
      workers.centrality(small, 'PAGERANK', LONG),
      workers.centrality(small, 'BETWEENNESS', LONG),
      workers.communities(small, LONG),
    ]);
    expect(answers[0]).toEqual(centralityScores(small, 'PAGERANK'));
    expect(answers[1]).toEqual(centralityScores(small, 'BETWEENNESS'));
    expect(answers[2]).toEqual(louvainCommunities(small));
  }, 60_000);

  it('once closed, refuse new tasks and fail the waiting ones', async () => {
    const pool = new AlgorithmWorkers(1);
    const failed = (work: Promise<unknown>) =>
      work.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    const running = failed(pool.centrality(heavy, 'BETWEENNESS', LONG));
    const waiting = failed(pool.centrality(small, 'PAGERANK', LONG));
    await pool.close();
    expect((await running)?.message).toMatch(/closed/);
    expect((await waiting)?.message).toMatch(/closed/);
    await expect(pool.communities(small, LONG)).rejects.toThrow(/closed/);
  }, 60_000);
});
