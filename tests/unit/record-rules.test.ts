/**
 * One set of record rules (src/graph/record-rules.ts): what an import file's line may hold is what
 * graph data (seed, generated graphs, importGraph) may hold, value for value; only keys the model
 * does not name differ (refused in a file, stored loosely from graph data).
 */
import { describe, expect, it } from 'vitest';
import type { GraphData } from '../../src/graph/bulk-load.js';
import { RecordError, RecordLedger, validateGraphData, validateRecord } from '../../src/graph/record-rules.js';

const entity = { id: 'e-1', slug: 'acme', label: 'Company' as const, name: 'Acme' };

function graphDataProblems(data: Partial<GraphData>): string[] {
  try {
    validateGraphData({ entities: [], relationships: [], sources: [], mentions: [], ...data });
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
}

function recordProblem(record: Record<string, unknown>): string | undefined {
  try {
    validateRecord(record);
    return undefined;
  } catch (error) {
    if (error instanceof RecordError) return error.message;
    throw error;
  }
}

describe('record rules', () => {
  it.each([
    ['a slug over 200 characters', { slug: `a${'-b'.repeat(100)}` }],
    ['a blank name', { name: '   ' }],
    ['an unknown company kind', { kind: 'BANK' }],
    ['an id with a space', { id: 'e 1' }],
    ['an empty alias', { aliases: ['ok', ''] }],
    ['negative money', { label: 'Deal', valueUsd: -1 }],
    ['a date that is not in the calendar', { label: 'Deal', announcedOn: '2025-02-30' }],
  ])('refuse %s in an import file and in graph data alike', (_what, change) => {
    const bad = { ...entity, ...change };
    expect(recordProblem({ type: 'entity', ...bad })).toBeDefined();
    expect(graphDataProblems({ entities: [bad as GraphData['entities'][number]] })).not.toEqual([]);
  });

  it('accept the same entity in both', () => {
    expect(recordProblem({ type: 'entity', ...entity, country: 'US' })).toBeUndefined();
    expect(graphDataProblems({ entities: [{ ...entity, country: 'US' }] })).toEqual([]);
  });

  it('refuse a key the model does not name in a file, and store it from graph data unless the loader owns it', () => {
    expect(recordProblem({ type: 'entity', ...entity, firstYearUsd: 5 })).toMatch(/Unrecognized key/);
    expect(graphDataProblems({ entities: [{ ...entity, firstYearUsd: 5 }] })).toEqual([]);
    expect(graphDataProblems({ entities: [{ ...entity, createdAt: 'x' }] })).toEqual([
      'entity acme: createdAt is set by the loader',
    ]);
  });
});

describe('RecordLedger', () => {
  it('names the first record a slug, an id, a source or a relationship repeats', () => {
    const ledger = new RecordLedger<number>();
    expect(ledger.addEntity('a', 'Company', 'id-a', 1)).toBeUndefined();
    expect(ledger.addEntity('a', 'Person', 'id-x', 2)).toEqual({ repeats: 'slug', at: 1 });
    expect(ledger.addEntity('b', 'Person', 'id-a', 3)).toEqual({ repeats: 'id', at: 1 });
    expect(ledger.entities.has('b')).toBe(false);
    expect(ledger.addSource('s', 4)).toBeUndefined();
    expect(ledger.addSource('s', 5)).toBe(4);
    expect(ledger.addRelationship('a', 'OPERATES', 'c')).toBe(true);
    expect(ledger.addRelationship('a', 'OPERATES', 'c')).toBe(false);
    expect(ledger.endpointProblem('LEADS', 'from', 'a')).toMatch(/LEADS cannot start at a Company/);
    expect(ledger.endpointProblem('LEADS', 'to', 'a')).toBeUndefined();
    expect(ledger.endpointProblem('LEADS', 'from', 'unknown')).toBeUndefined();
  });
});
