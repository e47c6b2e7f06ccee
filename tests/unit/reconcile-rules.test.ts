import { describe, expect, it } from 'vitest';
import { coreTokens, editDistance, fuzzyQuery, nameKeys, nameMatch, rank } from '../../src/identity/reconcile.js';
import type { EntityRow } from '../../src/graph/entities.js';

describe('name rules', () => {
  it.each([
    ['OpenAI', 'OpenAI', false, 'EXACT_NAME', 1],
    ['Open AI', 'Open AI', true, 'EXACT_ALIAS', 1],
    ['open-ai', 'Open AI', true, 'FOLDED_NAME', 0.98],
    ['Elysee Capital', 'Élysée Capital', false, 'FOLDED_NAME', 0.98],
    ['openai', 'Open AI', true, 'FOLDED_NAME', 0.98],
    ['Oracle Corp.', 'Oracle', false, 'LEGAL_FORM', 0.96],
    ['The Coreweave Company', 'CoreWeave', false, 'LEGAL_FORM', 0.96],
    ['Altman Sam', 'Sam Altman', false, 'REORDERED_WORDS', 0.93],
    ['Sam Altmann', 'Sam Altman', false, 'SIMILAR_SPELLING', 0.94],
    ['Micorsoft', 'Microsoft', false, 'SIMILAR_SPELLING', 0.94],
    ['Orcale', 'Oracle', false, 'SIMILAR_SPELLING', 0.9],
  ])('%s against %s', (query, known, isAlias, kind, score) => {
    expect(nameMatch(query, known, isAlias)).toMatchObject({ kind, score });
  });

  it('scores shared words below any near-exact rule, and nothing for no shared word', () => {
    const m = nameMatch('Oracle Cloud Infrastructure', 'Oracle', false);
    expect(m?.kind).toBe('TOKEN_OVERLAP');
    expect(m!.score).toBeCloseTo(0.4);
    expect(nameMatch('Anthropic', 'OpenAI', false)).toBeNull();
    // Short names: a slip in four letters is another word.
    expect(nameMatch('Meta', 'Beta', false)).toBeNull();
  });

  it('keeps a one-word name whole, drops only trailing legal forms and a leading "the"', () => {
    expect(coreTokens('The Co')).toEqual(['co']);
    expect(coreTokens('Co')).toEqual(['co']);
    expect(coreTokens('SoftBank Group Corp.')).toEqual(['softbank', 'group']);
    expect(nameKeys('Open AI, Inc.')).toEqual(['open ai, inc.', 'open ai inc', 'open ai', 'openai']);
  });

  it('counts an adjacent swap as one slip, and stops counting past the cap', () => {
    expect(editDistance('oracle', 'orcale')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
  });

  it('escapes Lucene syntax and makes long words fuzzy', () => {
    expect(fuzzyQuery('AT&T (US) Altmann')).toBe('name:(at and us altmann~1) OR aliases:(at and us altmann~1)');
    expect(fuzzyQuery('Stargatexyz')).toBe('name:(stargatexyz~2) OR aliases:(stargatexyz~2)');
    expect(fuzzyQuery('!!')).toBeNull();
  });
});

describe('match', () => {
  const entity = (slug: string) => ({ slug, name: slug, aliases: [] }) as unknown as EntityRow;
  const scored = (pairs: Array<[string, number]>) =>
    pairs.map(([slug, score]) => ({ entity: entity(slug), score, reasons: [] }));

  it('is the top candidate only, at 0.9 or more and 0.2 ahead of the second', () => {
    expect(
      rank(
        scored([
          ['b', 0.7],
          ['a', 0.9],
        ]),
        5,
      ).map((c) => [c.entity.slug, c.match]),
    ).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(
      rank(
        scored([
          ['a', 0.95],
          ['b', 0.76],
        ]),
        5,
      )[0]!.match,
    ).toBe(false);
    expect(rank(scored([['a', 0.89]]), 5)[0]!.match).toBe(false);
    expect(rank(scored([['a', 0.9]]), 5)[0]!.match).toBe(true);
    // Equal scores keep one order: by name, then slug.
    expect(
      rank(
        scored([
          ['y', 0.5],
          ['x', 0.5],
        ]),
        1,
      ).map((c) => c.entity.slug),
    ).toEqual(['x']);
  });
});
