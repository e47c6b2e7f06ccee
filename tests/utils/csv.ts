/** Reading CSV exports back in tests. */
import { expect } from 'vitest';

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes) into records by header. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  const [header, ...body] = rows;
  body.forEach((r) => expect(r).toHaveLength(header!.length));
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}
