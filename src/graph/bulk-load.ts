/**
 * One loader for graph data as plain JSON (the seed file, generated graphs): validation, then
 * batched UNWIND + MERGE writes, grouped by label and relationship type because Cypher cannot
 * take those as parameters. Labels and types placed in Cypher text come only from model.ts.
 *
 * Loading the same data again changes nothing: entities merge on `slug`, sources on `id`,
 * relationships on (from, type, to); `id` and `createdAt` are set on create only, and
 * `updatedAt` moves only when a property value actually changed. A MENTIONS or CITES pair listed
 * twice is written once (validation accepts that, as a no-op); an entity relationship listed
 * twice is a validation error, since its two rows may disagree on properties.
 */
import neo4j from 'neo4j-driver';
import type { z } from 'zod';
import type { Db, Row } from '../neo4j/db.js';
import { markCreated, setIfChanged, takeCreated } from './merge.js';
import { MAINTAIN_SEARCH_KEYS } from './search.js';
import { PAGE_KEY_NAMES, RENAME_IN_PAGE_KEYS, SET_PAGE_KEYS } from './page-keys.js';
import {
  ENTITY_LABELS,
  KIND_PROPERTIES,
  RELATIONSHIPS,
  SOURCE_PROPERTIES,
  isEntityLabel,
  isRelationshipType,
  type EntityLabel,
  type PropertyType,
  type RelationshipType,
} from './model.js';
import {
  entityPropertiesSchema,
  isKebabCase,
  relationshipPropertiesSchema,
  sourcePropertiesSchema,
  valueProblem,
} from './write-input.js';

export { isKebabCase };

/** What a property may hold in the data file; dates are ISO `YYYY-MM-DD` strings. */
export type PropertyValue = string | number | boolean | string[] | number[] | null;

/** An entity: `id`, `slug`, `label` and `name`, then its properties, flat. */
export interface EntityRecord {
  id: string;
  slug: string;
  label: EntityLabel;
  name: string;
  description?: string;
  aliases?: string[];
  [property: string]: PropertyValue | undefined;
}

/** A relationship between two entities, named by slug. MENTIONS and CITES live elsewhere. */
export interface RelationshipRecord {
  type: RelationshipType;
  from: string;
  to: string;
  properties?: Record<string, PropertyValue>;
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
  phase: 'entities' | 'sources' | 'relationships';
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

/** Keys the loader owns or reads structurally: never stored from a record's properties. */
const RESERVED = new Set(['id', 'label', 'createdAt', 'updatedAt', 'cites']);

/**
 * Known properties are checked with the same zod rules as the mutations and the import CLI
 * (write-input.ts); keys model.ts does not name may still be stored (the seed has a few), as a
 * string, number, boolean or list.
 */
const ENTITY_VALUES = Object.fromEntries(
  ENTITY_LABELS.map((label): [EntityLabel, z.ZodRawShape] => [label, entityPropertiesSchema(label).shape]),
) as Record<EntityLabel, z.ZodRawShape>;
const SOURCE_VALUES: z.ZodRawShape = sourcePropertiesSchema.shape;

export class GraphDataError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid graph data:\n${problems
        .slice(0, 20)
        .map((p) => `  - ${p}`)
        .join('\n')}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}`,
    );
    this.name = 'GraphDataError';
  }
}

const isLooseValue = (value: unknown) =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (Array.isArray(value) && (value.every((v) => typeof v === 'string') || value.every((v) => typeof v === 'number')));

function checkValue(where: string, key: string, value: unknown, schema: z.ZodTypeAny | undefined, problems: string[]) {
  if (value === null || value === undefined) return;
  const problem = schema
    ? valueProblem(schema, value)
    : isLooseValue(value)
      ? undefined
      : ' must be a string, number, boolean or list';
  if (problem) problems.push(`${where}: ${key}${problem}`);
}

/** Every problem in the data at once (throws GraphDataError), so a bad file is fixed in one go. */
export function validateGraphData(data: GraphData): void {
  const problems: string[] = [];
  const labelBySlug = new Map<string, EntityLabel>();
  const ids = new Set<string>();
  for (const [i, e] of data.entities.entries()) {
    const where = `entity ${e.slug ?? `#${i}`}`;
    if (!isEntityLabel(e.label)) problems.push(`${where}: label must be one of ${ENTITY_LABELS.join(', ')}`);
    if (typeof e.slug !== 'string' || !isKebabCase(e.slug))
      problems.push(`${where}: slug must be lower-case kebab-case`);
    if (typeof e.id !== 'string' || e.id === '') problems.push(`${where}: id is required`);
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${where}: name is required`);
    if (labelBySlug.has(e.slug)) problems.push(`${where}: slug used twice`);
    if (ids.has(e.id)) problems.push(`${where}: id ${e.id} used twice`);
    labelBySlug.set(e.slug, e.label);
    ids.add(e.id);
    const known: z.ZodRawShape = isEntityLabel(e.label) ? ENTITY_VALUES[e.label] : {};
    for (const [key, value] of Object.entries(e)) {
      if (key === 'id' || key === 'label' || key === 'slug' || key === 'name') continue;
      if (RESERVED.has(key)) problems.push(`${where}: ${key} is set by the loader`);
      else checkValue(where, key, value, Object.hasOwn(known, key) ? known[key] : undefined, problems);
    }
  }
  const pairs = new Set<string>();
  for (const [i, r] of data.relationships.entries()) {
    const where = `relationship #${i} (${r.from} -${r.type}-> ${r.to})`;
    if (!isRelationshipType(r.type) || r.type === 'MENTIONS' || r.type === 'CITES') {
      problems.push(`${where}: type must be an entity relationship type (MENTIONS and CITES belong to sources)`);
      continue;
    }
    const spec = RELATIONSHIPS[r.type];
    const fromLabel = labelBySlug.get(r.from);
    const toLabel = labelBySlug.get(r.to);
    // Endpoints outside the data may already be in the graph; the Cypher checks those.
    if (fromLabel && !(spec.from as readonly string[]).includes(fromLabel))
      problems.push(`${where}: cannot start at a ${fromLabel}`);
    if (toLabel && !(spec.to as readonly string[]).includes(toLabel))
      problems.push(`${where}: cannot end at a ${toLabel}`);
    const key = `${r.from}\u0000${r.type}\u0000${r.to}`;
    if (pairs.has(key)) problems.push(`${where}: listed twice (one relationship per type between two entities)`);
    pairs.add(key);
    const known = relationshipPropertiesSchema(r.type).shape;
    for (const [k, v] of Object.entries(r.properties ?? {})) {
      if (RESERVED.has(k) || PAGE_KEY_NAMES.has(k)) problems.push(`${where}: ${k} is set by the loader`);
      else checkValue(where, k, v, Object.hasOwn(known, k) ? known[k] : undefined, problems);
    }
  }
  const sourceIds = new Set<string>();
  for (const [i, s] of data.sources.entries()) {
    const where = `source ${s.id ?? `#${i}`}`;
    if (typeof s.id !== 'string' || s.id === '') problems.push(`${where}: id is required`);
    if (typeof s.title !== 'string' || s.title === '') problems.push(`${where}: title is required`);
    if (sourceIds.has(s.id)) problems.push(`${where}: id used twice`);
    sourceIds.add(s.id);
    for (const [key, value] of Object.entries(s)) {
      if (key === 'id' || key === 'cites') continue;
      if (RESERVED.has(key)) problems.push(`${where}: ${key} is set by the loader`);
      else checkValue(where, key, value, Object.hasOwn(SOURCE_VALUES, key) ? SOURCE_VALUES[key] : undefined, problems);
    }
  }
  for (const s of data.sources) {
    for (const cited of s.cites ?? [])
      if (!sourceIds.has(cited)) problems.push(`source ${s.id}: cites unknown source ${cited}`);
  }
  for (const m of data.mentions) {
    if (!sourceIds.has(m.source)) problems.push(`mentions: unknown source ${m.source}`);
  }
  if (problems.length > 0) throw new GraphDataError(problems);
}

/** Date-typed property names of a property spec: the loader wraps them in `date()`. */
const dateKeys = (spec: Record<string, PropertyType>) => Object.keys(spec).filter((k) => spec[k] === 'date');

/**
 * Map variable `map` with the date-typed keys turned into Neo4j dates (map projection needs a
 * variable, hence the `given` alias in each statement). Keys come from model.ts, values
 * stay parameters; `date(null)` is null, so absent dates stay absent.
 */
const withDates = (map: string, keys: string[]) =>
  keys.length === 0 ? map : `${map} { .*, ${keys.map((k) => `${k}: date(${map}.${k})`).join(', ')} }`;

const COUNT_CHANGES = `
RETURN count(*) AS rows,
       sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated`;

function entityCypher(label: EntityLabel): string {
  // ON CREATE sets only identity; setIfChanged then stamps properties and updatedAt together.
  return `
UNWIND $rows AS row
WITH row, row.props AS given
WITH row, ${withDates('given', dateKeys(KIND_PROPERTIES[label]))} AS props
MERGE (n:Entity:${label} {slug: row.slug})
ON CREATE SET n.id = row.id, n.createdAt = datetime($now), ${markCreated('n')}
${takeCreated('n', ['props'])}
WITH n, props, created, n.name AS nameBefore
${setIfChanged('n', ['created', 'nameBefore'], 'datetime($now)')}
${MAINTAIN_SEARCH_KEYS('n')}
${RENAME_IN_PAGE_KEYS('n', 'nameBefore')}
${COUNT_CHANGES}`;
}

const SOURCE_CYPHER = `
UNWIND $rows AS row
WITH row, row.props AS given
WITH row, ${withDates('given', dateKeys(SOURCE_PROPERTIES))} AS props
MERGE (s:Source {id: row.id})
ON CREATE SET s.createdAt = datetime($now), ${markCreated('s')}
${takeCreated('s', ['props'])}
${setIfChanged('s', ['created'], 'datetime($now)')}
${COUNT_CHANGES}`;

function relationshipCypher(type: Exclude<RelationshipType, 'MENTIONS' | 'CITES'>): string {
  const spec = RELATIONSHIPS[type];
  // Endpoint kinds go in as parameters ($fromLabels/$toLabels), so a row naming an entity of the
  // wrong kind (one that exists only in the graph) matches nothing and is reported as missing.
  return `
UNWIND $rows AS row
MATCH (a:Entity {slug: row.from}) WHERE any(l IN labels(a) WHERE l IN $fromLabels)
MATCH (b:Entity {slug: row.to}) WHERE any(l IN labels(b) WHERE l IN $toLabels)
WITH a, b, row.props AS given
WITH a, b, ${withDates('given', dateKeys(spec.properties))} AS props
MERGE (a)-[r:${type}]->(b)
ON CREATE SET ${markCreated('r')}
${takeCreated('r', ['props', 'a', 'b'])}
${setIfChanged('r', ['created', 'a', 'b'])}
${SET_PAGE_KEYS('a', 'r', 'b')}
${COUNT_CHANGES}`;
}

/** A property-less link from a source (by id) to its target; the same shape for MENTIONS and CITES. */
const sourceLinkCypher = (type: 'MENTIONS' | 'CITES', target: string) => `
UNWIND $rows AS row
MATCH (a:Source {id: row.from})
MATCH ${target}
MERGE (a)-[r:${type}]->(b)
ON CREATE SET ${markCreated('r')}
${takeCreated('r')}
RETURN count(*) AS rows, sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, 0 AS updated`;

const MENTIONS_CYPHER = sourceLinkCypher('MENTIONS', '(b:Entity {slug: row.to})');
const CITES_CYPHER = sourceLinkCypher('CITES', '(b:Source {id: row.to})');

/** Record properties without the keys the loader handles itself. */
function propertiesOf(record: Record<string, unknown>, skip: readonly string[]): Row {
  const props: Row = {};
  for (const [k, v] of Object.entries(record)) if (!skip.includes(k) && v !== undefined) props[k] = v;
  return props;
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
 * Writes `data` in batches of `batchSize` rows, one transaction each: entities by label, then
 * sources, then relationships by type, then MENTIONS and CITES. Re-running it after a failure
 * picks up where it stopped (everything merges).
 */
export async function loadGraph(db: GraphWriter, data: GraphData, options: LoadOptions = {}): Promise<LoadResult> {
  validateGraphData(data);
  return writeGraphData(db, data, options);
}

/** Anything that runs a write statement: a `Db`, or one transaction's runner (`{ write: run }`). */
export type GraphWriter = Pick<Db, 'write'>;

/**
 * loadGraph without validateGraphData, for callers that validated their rows already: the
 * streaming import, whose batches name sources and entities that earlier batches wrote, and
 * importGraph, which runs it inside one transaction. Missing endpoints still fail the batch.
 */
export async function writeGraphData(db: GraphWriter, data: GraphData, options: LoadOptions = {}): Promise<LoadResult> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const timeoutMs = options.timeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
  const now = new Date().toISOString();
  const result: LoadResult = { total: zero(), created: zero(), updated: zero() };

  const writeGroup = async (
    phase: LoadProgress['phase'],
    group: string,
    cypher: string,
    rows: Row[],
    extra: Row = {},
  ): Promise<void> => {
    let done = 0;
    const writeBatch = async (batch: Row[]) => {
      const [counts] = await db.write(
        cypher,
        { rows: batch, now, ...extra },
        { timeoutMs, timeoutLimit: 'loadGraph timeoutMs' },
      );
      const matched = Number(counts?.rows ?? 0);
      // Fewer rows out than in: some endpoint was not found (more only if duplicates pre-existed).
      if (matched < batch.length) {
        throw new GraphDataError([
          `${group}: ${batch.length - matched} of ${batch.length} rows name an endpoint that is missing or of the wrong kind`,
        ]);
      }
      const key = phase === 'entities' ? 'entities' : phase === 'sources' ? 'sources' : 'relationships';
      result.total[key] += batch.length;
      result.created[key] += Number(counts?.created ?? 0);
      result.updated[key] += Number(counts?.updated ?? 0);
      done += batch.length;
      options.onProgress?.({ phase, group, done, total: rows.length });
    };
    const batches = chunks(rows, batchSize);
    const workers = phase === 'relationships' ? 1 : Math.max(1, Math.min(options.concurrency ?? 1, batches.length));
    let next = 0;
    let failed = false;
    // A small pool: each worker takes the next batch until none is left; after an error the
    // others finish their current batch and take no more.
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (!failed && next < batches.length) {
          await writeBatch(batches[next++]!).catch((error: unknown) => {
            failed = true;
            throw error;
          });
        }
      }),
    );
  };

  for (const label of ENTITY_LABELS) {
    const rows = data.entities
      .filter((e) => e.label === label)
      .map((e) => ({ id: e.id, slug: e.slug, props: propertiesOf(e, ['id', 'label']) }));
    if (rows.length > 0) await writeGroup('entities', label, entityCypher(label), rows);
  }

  const sourceRows = data.sources.map((s) => ({ id: s.id, props: propertiesOf(s, ['id', 'cites']) }));
  if (sourceRows.length > 0) await writeGroup('sources', 'Source', SOURCE_CYPHER, sourceRows);

  for (const type of Object.keys(RELATIONSHIPS) as RelationshipType[]) {
    if (type === 'MENTIONS' || type === 'CITES') continue;
    const rows = uniqueBy(
      data.relationships
        .filter((r) => r.type === type)
        .map((r) => ({ from: r.from, to: r.to, props: r.properties ?? {} })),
      (r) => pairKey(r.from, r.to),
    );
    if (rows.length === 0) continue;
    const spec = RELATIONSHIPS[type];
    await writeGroup('relationships', type, relationshipCypher(type), rows, {
      fromLabels: spec.from,
      toLabels: spec.to,
    });
  }

  // A source may name an entity twice (in one record or several): one MENTIONS, as MERGE makes.
  const mentionRows = uniqueBy(
    data.mentions.flatMap((m) => m.entities.map((to) => ({ from: m.source, to }))),
    (r) => pairKey(r.from, r.to),
  );
  if (mentionRows.length > 0) await writeGroup('relationships', 'MENTIONS', MENTIONS_CYPHER, mentionRows);

  const citeRows = uniqueBy(
    data.sources.flatMap((s) => (s.cites ?? []).map((to) => ({ from: s.id, to }))),
    (r) => pairKey(r.from, r.to),
  );
  if (citeRows.length > 0) await writeGroup('relationships', 'CITES', CITES_CYPHER, citeRows);

  return result;
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
    [
      'entities',
      'MATCH (n:Entity) WHERE n.id STARTS WITH $start WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted',
    ],
    [
      'sources',
      'MATCH (n:Source) WHERE n.id STARTS WITH $start WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted',
    ],
  ] as const) {
    for (;;) {
      // LIMIT needs an integer; JavaScript numbers reach Cypher as floats.
      const [row] = await db.write(
        cypher,
        { start, limit: neo4j.int(batchSize) },
        { timeoutMs: DEFAULT_BATCH_TIMEOUT_MS },
      );
      const count = Number(row?.deleted ?? 0);
      deleted[key] += count;
      if (count < batchSize) break;
    }
  }
  return deleted;
}
