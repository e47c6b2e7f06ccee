/** Every GraphQL operation runs with its own claim journal (src/claims/journal.ts). */
import type { Plugin } from 'graphql-yoga';
import { withClaimJournal } from '../claims/journal.js';

export function useClaimJournal(): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => withClaimJournal(() => executeFn(args)));
    },
  };
}
