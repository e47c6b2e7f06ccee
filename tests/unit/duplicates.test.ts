import { describe, expect, it } from 'vitest';
import { duplicateCandidates } from '../../src/identity/duplicates.js';
import type { Db, Row } from '../../src/neo4j/db.js';

const company = (slug: string, name: string, aliases: string[] = []) => ({
  entity: { id: `id-${slug}`, slug, name, aliases, label: 'Company', description: null },
});

/** A database that answers the scan with `rows` and the neighbour query with `shared` (pair key → names). */
function fakeDb(rows: Row[], shared: Record<string, string[]> = {}): Db {
  return {
    read: async (cypher: string, params: Row = {}) => {
      if (cypher.startsWith('MATCH (n:Company)')) return rows;
      return (params.pairs as string[][]).map((pair) => ({ pair, names: shared[pair.join('|')] ?? [] }));
    },
  } as unknown as Db;
}

describe('duplicateCandidates', () => {
  it('pairs names alike by the reconciliation rules, best first, and never a pair twice', async () => {
    const db = fakeDb(
      [
        company('acme', 'Acme Robotics'),
        company('acme-inc', 'ACME Robotics, Inc.'),
        company('robotics-acme', 'Robotics Acme'),
        company('acmee', 'Acmee Robotics'),
        company('zeta', 'Zeta Power', ['Acme Robotics']),
        company('other', 'Orbital Freight'),
      ],
      { 'id-acme|id-acme-inc': ['Ada Lovelace'] },
    );
    const pairs = await duplicateCandidates(db, 'Company', 10);
    const summary = pairs.map((p) => [p.a.slug, p.b.slug, p.score, p.reasons.map((r) => r.kind).join('+')]);
    expect(summary).toEqual([
      ['acme', 'acme-inc', 1, 'LEGAL_FORM+SHARED_NEIGHBOURS'],
      ['acme', 'zeta', 1, 'EXACT_ALIAS'],
      ['acme-inc', 'zeta', 0.96, 'LEGAL_FORM'],
      ['acme', 'acmee', 0.94, 'SIMILAR_SPELLING'],
      ['acme-inc', 'acmee', 0.94, 'SIMILAR_SPELLING'],
      ['acmee', 'zeta', 0.94, 'SIMILAR_SPELLING'],
      ['acme', 'robotics-acme', 0.93, 'REORDERED_WORDS'],
      ['acme-inc', 'robotics-acme', 0.93, 'REORDERED_WORDS'],
      ['robotics-acme', 'zeta', 0.93, 'REORDERED_WORDS'],
    ]);
    expect(summary.some(([a, b]) => a === 'other' || b === 'other')).toBe(false);
  });

  it('compares within a block of up to 50 look-alikes, skips a larger one, and keeps to `first`', async () => {
    // Names one letter apart, all in one block: 26 are compared; 60 (a block too large to tell anything) are not.
    const letters = 'abcdefghijklmnopqrstuvwxyzαβγδεζηθικλμνξοπρστυφχψωбвгджзклмнпрстфхцчшщ';
    const alike = (n: number) => Array.from({ length: n }, (_, i) => company(`n${i}`, `Nimbusgrid${letters[i]}`));
    expect(await duplicateCandidates(fakeDb(alike(26)), 'Company', 5)).toHaveLength(5);
    expect(await duplicateCandidates(fakeDb(alike(60)), 'Company', 5)).toEqual([]);
  });
});
