/**
 * What a request's writes did to claims, for the change log and the change events they publish
 * (`graphChanged` carries the same `ClaimChange`s as `changesBetween` and `changes`). Each GraphQL
 * operation runs with its own journal (src/plugins/use-claim-journal.ts); the claim statements
 * note what they record, close and retract. Inside a write transaction the notes go to that
 * transaction first (`journaledAttempt`): it appends them to the change log before it commits,
 * and they reach the operation's journal, numbered, only once it has committed (a retried or
 * rolled-back attempt leaves nothing). `committed` takes them after the write. Outside an
 * operation (the CLI, loads) nothing is noted and nothing is logged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Run } from '../neo4j/db.js';
import { appendChangeLog, type LoggedNote } from './change-log.js';

export type ClaimChangeNote = LoggedNote;

const journal = new AsyncLocalStorage<ClaimChangeNote[]>();

/** Runs `work` with a fresh journal. */
export const withClaimJournal = <T>(work: () => T): T => journal.run([], work);

/** Notes changes, when a journal is open. */
export function noteClaimChanges(notes: readonly ClaimChangeNote[]): void {
  journal.getStore()?.push(...notes);
}

/** The changes noted since the last take (the journal is emptied). */
export function takeClaimChanges(): ClaimChangeNote[] {
  const store = journal.getStore();
  return store ? store.splice(0, store.length) : [];
}

/**
 * One attempt of a write transaction's `work`, inside the transaction: its notes go to a journal
 * of their own and are appended to the change log by the attempt's last statement. Returns them
 * numbered; the caller hands them on with `noteClaimChanges` once the transaction has committed.
 * Without an operation's journal, `work` runs as it is.
 */
export async function journaledAttempt<T>(
  run: Run,
  work: (run: Run) => Promise<T>,
): Promise<{ value: T; notes: ClaimChangeNote[] }> {
  if (!journal.getStore()) return { value: await work(run), notes: [] };
  return journal.run([], async () => {
    const value = await work(run);
    return { value, notes: await appendChangeLog(run, takeClaimChanges()) };
  });
}
