/** Wires config → Neo4j (external, or the project's local one) → migrated graph. */
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createDriver, GraphDb } from './neo4j/db.js';
import { startLocalNeo4j, type LocalNeo4j } from './neo4j/local-server.js';
import { migrate } from './neo4j/migrate.js';
import { seedIfEmpty } from './graph/seed.js';
import { backfillSearchKeys } from './graph/search.js';

export interface OpenGraph {
  graph: GraphDb;
  uri: string;
  /** Closes the driver, then stops the local Neo4j if this process started it. */
  close(): Promise<void>;
}

async function waitForConnectivity(graph: GraphDb, logger: Logger, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await graph.driver.verifyConnectivity({ database: graph.database });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (attempt === 1) logger.warn('Neo4j not reachable yet; retrying', { error: (error as Error).message });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export async function openGraph(config: Config, logger: Logger): Promise<OpenGraph> {
  let local: LocalNeo4j | undefined;
  let uri = config.neo4j.uri;
  if (!uri) {
    local = await startLocalNeo4j({
      dataDir: config.neo4j.dataDir,
      heap: config.neo4j.heap,
      pageCache: config.neo4j.pageCache,
      mode: 'attached',
      log: (msg) => logger.info(msg),
    });
    uri = local.uri;
  }
  const graph = new GraphDb(createDriver({ ...config.neo4j, uri }), config.neo4j.database, config.limits.queryTimeoutMs);
  try {
    await waitForConnectivity(graph, logger, 60_000);
    const applied = await migrate(graph.session());
    logger.info('Neo4j ready', { uri, constraintsAndIndexes: applied });
    // Entities written before search keys existed get them once (later writes maintain them).
    const keyed = await backfillSearchKeys(graph.session());
    if (keyed > 0) logger.info('Filled in search keys', { entities: keyed });
    // A fresh install should show something in GraphiQL; a graph with any entity is left alone.
    if (config.seedOnEmpty) {
      const seeded = await seedIfEmpty(graph.session());
      if (seeded) logger.info('Loaded the seed dataset into the empty graph', { created: seeded.created });
    }
  } catch (error) {
    await graph.close();
    await local?.stop();
    throw error;
  }
  return {
    graph,
    uri,
    close: async () => {
      await graph.close();
      await local?.stop();
    },
  };
}
