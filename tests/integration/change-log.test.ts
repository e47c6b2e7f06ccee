/**
 * The change log on the real Neo4j (src/claims/change-log.ts): a write transaction's claim notes
 * are numbered and stored by that transaction itself (there when it commits, absent when it rolls
 * back), concurrent transactions get distinct ids, each one's a consecutive run, and pruning
 * makes older ids answer CHANGE_LOG_EXPIRED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { noteClaimChanges, takeClaimChanges, withClaimJournal } from '../../src/claims/journal.js';
import { lastChangeId, readChangeLog } from '../../src/claims/change-log.js';

let t: TestGraph;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(async () => {
  await t.close();
});

const note = (claimId: string) => ({ claimId, change: 'RECORDED' as const, on: '2026-12-08', at: null });

/** One write transaction in an operation's journal that notes `claimIds`, then fails if asked. */
const transaction = (claimIds: string[], fail = false) =>
  withClaimJournal(async () => {
    const value = await t.db.writeTransaction(async (run) => {
      await run('RETURN 1');
      noteClaimChanges(claimIds.map(note));
      if (fail) throw new Error('rolled back on purpose');
      return 'ok';
    });
    return { value, notes: takeClaimChanges() };
  });

describe('the change log', () => {
  it('is written by the transaction that made the changes: committed with it, rolled back with it', async () => {
    const p = uniquePrefix('log');
    const before = await lastChangeId(t.db);
    const { notes } = await transaction([`${p}-1`, `${p}-2`]);
    // Numbered once committed, and in the log already (nothing after the commit wrote it).
    expect(notes.map((n) => n.seq)).toEqual([notes[0]!.seq, notes[0]!.seq! + 1]);
    const logged = (await readChangeLog(t.db, before, 1000)).filter((e) => e.claimId.startsWith(p));
    expect(logged.map((e) => [e.seq, e.claimId, e.tx])).toEqual([
      [notes[0]!.seq, `${p}-1`, notes[1]!.seq],
      [notes[1]!.seq, `${p}-2`, notes[1]!.seq],
    ]);

    await expect(transaction([`${p}-3`], true)).rejects.toThrow('rolled back on purpose');
    const after = (await readChangeLog(t.db, before, 1000)).filter((e) => e.claimId.startsWith(p));
    expect(after.map((e) => e.claimId)).toEqual([`${p}-1`, `${p}-2`]);
  });

  it('gives concurrent transactions distinct ids, each a consecutive run', async () => {
    const p = uniquePrefix('log-many');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => transaction([0, 1, 2].map((k) => `${p}-${i}-${k}`))),
    );
    const ids = results.flatMap((r) => r.notes.map((n) => n.seq!));
    expect(new Set(ids).size).toBe(36);
    for (const r of results) {
      const [a, b, c] = r.notes.map((n) => n.seq!);
      expect([b! - a!, c! - b!]).toEqual([1, 1]);
    }
  });
});
