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
import type {
  EntityRecord,
  GraphData,
  LoadCounts,
  LoadResult,
  RelationshipRecord,
  SourceRecord,
} from '../graph/bulk-load.js';
import type { RELATIONSHIPS, EntityLabel } from '../graph/model.js';
import { endpointAllowed, endpointProblem } from '../graph/write-input.js';
import { findKindConflicts, writeGraphDataIn } from '../graph/writes.js';
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
import { RecordLedger, type EntityImportRecord, type ImportRecord } from '../graph/record-rules.js';

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

/**
 * Pass 1 of an import: every record checked, in file order, by the rules of record-rules.ts, and
 * against the graph (kinds and ids already taken, references to records not in the file).
 */
class FileValidation {
  readonly invalid = new Map<number, string>();
  records = 0;
  private readonly ledger = new RecordLedger<number>();
  private readonly unresolved: Reference[] = [];
  /** Entity rows not yet checked against the graph. */
  private pendingEntities: Array<{ slug: string; label: EntityLabel; line: number; id: string | null }> = [];
  /** Slugs whose entity row is invalid because of the graph (another kind, or its id taken). */
  readonly conflicted = new Set<string>();

  constructor(private readonly db: Db) {}

  mark(line: number, error: string): void {
    if (!this.invalid.has(line)) this.invalid.set(line, error);
  }

  async check(line: number, record: ImportRecord): Promise<void> {
    switch (record.type) {
      case 'entity':
        return this.checkEntity(line, record);
      case 'source': {
        const first = this.ledger.sources.get(record.id);
        if (first !== undefined) return this.mark(line, `source ${record.id} was already defined on line ${first}`);
        // Cites are resolved before the source is added: a source cannot cite itself.
        for (const cited of record.cites ?? []) this.sourceRef(line, cited);
        this.ledger.addSource(record.id, line);
        return;
      }
      case 'relationship':
        if (!this.ledger.addRelationship(record.from, record.relationship, record.to))
          return this.mark(line, `${record.from} -${record.relationship}-> ${record.to} is listed twice`);
        this.entityRef(line, record.from, record.relationship, 'from');
        this.entityRef(line, record.to, record.relationship, 'to');
        return;
      case 'mention':
        this.sourceRef(line, record.source);
        this.entityRef(line, record.entity);
        return;
    }
  }

  private async checkEntity(line: number, record: EntityImportRecord): Promise<void> {
    const repeated = this.ledger.addEntity(record.slug, record.label, record.id, line);
    if (repeated?.repeats === 'slug')
      return this.mark(line, `slug ${record.slug} was already defined on line ${repeated.at}`);
    if (repeated?.repeats === 'id') return this.mark(line, `id ${record.id} was already used on line ${repeated.at}`);
    const shared = Array.isArray(record.identifiers)
      ? this.ledger.addIdentifiers(record.slug, record.identifiers.map(String))
      : undefined;
    if (shared) return this.mark(line, `identifier ${shared.key} is also ${shared.heldBy}'s`);
    this.pendingEntities.push({ slug: record.slug, label: record.label, line, id: record.id ?? null });
    if (this.pendingEntities.length >= LOOKUP_BATCH) await this.checkEntitiesInGraph();
  }

  private entityRef(line: number, slug: string, relationship?: Reference['relationship'], end?: Reference['end']) {
    if (!this.ledger.entities.has(slug)) {
      this.unresolved.push({ line, key: slug, kind: 'entity', relationship, end });
      return;
    }
    const problem = relationship && end ? this.ledger.endpointProblem(relationship, end, slug) : undefined;
    if (problem) this.mark(line, `${end}: ${problem}`);
  }

  private sourceRef(line: number, id: string) {
    if (!this.ledger.sources.has(id)) this.unresolved.push({ line, key: id, kind: 'source' });
  }

  /**
   * The pending entity rows against the graph: a slug that names another kind, or an id that
   * another slug already has (the write would fail on the entity_id constraint). An id only
   * matters when the slug is new: an existing entity keeps its id.
   */
  async checkEntitiesInGraph(): Promise<void> {
    const rows = this.pendingEntities;
    this.pendingEntities = [];
    if (rows.length === 0) return;
    const read = (cypher: string, params?: Record<string, unknown>) => this.db.read(cypher, params);
    for (const c of await findKindConflicts(read, rows)) {
      this.mark(
        c.line!,
        `slug ${c.slug} already names a ${c.existing} in the graph; an import never changes an entity's kind`,
      );
      this.conflicted.add(c.slug);
    }
    const withIds = rows.filter((e) => e.id !== null);
    if (withIds.length === 0) return;
    const taken = await this.db.read(
      `UNWIND $rows AS row
       MATCH (n:Entity {id: row.id}) WHERE n.slug <> row.slug AND NOT EXISTS { MATCH (:Entity {slug: row.slug}) }
       RETURN row.line AS line, row.id AS id, row.slug AS slug, n.slug AS existing`,
      { rows: withIds },
    );
    for (const r of taken) {
      const [id, slug, existing] = [String(r.id), String(r.slug), String(r.existing)];
      this.mark(
        Number(r.line),
        `id ${id} is already the id of ${existing} in the graph; give ${slug} another id, or none`,
      );
      this.conflicted.add(slug);
    }
  }

  /** References to keys not defined earlier: defined later (an ordering error) or in the graph. */
  async resolveReferences(): Promise<void> {
    for (let i = 0; i < this.unresolved.length; i += LOOKUP_BATCH) {
      const chunk = this.unresolved.slice(i, i + LOOKUP_BATCH);
      const inGraph = await this.labelsInGraph(chunk);
      for (const ref of chunk) {
        const label = inGraph.get(`${ref.kind === 'entity' ? 'e' : 's'}:${ref.key}`);
        if (label === undefined) this.mark(ref.line, this.missingReference(ref));
        else if (ref.relationship && ref.end && !endpointAllowed(ref.relationship, ref.end, label))
          this.mark(ref.line, `${ref.end}: ${endpointProblem(ref.relationship, ref.end, label)}`);
      }
    }
  }

  /** `e:<slug>` → kind label and `s:<id>` → 'Source', for the references found in the graph. */
  private async labelsInGraph(chunk: Reference[]): Promise<Map<string, string>> {
    const slugs = [...new Set(chunk.filter((r) => r.kind === 'entity').map((r) => r.key))];
    const ids = [...new Set(chunk.filter((r) => r.kind === 'source').map((r) => r.key))];
    const inGraph = new Map<string, string>();
    if (slugs.length > 0) {
      const found = await this.db.read(
        `UNWIND $slugs AS slug MATCH (n:Entity {slug: slug})
         RETURN slug, [l IN labels(n) WHERE l <> 'Entity'][0] AS label`,
        { slugs },
      );
      for (const r of found) inGraph.set(`e:${String(r.slug)}`, String(r.label));
    }
    if (ids.length > 0) {
      for (const r of await this.db.read('UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN id', { ids }))
        inGraph.set(`s:${String(r.id)}`, 'Source');
    }
    return inGraph;
  }

  private missingReference(ref: Reference): string {
    const later = ref.kind === 'entity' ? this.ledger.entities.get(ref.key)?.at : this.ledger.sources.get(ref.key);
    if (later && later > ref.line) {
      const plural = ref.kind === 'entity' ? 'entities' : 'sources';
      const fix = `put ${plural} before the records that name them`;
      return `${ref.kind} ${ref.key} is defined later, on line ${later}: ${fix}`;
    }
    return `no ${ref.kind} ${ref.key} on an earlier line or in the graph`;
  }

  /**
   * Skipping an entity (kind or id conflict) also skips the rows that name it, so none can attach
   * to the other-kind node already in the graph: one more pass over the file.
   */
  async skipRowsNamingConflicted(file: string, format: ImportFormat): Promise<void> {
    for await (const { line, record } of readRecords(file, format)) {
      if (!record || this.invalid.has(line)) continue;
      const names =
        record.type === 'relationship' ? [record.from, record.to] : record.type === 'mention' ? [record.entity] : [];
      const hit = names.find((slug) => this.conflicted.has(slug));
      if (hit) this.mark(line, `names ${hit}, whose entity row was skipped`);
    }
  }
}

/** Pass 1: every record checked; returns the invalid lines and how many records there are. */
async function validateFile(
  db: Db,
  file: string,
  format: ImportFormat,
  skipInvalid: boolean,
  progress: ProgressOutput | false,
) {
  const validation = new FileValidation(db);
  for await (const { line, record, error } of readRecords(file, format)) {
    validation.records++;
    if (progress !== false && progress.isTTY && validation.records % 10_000 === 0)
      progress.write(`\r\x1b[2Kvalidating: ${validation.records.toLocaleString('en-US')} records`);
    if (record) await validation.check(line, record);
    else validation.mark(line, error ?? 'invalid');
  }
  await validation.checkEntitiesInGraph();
  if (progress !== false && progress.isTTY) progress.write('\r\x1b[2K');
  await validation.resolveReferences();
  if (skipInvalid && validation.conflicted.size > 0) await validation.skipRowsNamingConflicted(file, format);
  return { invalid: validation.invalid, records: validation.records };
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
      case 'relationship': {
        const { type: _t, relationship, from, to, properties, ...claimArgs } = record;
        data.relationships.push({
          ...claimArgs,
          type: relationship,
          from,
          to,
          properties: (properties ?? {}) as RelationshipRecord['properties'],
        });
        break;
      }
      case 'mention':
        if (!mentions.has(record.source)) mentions.set(record.source, []);
        mentions.get(record.source)!.push(record.entity);
        break;
    }
  }
  data.mentions = [...mentions].map(([source, entities]) => ({ source, entities }));
  return data;
}

function emptyReport(file: string, format: ImportFormat): ImportReport {
  return {
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
}

/** Where this run starts writing: after the checkpoint of an earlier run of the same file, if any. */
interface ResumePoint {
  checkpointFile: string;
  identity: Pick<Checkpoint, 'file' | 'size' | 'mtimeMs'>;
  /** Line after which this run writes (0: from the start). */
  afterLine: number;
  /** Batches and rows the earlier runs wrote, counted on from there. */
  batches: number;
  rowsWritten: number;
}

function resumePoint(file: string, options: ImportOptions, report: ImportReport): ResumePoint {
  const { path: checkpointFile, identity } = checkpointPath(file, options.checkpointDir ?? DEFAULT_CHECKPOINT_DIR);
  const found = readCheckpoint(checkpointFile);
  const previous = found && options.resume !== false && sameFile(found, identity) ? found : undefined;
  if (found && !previous) {
    const reason = options.resume === false ? 'no-resume' : 'file-changed';
    report.ignoredCheckpoint = { reason, lastLine: found.lastLine };
  }
  const afterLine = previous?.lastLine ?? 0;
  report.resumedAfterLine = afterLine;
  return {
    checkpointFile,
    identity,
    afterLine,
    batches: previous && afterLine > 0 ? previous.batches : 0,
    rowsWritten: afterLine > 0 ? (previous?.rowsWritten ?? 0) : 0,
  };
}

/** The records of one batch, with the lines they span. */
interface Batch {
  records: ImportRecord[];
  firstLine: number;
  lastLine: number;
}

/** Writes one batch in one transaction; a slug or id taken since pass 1 fails it with the lines to fix. */
async function writeBatch(db: Db, batch: Batch, data: GraphData, options: ImportOptions, number: number) {
  return db
    .writeTransaction(
      async (run) => {
        // The graph may have changed since pass 1: a kind clash still fails the batch, clearly.
        const written = await writeGraphDataIn(run, data);
        options.atBatchPoint?.('written', number);
        return written;
      },
      { timeoutMs: BATCH_TIMEOUT_MS },
    )
    .catch((error: unknown) => {
      // Pass 1 checked ids and slugs; a clash now means the graph changed meanwhile.
      if (String((error as { code?: unknown }).code ?? '').includes('ConstraintValidationFailed')) {
        const cause = String((error as Error).message).split('\n')[0];
        throw new ImportFileError(
          `Lines ${batch.firstLine}-${batch.lastLine} were not written: ` +
            `an entity id or slug in them is already taken in the graph (${cause}). ` +
            'Earlier batches are committed; fix the file and run the import again to resume.',
        );
      }
      throw error;
    });
}

/** Pass 2: the valid records after the resume point, in batches, each checkpointed after its commit. */
async function writeFile(db: Db, file: string, invalid: Map<number, string>, options: ImportOptions, run: WriteRun) {
  const { report, resume } = run;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE);
  let rowsWritten = resume.rowsWritten;
  let batch: Batch = { records: [], firstLine: 0, lastLine: 0 };
  const flush = async () => {
    if (batch.records.length === 0) return;
    const data = toGraphData(batch.records);
    const result = await writeBatch(db, batch, data, options, report.batches + 1);
    options.atBatchPoint?.('committed', report.batches + 1);
    for (const key of ['entities', 'sources', 'relationships'] as const) {
      report.created[key] += result.created[key];
      report.updated[key] += result.updated[key];
    }
    report.written += batch.records.length;
    rowsWritten += batch.records.length;
    report.batches++;
    const checkpoint: Checkpoint = {
      ...resume.identity,
      lastLine: batch.lastLine,
      batches: resume.batches + report.batches,
      rowsWritten,
      updatedAt: new Date().toISOString(),
    };
    writeCheckpoint(resume.checkpointFile, checkpoint);
    batch = { records: [], firstLine: 0, lastLine: 0 };
    run.progress?.update(rowsWritten);
    await options.onBatchCommitted?.({ result, data });
    options.afterBatch?.(report.batches, checkpoint);
  };
  for await (const { line, record } of readRecords(file, report.format)) {
    if (line <= resume.afterLine || !record || invalid.has(line)) continue;
    if (batch.records.length === 0) batch.firstLine = line;
    batch.records.push(record);
    batch.lastLine = line;
    if (batch.records.length >= batchSize) await flush();
  }
  await flush();
}

interface WriteRun {
  report: ImportReport;
  resume: ResumePoint;
  progress: Progress | undefined;
}

export async function importFile(db: Db, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const format = options.format ?? formatOf(file);
  if (!format)
    throw new ImportFileError(
      `Cannot tell the format of ${file}: use .ndjson/.jsonl/.json (JSON Lines) or .csv, or --format`,
    );
  const progressOut = options.progress === undefined ? process.stderr : options.progress;
  const report = emptyReport(file, format);

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

  const resume = resumePoint(file, options, report);
  const toWrite = records - invalid.size;
  const progress = progressOut ? new Progress('importing', toWrite, progressOut, resume.rowsWritten) : undefined;
  const writeStarted = performance.now();
  await writeFile(db, file, invalid, options, { report, resume, progress });
  progress?.finish();
  // Done: the next run of this file starts over (and, being idempotent, changes nothing).
  clearCheckpoint(resume.checkpointFile);
  report.writeMs = performance.now() - writeStarted;
  report.rowsPerSecond = report.writeMs > 0 ? (1000 * report.written) / report.writeMs : 0;
  return report;
}
