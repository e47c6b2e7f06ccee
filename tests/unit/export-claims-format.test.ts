/**
 * Export parameters for time and history (`asOf`, `knownAt`, `format=json`, their CLI flags) and
 * how the three formats lay out claims, on a hand-written export (no database).
 */
import { describe, expect, it } from 'vitest';
import { parseNeighborhoodExportArgs } from '../../src/cli/export.js';
import type { ExportedClaim } from '../../src/export/claims.js';
import { toEdgesCsv, toGraphML, toNdjson, toNodesCsv } from '../../src/export/formats.js';
import { historyJson, type HistoryFile } from '../../src/export/history-export.js';
import type { NeighborhoodExport } from '../../src/export/neighborhood-export.js';
import { parseExportParameters } from '../../src/plugins/use-export.js';

const parse = (query: string, options?: { wholeGraph?: boolean }) =>
  parseExportParameters(new URLSearchParams(query), options);

const refusal = (query: string, options?: { wholeGraph?: boolean }) => {
  try {
    parse(query, options);
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error(`${query} was accepted`);
};

describe('asOf, knownAt and format=json', () => {
  it('takes a real day and an instant with its zone, normalised to UTC', () => {
    expect(parse('around=a&asOf=2024-02-29&knownAt=2025-07-02T02:00:00%2B02:00')).toMatchObject({
      asOf: '2024-02-29',
      knownAt: '2025-07-02T00:00:00.000Z',
    });
    expect(parse('around=a')).toMatchObject({ asOf: undefined, knownAt: undefined });
  });

  it.each([
    ['around=a&asOf=2025-02-29', 'asOf'],
    ['around=a&asOf=2025-3-1', 'asOf'],
    ['around=a&knownAt=2025-07-02', 'knownAt'],
    ['around=a&knownAt=2025-07-02T00:00:00', 'knownAt'],
    ['around=a&asOf=2025-01-01&asOf=2025-01-02', 'asOf'],
    ['around=a&format=json&knownAt=2025-07-02T00:00:00Z', 'knownAt'],
    ['around=a&format=json&part=nodes', 'part'],
    ['format=json', 'around'],
  ])('refuses %s with BAD_USER_INPUT naming %s', (query, name) => {
    const error = refusal(query);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: name });
    expect(error.message).toContain(name);
  });

  it('a whole-graph history needs format=json: the CLI may leave --around out only then', () => {
    expect(parse('format=json', { wholeGraph: true })).toMatchObject({ format: 'json', around: undefined });
    expect(refusal('format=ndjson', { wholeGraph: true }).extensions).toMatchObject({ argumentName: 'around' });
    expect(parseNeighborhoodExportArgs(['--format', 'json']).parameters).toMatchObject({ format: 'json' });
    expect(
      parseNeighborhoodExportArgs(['--around', 'a', '--as-of', '2025-03-01', '--known-at', '2025-04-01T00:00:00Z'])
        .parameters,
    ).toMatchObject({ asOf: '2025-03-01', knownAt: '2025-04-01T00:00:00.000Z' });
  });
});

const claim = (id: string, extra: Partial<ExportedClaim> = {}): ExportedClaim => ({
  claimId: id,
  validFrom: '2025-01-21',
  validTo: null,
  recordedAt: '2025-01-22T00:00:00.000Z',
  retractedAt: null,
  confidence: null,
  citations: [],
  ...extra,
});

const DATA: NeighborhoodExport = {
  center: { id: 'sg', slug: 'stargate' },
  depth: 1,
  truncated: false,
  time: { asOf: '2025-03-01', knownAt: '2025-07-02T00:00:00.000Z' },
  nodes: [
    {
      id: 'sg',
      entityType: 'Project',
      properties: { slug: 'stargate', name: 'Stargate', status: 'ANNOUNCED' },
      sources: [],
      claim: claim('clm-e', { confidence: 0.9 }),
      values: {
        status: claim('clm-s', {
          validTo: '2025-07-01',
          citations: [{ source: 'src-1', quote: 'annoncé, "vite"', locator: '¶1' }],
        }),
      },
    },
    {
      id: 'oc',
      entityType: 'Company',
      properties: { slug: 'oc', name: 'Old Co' },
      sources: [],
      claim: null,
      values: {},
    },
  ],
  relationships: [
    {
      id: '5:x:1',
      type: 'PARTICIPATES_IN',
      from: 'oc',
      to: 'sg',
      properties: { role: 'financier' },
      sources: [],
      claim: claim('clm-r'),
      values: { role: claim('clm-role') },
    },
  ],
};

describe('claims in each format', () => {
  it('NDJSON nests the claim and the value claims', () => {
    const [node, none, edge] = toNdjson(DATA)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(node).toMatchObject({ status: 'ANNOUNCED', claim: DATA.nodes[0]!.claim, values: DATA.nodes[0]!.values });
    expect(none).toMatchObject({ claim: null, values: {} });
    expect(edge).toMatchObject({
      role: 'financier',
      claim: { claimId: 'clm-r' },
      values: { role: { claimId: 'clm-role' } },
    });
  });

  it('GraphML declares every claim key before use, typed, and the slice on the graph', () => {
    const text = toGraphML(DATA);
    const keys = [...text.matchAll(/<key id="([^"]+)" for="(\w+)" attr.name="([^"]+)" attr.type="(\w+)"\/>/g)];
    const keyOf = (domain: string, name: string) => keys.find((k) => k[2] === domain && k[3] === name);
    expect(keyOf('node', 'claimId')).toBeDefined();
    expect(keyOf('node', 'confidence')?.[4]).toBe('double');
    expect(keyOf('node', 'status.citations')?.[4]).toBe('string');
    expect(keyOf('node', 'pledgedUsd.claimId')).toBeUndefined(); // no record has that value claim
    expect(keyOf('edge', 'role.validFrom')).toBeDefined();
    const declared = new Set(keys.map((k) => k[1]));
    for (const [, used] of text.matchAll(/<data key="([^"]+)">/g)) expect(declared).toContain(used);
    const statusCitations = keyOf('node', 'status.citations')![1];
    expect(text).toContain(
      `<data key="${statusCitations}">[{&quot;source&quot;:&quot;src-1&quot;,&quot;quote&quot;:&quot;annoncé, \\&quot;vite\\&quot;&quot;,&quot;locator&quot;:&quot;¶1&quot;}]</data>`,
    );
    expect(text).toContain(`<data key="${keyOf('graph', 'asOf')![1]}">2025-03-01</data>`);
  });

  it('CSV adds the claim columns, then each claimed property’s, citations as JSON text', () => {
    const [header, first, second] = toNodesCsv(DATA).trim().split('\n');
    const columns = header!.split(',');
    const claimAt = columns.indexOf('claimId');
    expect(columns.slice(claimAt)).toEqual([
      'claimId',
      'validFrom',
      'validTo',
      'recordedAt',
      'retractedAt',
      'confidence',
      'citations',
      'status.claimId',
      'status.validFrom',
      'status.validTo',
      'status.recordedAt',
      'status.retractedAt',
      'status.confidence',
      'status.citations',
    ]);
    expect(first).toContain('clm-e,2025-01-21,,2025-01-22T00:00:00.000Z,,0.9,[],clm-s,2025-01-21,2025-07-01,');
    expect(first).toContain('"[{""source"":""src-1"",""quote"":""annoncé, \\""vite\\"""",""locator"":""¶1""}]"');
    expect(second!.endsWith(',,,,,,,,,,,,,')).toBe(true);
    expect(toEdgesCsv(DATA).split('\n')[0]).toMatch(/^id,type,source,target,.*,sources,claimId,.*,role\.claimId,/);
  });
});

describe('history file', () => {
  it('one record a line in each section, and it parses back to the file', () => {
    const file: HistoryFile = {
      entities: [{ id: 'sg', slug: 'stargate', label: 'Project', name: 'Stargate' }],
      sources: [],
      relationships: [],
      mentions: [{ source: 'src-1', entities: ['stargate'] }],
      claims: [
        {
          id: 'clm-1',
          kind: 'ENTITY',
          subject: 'stargate',
          validFrom: null,
          recordedAt: '2025-01-22T00:00:00.000Z',
          citations: [],
        },
      ],
    };
    const text = historyJson(file);
    expect(JSON.parse(text)).toEqual(file);
    expect(text.split('\n').filter((l) => l.startsWith('    {'))).toHaveLength(3);
  });
});
