/**
 * `npm run export`, three kinds of file:
 * - `--around <slug|id>`: a neighbourhood for analysts' tools, through the same code as
 *   `GET /export` (src/plugins/use-export.ts), today's or `--as-of`/`--known-at` a slice.
 *   GraphML and NDJSON go to FILE (stdout without --out); CSV writes DIR/nodes.csv and
 *   DIR/edges.csv, or one part to stdout with --part.
 * - `--format json [--around <slug|id>]`: the history of a neighbourhood, or of the whole graph,
 *   as an import file with every claim (src/export/history-export.ts).
 * - `--entities N --out FILE`: a generated graph as an import file (src/graph/generator.ts).
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Context } from '../context.js';
import { StargraphError } from '../errors.js';
import { batched, exportDocument, type ExportDocument } from '../export/formats.js';
import { TRAVERSAL_DEFAULTS } from '../graph/traversals.js';
import { exportGraphData } from '../import/export-file.js';
import { formatOf } from '../import/read-records.js';
import { withGraph } from '../open-graph.js';
import { type ExportParameters, parseExportParameters, runExportRequest } from '../plugins/use-export.js';
import { type CommandContext, parseCommandArgs, parseNoArgs, UsageError } from './args.js';
import { GENERATOR_FLAGS, generatorOptions } from './generate.js';

const { depth: DEFAULT_DEPTH, limit: DEFAULT_LIMIT } = TRAVERSAL_DEFAULTS.neighborhood;

const NEIGHBORHOOD_EXPORT_USAGE =
  `export --around <slug|id> [--depth ${DEFAULT_DEPTH}] [--limit ${DEFAULT_LIMIT}] [--types LEADS,PARTY_TO] ` +
  '[--format graphml|csv|ndjson] [--as-of YYYY-MM-DD] [--known-at ISO-INSTANT] [--out FILE|DIR] ' +
  '[--part nodes|edges]\n   or: export --format json [--around <slug|id> --depth N] [--out FILE]   ' +
  '(history with every claim, as an import file; without --around the whole graph)';
const GENERATED_EXPORT_USAGE =
  'export --entities 1000 --out file.ndjson|file.csv [--seed N] [--prefix gen] [--sources N]';
const EXPORT_USAGE = `${NEIGHBORHOOD_EXPORT_USAGE}\n   or: ${GENERATED_EXPORT_USAGE}`;

/** Flags of `--around` but --out: each is the endpoint's query parameter of the same name. */
const NEIGHBORHOOD_FLAGS = {
  around: { type: 'string', multiple: true },
  depth: { type: 'string', multiple: true },
  limit: { type: 'string', multiple: true },
  types: { type: 'string', multiple: true },
  format: { type: 'string', multiple: true },
  part: { type: 'string', multiple: true },
  'as-of': { type: 'string', multiple: true },
  'known-at': { type: 'string', multiple: true },
} as const;

/** The endpoint's name for a flag (`--as-of` → `asOf`). */
const parameterOf = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export async function runExport(args: string[], context: CommandContext): Promise<void> {
  const given = (flag: string) => args.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  if (given('entities')) return runGeneratedExport(args);
  if (given('around') || given('format')) return runNeighborhoodExport(args, context);
  parseNoArgs(args, EXPORT_USAGE);
  throw new UsageError('Give --around (a neighbourhood) or --entities (a generated graph)', EXPORT_USAGE);
}

export interface NeighborhoodExportCommand {
  parameters: ExportParameters;
  out: string | undefined;
  /** CSV into a directory: both nodes.csv and edges.csv. */
  csvToDir: boolean;
}

/** The endpoint's parameters from the flags: the same checks, repeated flags included. */
export function parseNeighborhoodExportArgs(args: string[]): NeighborhoodExportCommand {
  const usage = NEIGHBORHOOD_EXPORT_USAGE;
  const { values } = parseCommandArgs(args, { options: { ...NEIGHBORHOOD_FLAGS, out: { type: 'string' } } }, usage);
  const params = new URLSearchParams();
  for (const flag of Object.keys(NEIGHBORHOOD_FLAGS) as Array<keyof typeof NEIGHBORHOOD_FLAGS>)
    for (const value of values[flag] ?? []) params.append(parameterOf(flag), value);
  const csvToDir = params.get('format') === 'csv' && values.out !== undefined;
  if (csvToDir && params.has('part'))
    throw new UsageError(
      'With --format csv and --out DIR both nodes.csv and edges.csv are written: drop --part',
      usage,
    );
  if (csvToDir) params.set('part', 'nodes');
  try {
    return { parameters: parseExportParameters(params, { wholeGraph: true }), out: values.out, csvToDir };
  } catch (error) {
    if (error instanceof StargraphError) throw new UsageError(error.message, usage);
    throw error;
  }
}

/** Writes the document as it is made, waiting whenever `stream` asks to. */
async function write(document: ExportDocument, stream: Writable): Promise<void> {
  for (const chunk of batched(document.chunks())) if (!stream.write(chunk)) await once(stream, 'drain');
}

async function writeToFile(document: ExportDocument, path: string): Promise<void> {
  const file = createWriteStream(path);
  const failed = once(file, 'error').then(([error]) => Promise.reject(error));
  failed.catch(() => {});
  await Promise.race([write(document, file), failed]);
  file.end();
  await Promise.race([once(file, 'finish'), failed]);
}

async function runNeighborhoodExport(args: string[], { config, logger }: CommandContext): Promise<void> {
  const { parameters, out, csvToDir } = parseNeighborhoodExportArgs(args);
  await withGraph(config, logger, async (opened) => {
    try {
      const stats = { roundTrips: 0, dbTimeMs: 0 };
      const ctx: Context = {
        config,
        db: opened.graph.db(stats),
        stats,
        auth: { authenticated: false, invalid: false, scopes: new Set(['read']) },
        loaders: new Map(),
      };
      const { data, document, headers } = await runExportRequest(ctx, parameters);
      const summary = data
        ? `${data.nodes.length} entities, ${data.relationships.length} relationships ` +
          `within ${data.depth} hops of ${data.center.slug}`
        : `${headers['x-stargraph-nodes']} entities and ${headers['x-stargraph-claims']} claims`;
      if (headers['x-stargraph-truncated'] === 'true')
        console.error(
          `Truncated at --limit ${parameters.limit ?? DEFAULT_LIMIT}: more entities were within reach ` +
            `(raise --limit, up to ${config.limits.maxNeighborhoodLimit}, MAX_NEIGHBORHOOD_LIMIT).`,
        );
      if (csvToDir && data) {
        mkdirSync(out!, { recursive: true });
        await writeToFile(document, join(out!, 'nodes.csv'));
        await writeToFile(exportDocument(data, 'csv', 'edges'), join(out!, 'edges.csv'));
        console.error(`Wrote ${summary} to ${join(out!, 'nodes.csv')} and ${join(out!, 'edges.csv')}`);
        return;
      }
      if (out) {
        await writeToFile(document, out);
        console.error(`Wrote ${summary} to ${out}`);
      } else await write(document, process.stdout);
    } catch (error) {
      if (!(error instanceof StargraphError)) throw error;
      console.error(`${String(error.extensions.code)}: ${error.message}`);
      process.exitCode = 1;
    }
  });
}

async function runGeneratedExport(args: string[]): Promise<void> {
  const usage = GENERATED_EXPORT_USAGE;
  const { values } = parseCommandArgs(args, { options: { ...GENERATOR_FLAGS, out: { type: 'string' } } }, usage);
  const { out } = values;
  if (out === undefined) throw new UsageError('--out and --entities (at least 10) are required', usage);
  const format = formatOf(out);
  if (!format) throw new UsageError('--out must end in .ndjson, .jsonl, .json or .csv', usage);
  const options = generatorOptions(values, usage);
  const { generateGraph } = await import('../graph/generator.js');
  const records = await exportGraphData(generateGraph(options), out, format);
  console.log(`Wrote ${records} records to ${out}`);
}
