/** `npm start` (`serve`, the default command): the GraphQL server on PORT/HOST until SIGINT or SIGTERM. */
import { createServer as createHttpServer, type Server, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { openGraph } from '../open-graph.js';
import { startTracing } from '../tracing.js';
import { keepHorizon } from '../claims/horizon.js';
import { type CommandContext, parseNoArgs } from './args.js';

const SERVE_USAGE = 'serve   (the GraphQL server; settings come from the environment, see README)';

/** In-flight requests get this long to finish on shutdown before their sockets are destroyed. */
const FORCE_CLOSE_MS = 10_000;

/**
 * A client has 10 s to send its headers and 30 s for its whole request (Node's defaults are 60 s
 * and 300 s), checked every second: a socket trickling bytes cannot hold a connection for minutes.
 * 30 s carries the largest body allowed (MAX_REQUEST_BODY_BYTES, 25 MB) at about 1 MB/s.
 */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
} as const satisfies ServerOptions;

/** What a start-up with this configuration should warn about (settings that trust too much). */
export function startupWarnings(config: Pick<Config, 'auth'>): string[] {
  const jwt = config.auth.jwt;
  if (!jwt) return [];
  const unchecked = [
    ...(jwt.issuer ? [] : [['JWT_ISSUER', 'issuer']]),
    ...(jwt.audience ? [] : [['JWT_AUDIENCE', 'audience']]),
  ];
  if (unchecked.length === 0) return [];
  return [
    `${unchecked.map(([name]) => name).join(' and ')} unset: JWTs are accepted whatever their ` +
      `${unchecked.map(([, claim]) => claim).join(' and ')}, as long as the key signed them`,
  ];
}

export async function runServe(args: string[], { config, logger }: CommandContext): Promise<void> {
  parseNoArgs(args, SERVE_USAGE);
  // Before anything runs a statement; nothing is loaded when no OTLP endpoint is set.
  const tracing = await startTracing(config.tracing);
  if (tracing) logger.info('Tracing to OTLP', { url: config.tracing.tracesUrl, service: config.tracing.serviceName });
  const opened = await openGraph(config, logger);
  // Today's graph follows the date: claims start and end on days without a write.
  const stopHorizon = keepHorizon(opened.graph.db(), (error) =>
    logger.warn("Could not move today's graph to a new day", { error: (error as Error).message }),
  );
  const { createServer } = await import('../server.js');
  const yoga = createServer({ config, graph: opened.graph, logger, supervisor: opened.supervisor });
  const http = createHttpServer(HTTP_SERVER_OPTIONS, yoga);
  const connections = trackConnections(http);
  await new Promise<void>((ok) => http.listen(config.port, config.host, ok));
  if (config.productionForHost) {
    logger.info('NODE_ENV is unset and HOST is not loopback: running in production mode (errors masked)', {
      host: config.host,
    });
  }
  for (const warning of startupWarnings(config)) logger.warn(warning);
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(`stargraph serving GraphiQL at http://${shown}:${config.port}${yoga.graphqlEndpoint}`, {
    neo4j: opened.uri,
  });
  const shutdown = async (signal: string) => {
    if (connections.stopping) {
      // A second Ctrl-C means "now": the attached Neo4j exits when our stdin pipe closes.
      logger.warn('Second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    connections.stopping = true;
    logger.info('Shutting down', { signal });
    stopHorizon();
    await closeHttp(http, connections.sockets);
    // The last batch of spans goes out before the process exits.
    await tracing
      ?.shutdown()
      .catch((error: unknown) => logger.warn('Could not flush traces', { error: (error as Error).message }));
    await closeGraph(() => opened.close(), logger);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

interface Connections {
  /** Set once shutdown begins. */
  stopping: boolean;
  sockets: Set<Socket>;
}

/**
 * The open sockets of `http`. While stopping, a kept-alive connection is closed as soon as its
 * last request is answered, so close() does not wait for the client's keep-alive (or the force-close).
 */
function trackConnections(http: Server): Connections {
  const state: Connections = { stopping: false, sockets: new Set<Socket>() };
  http.on('connection', (s) => {
    state.sockets.add(s);
    s.on('close', () => state.sockets.delete(s));
  });
  http.on('request', (_req, res) => res.on('finish', () => state.stopping && http.closeIdleConnections()));
  return state;
}

/** Stops taking requests and lets in-flight ones finish, for at most FORCE_CLOSE_MS. */
async function closeHttp(http: Server, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((ok) => http.close(() => ok()));
  http.closeIdleConnections();
  const force = setTimeout(() => {
    for (const s of sockets) s.destroy();
  }, FORCE_CLOSE_MS);
  await closed;
  clearTimeout(force);
}

/** Closes Neo4j and exits: 0, or 1 when closing failed. */
async function closeGraph(close: () => Promise<void>, logger: Logger): Promise<void> {
  try {
    await close();
    logger.info('Stopped');
  } catch (error) {
    logger.error('Error while closing Neo4j', { error });
    process.exitCode = 1;
  } finally {
    process.exit();
  }
}
