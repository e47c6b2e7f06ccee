/**
 * Writes graph data (the generator's or the seed's JSON shape) as an import file, entities
 * first, then sources, relationships and mentions, so every reference points at an earlier line.
 * Streams to disk: only the data itself is held in memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { GraphData } from '../graph/bulk-load.js';
import { CSV_COLUMNS, csvField } from './records.js';
import type { ImportFormat } from './read-records.js';

/** The records of `data`, in file order. */
export function* graphDataRecords(data: GraphData): Generator<Record<string, unknown>> {
  for (const e of data.entities) yield { type: 'entity', ...e };
  for (const { cites, ...s } of data.sources) yield { type: 'source', ...s, ...(cites?.length ? { cites } : {}) };
  for (const r of data.relationships) {
    yield {
      type: 'relationship',
      relationship: r.type,
      from: r.from,
      to: r.to,
      ...(r.properties && Object.keys(r.properties).length ? { properties: r.properties } : {}),
    };
  }
  for (const m of data.mentions) for (const entity of m.entities) yield { type: 'mention', source: m.source, entity };
}

function csvLine(record: Record<string, unknown>): string {
  const flat: Record<string, unknown> = {
    ...record,
    ...((record.properties as Record<string, unknown> | undefined) ?? {}),
  };
  delete flat.properties;
  return CSV_COLUMNS.map((c) => csvField(flat[c])).join(',');
}

/** Writes the file; returns the number of records. */
export async function exportGraphData(data: GraphData, file: string, format: ImportFormat): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'csv') await write(`${CSV_COLUMNS.join(',')}\n`);
  for (const record of graphDataRecords(data)) {
    await write(`${format === 'csv' ? csvLine(record) : JSON.stringify(record)}\n`);
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}
