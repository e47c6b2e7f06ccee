/** `npm run repair-page-keys`: recomputes every relationship's page keys, correcting stale ones. */
import { withGraph } from '../open-graph.js';
import { type CommandContext, parseNoArgs } from './args.js';

const REPAIR_PAGE_KEYS_USAGE = 'repair-page-keys   (recomputes the page keys of every relationship)';

export async function runRepairPageKeys(args: string[], { config, logger }: CommandContext): Promise<void> {
  parseNoArgs(args, REPAIR_PAGE_KEYS_USAGE);
  // Start-up gives keys to relationships lacking them; this command also corrects stale ones.
  await withGraph(config, logger, async (opened) => {
    const { backfillPageKeys } = await import('../graph/page-keys.js');
    const repaired = await backfillPageKeys(opened.graph.db(), { all: true });
    console.log(`Page keys: ${repaired} relationship(s) corrected.`);
  });
}
