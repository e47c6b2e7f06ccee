/** `import` and `export` commands: flags, output and exit codes (main.ts dispatches here). */
import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { openGraph } from '../open-graph.js';
import { importedChange, importedLabels } from '../live/changes.js';
import { exportGraphData } from './export-file.js';
import { DEFAULT_IMPORT_BATCH_SIZE, importFile, type ImportReport } from './import-file.js';
import { ImportFileError, formatOf, type ImportFormat } from './read-records.js';

export const IMPORT_USAGE =
  'import <file.ndjson|file.jsonl|file.json|file.csv> [--batch-size 2000] [--skip-invalid] [--format ndjson|csv] [--no-resume] [--checkpoint-dir .data/import-checkpoints]';
export const EXPORT_USAGE =
  'export --entities 1000 --out file.ndjson|file.csv [--seed 42] [--prefix gen] [--sources N]';

/** Test hook: after this many committed batches the process kills itself (SIGKILL), as a crash would. */
const CRASH_AFTER_BATCHES = 'STARGRAPH_IMPORT_CRASH_AFTER_BATCHES';
/**
 * Test hook for the hard points: `written:N` kills the process inside batch N's transaction
 * before its commit, `committed:N` after the commit but before its checkpoint. Unset: inert.
 */
const CRASH_AT = 'STARGRAPH_IMPORT_CRASH_AT';

function crashHook(): ((point: string, batch: number) => void) | undefined {
  const spec = process.env[CRASH_AT];
  if (!spec) return undefined;
  const match = /^(written|committed):([1-9]\d*)$/.exec(spec);
  if (!match) usage(`${CRASH_AT} must be written:N or committed:N`, IMPORT_USAGE);
  return (point, batch) => {
    if (point === match[1] && batch === Number(match[2])) process.kill(process.pid, 'SIGKILL');
  };
}

function usage(message: string, text: string): never {
  console.error(`${message}\nUsage: ${text}`);
  process.exit(2);
}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(args: string[], valued: string[], boolean: string[], text: string): Parsed {
  const parsed: Parsed = { positional: [], flags: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (boolean.includes(name)) parsed.flags.set(name, true);
    else if (valued.includes(name) && args[i + 1] !== undefined) parsed.flags.set(name, args[++i]!);
    else usage(`Unknown or incomplete flag ${arg}`, text);
  }
  return parsed;
}

function wholeNumber(parsed: Parsed, name: string, fallback: number, text: string): number {
  const raw = parsed.flags.get(name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) usage(`--${name} must be a whole number`, text);
  return value;
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

export async function runImportCommand(config: Config, logger: Logger, args: string[]): Promise<void> {
  const parsed = parseArgs(
    args,
    ['batch-size', 'format', 'checkpoint-dir'],
    ['skip-invalid', 'no-resume'],
    IMPORT_USAGE,
  );
  const [file, ...extra] = parsed.positional;
  if (!file || extra.length > 0) usage('Name exactly one file to import', IMPORT_USAGE);
  if (!existsSync(file)) usage(`No such file: ${file}`, IMPORT_USAGE);
  const formatFlag = parsed.flags.get('format');
  if (formatFlag !== undefined && formatFlag !== 'ndjson' && formatFlag !== 'csv')
    usage('--format must be ndjson or csv', IMPORT_USAGE);
  const format = (formatFlag as ImportFormat | undefined) ?? formatOf(file);
  if (!format) usage(`Cannot tell the format of ${file} from its name`, IMPORT_USAGE);
  const crashAfter = Number(process.env[CRASH_AFTER_BATCHES] ?? 0);
  const crashAt = crashHook();

  const opened = await openGraph({ ...config, seedOnEmpty: false }, logger);
  // With REDIS_URL, each committed batch reaches the API replicas: their subscribers hear
  // IMPORTED and their shared response cache drops what the batch touched. Without it this
  // process has no way to reach them (see README, "Live").
  const live = config.live.redisUrl ? await openLiveForImport(config, logger) : undefined;
  try {
    const report = await importFile(opened.graph.db(), file, {
      format,
      batchSize:
        wholeNumber(parsed, 'batch-size', DEFAULT_IMPORT_BATCH_SIZE, IMPORT_USAGE) || DEFAULT_IMPORT_BATCH_SIZE,
      skipInvalid: parsed.flags.has('skip-invalid'),
      resume: !parsed.flags.has('no-resume'),
      checkpointDir: parsed.flags.get('checkpoint-dir') as string | undefined,
      onBatchCommitted: live
        ? ({ result, data }) => live.publish(importedChange(result, importedLabels(data), data.sources.length > 0))
        : undefined,
      afterBatch: (batches) => {
        if (crashAfter > 0 && batches >= crashAfter) process.kill(process.pid, 'SIGKILL');
      },
      atBatchPoint: crashAt,
    });
    if (report.resumedAfterLine > 0)
      console.error(`Resumed after line ${report.resumedAfterLine} (checkpoint of an earlier run).`);
    if (report.ignoredCheckpoint) {
      const why =
        report.ignoredCheckpoint.reason === 'no-resume'
          ? '--no-resume was given'
          : 'the file changed since (size or modification time)';
      console.error(
        `Started over from line 1: a checkpoint of an earlier run (after line ${report.ignoredCheckpoint.lastLine}) was not used because ${why}.`,
      );
    }
    if (report.aborted) {
      console.error(
        `${report.invalidCount} invalid record(s) in ${file}; nothing was written (fix them, or pass --skip-invalid):`,
      );
      printReport(report);
      process.exitCode = 1;
      return;
    }
    if (report.invalidCount > 0) console.error(`Skipped ${report.invalidCount} invalid record(s):`);
    printReport(report);
  } catch (error) {
    if (error instanceof ImportFileError) {
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await live?.close();
    await opened.close();
  }
}

async function openLiveForImport(config: Config, logger: Logger) {
  const [{ createLiveGraph }, { schemaDerivedTypes }] = await Promise.all([
    import('../live/live-graph.js'),
    import('../live/derived-types.js'),
  ]);
  return createLiveGraph(config.live, logger, schemaDerivedTypes());
}

export async function runExportCommand(args: string[]): Promise<void> {
  const parsed = parseArgs(args, ['entities', 'out', 'seed', 'prefix', 'sources'], [], EXPORT_USAGE);
  const out = parsed.flags.get('out');
  const entities = wholeNumber(parsed, 'entities', 0, EXPORT_USAGE);
  if (typeof out !== 'string' || entities < 10) usage('--out and --entities (at least 10) are required', EXPORT_USAGE);
  const format = formatOf(out);
  if (!format) usage('--out must end in .ndjson, .jsonl, .json or .csv', EXPORT_USAGE);
  const { generateGraph } = await import('../graph/generator.js');
  const data = generateGraph({
    entities,
    seed: wholeNumber(parsed, 'seed', 42, EXPORT_USAGE),
    prefix: (parsed.flags.get('prefix') as string | undefined) ?? 'gen',
    sources: parsed.flags.has('sources') ? wholeNumber(parsed, 'sources', 0, EXPORT_USAGE) : undefined,
  });
  const records = await exportGraphData(data, out, format);
  console.log(`Wrote ${records} records to ${out}`);
}
