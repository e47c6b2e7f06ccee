/**
 * One loader for graph data as plain JSON (the seed file, generated graphs): validation, then
 * batched UNWIND + MERGE writes, grouped by label and relationship type because Cypher cannot
 * take those as parameters. Labels and types placed in Cypher text come only from model.ts.
 *
 * The statements are the mutations' own (write-statements.ts), so loading the same data again
 * changes nothing and a row is stamped as a mutation would stamp it. A MENTIONS or CITES pair listed
 * twice is written once (validation accepts that, as a no-op); an entity relationship listed
 * twice is a validation error, since its two rows may disagree on properties.
 */
import neo4j from 'neo4j-driver';
import { canonicalKey, identifierOfKey, setIdentifiers, type Identifier } from '../identity/identifiers.js';
import type { Db, Row } from '../neo4j/db.js';
import { refuseMergedSlugs } from '../identity/merge.js';
import { GraphDataError, validateGraphData } from './record-rules.js';
import {
  COUNT_CHANGES,
  COUNT_LINKS,
  UPSERT_SOURCES,
  entitySpec,
  linkSources,
  toGraphProperties,
  upsertEntities,
} from './write-statements.js';
import { claimedEntitySlugs, writeClaimRecords, type ClaimRecord } from '../claims/records.js';
import type { ClaimArgs } from '../claims/store.js';
import { isSourcedProperty } from '../claims/model.js';
import { writeEntityClaims, writeRelationshipClaims } from '../claims/write.js';
import { deleteWithHeldDegrees } from '../claims/held-degrees.js';
import {
  ENTITY_LABELS,
  ENTITY_RELATIONSHIP_TYPES,
  RELATIONSHIPS,
  SOURCE_PROPERTIES,
  type EntityLabel,
  type EntityRelationshipType,
  type PropertyType,
  type RelationshipType,
} from './model.js';
import { isKebabCase } from './write-input.js';

export { isKebabCase };

/** What a property may hold in the data file; dates are ISO `YYYY-MM-DD` strings. */
export type PropertyValue = string | number | boolean | string[] | number[] | null;

/** A citation in a data file: a source id, the quote, where it is. */
export interface CitationRecord {
  source: string;
  quote?: string | null;
  locator?: string | null;
}

/**
 * An entity: `id`, `slug`, `label` and `name`, then its properties, flat; a record may also say
 * how its claims hold (CLAIM_ARG_KEYS: `citations` is a list of CitationRecord).
 */
export interface EntityRecord {
  id: string;
  slug: string;
  label: EntityLabel;
  name: string;
  description?: string;
  aliases?: string[];
  /** External identifiers as keys, `SCHEME:value` (identity/identifiers.ts): exactly these when given. */
  identifiers?: string[];
  [property: string]: PropertyValue | undefined;
}

/** A relationship between two entities, named by slug. MENTIONS and CITES live elsewhere. */
export interface RelationshipRecord {
  type: RelationshipType;
  from: string;
  to: string;
  properties?: Record<string, PropertyValue>;
  /** What the record claims applies from/to, and who says so (SPEC 2a); see CLAIM_ARG_KEYS. */
  citations?: CitationRecord[];
  validFrom?: string | null;
  validTo?: string | null;
  confidence?: number | null;
}

export interface SourceRecord {
  id: string;
  title: string;
  /** Ids of sources this one relies on (`CITES`). */
  cites?: string[];
  [property: string]: PropertyValue | undefined;
}

/** `MENTIONS` from one source to the entities (by slug) it supports. */
export interface MentionsRecord {
  source: string;
  entities: string[];
}

/** The JSON shape of cypher/seed/*.json and of generated graphs. */
export interface GraphData {
  entities: EntityRecord[];
  relationships: RelationshipRecord[];
  sources: SourceRecord[];
  mentions: MentionsRecord[];
  /** Claims written verbatim (src/claims/records.ts), after everything else. */
  claims?: ClaimRecord[];
}

/** Keys of an entity or relationship record that say how its claims hold, not what they say. */
export const CLAIM_ARG_KEYS = ['citations', 'validFrom', 'validTo', 'confidence'] as const;

/** The claim arguments a record carries: absent `validFrom` stays absent (the load's date). */
export function claimArgsOfRecord(record: Record<string, unknown>): ClaimArgs {
  const citations = (record.citations as RelationshipRecord['citations']) ?? [];
  const args: ClaimArgs = {
    citations: citations.map((c) => ({ source: c.source, quote: c.quote ?? null, locator: c.locator ?? null })),
    validTo: (record.validTo as string | null | undefined) ?? null,
    confidence: (record.confidence as number | null | undefined) ?? null,
  };
  if (record.validFrom !== undefined) args.validFrom = record.validFrom as string | null;
  return args;
}

export interface LoadCounts {
  entities: number;
  sources: number;
  /** Every relationship, MENTIONS and CITES included. */
  relationships: number;
}

export interface LoadResult {
  /** Rows in the data. */
  total: LoadCounts;
  created: LoadCounts;
  /** Already there, with at least one property value changed. */
  updated: LoadCounts;
}

export interface LoadProgress {
  phase: 'entities' | 'sources' | 'relationships' | 'claims';
  /** The label or relationship type being written. */
  group: string;
  done: number;
  total: number;
}

export interface LoadOptions {
  /** Rows per transaction. */
  batchSize?: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Per-batch transaction timeout: bulk batches need longer than the API's query timeout. */
  timeoutMs?: number;
  /**
   * Node batches (entities, sources) written at once, each in its own transaction. Relationship
   * batches always go one at a time: hub nodes are in many of them, and concurrent MERGEs on the
   * same node wait on its lock or deadlock. Keep 1 with a single-transaction writer.
   */
  concurrency?: number;
}

export const DEFAULT_BATCH_SIZE = 5_000;
export const DEFAULT_BATCH_TIMEOUT_MS = 300_000;

/** Record properties without the keys the loader handles itself, dates as Neo4j dates. */
function propertiesOf(record: Record<string, unknown>, skip: readonly string[], spec: Record<string, PropertyType>) {
  const props: Row = {};
  for (const [k, v] of Object.entries(record)) if (!skip.includes(k)) props[k] = v;
  return toGraphProperties(spec, props);
}

/**
 * One row per key, in first-seen order, the last row's values winning (as writing them one after
 * the other would), so a pair listed twice is written and counted once.
 */
function uniqueBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const zero = (): LoadCounts => ({ entities: 0, sources: 0, relationships: 0 });

/**
 * Writes `data` in batches of `batchSize` rows, one transaction each: sources, then entities by
 * label, then relationships by type, then MENTIONS and CITES, then claim records. Re-running it after a failure
 * picks up where it stopped (everything merges).
 */
export async function loadGraph(db: GraphWriter, data: GraphData, options: LoadOptions = {}): Promise<LoadResult> {
  validateGraphData(data);
  return writeGraphData(db, data, options);
}

/** Anything that runs a write statement: a `Db`, or one transaction's runner (`{ write: run }`). */
export type GraphWriter = Pick<Db, 'write'>;

/** What one batch wrote: rows matched, created, updated. */
interface BatchCounts {
  rows: number;
  created: number;
  updated: number;
}

/** Runs one statement of a batch (its own transaction in a load, the caller's in importGraph). */
type BatchRun = (cypher: string, params?: Row) => Promise<Row[]>;

/** One label's or type's rows and how a batch of them is written (write-statements.ts, src/claims). */
interface WriteGroup {
  phase: LoadProgress['phase'];
  /** The label or relationship type. */
  group: string;
  rows: Row[];
  write: (run: BatchRun, batch: Row[], now: string) => Promise<BatchCounts>;
}

/** A group written by one shared statement ending in COUNT_CHANGES or COUNT_LINKS. */
const byStatement =
  (statement: string, params: Row = {}) =>
  async (run: BatchRun, batch: Row[], now: string): Promise<BatchCounts> => {
    const [counts] = await run(statement, { rows: batch, now, ...params });
    return {
      rows: Number(counts?.rows ?? 0),
      created: Number(counts?.created ?? 0),
      updated: Number(counts?.updated ?? 0),
    };
  };

/** Entities of one kind: the node by slug with its editorial properties, then its claims. */
const entityBatch =
  (label: EntityLabel) =>
  async (run: BatchRun, batch: Row[], now: string): Promise<BatchCounts> => {
    await refuseMergedSlugs(
      run,
      batch.map((r) => String(r.slug)),
      ['entities'],
    );
    const [written] = await run(
      `${upsertEntities(label)}
RETURN collect({id: n.id, created: created, changed: changed}) AS written`,
      {
        rows: batch.map((r) => ({
          id: r.id,
          slug: r.slug,
          props: Object.fromEntries(Object.entries(r.props as Row).filter(([k]) => !isSourcedProperty(label, k))),
        })),
        now,
      },
    );
    const nodes = (written?.written as Array<{ id: string; created: boolean; changed: boolean }>) ?? [];
    const ids = nodes.map((n) => n.id);
    await writeEntityClaims(
      run,
      batch.map((r, i) => ({
        id: ids[i]!,
        label,
        values: r.props as Row,
        args: r.args as ClaimArgs,
        existence: !r.claimed,
      })),
      now,
    );
    await setIdentifiers(
      run,
      batch.flatMap((r, i) => (r.identifiers ? [{ entity: ids[i]!, identifiers: r.identifiers as Identifier[] }] : [])),
      now,
    );
    const [stamped] = await run(
      'MATCH (n:Entity|HEntity) WHERE n.id IN $ids AND n.updatedAt = datetime($now) RETURN collect(n.id) AS ids',
      { ids, now },
    );
    const touched = new Set((stamped?.ids as string[]) ?? []);
    return {
      rows: nodes.length,
      created: nodes.filter((n) => n.created).length,
      updated: nodes.filter((n) => !n.created && (n.changed || touched.has(n.id))).length,
    };
  };

/** Relationships of one type between entities named by slug, as claims. */
const relationshipBatch =
  (type: EntityRelationshipType) =>
  async (run: BatchRun, batch: Row[], now: string): Promise<BatchCounts> => {
    const claimed = await writeRelationshipClaims(
      run,
      type,
      'slug',
      batch.map((r) => ({ from: String(r.from), to: String(r.to), values: r.props as Row, args: r.args as ClaimArgs })),
      now,
    );
    // Updated: an existing relationship a value of which changed (materialize stamped it now).
    const kept = claimed.filter((c) => !c.created).map((c) => c.claimId);
    const [stamped] = kept.length
      ? await run(
          `UNWIND $ids AS id MATCH ()-[r:${type}]->() WHERE r.claimId = id AND r.updatedAt = datetime($now)
           RETURN count(r) AS n`,
          { ids: kept, now },
        )
      : [];
    return { rows: claimed.length, created: claimed.filter((c) => c.created).length, updated: Number(stamped?.n ?? 0) };
  };

/**
 * The groups of `data` in the order they are written: entities by label, sources, relationships
 * by type, MENTIONS, CITES. Each group's rows are built when it is reached, so a big graph holds
 * one group's rows at a time.
 */
function* writeGroups(data: GraphData): Generator<WriteGroup> {
  // Sources first: claims cite them, and each cited source MENTIONS what its claims are about.
  const sourceRows = data.sources.map((s) => ({
    id: s.id,
    props: propertiesOf(s, ['id', 'cites'], SOURCE_PROPERTIES),
  }));
  yield {
    phase: 'sources',
    group: 'Source',
    rows: sourceRows,
    write: byStatement(`${UPSERT_SOURCES}${COUNT_CHANGES}`),
  };
  const claimed = claimedEntitySlugs(data.claims ?? []);
  const skip = ['id', 'label', 'identifiers', ...CLAIM_ARG_KEYS];
  for (const label of ENTITY_LABELS) {
    const spec = entitySpec(label);
    const rows = data.entities
      .filter((e) => e.label === label)
      .map((e) => ({
        id: e.id,
        slug: e.slug,
        props: propertiesOf(e, skip, spec),
        args: claimArgsOfRecord(e),
        claimed: claimed.has(e.slug),
        identifiers: e.identifiers?.map((key) => identifierOfKey(canonicalKey(key))) ?? null,
      }));
    yield { phase: 'entities', group: label, rows, write: entityBatch(label) };
  }
  for (const type of ENTITY_RELATIONSHIP_TYPES) {
    const spec = RELATIONSHIPS[type];
    const rows = uniqueBy(
      data.relationships
        .filter((r) => r.type === type)
        .map((r) => ({
          from: r.from,
          to: r.to,
          props: toGraphProperties(spec.properties, r.properties ?? {}),
          args: claimArgsOfRecord(r as unknown as Record<string, unknown>),
        })),
      (r) => pairKey(r.from, r.to),
    );
    yield { phase: 'relationships', group: type, rows, write: relationshipBatch(type) };
  }
  // A source may name an entity twice (in one record or several): one MENTIONS, as MERGE makes.
  const mentionRows = uniqueBy(
    data.mentions.flatMap((m) => m.entities.map((to) => ({ from: m.source, to }))),
    (r) => pairKey(r.from, r.to),
  );
  yield {
    phase: 'relationships',
    group: 'MENTIONS',
    rows: mentionRows,
    write: byStatement(`${linkSources('MENTIONS')}${COUNT_LINKS}`),
  };
  const citeRows = uniqueBy(
    data.sources.flatMap((s) => (s.cites ?? []).map((to) => ({ from: s.id, to }))),
    (r) => pairKey(r.from, r.to),
  );
  yield {
    phase: 'relationships',
    group: 'CITES',
    rows: citeRows,
    write: byStatement(`${linkSources('CITES')}${COUNT_LINKS}`),
  };
  yield { phase: 'claims', group: 'Claim', rows: (data.claims ?? []) as unknown as Row[], write: claimBatch };
}

/** Dates in value claims of these fields are Neo4j dates, as the properties are. */
const DATE_FIELDS: ReadonlySet<string> = new Set(
  [
    ...ENTITY_LABELS.flatMap((l) => Object.entries(entitySpec(l))),
    ...Object.values(RELATIONSHIPS).flatMap((r) => Object.entries(r.properties)),
  ]
    .filter(([, t]) => t === 'date')
    .map(([k]) => k),
);

/** Claim records, verbatim. */
async function claimBatch(run: BatchRun, batch: Row[], now: string): Promise<BatchCounts> {
  const { missing } = await writeClaimRecords(run, batch as unknown as ClaimRecord[], DATE_FIELDS, now);
  if (missing.length > 0)
    throw new GraphDataError([`claims name entities that do not exist: ${missing.slice(0, 10).join(', ')}`]);
  return { rows: batch.length, created: 0, updated: 0 };
}

/** What every batch of one writeGraphData call shares. */
interface LoadRun {
  db: GraphWriter;
  options: LoadOptions;
  batchSize: number;
  timeoutMs: number;
  /** One instant for the whole load: its creates and updates share one timestamp. */
  now: string;
  result: LoadResult;
}

/** Writes one batch of a group and counts it; fewer rows matched than given fails the load. */
async function writeBatch(load: LoadRun, group: WriteGroup, batch: Row[]): Promise<void> {
  const run: BatchRun = (cypher, params) =>
    load.db.write(cypher, params, { timeoutMs: load.timeoutMs, timeoutLimit: 'loadGraph timeoutMs' });
  const counts = await group.write(run, batch, load.now);
  // Fewer rows out than in: some endpoint was not found (more only if duplicates pre-existed).
  if (counts.rows < batch.length) {
    const missing = `${batch.length - counts.rows} of ${batch.length} rows`;
    throw new GraphDataError([`${group.group}: ${missing} name an endpoint that is missing or of the wrong kind`]);
  }
  if (group.phase === 'claims') return;
  const key = group.phase;
  load.result.total[key] += batch.length;
  load.result.created[key] += counts.created;
  load.result.updated[key] += counts.updated;
}

/**
 * Writes a group's batches with a small pool: each worker takes the next batch until none is
 * left; after an error the others finish their current batch and take no more. Relationship
 * batches go one at a time (see LoadOptions.concurrency).
 */
async function writeGroup(load: LoadRun, group: WriteGroup): Promise<void> {
  const batches = chunks(group.rows, load.batchSize);
  const concurrency = Math.min(load.options.concurrency ?? 1, batches.length);
  const workers = group.phase === 'entities' || group.phase === 'sources' ? Math.max(1, concurrency) : 1;
  let next = 0;
  let done = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!failed && next < batches.length) {
        const batch = batches[next++]!;
        await writeBatch(load, group, batch).catch((error: unknown) => {
          failed = true;
          throw error;
        });
        done += batch.length;
        load.options.onProgress?.({ phase: group.phase, group: group.group, done, total: group.rows.length });
      }
    }),
  );
}

/**
 * loadGraph without validateGraphData, for callers that validated their rows already: the
 * streaming import, whose batches name sources and entities that earlier batches wrote, and
 * importGraph, which runs it inside one transaction. Missing endpoints still fail the batch.
 */
export async function writeGraphData(db: GraphWriter, data: GraphData, options: LoadOptions = {}): Promise<LoadResult> {
  const load: LoadRun = {
    db,
    options,
    batchSize: Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE),
    timeoutMs: options.timeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS,
    now: new Date().toISOString(),
    result: { total: zero(), created: zero(), updated: zero() },
  };
  for (const group of writeGroups(data)) if (group.rows.length > 0) await writeGroup(load, group);
  return load.result;
}

/**
 * Deletes every entity and source whose id starts with `${prefix}-`, with their relationships,
 * in batches (hubs can have thousands of edges). For tests and generated data: the prefix must
 * be kebab-case, so `t-1` never also matches `t-12`'s data.
 */
export async function deleteByPrefix(
  db: Db,
  prefix: string,
  batchSize = DEFAULT_BATCH_SIZE,
): Promise<{ entities: number; sources: number }> {
  if (!isKebabCase(prefix)) throw new GraphDataError([`prefix "${prefix}" must be lower-case kebab-case`]);
  const start = `${prefix}-`;
  const deleted = { entities: 0, sources: 0 };
  for (const [key, cypher] of [
    ['entities', 'MATCH (n:Entity|HEntity) WHERE n.id STARTS WITH $start RETURN n.id AS id LIMIT $limit'],
    ['sources', 'MATCH (n:Source) WHERE n.id STARTS WITH $start RETURN n.id AS id LIMIT $limit'],
  ] as const) {
    for (;;) {
      // LIMIT needs an integer; JavaScript numbers reach Cypher as floats.
      const count = await db.writeTransaction(
        async (run) => {
          const ids = (await run(cypher, { start, limit: neo4j.int(batchSize) })).map((r) => String(r.id));
          if (key === 'entities' && ids.length > 0) {
            // A real delete: the neighbours that stay lose these relationships from their held degrees.
            await deleteWithHeldDegrees(run, ids, () =>
              run('UNWIND $ids AS id MATCH (n:Entity|HEntity {id: id}) DETACH DELETE n', { ids }),
            );
          } else if (ids.length > 0) {
            await run('UNWIND $ids AS id MATCH (n:Source {id: id}) DETACH DELETE n', { ids });
          }
          return ids.length;
        },
        { timeoutMs: DEFAULT_BATCH_TIMEOUT_MS },
      );
      deleted[key] += count;
      if (count < batchSize) break;
    }
  }
  return deleted;
}
