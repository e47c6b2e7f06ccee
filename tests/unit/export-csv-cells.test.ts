/**
 * CSV exports are opened in spreadsheets: a text cell that would read as a formula is written
 * with a `'` in front (README, "Exports"); numbers and ordinary text are left as they are.
 */
import { describe, expect, it } from 'vitest';
import { toEdgesCsv, toNodesCsv } from '../../src/export/formats.js';
import type { NeighborhoodExport } from '../../src/export/neighborhood-export.js';
import { parseCsv } from '../utils/csv.js';

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

/** One column of a CSV export, row by row. */
const column = (csv: string, name: string) => parseCsv(csv).map((row) => row[name]);

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
