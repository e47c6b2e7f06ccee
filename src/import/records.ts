/**
 * The import file formats, one record per line (JSON Lines) or per row (CSV). What a valid record
 * is lives in graph/record-rules.ts (validateRecord); import-file.ts applies the checks across
 * records (references, duplicates, kinds already in the graph) to the whole stream.
 *
 * JSON Lines (`.ndjson`, `.jsonl`, `.json`), one object per line, `type` first:
 *   {"type":"entity","label":"Company","slug":"openai","name":"OpenAI","kind":"AI_LAB","country":"US"}
 *   {"type":"source","id":"src-1","title":"...","url":"https://...","publishedOn":"2025-07-22",
 *    "language":"fr","cites":["src-0"]}
 *   {"type":"relationship","relationship":"LEADS","from":"sam-altman","to":"openai","properties":{"title":"CEO"}}
 *   {"type":"mention","source":"src-1","entity":"openai"}
 *
 * CSV (`.csv`): a header row naming columns from CSV_COLUMNS (`type` required, any order); each
 * row fills the columns its type uses and leaves the others empty. Lists (`aliases`, `cites`)
 * are `|`-separated; on relationship rows the property columns (`title`, `since`, `on`, `role`,
 * `committedUsd`, `amountUsd`) are the relationship's properties.
 */
import {
  ENTITY_LABELS,
  KIND_PROPERTIES,
  RELATIONSHIPS,
  isEntityLabel,
  isRelationshipType,
  type PropertyType,
} from '../graph/model.js';
import { RECORD_TYPES, RecordError } from '../graph/record-rules.js';

// ---------------------------------------------------------------------------------------------
// CSV

const ENTITY_COLUMNS = ['label', 'id', 'slug', 'name', 'description', 'aliases', 'identifiers'];
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

const LIST_COLUMNS = new Set(['aliases', 'identifiers', 'cites']);

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
