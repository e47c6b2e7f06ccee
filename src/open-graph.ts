/**
 * Opens the graph: config → Neo4j (external, or the project's local one, supervised) → migrated,
 * seeded when empty.
 */
import { GraphQLError } from 'graphql';
import { Neo4jError } from 'neo4j-driver';
import { type Config, ConfigError } from './config.js';
import type { Logger } from './logger.js';
import {
  connectionProbe,
  createDriver,
  GraphDb,
  isTransientError,
  type Neo4jConnection,
  retrying,
} from './neo4j/db.js';
import { freePort, LocalNeo4jError, PASSWORD_FILE, startLocalNeo4j } from './neo4j/local-server.js';
import { Neo4jSupervisor } from './neo4j/supervisor.js';
import { buildHeldDegrees } from './claims/held-degrees.js';
import { refreshHorizon } from './claims/horizon.js';
import { migrate } from './neo4j/migrate.js';
import { seedIfEmpty } from './graph/seed.js';
import { backfillEntities } from './graph/entity-backfill.js';
import { settleGraph } from './claims/settle.js';
import { upgradeToClaims } from './claims/upgrade.js';

export interface OpenGraph {
  graph: GraphDb;
  uri: string;
  /** What the driver signs in with (the local Neo4j's own password when stargraph started it). */
  connection: Neo4jConnection;
  /** Keeps the local Neo4j running; undefined when NEO4J_URI names the database (never started by us). */
  supervisor: Neo4jSupervisor | undefined;
  /** Closes the driver, then stops the local Neo4j if this process started it. */
  close(): Promise<void>;
}

/** Neo4j answered and refused the credentials: waiting will not change that. */
function isAuthError(error: unknown): boolean {
  return error instanceof Neo4jError && /^Neo\.ClientError\.Security\./.test(error.code);
}

async function waitForConnectivity(
  graph: GraphDb,
  logger: Logger,
  timeoutMs: number,
  refused: (error: Neo4jError) => Error,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await graph.driver.verifyConnectivity({ database: graph.database });
      return;
    } catch (error) {
      if (isAuthError(error)) throw refused(error as Neo4jError);
      if (Date.now() > deadline) throw error;
      if (attempt === 1) logger.warn('Neo4j not reachable yet; retrying', { error: (error as Error).message });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export async function openGraph(config: Config, logger: Logger): Promise<OpenGraph> {
  let supervisor: Neo4jSupervisor | undefined;
  let uri = config.neo4j.uri;
  // NEO4J_USER / NEO4J_PASSWORD for a Neo4j named by NEO4J_URI; the data directory's for ours.
  let { user, password } = config.neo4j;
  // Assigned below, before the supervisor can see an exit; the supervisor tells its circuit.
  let graph: GraphDb | undefined;
  if (!uri) {
    // A restart must come back on the same port: the driver keeps the URI.
    let port: number | undefined;
    supervisor = new Neo4jSupervisor(
      async () => {
        const server = await startLocalNeo4j({
          dataDir: config.neo4j.dataDir,
          heap: config.neo4j.heap,
          pageCache: config.neo4j.pageCache,
          port: port ?? (await freePort()),
          mode: 'attached',
          log: (msg) => logger.info(msg),
        });
        port = server.port;
        return server;
      },
      logger,
      config.neo4j.restartPolicy,
      {
        onUnexpectedExit: (exit) =>
          graph?.circuit.open(`the local Neo4j exited (${exit.signal ?? `code ${exit.code}`}); restarting it`),
        onRestarted: () => void graph?.circuit.probeNow(),
      },
    );
    ({ uri, user, password } = await supervisor.begin());
  }
  const connection = { ...config.neo4j, uri, user, password };
  graph = new GraphDb(createDriver(connection), config.neo4j.database, config.limits.queryTimeoutMs, {
    probe: connectionProbe(connection),
    onCircuitChange: (open, reason) =>
      open
        ? logger.error('Neo4j unreachable: requests answer DATABASE_UNAVAILABLE', { reason })
        : logger.info('Neo4j reachable again', { reason }),
  });
  try {
    await waitForConnectivity(graph, logger, 60_000, (error) =>
      supervisor
        ? new LocalNeo4jError(
            `The local Neo4j at ${uri} refused the password in ${config.neo4j.dataDir}/${PASSWORD_FILE} ` +
              `(${error.message}). Every start puts that password in force: if it runs on its own, restart it ` +
              '(`npm run neo4j:stop`, `npm run neo4j:start`); launcher.log in the data directory says more.',
          )
        : new ConfigError([
            `NEO4J_USER / NEO4J_PASSWORD: the Neo4j at ${uri} refused them for user "${user}" (${error.message})`,
          ]),
    );
    const applied = await migrate(graph.db());
    logger.info('Neo4j ready', { uri, constraintsAndIndexes: applied });
    // Each step below does only what is still missing, so one that meets a deadlock with another
    // process's writes (another replica, an import) runs again instead of failing the start.
    const again = startupStep(logger);
    // A graph written before claims existed gets them once, recorded when each thing was written
    // (before the creation times filled in below, which would say "now").
    await again(() => upgradeToClaims(graph.db(), logger));
    // Graphs written before held degrees existed get them once, before any write re-spans a
    // relationship (counts at a date over large nodes read them).
    await again(() => buildHeldDegrees(graph.db(), logger));
    // Entities written before search keys existed, or by hand, get them and a creation time once
    // (later writes maintain them).
    const filled = await again(() => backfillEntities(graph.db()));
    if (filled.searchKeys > 0) logger.info('Filled in search keys', { entities: filled.searchKeys });
    if (filled.createdAt > 0) logger.info('Gave entities without one a creation time', { entities: filled.createdAt });
    // Claims that started or ended since the graph was last open move today's graph.
    const moved = await again(() => refreshHorizon(graph.db()));
    if (moved > 0) logger.info("Moved today's graph to the claims of today", { subjects: moved });
    // Graphs given claims before settled fields existed get them once (time reads skip seeks).
    await again(() => settleGraph(graph.db(), logger));
    // A fresh install should show something in GraphiQL; a graph with any entity is left alone.
    if (config.seedOnEmpty) {
      const seeded = await seedIfEmpty(graph.db());
      if (seeded) logger.info('Loaded the seed dataset into the empty graph', { created: seeded.created });
    }
  } catch (error) {
    await graph.close();
    await supervisor?.stop();
    throw error;
  }
  const opened = graph;
  return {
    graph: opened,
    uri,
    connection,
    supervisor,
    close: async () => {
      await opened.close();
      await supervisor?.stop();
    },
  };
}

/**
 * Opens the graph for a command that brings its own data (so an empty graph is not seeded), runs
 * `work` on it and closes it, whether `work` succeeded or not.
 */
export async function withGraph<T>(
  config: Config,
  logger: Logger,
  work: (opened: OpenGraph) => Promise<T>,
): Promise<T> {
  const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/**
 * Runs a start-up step again (up to 5 times, waiting longer each time) while it fails with a
 * transient error: a deadlock or a database still starting, raw from the driver or as
 * DATABASE_UNAVAILABLE with a `transient:` reason. Anything else fails the start at once.
 */
export function startupStep(logger: Logger, delayMs = (attempt: number) => 500 * attempt) {
  return <T>(step: () => Promise<T>) =>
    retrying(step, {
      retryable: (error) => {
        const code = isTransientError(error)
          ? error.code
          : error instanceof GraphQLError &&
              error.extensions.code === 'DATABASE_UNAVAILABLE' &&
              String(error.extensions.reason).startsWith('transient:')
            ? String(error.extensions.reason)
            : undefined;
        if (code === undefined) return false;
        logger.warn('A start-up step met a transient error; running it again', { code });
        return true;
      },
      attempts: 5,
      delayMs,
    });
}
