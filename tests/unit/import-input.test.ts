/**
 * importGraph's input → the loader's GraphData (src/graph/import-input.ts), with no database:
 * nulls dropped, provenance turned into sources and MENTIONS, deal parties into PARTY_TO.
 */
import { describe, expect, it } from 'vitest';
import { importInputToGraphData } from '../../src/graph/import-input.js';
import { entityPropertiesOf } from '../../src/graph/write-input.js';

const raw = (sourceId: string) => (sourceId.startsWith('gid:') ? sourceId.slice(4) : sourceId);

describe('importInputToGraphData', () => {
  it('maps entities by kind, without nulls, provenance or parties among their properties; provenance is cited', () => {
    const data = importInputToGraphData(
      {
        companies: [{ slug: 'acme', name: 'Acme', kind: 'AI_LAB', country: null, sourceId: 'gid:src-1' }],
        deals: [{ slug: 'acme-deal', name: 'Deal', valueUsd: 5, parties: [{ company: 'acme', role: 'buyer' }] }],
      },
      raw,
    );
    // The provenance source is a citation of every claim the write makes (no quote).
    const cited = [{ source: 'src-1', quote: null, locator: null }];
    expect(data.entities.map(({ id: _id, ...e }) => e)).toEqual([
      { slug: 'acme', name: 'Acme', kind: 'AI_LAB', label: 'Company', citations: cited },
      { slug: 'acme-deal', name: 'Deal', valueUsd: 5, label: 'Deal' },
    ]);
    expect(new Set(data.entities.map((e) => e.id)).size).toBe(2);
    expect(data.relationships).toEqual([
      { type: 'PARTY_TO', from: 'acme', to: 'acme-deal', properties: { role: 'buyer' } },
    ]);
    expect(data.mentions).toEqual([{ source: 'src-1', entities: ['acme'] }]);
  });

  it('makes inline and listed sources rows, merging mentions of one source, and keeps cites', () => {
    const data = importInputToGraphData(
      {
        sources: [{ id: 's-a', title: 'A', publisher: null, mentions: ['p-one'], cites: ['s-b'] }],
        people: [
          { slug: 'p-one', name: 'One', sourceId: 's-a' },
          { slug: 'p-two', name: 'Two', source: { title: 'B', url: 'https://example.org/b' } },
        ],
        relationships: [{ type: 'LEADS', from: 'p-one', to: 'acme', properties: { title: 'CEO', since: null } }],
      },
      raw,
    );
    const byId = new Map(data.sources.map((s) => [s.id, s]));
    expect(data.sources).toHaveLength(2);
    expect(byId.get('s-a')).toEqual({ id: 's-a', title: 'A', cites: ['s-b'] });
    const derived = data.sources.find((s) => s.id !== 's-a')!;
    expect(derived).toMatchObject({ title: 'B', url: 'https://example.org/b' });
    expect(derived.id).toMatch(/^src-[0-9a-f]{16}$/);
    expect(data.mentions).toEqual([
      { source: 's-a', entities: ['p-one'] },
      { source: derived.id, entities: ['p-two'] },
    ]);
    expect(data.relationships).toEqual([{ type: 'LEADS', from: 'p-one', to: 'acme', properties: { title: 'CEO' } }]);
  });

  it('entityPropertiesOf keeps the properties and leaves the input alone', () => {
    const input = {
      slug: 'd',
      name: 'D',
      kind: 'OTHER' as const,
      sourceId: 'x',
      parties: [{ company: 'c', role: 'r' }],
    };
    expect(entityPropertiesOf<'Deal'>(input)).toEqual({ slug: 'd', name: 'D', kind: 'OTHER' });
    expect(input.sourceId).toBe('x');
  });
});
