/** Streams an import file as numbered records: constant memory whatever the file's size. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RecordError, validateRecord, type ImportRecord } from '../graph/record-rules.js';
import { CSV_COLUMNS, csvRowToRecord, parseCsvFields } from './records.js';

export type ImportFormat = 'ndjson' | 'csv';

/** `.csv` is CSV; `.ndjson`, `.jsonl` and `.json` are JSON Lines (one object per line). */
export function formatOf(path: string): ImportFormat | undefined {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(ndjson|jsonl|json)$/i.test(path)) return 'ndjson';
  return undefined;
}

export interface NumberedRecord {
  /** 1-based line number where the record starts. */
  line: number;
  record?: ImportRecord;
  /** Why the record is invalid (then `record` is undefined). */
  error?: string;
}

/** A problem with the whole file (e.g. a bad CSV header): nothing can be read. */
export class ImportFileError extends Error {}

async function* lines(path: string): AsyncGenerator<[number, string]> {
  const input = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of input) yield [++n, text];
}

function checked(line: number, decode: () => unknown): NumberedRecord {
  try {
    return { line, record: validateRecord(decode()) };
  } catch (error) {
    if (error instanceof RecordError) return { line, error: error.message };
    if (error instanceof SyntaxError) return { line, error: `not valid JSON (${error.message})` };
    throw error;
  }
}

export async function* readRecords(path: string, format: ImportFormat): AsyncGenerator<NumberedRecord> {
  if (format === 'ndjson') {
    for await (const [line, text] of lines(path)) {
      if (text.trim() === '') continue;
      yield checked(line, () => JSON.parse(text));
    }
    return;
  }
  let header: string[] | undefined;
  let pending = '';
  let start = 0;
  for await (const [line, text] of lines(path)) {
    // A quoted field may span lines: gather physical lines until the quotes balance.
    pending = pending === '' ? text : `${pending}\n${text}`;
    if (start === 0) start = line;
    if ((pending.match(/"/g)?.length ?? 0) % 2 === 1) continue;
    const logical = pending;
    const at = start;
    pending = '';
    start = 0;
    if (logical.trim() === '') continue;
    const fields = parseCsvFields(logical);
    if (!header) {
      header = fields.map((f) => f.trim());
      const unknown = header.filter((h) => !CSV_COLUMNS.includes(h));
      const duplicated = header.filter((h, i) => header!.indexOf(h) !== i);
      if (!header.includes('type') || unknown.length > 0 || duplicated.length > 0) {
        throw new ImportFileError(
          `line ${at}: the CSV header must name a "type" column and only these: ${CSV_COLUMNS.join(', ')}` +
            (unknown.length ? ` (unknown: ${unknown.join(', ')})` : '') +
            (duplicated.length ? ` (twice: ${duplicated.join(', ')})` : ''),
        );
      }
      continue;
    }
    const columns = header;
    yield checked(at, () => {
      if (fields.length !== columns.length)
        throw new RecordError(`expected ${columns.length} fields, got ${fields.length}`);
      return csvRowToRecord(Object.fromEntries(columns.map((c, i) => [c, fields[i]!])));
    });
  }
  if (pending !== '') yield { line: start, error: 'unterminated quoted field' };
  if (!header) throw new ImportFileError('the CSV file has no header row');
}
