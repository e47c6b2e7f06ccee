/**
 * `npm run export -- --around <slug|id> [--depth 1] [--limit 200] [--types LEADS,PARTY_TO]
 *   --format graphml|csv|ndjson [--out FILE|DIR] [--part nodes|edges]`:
 * a neighbourhood as a file, through the same code as `GET /export` (src/plugins/use-export.ts).
 * GraphML and NDJSON go to FILE (stdout without --out); CSV writes DIR/nodes.csv and
 * DIR/edges.csv, or one part to stdout with --part.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { StargraphError } from '../errors.js';
import type { Logger } from '../logger.js';
import { openGraph } from '../open-graph.js';
import { type ExportParameters, parseExportParameters } from '../plugins/use-export.js';
import { exportDocument } from './formats.js';
import { exportNeighborhood } from './neighborhood-export.js';

export const NEIGHBORHOOD_EXPORT_USAGE =
  'export --around <slug|id> [--depth 1] [--limit 200] [--types LEADS,PARTY_TO] [--format graphml|csv|ndjson] [--out FILE|DIR] [--part nodes|edges]';

const FLAGS = ['around', 'depth', 'limit', 'types', 'format', 'out', 'part'];

function usage(message: string): never {
  console.error(`${message}\nUsage: ${NEIGHBORHOOD_EXPORT_USAGE}`);
  process.exit(2);
}

export async function runNeighborhoodExport(config: Config, logger: Logger, args: string[]): Promise<void> {
  const params = new URLSearchParams();
  let out: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.startsWith('--') ? args[i]!.slice(2) : '';
    const value = args[i + 1];
    if (!FLAGS.includes(name) || value === undefined) usage(`Unknown or incomplete argument ${args[i] ?? ''}`);
    if (name === 'out') out = value;
    else params.append(name, value);
  }
  // CSV into a directory writes both parts; everywhere else the checks are the endpoint's.
  const csvToDir = params.get('format') === 'csv' && out !== undefined;
  if (csvToDir && params.has('part'))
    usage('With --format csv and --out DIR both nodes.csv and edges.csv are written: drop --part');
  if (csvToDir) params.set('part', 'nodes');
  let parsed: ExportParameters;
  try {
    parsed = parseExportParameters(params);
  } catch (error) {
    if (error instanceof StargraphError) usage(error.message);
    throw error;
  }

  const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
  try {
    const stats = { roundTrips: 0, dbTimeMs: 0 };
    const ctx: Context = {
      config,
      db: opened.graph.db(stats),
      stats,
      auth: { authenticated: false, invalid: false, scopes: new Set(['read']) },
      loaders: new Map(),
    };
    const data = await exportNeighborhood(ctx, parsed);
    const summary = `${data.nodes.length} entities, ${data.relationships.length} relationships within ${data.depth} hops of ${data.center.slug}`;
    if (data.truncated)
      console.error(
        `Truncated at --limit ${parsed.limit ?? 'default'}: more entities were within reach (raise --limit, up to MAX_NEIGHBORHOOD_LIMIT).`,
      );
    if (csvToDir) {
      mkdirSync(out!, { recursive: true });
      writeFileSync(join(out!, 'nodes.csv'), exportDocument(data, 'csv', 'nodes').body);
      writeFileSync(join(out!, 'edges.csv'), exportDocument(data, 'csv', 'edges').body);
      console.error(`Wrote ${summary} to ${join(out!, 'nodes.csv')} and ${join(out!, 'edges.csv')}`);
    } else {
      const document = exportDocument(data, parsed.format, parsed.part);
      if (out) {
        writeFileSync(out, document.body);
        console.error(`Wrote ${summary} to ${out}`);
      } else {
        process.stdout.write(document.body);
      }
    }
  } catch (error) {
    if (error instanceof StargraphError) {
      console.error(`${String(error.extensions.code)}: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await opened.close();
  }
}
