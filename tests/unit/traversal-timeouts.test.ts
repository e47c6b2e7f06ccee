/**
 * Every traversal runs its statements with TRAVERSAL_TIMEOUT_MS and answers TIMEOUT naming it
 * when that time is up, whether or not Neo4j has stopped them, abandoning the statement then (its
 * abort signal fires, which closes its session: src/neo4j/db.ts). Checked here with
 * a stand-in for the database handle (what is sent, and a statement that never answers); the
 * same on the real Neo4j, with data that explodes, is tests/e2e/traversal-timeouts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import type { EntityRow } from '../../src/graph/entities.js';
import {
  commonNeighbors,
  moneyFlows,
  neighborhood,
  rank,
  shortestPath,
  simplePaths,
} from '../../src/graph/traversals.js';
import type { Db, ReadOptions } from '../../src/neo4j/db.js';

const limits = parseConfig({
  NEO4J_URI: 'bolt://127.0.0.1:1',
  TRAVERSAL_TIMEOUT_MS: '150',
  QUERY_TIMEOUT_MS: '60000',
}).limits;
const entity = (id: string) => ({ id, slug: id, name: id }) as unknown as EntityRow;
const [a, b] = [entity('a'), entity('b')];

const TRAVERSALS: Array<[string, (db: Db) => Promise<unknown>]> = [
  ['shortestPath', (db) => shortestPath(db, limits, { from: a, to: b, maxHops: 4 })],
  ['paths', (db) => simplePaths(db, limits, { from: a, to: b, maxHops: 4, first: 5 })],
  ['neighborhood', (db) => neighborhood(db, limits, { center: a, depth: 2, limit: 10 })],
  ['rank', (db) => rank(db, limits, { by: 'DEGREE', first: 5 })],
  ['rank within', (db) => rank(db, limits, { by: 'DEAL_VALUE', first: 5, within: { center: a, depth: 2 } })],
  ['commonNeighbors', (db) => commonNeighbors(db, limits, { a, b, first: 5 })],
  ['moneyFlows', (db) => moneyFlows(db, limits, { from: a, maxHops: 4, first: 5 })],
];

/** A handle that records each statement's options and answers with `answer`. */
function recordingDb(answer: () => Promise<unknown[]>) {
  const sent: ReadOptions[] = [];
  const db = {
    read: (_cypher: string, _params: unknown, options: ReadOptions = {}) => {
      sent.push(options);
      return answer();
    },
  } as unknown as Db;
  return { db, sent };
}

describe('TRAVERSAL_TIMEOUT_MS', () => {
  for (const [name, run] of TRAVERSALS) {
    it(`${name} sends every statement with TRAVERSAL_TIMEOUT_MS as its transaction timeout`, async () => {
      const { db, sent } = recordingDb(async () => []);
      await run(db);
      expect(sent.length).toBeGreaterThan(0);
      for (const options of sent) {
        expect(options.timeoutLimit).toBe('TRAVERSAL_TIMEOUT_MS');
        // paths splits one budget over its steps: never more than the whole, never nothing.
        expect(options.timeoutMs).toBeGreaterThan(0);
        expect(options.timeoutMs).toBeLessThanOrEqual(150);
        if (name !== 'paths') expect(options.timeoutMs).toBe(150);
        // A statement that answered is not abandoned.
        expect(options.signal?.aborted).toBe(false);
      }
    });

    it(`${name} answers TIMEOUT naming TRAVERSAL_TIMEOUT_MS at its timeout when the database never answers`, {
      timeout: 8_000,
    }, async () => {
      const { db, sent } = recordingDb(() => new Promise(() => {}));
      const started = performance.now();
      const error = await run(db).then(
        () => undefined,
        (e: unknown) => e as { extensions?: Record<string, unknown>; message?: string },
      );
      const ms = performance.now() - started;
      expect(error?.extensions).toEqual({ code: 'TIMEOUT', limit: 'TRAVERSAL_TIMEOUT_MS', ms: 150 });
      expect(error?.message).toMatch(/150 ms \(TRAVERSAL_TIMEOUT_MS\)/);
      // At the timeout, not when Neo4j's monitor (about every 2 s) would have stopped it.
      expect(ms).toBeGreaterThanOrEqual(150 - 10); // timers may fire a hair early
      expect(ms).toBeLessThan(150 + 1_500);
      // The statement is abandoned when the answer is given: its session closes, Neo4j is told to stop it.
      expect(sent.length).toBeGreaterThan(0);
      const last = sent.at(-1)!;
      expect(last.signal?.aborted).toBe(true);
      expect((last.signal?.reason as { extensions?: unknown }).extensions).toMatchObject({
        code: 'TIMEOUT',
        limit: 'TRAVERSAL_TIMEOUT_MS',
      });
    });
  }
});
