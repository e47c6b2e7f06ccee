/**
 * What a request's writes did to claims, for the change events they publish (`graphChanged`
 * carries the same `ClaimChange`s as `changesBetween`). Each GraphQL operation runs with its own
 * journal (src/plugins/use-claim-journal.ts); the claim statements note what they record, close
 * and retract; `committed` takes the notes after the write commits. Outside an operation (the
 * CLI, loads) nothing is noted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ClaimChangeNote {
  claimId: string;
  change: 'STARTED' | 'ENDED' | 'RECORDED' | 'RETRACTED';
  /** The day. */
  on: string;
  /** RECORDED, RETRACTED: the instant. */
  at: string | null;
}

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
