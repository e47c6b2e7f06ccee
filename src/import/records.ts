/**
 * The import file formats, one record per line (JSON Lines) or per row (CSV), and the per-record
 * checks. Cross-record checks (references, duplicates, kinds already in the graph) live in
 * import-file.ts, which sees the whole stream.
 *
 * JSON Lines (`.ndjson`, `.jsonl`, `.json`), one object per line, `type` first:
 *   {"type":"entity","label":"Company","slug":"openai","name":"OpenAI","kind":"AI_LAB","country":"US"}
 *   {"type":"source","id":"src-1","title":"...","url":"https://...","publishedOn":"2025-07-22","language":"fr","cites":["src-0"]}
 *   {"type":"relationship","relationship":"LEADS","from":"sam-altman","to":"openai","properties":{"title":"CEO"}}
 *   {"type":"mention","source":"src-1","entity":"openai"}
 *
 * CSV (`.csv`): a header row naming columns from CSV_COLUMNS (`type` required, any order); each
 * row fills the columns its type uses and leaves the others empty. Lists (`aliases`, `cites`)
 * are `|`-separated; on relationship rows the property columns (`title`, `since`, `on`, `role`,
 * `committedUsd`, `amountUsd`) are the relationship's properties.
 */
import { z } from 'zod';
import {
  ENTITY_LABELS,
  KIND_PROPERTIES,
  RELATIONSHIPS,
  isEntityLabel,
  isRelationshipType,
  type EntityLabel,
  type PropertyType,
  type RelationshipType,
} from '../graph/model.js';
import {
  connectableTypeSchema,
  entityPropertiesSchema,
  relationshipPropertiesSchema,
  slugSchema,
  sourceIdSchema,
  sourcePropertiesSchema,
} from '../graph/write-input.js';

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
  relationship: Exclude<RelationshipType, 'MENTIONS' | 'CITES'>;
  from: string;
  to: string;
  properties?: Record<string, unknown>;
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

const entitySchemas = Object.fromEntries(
  ENTITY_LABELS.map((label) => [
    label,
    entityPropertiesSchema(label).extend({ id: entityIdSchema.optional() }).strict(),
  ]),
) as unknown as Record<EntityLabel, z.ZodTypeAny>;

const sourceSchema = sourcePropertiesSchema
  .extend({ id: sourceIdSchema, cites: z.array(sourceIdSchema).max(1_000).optional() })
  .strict();

const relationshipSchema = z
  .object({
    relationship: connectableTypeSchema,
    from: slugSchema,
    to: slugSchema,
    properties: z.record(z.unknown()).optional(),
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

/** Checks one decoded record (from either format); throws RecordError naming what is wrong. */
export function validateRecord(value: unknown): ImportRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordError('expected an object');
  const { type, ...rest } = value as Record<string, unknown>;
  switch (type) {
    case 'entity': {
      const { label, ...props } = rest;
      if (!isEntityLabel(label)) throw new RecordError(`label must be one of ${ENTITY_LABELS.join(', ')}`);
      return { type, label, ...parseWith<Record<string, unknown>>(entitySchemas[label], props) } as EntityImportRecord;
    }
    case 'source':
      return { type, ...parseWith<Record<string, unknown>>(sourceSchema, rest) } as SourceImportRecord;
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
// CSV

const ENTITY_COLUMNS = ['label', 'id', 'slug', 'name', 'description', 'aliases'];
const KIND_COLUMNS = [...new Set(Object.values(KIND_PROPERTIES).flatMap((p) => Object.keys(p)))];
const SOURCE_COLUMNS = ['id', 'title', 'publisher', 'url', 'publishedOn', 'language', 'cites'];
const RELATIONSHIP_PROPERTY_COLUMNS = [
  ...new Set(Object.values(RELATIONSHIPS).flatMap((r) => Object.keys(r.properties))),
];

/** Every column a CSV header may name. */
export const CSV_COLUMNS = [
  ...new Set([
    'type',
    ...ENTITY_COLUMNS,
    ...KIND_COLUMNS,
    ...SOURCE_COLUMNS,
    'relationship',
    'from',
    'to',
    ...RELATIONSHIP_PROPERTY_COLUMNS,
    'source',
    'entity',
  ]),
];

const LIST_COLUMNS = new Set(['aliases', 'cites']);

function typedCell(value: string, type: PropertyType | undefined): unknown {
  if (type === 'number') {
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) throw new RecordError(`"${value.slice(0, 40)}" is not a number`);
    return n;
  }
  if (type === 'stringList')
    return value
      .split('|')
      .map((v) => v.trim())
      .filter(Boolean);
  return value;
}

/** A CSV row (header → cell) as the JSON record it stands for; empty cells are absent. */
export function csvRowToRecord(row: Record<string, string>): unknown {
  const cells = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''));
  const type = cells.type;
  const pick = (columns: string[], types: Record<string, PropertyType> = {}) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cells)) {
      if (k === 'type') continue;
      if (!columns.includes(k)) throw new RecordError(`column ${k} does not belong on a ${type} row`);
      out[k] = LIST_COLUMNS.has(k) ? typedCell(v, 'stringList') : typedCell(v, types[k]);
    }
    return out;
  };
  switch (type) {
    case 'entity': {
      const label = cells.label;
      if (!isEntityLabel(label)) throw new RecordError(`label must be one of ${ENTITY_LABELS.join(', ')}`);
      return { type, ...pick([...ENTITY_COLUMNS, ...Object.keys(KIND_PROPERTIES[label])], KIND_PROPERTIES[label]) };
    }
    case 'source':
      return { type, ...pick(SOURCE_COLUMNS) };
    case 'relationship': {
      const relationship = cells.relationship;
      // Own keys only: 'toString' or 'constructor' is no type (validateRecord then says so).
      const spec = isRelationshipType(relationship) ? RELATIONSHIPS[relationship] : undefined;
      const all = pick(['relationship', 'from', 'to', ...Object.keys(spec?.properties ?? {})], spec?.properties ?? {});
      const { relationship: rel, from, to, ...properties } = all;
      return { type, relationship: rel, from, to, properties };
    }
    case 'mention':
      return { type, ...pick(['source', 'entity']) };
    default:
      throw new RecordError(`type must be one of ${RECORD_TYPES.join(', ')}`);
  }
}

/** One CSV record's fields (RFC 4180: quoted fields may hold commas, quotes as "" and newlines). */
export function parseCsvFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = Array.isArray(value) ? value.join('|') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
