/**
 * Serializing a NeighborhoodExport:
 * - GraphML (Gephi, networkx `read_graphml`, yEd): a `<key>` with `attr.type` for every node and
 *   edge property; lists and sources are JSON text (GraphML has no list type). A `label`
 *   attribute (the entity's name, the relationship's type) is what Gephi shows.
 * - CSV: `nodes.csv` and `edges.csv` (pandas `read_csv`, Gephi's spreadsheet import): one column
 *   per property, lists and sources as JSON text.
 * - NDJSON: one JSON object per line, nodes then relationships, `record` saying which; lists
 *   and sources stay JSON arrays (pandas `read_json(lines=True)`).
 */
import { ALL_RELATIONSHIP_PROPERTIES, COMMON_PROPERTIES, KIND_PROPERTIES, type PropertyType } from '../graph/model.js';
import type { ExportedNode, ExportedRelationship, NeighborhoodExport } from './neighborhood-export.js';

type GraphmlType = 'string' | 'double' | 'boolean';

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

export function toGraphML(data: NeighborhoodExport): string {
  const nodeColumns: Column[] = [
    { name: 'label', type: 'string' },
    { name: 'entityType', type: 'string' },
    ...propertyColumns(NODE_MODEL_COLUMNS, data.nodes),
    { name: 'sources', type: 'string' },
  ];
  const edgeColumns: Column[] = [
    { name: 'label', type: 'string' },
    { name: 'type', type: 'string' },
    ...propertyColumns(EDGE_MODEL_COLUMNS, data.relationships),
    { name: 'sources', type: 'string' },
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
      'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns ' +
      'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  const keyId = (domain: 'node' | 'edge', i: number) => `${domain === 'node' ? 'n' : 'e'}${i}`;
  for (const [i, c] of nodeColumns.entries()) {
    lines.push(`  <key id="${keyId('node', i)}" for="node" attr.name="${xml(c.name)}" attr.type="${c.type}"/>`);
  }
  for (const [i, c] of edgeColumns.entries()) {
    lines.push(`  <key id="${keyId('edge', i)}" for="edge" attr.name="${xml(c.name)}" attr.type="${c.type}"/>`);
  }
  lines.push(`  <key id="g0" for="graph" attr.name="center" attr.type="string"/>`);
  lines.push(`  <key id="g1" for="graph" attr.name="depth" attr.type="int"/>`);
  lines.push(`  <key id="g2" for="graph" attr.name="truncated" attr.type="boolean"/>`);
  // Relationships have a direction; analyses that ignore it read the graph as undirected.
  lines.push('  <graph id="neighborhood" edgedefault="directed">');
  lines.push(`    <data key="g0">${xml(data.center.slug)}</data>`);
  lines.push(`    <data key="g1">${data.depth}</data>`);
  lines.push(`    <data key="g2">${data.truncated}</data>`);
  const dataLines = (domain: 'node' | 'edge', columns: Column[], values: (name: string) => unknown) =>
    columns.flatMap((c, i) => {
      const text = flat(values(c.name));
      return text === null ? [] : [`      <data key="${keyId(domain, i)}">${xml(text)}</data>`];
    });
  for (const node of data.nodes) {
    lines.push(`    <node id="${xml(node.id)}">`);
    lines.push(...dataLines('node', nodeColumns, (name) => nodeValue(node, name)));
    lines.push('    </node>');
  }
  for (const r of data.relationships) {
    lines.push(`    <edge id="${xml(r.id)}" source="${xml(r.from)}" target="${xml(r.to)}">`);
    lines.push(...dataLines('edge', edgeColumns, (name) => edgeValue(r, name)));
    lines.push('    </edge>');
  }
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

function nodeValue(node: ExportedNode, name: string): unknown {
  if (name === 'label') return node.properties.name;
  if (name === 'entityType') return node.entityType;
  if (name === 'sources') return node.sources;
  return node.properties[name];
}

function edgeValue(r: ExportedRelationship, name: string): unknown {
  if (name === 'label' || name === 'type') return r.type;
  if (name === 'sources') return r.sources;
  return r.properties[name];
}

// ---------------------------------------------------------------------------------------------
// CSV

function csvCell(value: unknown): string {
  const text = flat(value) ?? '';
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csv = (header: string[], rows: unknown[][]) =>
  `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;

/** nodes.csv: id, entityType, the properties, sources (JSON). */
export function toNodesCsv(data: NeighborhoodExport): string {
  const columns = propertyColumns(NODE_MODEL_COLUMNS, data.nodes).map((c) => c.name);
  return csv(
    ['id', 'entityType', ...columns, 'sources'],
    data.nodes.map((n) => [n.id, n.entityType, ...columns.map((c) => n.properties[c]), n.sources]),
  );
}

/**
 * edges.csv: id, type, source, target (entity ids, as Gephi and networkx name them), the properties,
 * sources (JSON).
 */
export function toEdgesCsv(data: NeighborhoodExport): string {
  const columns = propertyColumns(EDGE_MODEL_COLUMNS, data.relationships).map((c) => c.name);
  return csv(
    ['id', 'type', 'source', 'target', ...columns, 'sources'],
    data.relationships.map((r) => [r.id, r.type, r.from, r.to, ...columns.map((c) => r.properties[c]), r.sources]),
  );
}

// ---------------------------------------------------------------------------------------------
// NDJSON

export function toNdjson(data: NeighborhoodExport): string {
  const lines = [
    ...data.nodes.map((n) => ({
      record: 'node',
      id: n.id,
      entityType: n.entityType,
      ...n.properties,
      sources: n.sources,
    })),
    ...data.relationships.map((r) => ({
      record: 'relationship',
      id: r.id,
      type: r.type,
      from: r.from,
      to: r.to,
      ...r.properties,
      sources: r.sources,
    })),
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
}

// ---------------------------------------------------------------------------------------------
// One document of an export

export const CSV_PARTS = ['nodes', 'edges'] as const;
export type CsvPart = (typeof CSV_PARTS)[number];

export interface ExportDocument {
  body: string;
  contentType: string;
  /** A file name for it: `<center>-depth<N>.graphml`, `...-nodes.csv`, `...-edges.csv`, `....ndjson`. */
  fileName: string;
}

/** One document: GraphML, NDJSON, or one CSV part (`part` is needed for CSV only). */
export function exportDocument(
  data: NeighborhoodExport,
  format: 'graphml' | 'csv' | 'ndjson',
  part?: CsvPart,
): ExportDocument {
  // Slugs are kebab-case already; anything else is dropped so the header stays a plain token.
  const base = `${data.center.slug.replace(/[^a-z0-9-]/g, '') || 'neighborhood'}-depth${data.depth}`;
  if (format === 'graphml')
    return {
      body: toGraphML(data),
      contentType: 'application/graphml+xml; charset=utf-8',
      fileName: `${base}.graphml`,
    };
  if (format === 'ndjson')
    return { body: toNdjson(data), contentType: 'application/x-ndjson; charset=utf-8', fileName: `${base}.ndjson` };
  if (!part) throw new Error('A CSV export is two documents: name the part (nodes or edges)');
  return {
    body: part === 'nodes' ? toNodesCsv(data) : toEdgesCsv(data),
    contentType: 'text/csv; charset=utf-8; header=present',
    fileName: `${base}-${part}.csv`,
  };
}
