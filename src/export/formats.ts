/**
 * Serializing a NeighborhoodExport:
 * - GraphML (Gephi, networkx `read_graphml`, yEd): a `<key>` with `attr.type` for every node and
 *   edge property; lists and sources are JSON text (GraphML has no list type). A `label`
 *   attribute (the entity's name, the relationship's type) is what Gephi shows.
 * - CSV: `nodes.csv` and `edges.csv` (pandas `read_csv`, Gephi's spreadsheet import): one column
 *   per property, lists and sources as JSON text.
 * - NDJSON: one JSON object per line, nodes then relationships, `record` saying which; lists
 *   and sources stay JSON arrays (pandas `read_json(lines=True)`).
 *
 * Claims: every node and edge carries its own claim (CLAIM_COLUMNS: `claimId`, `validFrom`,
 * `validTo`, `recordedAt`, `retractedAt`, `confidence`, `citations`), and every sourced value its
 * value claim's, as `<property>.<column>` (`status.validFrom`, `status.citations`, ...). GraphML
 * declares a key for each and CSV a column, the value columns only for properties that have a
 * value claim in the export; citations are JSON text there. NDJSON nests them: `claim: {...}` and
 * `values: { <property>: {...} }`.
 */
import { ALL_RELATIONSHIP_PROPERTIES, COMMON_PROPERTIES, KIND_PROPERTIES, type PropertyType } from '../graph/model.js';
import { CLAIM_COLUMNS, type ClaimColumn, type ExportedClaim } from './claims.js';
import type {
  ExportedNode,
  ExportedRelationship,
  NeighborhoodExport,
  NeighborhoodFormat,
} from './neighborhood-export.js';

type GraphmlType = 'string' | 'double' | 'boolean' | 'int';

interface Column {
  name: string;
  type: GraphmlType;
}

const graphmlType = (t: PropertyType): GraphmlType => (t === 'number' ? 'double' : 'string');

/** Properties every export lists first, whether or not a record has them (model.ts). */
const NODE_MODEL_COLUMNS: Column[] = dedupe([
  ...Object.entries(COMMON_PROPERTIES).map(([name, t]) => ({ name, type: graphmlType(t) })),
  ...Object.values(KIND_PROPERTIES).flatMap((props) =>
    Object.entries(props as Record<string, PropertyType>).map(([name, t]) => ({ name, type: graphmlType(t) })),
  ),
  { name: 'createdAt', type: 'string' },
  { name: 'updatedAt', type: 'string' },
]);
const EDGE_MODEL_COLUMNS: Column[] = Object.entries(ALL_RELATIONSHIP_PROPERTIES).map(([name, t]) => ({
  name,
  type: graphmlType(t),
}));

function dedupe(columns: Column[]): Column[] {
  const seen = new Map<string, Column>();
  for (const c of columns) if (!seen.has(c.name)) seen.set(c.name, c);
  return [...seen.values()];
}

/** The model's columns, then any other property the records carry, typed by their values. */
function propertyColumns(model: Column[], records: Array<{ properties: Record<string, unknown> }>): Column[] {
  const known = new Set(model.map((c) => c.name));
  const extra = new Map<string, unknown[]>();
  for (const r of records) {
    for (const [name, value] of Object.entries(r.properties)) {
      if (known.has(name) || value === null || value === undefined) continue;
      extra.set(name, [...(extra.get(name) ?? []), value]);
    }
  }
  const inferred = [...extra.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([name, values]): Column => ({
        name,
        type: values.every((v) => typeof v === 'number')
          ? 'double'
          : values.every((v) => typeof v === 'boolean')
            ? 'boolean'
            : 'string',
      }),
    );
  return [...model, ...inferred];
}

const claimColumnType = (column: ClaimColumn): GraphmlType => (column === 'confidence' ? 'double' : 'string');

interface ClaimedRecord {
  claim: ExportedClaim | null;
  values: Record<string, ExportedClaim>;
}

/** A column of claims, with how a record fills it. */
interface ClaimColumnOf extends Column {
  get: (record: ClaimedRecord) => unknown;
}

/**
 * A record's own claim, one column per field, then for each property (in `order`) that some
 * record has a value claim for, that claim's fields as `<property>.<field>`.
 */
function claimColumns(order: readonly string[], records: readonly ClaimedRecord[]): ClaimColumnOf[] {
  const own = CLAIM_COLUMNS.map(
    (name): ClaimColumnOf => ({ name, type: claimColumnType(name), get: (r) => r.claim?.[name] ?? null }),
  );
  const claimed = new Set(records.flatMap((r) => Object.keys(r.values)));
  const values = order
    .filter((field) => claimed.has(field))
    .flatMap((field) =>
      CLAIM_COLUMNS.map(
        (name): ClaimColumnOf => ({
          name: `${field}.${name}`,
          type: claimColumnType(name),
          get: (r) => (Object.hasOwn(r.values, field) ? r.values[field]![name] : null),
        }),
      ),
    );
  return [...own, ...values];
}

/** Property order of value claims: the model's. */
const NODE_VALUE_ORDER = NODE_MODEL_COLUMNS.map((c) => c.name);
const EDGE_VALUE_ORDER = EDGE_MODEL_COLUMNS.map((c) => c.name);

/** A value as text in a flat format: lists and objects as JSON, null as nothing. */
function flat(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// GraphML

/** XML text: escaped, and without the control characters XML 1.0 cannot hold. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A column with how a record fills it. */
interface Filled<R> extends Column {
  get: (record: R) => unknown;
}

/**
 * Node columns: `label` (GraphML only), `entityType`, the properties, `sources`, then the
 * claims. `id` is the element's own attribute in GraphML and the first column in CSV.
 */
function nodeColumns(data: NeighborhoodExport): Filled<ExportedNode>[] {
  return [
    { name: 'entityType', type: 'string', get: (n) => n.entityType },
    ...propertyColumns(NODE_MODEL_COLUMNS, data.nodes).map((c) => ({
      ...c,
      get: (n: ExportedNode) => n.properties[c.name],
    })),
    { name: 'sources', type: 'string', get: (n) => n.sources },
    ...claimColumns(NODE_VALUE_ORDER, data.nodes),
  ];
}

/** Edge columns: `type`, the properties, `sources`, then the claims. */
function edgeColumns(data: NeighborhoodExport): Filled<ExportedRelationship>[] {
  return [
    { name: 'type', type: 'string', get: (r) => r.type },
    ...propertyColumns(EDGE_MODEL_COLUMNS, data.relationships).map((c) => ({
      ...c,
      get: (r: ExportedRelationship) => r.properties[c.name],
    })),
    { name: 'sources', type: 'string', get: (r) => r.sources },
    ...claimColumns(EDGE_VALUE_ORDER, data.relationships),
  ];
}

/** Graph-level data: the center, depth, truncation and the slice read (absent: today). */
function graphData(data: NeighborhoodExport): Array<Column & { value: unknown }> {
  return [
    { name: 'center', type: 'string', value: data.center.slug },
    { name: 'depth', type: 'int', value: data.depth },
    { name: 'truncated', type: 'boolean', value: data.truncated },
    { name: 'asOf', type: 'string', value: data.time?.asOf ?? null },
    { name: 'knownAt', type: 'string', value: data.time?.knownAt ?? null },
  ];
}

/** GraphML, a line at a time (each with its newline). */
export function* graphmlLines(data: NeighborhoodExport): Generator<string> {
  const nodes: Filled<ExportedNode>[] = [
    { name: 'label', type: 'string', get: (n) => n.properties.name },
    ...nodeColumns(data),
  ];
  const edges: Filled<ExportedRelationship>[] = [
    { name: 'label', type: 'string', get: (r) => r.type },
    ...edgeColumns(data),
  ];
  const graph = graphData(data);
  const key = (id: string, domain: string, c: Column) =>
    `  <key id="${id}" for="${domain}" attr.name="${xml(c.name)}" attr.type="${c.type}"/>\n`;
  const datum = (id: string, value: unknown, indent: string) => {
    const text = flat(value);
    return text === null ? '' : `${indent}<data key="${id}">${xml(text)}</data>\n`;
  };
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns ' +
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n';
  yield nodes.map((c, i) => key(`n${i}`, 'node', c)).join('');
  yield edges.map((c, i) => key(`e${i}`, 'edge', c)).join('');
  yield graph.map((c, i) => key(`g${i}`, 'graph', c)).join('');
  // Relationships have a direction; analyses that ignore it read the graph as undirected.
  yield '  <graph id="neighborhood" edgedefault="directed">\n';
  yield graph.map((c, i) => datum(`g${i}`, c.value, '    ')).join('');
  for (const node of data.nodes) {
    yield `    <node id="${xml(node.id)}">\n${nodes.map((c, i) => datum(`n${i}`, c.get(node), '      ')).join('')}    </node>\n`;
  }
  for (const r of data.relationships) {
    yield `    <edge id="${xml(r.id)}" source="${xml(r.from)}" target="${xml(r.to)}">\n` +
      `${edges.map((c, i) => datum(`e${i}`, c.get(r), '      ')).join('')}    </edge>\n`;
  }
  yield '  </graph>\n</graphml>\n';
}

export const toGraphML = (data: NeighborhoodExport): string => [...graphmlLines(data)].join('');

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
 * return first) goes out with a `'` in front, so opening an export never runs what someone
 * wrote into a name or a quote; numbers are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  const flattened = flat(value) ?? '';
  const text = typeof value !== 'number' && FORMULA_START.test(flattened) ? `'${flattened}` : flattened;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV lines: the header, then one line per row. */
function* csvLines(header: string[], rows: Iterable<unknown[]>): Generator<string> {
  yield `${header.map(csvCell).join(',')}\n`;
  for (const row of rows) yield `${row.map(csvCell).join(',')}\n`;
}

/** nodes.csv: id, entityType, the properties, sources (JSON), the claims (citations as JSON). */
export function nodesCsvLines(data: NeighborhoodExport): Generator<string> {
  const columns = nodeColumns(data);
  return csvLines(
    ['id', ...columns.map((c) => c.name)],
    (function* () {
      for (const n of data.nodes) yield [n.id, ...columns.map((c) => c.get(n))];
    })(),
  );
}

/**
 * edges.csv: id, type, source, target (entity ids, as Gephi and networkx name them), the properties,
 * sources (JSON), the claims (citations as JSON).
 */
export function edgesCsvLines(data: NeighborhoodExport): Generator<string> {
  const [type, ...rest] = edgeColumns(data);
  return csvLines(
    ['id', type!.name, 'source', 'target', ...rest.map((c) => c.name)],
    (function* () {
      for (const r of data.relationships) yield [r.id, r.type, r.from, r.to, ...rest.map((c) => c.get(r))];
    })(),
  );
}

export const toNodesCsv = (data: NeighborhoodExport): string => [...nodesCsvLines(data)].join('');
export const toEdgesCsv = (data: NeighborhoodExport): string => [...edgesCsvLines(data)].join('');

// ---------------------------------------------------------------------------------------------
// NDJSON

/** NDJSON: one line per node, then per relationship. */
export function* ndjsonLines(data: NeighborhoodExport): Generator<string> {
  for (const n of data.nodes) {
    const record = {
      record: 'node',
      id: n.id,
      entityType: n.entityType,
      ...n.properties,
      sources: n.sources,
      claim: n.claim,
      values: n.values,
    };
    yield `${JSON.stringify(record)}\n`;
  }
  for (const r of data.relationships) {
    const record = {
      record: 'relationship',
      id: r.id,
      type: r.type,
      from: r.from,
      to: r.to,
      ...r.properties,
      sources: r.sources,
      claim: r.claim,
      values: r.values,
    };
    yield `${JSON.stringify(record)}\n`;
  }
}

export const toNdjson = (data: NeighborhoodExport): string => [...ndjsonLines(data)].join('');

// ---------------------------------------------------------------------------------------------
// One document of an export

export const CSV_PARTS = ['nodes', 'edges'] as const;
export type CsvPart = (typeof CSV_PARTS)[number];

export interface ExportDocument {
  /** The document's text in order, piece by piece, made as it is read (a stream is fed from it). */
  chunks: () => Iterable<string>;
  contentType: string;
  /** A file name for it: `<center>-depth<N>.graphml`, `...-nodes.csv`, `...-edges.csv`, `....ndjson`. */
  fileName: string;
}

/** The whole text of a document (for callers that want it at once). */
export const documentText = (document: ExportDocument): string => [...document.chunks()].join('');

/** Joins small pieces into chunks of about `size` characters, so a stream carries few large chunks. */
export function* batched(pieces: Iterable<string>, size = 64 * 1024): Generator<string> {
  let buffer: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    buffer.push(piece);
    length += piece.length;
    if (length >= size) {
      yield buffer.join('');
      buffer = [];
      length = 0;
    }
  }
  if (length > 0) yield buffer.join('');
}

/** One document: GraphML, NDJSON, or one CSV part (`part` is needed for CSV only). */
export function exportDocument(data: NeighborhoodExport, format: NeighborhoodFormat, part?: CsvPart): ExportDocument {
  // Slugs are kebab-case already; anything else is dropped so the header stays a plain token.
  const base = `${data.center.slug.replace(/[^a-z0-9-]/g, '') || 'neighborhood'}-depth${data.depth}`;
  if (format === 'graphml')
    return {
      chunks: () => graphmlLines(data),
      contentType: 'application/graphml+xml; charset=utf-8',
      fileName: `${base}.graphml`,
    };
  if (format === 'ndjson')
    return {
      chunks: () => ndjsonLines(data),
      contentType: 'application/x-ndjson; charset=utf-8',
      fileName: `${base}.ndjson`,
    };
  if (!part) throw new Error('A CSV export is two documents: name the part (nodes or edges)');
  return {
    chunks: () => (part === 'nodes' ? nodesCsvLines(data) : edgesCsvLines(data)),
    contentType: 'text/csv; charset=utf-8; header=present',
    fileName: `${base}-${part}.csv`,
  };
}
