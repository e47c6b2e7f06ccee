/**
 * CSV exports are opened in spreadsheets: a text cell that would read as a formula is written
 * with a `'` in front (README, "Exports"); numbers and ordinary text are left as they are.
 */
import { describe, expect, it } from 'vitest';
import { toEdgesCsv, toNodesCsv } from '../../src/export/formats.js';
import type { NeighborhoodExport } from '../../src/export/neighborhood-export.js';

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1'];

const data = (name: string, role: string): NeighborhoodExport => ({
  center: { id: 'a', slug: 'a' },
  depth: 1,
  truncated: false,
  time: null,
  nodes: [
    { id: 'a', entityType: 'Company', properties: { slug: 'a', name }, sources: [], claim: null, values: {} },
    {
      id: 'b',
      entityType: 'Deal',
      properties: { slug: 'b', name: 'Plain', valueUsd: -5 },
      sources: [],
      claim: null,
      values: {},
    },
  ],
  relationships: [
    { id: 'r', type: 'PARTY_TO', from: 'a', to: 'b', properties: { role }, sources: [], claim: null, values: {} },
  ],
});

/** The cells of a CSV text (quoted cells unquoted), row by row. */
function cells(csv: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') rows.at(-1)!.push(cell), (cell = '');
    else if (c === '\n') rows.at(-1)!.push(cell), (cell = ''), rows.push([]);
    else cell += c;
  }
  return rows.filter((r) => r.length > 0);
}

const column = (csv: string, name: string) => {
  const [header, ...rows] = cells(csv);
  const at = header!.indexOf(name);
  return rows.map((r) => r[at]);
};

describe('CSV cells a spreadsheet would run', () => {
  it.each(FORMULAS)('writes %j behind a quote mark, in node and edge files', (formula) => {
    const exported = data(formula, formula);
    expect(column(toNodesCsv(exported), 'name')).toEqual([`'${formula}`, 'Plain']);
    expect(column(toEdgesCsv(exported), 'role')).toEqual([`'${formula}`]);
  });

  it('leaves numbers, negative ones too, and ordinary text as they are', () => {
    const nodes = toNodesCsv(data('Oracle, Inc.', 'buyer'));
    expect(column(nodes, 'name')).toEqual(['Oracle, Inc.', 'Plain']);
    expect(column(nodes, 'valueUsd')).toEqual(['', '-5']);
    expect(column(toEdgesCsv(data('x', 'co-lead')), 'role')).toEqual(['co-lead']);
  });
});
