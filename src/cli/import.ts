/**
 * `npm run import -- <file>`: validates a JSON Lines or CSV file, then writes it in batches with
 * checkpoints (src/import/import-file.ts). A `.json` file holding one graph-data document (the
 * seed's format, or a history export with `claims`) is loaded whole by the bulk loader. Invalid records are listed on stderr; the summary is
 * one JSON line on stdout. Exit 1 when records are invalid (nothing written) or a batch fails.
 *
 * Crash-test hooks, inert unless set: `STARGRAPH_IMPORT_CRASH_AFTER_BATCHES=N` SIGKILLs the process
 * after N committed batches; `STARGRAPH_IMPORT_CRASH_AT=written:N` SIGKILLs inside batch N's
 * transaction before its commit, `committed:N` after its commit but before its checkpoint.
 */
import { existsSync } from 'node:fs';
import { importedChange, importedLabels } from '../live/changes.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { DEFAULT_CHECKPOINT_DIR } from '../import/checkpoint.js';
import { DEFAULT_IMPORT_BATCH_SIZE, type ImportOptions, type ImportReport, importFile } from '../import/import-file.js';
import { ImportFileError, type ImportFormat, formatOf } from '../import/read-records.js';
import { openGraph, type OpenGraph } from '../open-graph.js';
import { readFile, stat } from 'node:fs/promises';
import { loadGraph, type GraphData } from '../graph/bulk-load.js';
import { GraphDataError } from '../graph/record-rules.js';
import { type CommandContext, parseCommandArgs, UsageError, wholeNumber } from './args.js';

export const IMPORT_USAGE =
  `import <file.ndjson|file.jsonl|file.json|file.csv> [--batch-size ${DEFAULT_IMPORT_BATCH_SIZE}] [--skip-invalid] ` +
  `[--format ndjson|csv] [--no-resume] [--checkpoint-dir ${DEFAULT_CHECKPOINT_DIR}]`;

const CRASH_AFTER_BATCHES = 'STARGRAPH_IMPORT_CRASH_AFTER_BATCHES';
const CRASH_AT = 'STARGRAPH_IMPORT_CRASH_AT';

export interface ImportCommand {
  file: string;
  options: Pick<ImportOptions, 'format' | 'batchSize' | 'skipInvalid' | 'resume' | 'checkpointDir'>;
}

/** The file and options of an import; a missing file or an unknown format is a usage error. */
export function parseImportArgs(args: string[]): ImportCommand {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      options: {
        'batch-size': { type: 'string' },
        format: { type: 'string' },
        'checkpoint-dir': { type: 'string' },
        'skip-invalid': { type: 'boolean' },
        'no-resume': { type: 'boolean' },
      },
      allowPositionals: true,
    },
    IMPORT_USAGE,
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('Name exactly one file to import', IMPORT_USAGE);
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`, IMPORT_USAGE);
  if (values.format !== undefined && values.format !== 'ndjson' && values.format !== 'csv')
    throw new UsageError('--format must be ndjson or csv', IMPORT_USAGE);
  const format = (values.format as ImportFormat | undefined) ?? formatOf(file);
  if (!format) throw new UsageError(`Cannot tell the format of ${file} from its name`, IMPORT_USAGE);
  const batchSize = wholeNumber(values['batch-size'], 'batch-size', DEFAULT_IMPORT_BATCH_SIZE, IMPORT_USAGE);
  return {
    file,
    options: {
      format,
      // 0 means "the default".
      batchSize: batchSize || DEFAULT_IMPORT_BATCH_SIZE,
      skipInvalid: values['skip-invalid'] ?? false,
      resume: !values['no-resume'],
      checkpointDir: values['checkpoint-dir'],
    },
  };
}

/** The crash-test hooks of the environment (see the header); undefined when unset. */
function crashHooks(): Pick<ImportOptions, 'afterBatch' | 'atBatchPoint'> {
  const crashAfter = Number(process.env[CRASH_AFTER_BATCHES] ?? 0);
  const spec = process.env[CRASH_AT];
  const match = spec ? /^(written|committed):([1-9]\d*)$/.exec(spec) : null;
  if (spec && !match) throw new UsageError(`${CRASH_AT} must be written:N or committed:N`, IMPORT_USAGE);
  return {
    afterBatch: (batches) => {
      if (crashAfter > 0 && batches >= crashAfter) process.kill(process.pid, 'SIGKILL');
    },
    atBatchPoint: match
      ? (point, batch) => {
          if (point === match[1] && batch === Number(match[2])) process.kill(process.pid, 'SIGKILL');
        }
      : undefined,
  };
}

/**
 * A `.json` file holding one graph-data document (the seed's format, or a history export with its
 * `claims`) rather than JSON Lines; null otherwise.
 */
async function graphDataFile(file: string): Promise<GraphData | null> {
  if (!file.toLowerCase().endsWith('.json') || (await stat(file)).size > 512 * 1024 * 1024) return null;
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<GraphData> & { type?: unknown };
    if (value === null || typeof value !== 'object' || value.type !== undefined || !Array.isArray(value.entities))
      return null;
    return { relationships: [], sources: [], mentions: [], ...value } as GraphData;
  } catch {
    return null;
  }
}

/** Loads a graph-data document with the bulk loader (validated whole, written in batches). */
async function importGraphDataFile(opened: OpenGraph, file: string, data: GraphData, batchSize: number) {
  try {
    const result = await loadGraph(opened.graph.db(), data, {
      batchSize,
      onProgress: (p) => console.error(`${p.phase} ${p.group}: ${p.done}/${p.total}`),
    });
    console.log(JSON.stringify({ file, ...result, claims: data.claims?.length ?? 0 }));
  } catch (error) {
    if (!(error instanceof GraphDataError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

export async function runImport(args: string[], { config, logger }: CommandContext): Promise<void> {
  const { file, options } = parseImportArgs(args);
  const hooks = crashHooks();
  const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
  const document = await graphDataFile(file);
  if (document) {
    try {
      return await importGraphDataFile(opened, file, document, options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE);
    } finally {
      await opened.close();
    }
  }
  // With REDIS_URL, each committed batch reaches the API replicas: their subscribers hear
  // IMPORTED and their shared response cache drops what the batch touched. Without it this
  // process has no way to reach them (see README, "Live").
  const live = config.live.redisUrl ? await openLiveForImport(config, logger) : undefined;
  try {
    const report = await importFile(opened.graph.db(), file, {
      ...options,
      ...hooks,
      onBatchCommitted: live
        ? ({ result, data }) => live.publish(importedChange(result, importedLabels(data), data.sources.length > 0))
        : undefined,
    });
    printOutcome(file, report);
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await live?.close();
    await opened.close();
  }
}

/** How the run started (resumed, or started over), then the invalid records and the summary. */
function printOutcome(file: string, report: ImportReport): void {
  if (report.resumedAfterLine > 0)
    console.error(`Resumed after line ${report.resumedAfterLine} (checkpoint of an earlier run).`);
  if (report.ignoredCheckpoint) {
    const why =
      report.ignoredCheckpoint.reason === 'no-resume'
        ? '--no-resume was given'
        : 'the file changed since (size or modification time)';
    console.error(
      `Started over from line 1: a checkpoint of an earlier run (after line ${report.ignoredCheckpoint.lastLine}) ` +
        `was not used because ${why}.`,
    );
  }
  if (report.aborted) {
    console.error(
      `${report.invalidCount} invalid record(s) in ${file}; nothing was written (fix them, or pass --skip-invalid):`,
    );
    process.exitCode = 1;
  } else if (report.invalidCount > 0) console.error(`Skipped ${report.invalidCount} invalid record(s):`);
  printReport(report);
}

function printReport(report: ImportReport): void {
  for (const p of report.invalid) console.error(`  line ${p.line}: ${p.error}`);
  if (report.invalidCount > report.invalid.length)
    console.error(`  ... and ${report.invalidCount - report.invalid.length} more invalid records`);
  const summary = {
    records: report.records,
    invalid: report.invalidCount,
    written: report.written,
    batches: report.batches,
    resumedAfterLine: report.resumedAfterLine,
    startedOver: report.ignoredCheckpoint?.reason ?? null,
    created: report.created,
    updated: report.updated,
    validateSeconds: +(report.validateMs / 1000).toFixed(2),
    writeSeconds: +(report.writeMs / 1000).toFixed(2),
    rowsPerSecond: Math.round(report.rowsPerSecond),
  };
  console.log(JSON.stringify(summary));
}

async function openLiveForImport(config: Config, logger: Logger) {
  const [{ createLiveGraph }, { schemaDerivedTypes }] = await Promise.all([
    import('../live/live-graph.js'),
    import('../live/derived-types.js'),
  ]);
  return createLiveGraph(config.live, logger, schemaDerivedTypes());
}
