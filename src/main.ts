/** CLI entry: `serve` (default), `print-schema`, `seed`, `generate`, `neo4j:start`, `neo4j:stop`, and more. */
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openGraph } from './open-graph.js';
import { LocalNeo4jError, runningServer, startLocalNeo4j, stopLocalNeo4j } from './neo4j/local-server.js';

const SCHEMA_FILE = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));

async function serve(config: Config, logger: Logger): Promise<void> {
  const opened = await openGraph(config, logger);
  const { createServer } = await import('./server.js');
  const yoga = createServer({ config, graph: opened.graph, logger, supervisor: opened.supervisor });
  const http = createHttpServer(yoga);
  const sockets = new Set<import('node:net').Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let stopping = false;
  // While stopping, a kept-alive connection is closed as soon as its last request is answered,
  // so close() does not wait for the client's keep-alive (or our 10 s force-close).
  http.on('request', (_req, res) => res.on('finish', () => stopping && http.closeIdleConnections()));
  await new Promise<void>((ok) => http.listen(config.port, config.host, ok));
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(`stargraph serving GraphiQL at http://${shown}:${config.port}${yoga.graphqlEndpoint}`, {
    neo4j: opened.uri,
  });

  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means "now": the attached Neo4j exits when our stdin pipe closes.
      logger.warn('Second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('Shutting down', { signal });
    // Stop taking requests, let in-flight ones finish (bounded), then close Neo4j.
    const closed = new Promise<void>((ok) => http.close(() => ok()));
    http.closeIdleConnections();
    const force = setTimeout(() => {
      for (const s of sockets) s.destroy();
    }, 10_000);
    await closed;
    clearTimeout(force);
    try {
      await opened.close();
      logger.info('Stopped');
    } catch (error) {
      logger.error('Error while closing Neo4j', { error });
      process.exitCode = 1;
    } finally {
      process.exit();
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** `--name value` flags of a command; anything else is an error naming the usage. */
function parseFlags(args: string[], known: readonly string[], usage: string): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '') ?? '';
    const value = args[i + 1];
    if (!args[i]?.startsWith('--') || !known.includes(name) || value === undefined) {
      console.error(`Usage: ${usage}`);
      process.exit(2);
    }
    flags[name] = value;
  }
  return flags;
}

function wholeNumber(flags: Record<string, string>, name: string, fallback: number, usage: string): number {
  const value = flags[name] === undefined ? fallback : Number(flags[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number. Usage: ${usage}`);
    process.exit(2);
  }
  return value;
}

const GENERATE_USAGE =
  'generate --entities 100000 [--seed 42] [--prefix gen] [--batch-size 5000] [--concurrency 2] [--sources N]';

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
    case 'seed': {
      // The explicit command loads (or re-applies) the seed; skip the automatic empty-graph seeding.
      const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
      try {
        const { loadSeed } = await import('./graph/seed.js');
        const result = await loadSeed(opened.graph.db());
        console.log(`Seed loaded: ${JSON.stringify(result)}`);
      } finally {
        await opened.close();
      }
      return;
    }
    case 'repair-page-keys': {
      // Start-up already gave keys to relationships lacking them; this also corrects stale ones.
      const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
      try {
        const { backfillPageKeys } = await import('./graph/page-keys.js');
        const repaired = await backfillPageKeys(opened.graph.db(), { all: true });
        console.log(`Page keys: ${repaired} relationship(s) corrected.`);
      } finally {
        await opened.close();
      }
      return;
    }
    case 'generate': {
      const flags = parseFlags(
        args,
        ['entities', 'seed', 'prefix', 'batch-size', 'concurrency', 'sources'],
        GENERATE_USAGE,
      );
      const entities = wholeNumber(flags, 'entities', 0, GENERATE_USAGE);
      if (entities < 10) {
        console.error(`--entities is required (at least 10). Usage: ${GENERATE_USAGE}`);
        process.exit(2);
      }
      const { generateGraph } = await import('./graph/generator.js');
      const { loadGraph } = await import('./graph/bulk-load.js');
      const started = performance.now();
      const data = generateGraph({
        entities,
        seed: wholeNumber(flags, 'seed', 42, GENERATE_USAGE),
        prefix: flags.prefix ?? 'gen',
        sources: flags.sources === undefined ? undefined : wholeNumber(flags, 'sources', 0, GENERATE_USAGE),
      });
      const generatedMs = performance.now() - started;
      const relationships = data.relationships.length + data.mentions.reduce((n, m) => n + m.entities.length, 0);
      console.error(
        `Generated ${data.entities.length} entities, ${data.sources.length} sources, ${relationships} relationships in ${(generatedMs / 1000).toFixed(1)}s`,
      );
      const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
      try {
        const loadStarted = performance.now();
        let groupStarted = loadStarted;
        const result = await loadGraph(opened.graph.db(), data, {
          batchSize: wholeNumber(flags, 'batch-size', 5000, GENERATE_USAGE) || 5000,
          concurrency: wholeNumber(flags, 'concurrency', 2, GENERATE_USAGE) || 1,
          onProgress: (p) => {
            const done = p.done === p.total;
            const took = done ? ` in ${((performance.now() - groupStarted) / 1000).toFixed(1)}s\n` : '';
            process.stderr.write(`\r  ${p.phase} ${p.group}: ${p.done}/${p.total}${took}`);
            if (done) groupStarted = performance.now();
          },
        });
        const loadMs = performance.now() - loadStarted;
        console.log(`Loaded into ${opened.uri} in ${(loadMs / 1000).toFixed(1)}s: ${JSON.stringify(result)}`);
      } finally {
        await opened.close();
      }
      return;
    }
    case 'import': {
      const { runImportCommand } = await import('./import/cli.js');
      return runImportCommand(config, logger, args);
    }
    case 'export': {
      // `--around`: a neighbourhood of the graph for analysts' tools; otherwise a generated import file.
      const { runNeighborhoodExport, NEIGHBORHOOD_EXPORT_USAGE } = await import('./export/cli.js');
      if (args.includes('--around')) return runNeighborhoodExport(config, logger, args);
      const { runExportCommand, EXPORT_USAGE } = await import('./import/cli.js');
      if (!args.includes('--entities')) {
        console.error(`Usage: ${NEIGHBORHOOD_EXPORT_USAGE}\n   or: ${EXPORT_USAGE}`);
        process.exit(2);
      }
      return runExportCommand(args);
    }
    case 'query': {
      const { runQueryCommand } = await import('./cli/query.js');
      return runQueryCommand(config, logger, args);
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
      console.error(
        `Unknown command "${command}". Commands: serve, print-schema, seed, generate, import, export, query, neo4j:start, neo4j:stop`,
      );
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
