/**
 * The command line: `tsx src/main.ts <command> [arguments]` (the npm scripts), `serve` when none
 * is named. Each command lives in src/cli/ and parses its own arguments; here the configuration
 * is read from the environment and mistakes become exit codes: 2 for a bad command line or
 * configuration, 1 for a failure.
 */
import { HelpRequested, type CommandContext, UsageError } from './cli/args.js';
import { ConfigError, parseConfig } from './config.js';
import { createLogger } from './logger.js';
import { LocalNeo4jError } from './neo4j/local-server.js';

type Command = (args: string[], context: CommandContext) => Promise<void>;

/** Every command, loaded when run so that one command does not pay for another's imports. */
const COMMANDS: Record<string, Command> = {
  serve: async (args, c) => (await import('./cli/serve.js')).runServe(args, c),
  'print-schema': async (args) => (await import('./cli/print-schema.js')).runPrintSchema(args),
  seed: async (args, c) => (await import('./cli/seed.js')).runSeed(args, c),
  generate: async (args, c) => (await import('./cli/generate.js')).runGenerate(args, c),
  import: async (args, c) => (await import('./cli/import.js')).runImport(args, c),
  export: async (args, c) => (await import('./cli/export.js')).runExport(args, c),
  ingest: async (args, c) => (await import('./cli/ingest.js')).runIngest(args, c),
  query: async (args, c) => (await import('./cli/query.js')).runQuery(args, c),
  'repair-page-keys': async (args, c) => (await import('./cli/repair-page-keys.js')).runRepairPageKeys(args, c),
  'neo4j:start': async (args, c) => (await import('./cli/neo4j.js')).runNeo4jStart(args, c),
  'neo4j:stop': async (args, c) => (await import('./cli/neo4j.js')).runNeo4jStop(args, c),
};

async function main(): Promise<void> {
  const [name = 'serve', ...args] = process.argv.slice(2);
  const config = parseConfig();
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
    process.exit(2);
  }
  await command(args, { config, logger: createLogger(config.logLevel) });
}

main().catch((error: unknown) => {
  if (error instanceof HelpRequested) {
    console.log(`Usage: ${error.usage}`);
    process.exit(0);
  }
  if (error instanceof UsageError) console.error(`${error.message}\nUsage: ${error.usage}`);
  else if (error instanceof ConfigError || error instanceof LocalNeo4jError) console.error(error.message);
  else console.error(error);
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
});
