/** CLI entry: `serve` (default), `print-schema`, `neo4j:start`, `neo4j:stop`, and more. */
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openGraph } from './app.js';
import { LocalNeo4jError, runningServer, startLocalNeo4j, stopLocalNeo4j } from './neo4j/local-server.js';

const SCHEMA_FILE = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));

async function serve(config: Config, logger: Logger): Promise<void> {
  const opened = await openGraph(config, logger);
  const { createServer } = await import('./server.js');
  const yoga = createServer({ config, graph: opened.graph, logger });
  const http = createHttpServer(yoga);
  const sockets = new Set<import('node:net').Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => http.listen(config.port, config.host, ok));
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(`stargraph serving GraphiQL at http://${shown}:${config.port}${yoga.graphqlEndpoint}`, { neo4j: opened.uri });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('Shutting down', { signal });
    // Stop taking requests, let in-flight ones finish (bounded), then close Neo4j.
    const closed = new Promise<void>((ok) => http.close(() => ok()));
    http.closeIdleConnections();
    const force = setTimeout(() => sockets.forEach((s) => s.destroy()), 10_000);
    await closed;
    clearTimeout(force);
    await opened.close();
    logger.info('Stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  const [command = 'serve', ...args] = process.argv.slice(2);
  let config: Config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'serve':
      return serve(config, logger);
    case 'print-schema': {
      const { printedSchema } = await import('./schema/print.js');
      writeFileSync(SCHEMA_FILE, printedSchema());
      console.log(`Wrote ${SCHEMA_FILE}`);
      return;
    }
    case 'neo4j:start': {
      const running = await runningServer(config.neo4j.dataDir);
      const server =
        running ??
        (await startLocalNeo4j({
          dataDir: config.neo4j.dataDir,
          heap: config.neo4j.heap,
          pageCache: config.neo4j.pageCache,
          mode: 'detached',
          log: (m) => console.error(m),
        }));
      console.log(`Neo4j is running at ${server.uri} (auth off). Use it with:\n  NEO4J_URI=${server.uri} npm start`);
      return;
    }
    case 'neo4j:stop': {
      const stopped = await stopLocalNeo4j(config.neo4j.dataDir);
      console.log(stopped ? 'Neo4j stopped.' : 'No local Neo4j was running for this data directory.');
      return;
    }
    default: {
      console.error(`Unknown command "${command}". Commands: serve, print-schema, neo4j:start, neo4j:stop`);
      void args;
      process.exit(2);
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof LocalNeo4jError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
