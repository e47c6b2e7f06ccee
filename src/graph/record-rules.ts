/**
 * What a valid record of graph data is: the one place for it. An entity, source, relationship or
 * mention record is checked with the zod rules of write-input.ts (the mutations' own), and
 * duplicates and kinds across records with one RecordLedger. Two readers apply them:
 * - validateRecord, per line of an import file (the import CLI): unknown keys are refused, and
 *   import-file.ts walks the ledger in file order, with line numbers and the graph;
 * - validateGraphData, over whole GraphData (the seed, generated graphs, importGraph): keys the
 *   model does not name may be stored (the seed has a few) as a string, number, boolean or list,
 *   and every problem is reported at once, so a bad file is fixed in one go.
 */
import { z } from 'zod';
import { PAGE_KEY_NAMES } from './page-keys.js';
import {
  ENTITY_LABELS,
  isEntityLabel,
  isRelationshipType,
  type EntityLabel,
  type EntityRelationshipType,
  type RelationshipType,
} from './model.js';
import {
  connectableTypeSchema,
  endpointAllowed,
  endpointProblem,
  entityPropertiesSchema,
  relationshipPropertiesSchema,
  slugSchema,
  sourceIdSchema,
  sourcePropertiesSchema,
  checkValidity,
  claimArgsShape,
  identifierKeysSchema,
} from './write-input.js';
import { canonicalKey } from '../identity/identifiers.js';
import {
  CLAIM_ARG_KEYS,
  type EntityRecord,
  type GraphData,
  type RelationshipRecord,
  type SourceRecord,
} from './bulk-load.js';
import { claimRecordProblems } from '../claims/records.js';

// ---------------------------------------------------------------------------------------------
// Records of an import file

export interface EntityImportRecord {
  type: 'entity';
  label: EntityLabel;
  /** Used when the entity is created; a random UUID when absent. */
  id?: string;
  slug: string;
  name: string;
  [property: string]: unknown;
}

export interface SourceImportRecord {
  type: 'source';
  id: string;
  title: string;
  cites?: string[];
  [property: string]: unknown;
}

export interface RelationshipImportRecord {
  type: 'relationship';
  relationship: EntityRelationshipType;
  from: string;
  to: string;
  properties?: Record<string, unknown>;
  /** How the relationship's claims hold (bulk-load.ts CLAIM_ARG_KEYS). */
  citations?: Array<{ source: string; quote?: string | null; locator?: string | null }>;
  validFrom?: string | null;
  validTo?: string | null;
  confidence?: number | null;
}

export interface MentionImportRecord {
  type: 'mention';
  source: string;
  entity: string;
}

export type ImportRecord = EntityImportRecord | SourceImportRecord | RelationshipImportRecord | MentionImportRecord;

export const RECORD_TYPES = ['entity', 'source', 'relationship', 'mention'] as const;

/** A record's problem, as one line of the report. */
export class RecordError extends Error {}

const entityIdSchema = sourceIdSchema;

/** An entity record of one kind: its properties, and the id to create it with. */
const entitySchemas = Object.fromEntries(
  ENTITY_LABELS.map((label) => [
    label,
    entityPropertiesSchema(label).extend({
      id: entityIdSchema.optional(),
      identifiers: identifierKeysSchema.optional(),
    }),
  ]),
) as unknown as Record<EntityLabel, z.AnyZodObject>;

const sourceSchema = sourcePropertiesSchema.extend({
  id: sourceIdSchema,
  cites: z.array(sourceIdSchema).max(1_000).optional(),
});

/** Import files name only the model's keys, and what the record's claims say of themselves. */
const strictEntitySchemas = Object.fromEntries(
  ENTITY_LABELS.map((label) => [label, entitySchemas[label].extend(claimArgsShape).strict()]),
) as unknown as Record<EntityLabel, z.AnyZodObject>;
const strictSourceSchema = sourceSchema.strict();

/** Graph data always brings the entity's id. */
const entityWithIdSchemas = Object.fromEntries(
  ENTITY_LABELS.map((label) => [label, entitySchemas[label].required({ id: true })]),
) as unknown as Record<EntityLabel, z.AnyZodObject>;

const relationshipSchema = z
  .object({
    relationship: connectableTypeSchema,
    from: slugSchema,
    to: slugSchema,
    properties: z.record(z.unknown()).optional(),
    ...claimArgsShape,
  })
  .strict();

const mentionSchema = z.object({ source: sourceIdSchema, entity: slugSchema }).strict();

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function parseWith<T>(schema: z.ZodTypeAny, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RecordError(describe(parsed.error));
  return parsed.data as T;
}

/** Checks one decoded record of an import file (either format); throws RecordError naming what is wrong. */
export function validateRecord(value: unknown): ImportRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordError('expected an object');
  const { type, ...rest } = value as Record<string, unknown>;
  switch (type) {
    case 'entity': {
      const { label, ...props } = rest;
      if (!isEntityLabel(label)) throw new RecordError(`label must be one of ${ENTITY_LABELS.join(', ')}`);
      const entity = parseWith<Record<string, unknown>>(strictEntitySchemas[label], props);
      return { type, label, ...entity } as EntityImportRecord;
    }
    case 'source':
      return { type, ...parseWith<Record<string, unknown>>(strictSourceSchema, rest) } as SourceImportRecord;
    case 'relationship': {
      const record = parseWith<Omit<RelationshipImportRecord, 'type'>>(relationshipSchema, rest);
      const properties = parseWith<Record<string, unknown>>(
        relationshipPropertiesSchema(record.relationship),
        record.properties ?? {},
      );
      return { type, ...record, properties };
    }
    case 'mention':
      return { type, ...parseWith<Omit<MentionImportRecord, 'type'>>(mentionSchema, rest) };
    default:
      throw new RecordError(`type must be one of ${RECORD_TYPES.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Across records

/**
 * What earlier records defined, keyed by where they were (`At`: a line, or an index): a slug or
 * entity id, a source id, or a relationship (from, type, to) may be defined once.
 */
export class RecordLedger<At> {
  readonly entities = new Map<string, { label: EntityLabel; at: At }>();
  readonly sources = new Map<string, At>();
  private readonly entityIds = new Map<string, At>();
  private readonly relationships = new Set<string>();
  private readonly identifiers = new Map<string, string>();

  /** Adds an entity's identifier keys; returns the first one another slug already holds, with that slug. */
  addIdentifiers(slug: string, keys: readonly string[]): { key: string; heldBy: string } | undefined {
    for (const given of keys) {
      const key = canonicalKey(given);
      const holder = this.identifiers.get(key);
      if (holder !== undefined && holder !== slug) return { key, heldBy: holder };
      this.identifiers.set(key, slug);
    }
    return undefined;
  }

  /** Adds an entity, or says which earlier record has its slug or id (then it is not added). */
  addEntity(slug: string, label: EntityLabel, id: string | undefined, at: At) {
    const first = this.entities.get(slug);
    if (first) return { repeats: 'slug' as const, at: first.at };
    const idFirst = id === undefined ? undefined : this.entityIds.get(id);
    if (idFirst !== undefined) return { repeats: 'id' as const, at: idFirst };
    if (id !== undefined) this.entityIds.set(id, at);
    this.entities.set(slug, { label, at });
    return undefined;
  }

  /** Adds a source, or returns where its id was defined first (then it is not added). */
  addSource(id: string, at: At): At | undefined {
    const first = this.sources.get(id);
    if (first === undefined) this.sources.set(id, at);
    return first;
  }

  /** Adds a relationship; false when the same (from, type, to) came before. */
  addRelationship(from: string, type: RelationshipType, to: string): boolean {
    const key = `${from}\u0000${type}\u0000${to}`;
    if (this.relationships.has(key)) return false;
    this.relationships.add(key);
    return true;
  }

  /** What is wrong with `slug` as the `end` of a `type` relationship, when an earlier record defines it. */
  endpointProblem(type: RelationshipType, end: 'from' | 'to', slug: string): string | undefined {
    const known = this.entities.get(slug);
    return known && !endpointAllowed(type, end, known.label) ? endpointProblem(type, end, known.label) : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Whole graph data

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

/** Keys the loader owns or reads structurally: never stored from a record's properties. */
const RESERVED = new Set(['id', 'label', 'createdAt', 'updatedAt', 'cites']);

const isLooseValue = (value: unknown) =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (Array.isArray(value) && (value.every((v) => typeof v === 'string') || value.every((v) => typeof v === 'number')));

/** A zod issue as text to follow `where: ` (`aliases[1] must not be empty`, `id is required`). */
function issueText(issue: z.ZodIssue): string {
  const [key, ...at] = issue.path;
  const path = `${key ?? ''}${at.map((p) => `[${String(p)}]`).join('')}`;
  const message =
    issue.code !== z.ZodIssueCode.invalid_type
      ? issue.message
      : issue.received === 'undefined'
        ? 'is required'
        : `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
  return path ? `${path} ${message}` : message;
}

/**
 * Problems of one record's values: the keys `schema` names by its rules, the others as loose
 * values, except keys the loader sets itself (`reserved`).
 */
function valueProblems(
  where: string,
  record: Record<string, unknown>,
  schema: z.AnyZodObject,
  reserved: (key: string) => boolean,
): string[] {
  const problems: string[] = [];
  const parsed = schema.safeParse(record);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${where}: ${issueText(issue)}`));
  for (const [key, value] of Object.entries(record)) {
    if (Object.hasOwn(schema.shape, key)) continue;
    if (reserved(key)) problems.push(`${where}: ${key} is set by the loader`);
    else if (value != null && !isLooseValue(value))
      problems.push(`${where}: ${key} must be a string, number, boolean or list`);
  }
  return problems;
}

/** A record's claim arguments (citations, validity, confidence) by the write rules. */
const claimArgsSchema = z.object(claimArgsShape).superRefine(checkValidity);

/** The record without its claim arguments, and their problems. */
function claimArgProblems(where: string, record: Record<string, unknown>) {
  const args = Object.fromEntries(CLAIM_ARG_KEYS.filter((k) => k in record).map((k) => [k, record[k]]));
  const rest = Object.fromEntries(
    Object.entries(record).filter(([k]) => !(CLAIM_ARG_KEYS as readonly string[]).includes(k)),
  );
  const parsed = claimArgsSchema.safeParse(args);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${where}: ${issueText(issue)}`);
  return { rest, problems };
}

function entityProblems(e: EntityRecord, i: number, ledger: RecordLedger<number>): string[] {
  const where = `entity ${e.slug ?? `#${i}`}`;
  const { label, ...record } = e;
  if (!isEntityLabel(label)) return [`${where}: label must be one of ${ENTITY_LABELS.join(', ')}`];
  const { rest: props, problems: argProblems } = claimArgProblems(where, record);
  const problems = [
    ...argProblems,
    ...valueProblems(where, props, entityWithIdSchemas[label], (key) => RESERVED.has(key)),
  ];
  const repeated = ledger.addEntity(e.slug, label, e.id, i);
  if (repeated?.repeats === 'slug') problems.push(`${where}: slug used twice`);
  if (repeated?.repeats === 'id') problems.push(`${where}: id ${e.id} used twice`);
  const shared = Array.isArray(e.identifiers) ? ledger.addIdentifiers(e.slug, e.identifiers.map(String)) : undefined;
  if (shared) problems.push(`${where}: identifier ${shared.key} is also ${shared.heldBy}'s`);
  return problems;
}

const looseRelationshipSchemas = new Map<RelationshipType, z.AnyZodObject>();

/** A relationship type's properties by the model's rules, other keys left to valueProblems. */
function looseRelationshipSchema(type: RelationshipType): z.AnyZodObject {
  let schema = looseRelationshipSchemas.get(type);
  if (!schema) {
    schema = relationshipPropertiesSchema(type).strip();
    looseRelationshipSchemas.set(type, schema);
  }
  return schema;
}

function relationshipProblems(r: RelationshipRecord, i: number, ledger: RecordLedger<number>): string[] {
  const where = `relationship #${i} (${r.from} -${r.type}-> ${r.to})`;
  if (!isRelationshipType(r.type) || r.type === 'MENTIONS' || r.type === 'CITES')
    return [`${where}: type must be an entity relationship type (MENTIONS and CITES belong to sources)`];
  const problems: string[] = [];
  // Endpoints outside the data may already be in the graph; the write statement checks those.
  for (const end of ['from', 'to'] as const) {
    const problem = ledger.endpointProblem(r.type, end, r[end]);
    if (problem) problems.push(`${where}: ${problem}`);
  }
  if (!ledger.addRelationship(r.from, r.type, r.to))
    problems.push(`${where}: listed twice (one relationship per type between two entities)`);
  const schema = looseRelationshipSchema(r.type);
  const reserved = (key: string) => RESERVED.has(key) || PAGE_KEY_NAMES.has(key);
  problems.push(...claimArgProblems(where, r as unknown as Record<string, unknown>).problems);
  return [...problems, ...valueProblems(where, r.properties ?? {}, schema, reserved)];
}

function sourceProblems(s: SourceRecord, i: number, ledger: RecordLedger<number>): string[] {
  const where = `source ${s.id ?? `#${i}`}`;
  const problems = valueProblems(where, s, sourceSchema, (key) => RESERVED.has(key));
  if (ledger.addSource(s.id, i) !== undefined) problems.push(`${where}: id used twice`);
  return problems;
}

/** Every problem in the data at once (throws GraphDataError). */
export function validateGraphData(data: GraphData): void {
  const ledger = new RecordLedger<number>();
  const problems = [
    ...data.entities.flatMap((e, i) => entityProblems(e, i, ledger)),
    ...data.relationships.flatMap((r, i) => relationshipProblems(r, i, ledger)),
    ...data.sources.flatMap((s, i) => sourceProblems(s, i, ledger)),
    ...claimRecordProblems(data.claims ?? []),
  ];
  for (const s of data.sources) {
    for (const cited of s.cites ?? [])
      if (!ledger.sources.has(cited)) problems.push(`source ${s.id}: cites unknown source ${cited}`);
  }
  for (const m of data.mentions) {
    if (!ledger.sources.has(m.source)) problems.push(`mentions: unknown source ${m.source}`);
  }
  if (problems.length > 0) throw new GraphDataError(problems);
}
