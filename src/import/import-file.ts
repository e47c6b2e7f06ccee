/**
 * Imports a JSON Lines or CSV file of any size in two streaming passes:
 *
 * 1. Validate every record (format, values, duplicates, references, kinds already in the graph,
 *    entity ids another slug holds) and report invalid ones by line number. By default nothing
 *    is written if any is invalid; `skipInvalid` writes the rest (and also skips rows naming a
 *    skipped entity). A mention or cite listed twice is no error: it is written once.
 * 2. Write the valid records in batches, one transaction per batch, with the bulk loader's
 *    UNWIND + MERGE statements (idempotent: re-running changes nothing). After each commit a
 *    checkpoint records the last line written; a re-run after a crash resumes after it.
 *
 * References are resolved by ORDER: a relationship or mention may name an entity or source
 * defined on an EARLIER line of the file (or already in the graph). One named only later is
 * reported as invalid, never written as a dangling edge. Memory grows with the number of
 * distinct slugs and source ids (a set of keys), not with the file's size.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../neo4j/db.js';
import {
  writeGraphData,
  type EntityRecord,
  type GraphData,
  type LoadCounts,
  type LoadResult,
  type RelationshipRecord,
  type SourceRecord,
} from '../graph/bulk-load.js';
import type { RELATIONSHIPS, EntityLabel } from '../graph/model.js';
import { endpointAllowed, endpointProblem } from '../graph/write-input.js';
import { checkKindConflicts, findKindConflicts } from '../graph/writes.js';
import {
  DEFAULT_CHECKPOINT_DIR,
  checkpointPath,
  clearCheckpoint,
  readCheckpoint,
  sameFile,
  writeCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import { Progress, type ProgressOutput } from './progress.js';
import { formatOf, readRecords, ImportFileError, type ImportFormat } from './read-records.js';
import type { ImportRecord } from './records.js';

export const DEFAULT_IMPORT_BATCH_SIZE = 2_000;
/** Invalid rows listed in the report (all of them are counted and skipped). */
const MAX_REPORTED_PROBLEMS = 1_000;
const LOOKUP_BATCH = 5_000;
const BATCH_TIMEOUT_MS = 300_000;

export interface ImportOptions {
  format?: ImportFormat;
  batchSize?: number;
  skipInvalid?: boolean;
  /** Where checkpoints live (default `.data/import-checkpoints`). */
  checkpointDir?: string;
  /** Resume from a checkpoint if one exists for this file (default true). */
  resume?: boolean;
  /** Progress output (default stderr); false for none. */
  progress?: ProgressOutput | false;
  /** Called after each batch has committed and its checkpoint is on disk (crash tests hook here). */
  afterBatch?: (batches: number, checkpoint: Checkpoint) => void;
  /** Awaited after each batch commits, with what it wrote (the CLI announces IMPORTED here). */
  onBatchCommitted?: (batch: { result: LoadResult; data: GraphData }) => Promise<void>;
  /**
   * Crash tests only: called at the two hard points of batch `batch` (1-based, this run):
   * `written` inside its transaction after its statements ran but BEFORE the commit, and
   * `committed` after the commit but BEFORE its checkpoint is written.
   */
  atBatchPoint?: (point: ImportBatchPoint, batch: number) => void;
}

export type ImportBatchPoint = 'written' | 'committed';

export interface ImportProblem {
  line: number;
  error: string;
}

export interface ImportReport {
  file: string;
  format: ImportFormat;
  /** Records in the file (valid or not). */
  records: number;
  invalidCount: number;
  /** The first MAX_REPORTED_PROBLEMS invalid records, by line. */
  invalid: ImportProblem[];
  /** True when nothing was written because of invalid records (no `skipInvalid`). */
  aborted: boolean;
  /** Line after which this run resumed (0: from the start). */
  resumedAfterLine: number;
  /**
   * Why a checkpoint of an earlier run was NOT used, when there was one: the file changed since
   * (size or mtime), or `resume: false`. The import then started over from line 1.
   */
  ignoredCheckpoint?: { reason: 'file-changed' | 'no-resume'; lastLine: number };
  /** Records written by this run (re-applied records count; they change nothing). */
  written: number;
  batches: number;
  created: LoadCounts;
  updated: LoadCounts;
  validateMs: number;
  writeMs: number;
  /** Records written per second in the write pass. */
  rowsPerSecond: number;
}

const zero = (): LoadCounts => ({ entities: 0, sources: 0, relationships: 0 });

interface Reference {
  line: number;
  key: string;
  kind: 'entity' | 'source';
  /** For relationship endpoints: which type and end, to check the kind. */
  relationship?: keyof typeof RELATIONSHIPS;
  end?: 'from' | 'to';
}

/** Pass 1: every record checked; returns the invalid lines and how many records there are. */
async function validateFile(
  db: Db,
  file: string,
  format: ImportFormat,
  skipInvalid: boolean,
  progress: ProgressOutput | false,
) {
  const invalid = new Map<number, string>();
  const entities = new Map<string, { label: EntityLabel; line: number }>();
  const sources = new Map<string, number>();
  /** Entity ids given in the file (they must be unique, like slugs). */
  const entityIds = new Map<string, number>();
  const relationshipKeys = new Set<string>();
  const unresolved: Reference[] = [];
  let fileEntities: Array<{ slug: string; label: EntityLabel; line: number; id: string | null }> = [];
  const conflicted = new Set<string>();
  let records = 0;
  const mark = (line: number, error: string) => {
    if (!invalid.has(line)) invalid.set(line, error);
  };

  // Against the graph, a batch of entity rows at a time: a slug that names another kind, or an
  // id that another slug already has (the write would fail on the entity_id constraint). An id
  // only matters when the slug is new: an existing entity keeps its id.
  const flushConflicts = async () => {
    if (fileEntities.length === 0) return;
    const read = (cypher: string, params?: Record<string, unknown>) => db.read(cypher, params);
    for (const c of await findKindConflicts(read, fileEntities)) {
      mark(
        c.line!,
        `slug ${c.slug} already names a ${c.existing} in the graph; an import never changes an entity's kind`,
      );
      conflicted.add(c.slug);
    }
    const withIds = fileEntities.filter((e) => e.id !== null);
    if (withIds.length > 0) {
      const rows = await db.read(
        `UNWIND $rows AS row
         MATCH (n:Entity {id: row.id}) WHERE n.slug <> row.slug AND NOT EXISTS { MATCH (:Entity {slug: row.slug}) }
         RETURN row.line AS line, row.id AS id, row.slug AS slug, n.slug AS existing`,
        { rows: withIds },
      );
      for (const r of rows) {
        mark(
          Number(r.line),
          `id ${String(r.id)} is already the id of ${String(r.existing)} in the graph; give ${String(r.slug)} another id, or none`,
        );
        conflicted.add(String(r.slug));
      }
    }
    fileEntities = [];
  };

  const entityRef = (line: number, slug: string, relationship?: Reference['relationship'], end?: Reference['end']) => {
    const known = entities.get(slug);
    if (!known) {
      unresolved.push({ line, key: slug, kind: 'entity', relationship, end });
      return;
    }
    if (relationship && end && !endpointAllowed(relationship, end, known.label))
      mark(line, `${end}: ${endpointProblem(relationship, end, known.label)}`);
  };
  const sourceRef = (line: number, id: string) => {
    if (!sources.has(id)) unresolved.push({ line, key: id, kind: 'source' });
  };

  for await (const { line, record, error } of readRecords(file, format)) {
    records++;
    if (progress !== false && progress.isTTY && records % 10_000 === 0)
      progress.write(`\r\x1b[2Kvalidating: ${records.toLocaleString('en-US')} records`);
    if (!record) {
      mark(line, error ?? 'invalid');
      continue;
    }
    switch (record.type) {
      case 'entity': {
        const first = entities.get(record.slug);
        if (first) {
          mark(line, `slug ${record.slug} was already defined on line ${first.line}`);
          break;
        }
        if (record.id !== undefined) {
          const idLine = entityIds.get(record.id);
          if (idLine !== undefined) {
            mark(line, `id ${record.id} was already used on line ${idLine}`);
            break;
          }
          entityIds.set(record.id, line);
        }
        entities.set(record.slug, { label: record.label, line });
        fileEntities.push({ slug: record.slug, label: record.label, line, id: record.id ?? null });
        if (fileEntities.length >= LOOKUP_BATCH) await flushConflicts();
        break;
      }
      case 'source': {
        const first = sources.get(record.id);
        if (first) {
          mark(line, `source ${record.id} was already defined on line ${first}`);
          break;
        }
        for (const cited of record.cites ?? []) sourceRef(line, cited);
        sources.set(record.id, line);
        break;
      }
      case 'relationship': {
        const key = `${record.from}\u0000${record.relationship}\u0000${record.to}`;
        if (relationshipKeys.has(key)) {
          mark(line, `${record.from} -${record.relationship}-> ${record.to} is listed twice`);
          break;
        }
        relationshipKeys.add(key);
        entityRef(line, record.from, record.relationship, 'from');
        entityRef(line, record.to, record.relationship, 'to');
        break;
      }
      case 'mention':
        sourceRef(line, record.source);
        entityRef(line, record.entity);
        break;
    }
  }
  await flushConflicts();
  if (progress !== false && progress.isTTY) progress.write('\r\x1b[2K');

  // References to keys not defined earlier: defined later (an ordering error) or in the graph.
  for (let i = 0; i < unresolved.length; i += LOOKUP_BATCH) {
    const chunk = unresolved.slice(i, i + LOOKUP_BATCH);
    const slugs = [...new Set(chunk.filter((r) => r.kind === 'entity').map((r) => r.key))];
    const ids = [...new Set(chunk.filter((r) => r.kind === 'source').map((r) => r.key))];
    const inGraph = new Map<string, string>();
    if (slugs.length > 0) {
      for (const r of await db.read(
        `UNWIND $slugs AS slug MATCH (n:Entity {slug: slug}) RETURN slug, [l IN labels(n) WHERE l <> 'Entity'][0] AS label`,
        { slugs },
      ))
        inGraph.set(`e:${String(r.slug)}`, String(r.label));
    }
    if (ids.length > 0) {
      for (const r of await db.read('UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN id', { ids }))
        inGraph.set(`s:${String(r.id)}`, 'Source');
    }
    for (const ref of chunk) {
      const label = inGraph.get(`${ref.kind === 'entity' ? 'e' : 's'}:${ref.key}`);
      const later = ref.kind === 'entity' ? entities.get(ref.key)?.line : sources.get(ref.key);
      if (label === undefined) {
        mark(
          ref.line,
          later && later > ref.line
            ? `${ref.kind} ${ref.key} is defined later, on line ${later}: put ${ref.kind === 'entity' ? 'entities' : 'sources'} before the records that name them`
            : `no ${ref.kind} ${ref.key} on an earlier line or in the graph`,
        );
      } else if (ref.relationship && ref.end && !endpointAllowed(ref.relationship, ref.end, label)) {
        mark(ref.line, `${ref.end}: ${endpointProblem(ref.relationship, ref.end, label)}`);
      }
    }
  }

  // Skipping an entity (kind or id conflict) also skips the rows that name it, so none can attach to
  // the other-kind node already in the graph. Needs one more pass, only in that case.
  if (skipInvalid && conflicted.size > 0) {
    for await (const { line, record } of readRecords(file, format)) {
      if (!record || invalid.has(line)) continue;
      const names =
        record.type === 'relationship' ? [record.from, record.to] : record.type === 'mention' ? [record.entity] : [];
      const hit = names.find((slug) => conflicted.has(slug));
      if (hit) mark(line, `names ${hit}, whose entity row was skipped`);
    }
  }
  return { invalid, records };
}

/** One batch of records → the bulk loader's GraphData. */
function toGraphData(batch: ImportRecord[]): GraphData {
  const data: GraphData = { entities: [], relationships: [], sources: [], mentions: [] };
  const mentions = new Map<string, string[]>();
  for (const record of batch) {
    switch (record.type) {
      case 'entity': {
        const { type: _t, id, ...rest } = record;
        data.entities.push({ ...rest, id: id ?? randomUUID() } as EntityRecord);
        break;
      }
      case 'source': {
        const { type: _t, ...rest } = record;
        data.sources.push(rest as SourceRecord);
        break;
      }
      case 'relationship':
        data.relationships.push({
          type: record.relationship,
          from: record.from,
          to: record.to,
          properties: (record.properties ?? {}) as RelationshipRecord['properties'],
        });
        break;
      case 'mention':
        if (!mentions.has(record.source)) mentions.set(record.source, []);
        mentions.get(record.source)!.push(record.entity);
        break;
    }
  }
  data.mentions = [...mentions].map(([source, entities]) => ({ source, entities }));
  return data;
}

export async function importFile(db: Db, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const format = options.format ?? formatOf(file);
  if (!format)
    throw new ImportFileError(
      `Cannot tell the format of ${file}: use .ndjson/.jsonl/.json (JSON Lines) or .csv, or --format`,
    );
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE);
  const progressOut = options.progress === undefined ? process.stderr : options.progress;
  const report: ImportReport = {
    file,
    format,
    records: 0,
    invalidCount: 0,
    invalid: [],
    aborted: false,
    resumedAfterLine: 0,
    written: 0,
    batches: 0,
    created: zero(),
    updated: zero(),
    validateMs: 0,
    writeMs: 0,
    rowsPerSecond: 0,
  };

  const validateStarted = performance.now();
  const { invalid, records } = await validateFile(db, file, format, options.skipInvalid ?? false, progressOut);
  report.validateMs = performance.now() - validateStarted;
  report.records = records;
  report.invalidCount = invalid.size;
  report.invalid = [...invalid]
    .sort(([a], [b]) => a - b)
    .slice(0, MAX_REPORTED_PROBLEMS)
    .map(([line, error]) => ({ line, error }));
  if (invalid.size > 0 && !options.skipInvalid) {
    report.aborted = true;
    return report;
  }

  const { path: checkpointFile, identity } = checkpointPath(file, options.checkpointDir ?? DEFAULT_CHECKPOINT_DIR);
  const found = readCheckpoint(checkpointFile);
  const previous = found && options.resume !== false && sameFile(found, identity) ? found : undefined;
  if (found && !previous)
    report.ignoredCheckpoint = {
      reason: options.resume === false ? 'no-resume' : 'file-changed',
      lastLine: found.lastLine,
    };
  const resumeAfter = previous?.lastLine ?? 0;
  report.resumedAfterLine = resumeAfter;
  const alreadyWritten = resumeAfter > 0 ? (previous?.rowsWritten ?? 0) : 0;
  const toWrite = records - invalid.size;
  const progress = progressOut ? new Progress('importing', toWrite, progressOut, alreadyWritten) : undefined;

  const writeStarted = performance.now();
  let batch: ImportRecord[] = [];
  let batchFirstLine = 0;
  let batchLastLine = 0;
  let rowsWritten = alreadyWritten;
  const flush = async () => {
    if (batch.length === 0) return;
    const data = toGraphData(batch);
    const result = await db
      .writeTransaction(
        async (run) => {
          // The graph may have changed since pass 1: a kind clash still fails the batch, clearly.
          await checkKindConflicts(run, data.entities);
          const written = await writeGraphData({ write: run }, data, { batchSize: Number.MAX_SAFE_INTEGER });
          options.atBatchPoint?.('written', report.batches + 1);
          return written;
        },
        { timeoutMs: BATCH_TIMEOUT_MS },
      )
      .catch((error: unknown) => {
        // Pass 1 checked ids and slugs; a clash now means the graph changed meanwhile.
        if (String((error as { code?: unknown }).code ?? '').includes('ConstraintValidationFailed')) {
          throw new ImportFileError(
            `Lines ${batchFirstLine}-${batchLastLine} were not written: an entity id or slug in them is already taken in the graph ` +
              `(${String((error as Error).message).split('\n')[0]}). Earlier batches are committed; fix the file and run the import again to resume.`,
          );
        }
        throw error;
      });
    options.atBatchPoint?.('committed', report.batches + 1);
    for (const key of ['entities', 'sources', 'relationships'] as const) {
      report.created[key] += result.created[key];
      report.updated[key] += result.updated[key];
    }
    report.written += batch.length;
    rowsWritten += batch.length;
    report.batches++;
    const checkpoint: Checkpoint = {
      ...identity,
      lastLine: batchLastLine,
      batches: (previous && resumeAfter > 0 ? previous.batches : 0) + report.batches,
      rowsWritten,
      updatedAt: new Date().toISOString(),
    };
    writeCheckpoint(checkpointFile, checkpoint);
    batch = [];
    progress?.update(rowsWritten);
    await options.onBatchCommitted?.({ result, data });
    options.afterBatch?.(report.batches, checkpoint);
  };

  for await (const { line, record } of readRecords(file, format)) {
    if (line <= resumeAfter || !record || invalid.has(line)) continue;
    if (batch.length === 0) batchFirstLine = line;
    batch.push(record);
    batchLastLine = line;
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  progress?.finish();
  // Done: the next run of this file starts over (and, being idempotent, changes nothing).
  clearCheckpoint(checkpointFile);
  report.writeMs = performance.now() - writeStarted;
  report.rowsPerSecond = report.writeMs > 0 ? (1000 * report.written) / report.writeMs : 0;
  return report;
}
