/** `npm run seed`: loads (or re-applies) the seed facts of cypher/ into the graph. */
import { withGraph } from '../open-graph.js';
import { type CommandContext, parseNoArgs } from './args.js';

const SEED_USAGE = 'seed   (loads the seed graph; running it again changes nothing)';

export async function runSeed(args: string[], { config, logger }: CommandContext): Promise<void> {
  parseNoArgs(args, SEED_USAGE);
  // This command loads the seed itself: no automatic seeding of an empty graph on open.
  await withGraph(config, logger, async (opened) => {
    const { loadSeed } = await import('../graph/seed.js');
    const result = await loadSeed(opened.graph.db());
    console.log(`Seed loaded: ${JSON.stringify(result)}`);
  });
}
