import { describe, expect, it } from 'vitest';
import {
  canonicalIdentifier,
  canonicalKey,
  checkIdentifiers,
  identifierKey,
  identifierOfKey,
  identifiersOfRow,
} from '../../src/identity/identifiers.js';

describe('identifier rules', () => {
  it.each([
    ['WIKIDATA', 'q2283', 'Q2283'],
    ['TICKER', ' nasdaq:msft ', 'NASDAQ:MSFT'],
    ['TICKER', 'TSE:9984', 'TSE:9984'],
    ['DOMAIN', 'OpenAI.com.', 'openai.com'],
    ['DOMAIN', 'group.softbank', 'group.softbank'],
    ['CRUNCHBASE', 'OpenAI', 'openai'],
    ['LEI', 'hwupkr0mpou8fgxbt394', 'HWUPKR0MPOU8FGXBT394'],
    ['wikidata', 'Q1', 'Q1'],
  ])('%s %s is stored as %s', (scheme, value, canonical) => {
    expect(canonicalIdentifier({ scheme, value })).toEqual({ scheme: scheme.toUpperCase(), value: canonical });
  });

  it.each([
    ['WIKIDATA', 'Q0123'],
    ['WIKIDATA', 'P31'],
    ['TICKER', 'MSFT'],
    ['DOMAIN', 'https://openai.com'],
    ['DOMAIN', 'localhost'],
    ['DOMAIN', '-bad.com'],
    ['CRUNCHBASE', 'open ai'],
    ['LEI', 'HWUPKR0MPOU8FGXBT395'], // one check digit off
    ['LEI', 'HWUPKR0MPOU8FGXBT39'],
    ['ISIN', 'US5949181045'],
  ])('refuses %s %s, saying what the scheme expects', (scheme, value) => {
    expect(canonicalIdentifier({ scheme, value })).toEqual(expect.stringMatching(/ is not |scheme must be one of/));
  });

  it("keeps a ticker's own colon in the value when a key is split", () => {
    const id = { scheme: 'TICKER' as const, value: 'NYSE:ORCL' };
    expect(identifierKey(id)).toBe('TICKER:NYSE:ORCL');
    expect(identifierOfKey('TICKER:NYSE:ORCL')).toEqual(id);
    expect(canonicalKey('ticker:nyse:orcl')).toBe('TICKER:NYSE:ORCL');
    expect(identifiersOfRow(['DOMAIN:oracle.com', 'TICKER:NYSE:ORCL'])).toEqual([
      { scheme: 'DOMAIN', value: 'oracle.com' },
      id,
    ]);
    expect(identifiersOfRow(null)).toEqual([]);
  });

  it('takes each identifier once, and names the first bad one by its position', () => {
    expect(
      checkIdentifiers(
        [
          { scheme: 'DOMAIN', value: 'A.com' },
          { scheme: 'DOMAIN', value: 'a.com' },
        ],
        ['input', 'identifiers'],
      ),
    ).toEqual([{ scheme: 'DOMAIN', value: 'a.com' }]);
    expect(() =>
      checkIdentifiers(
        [
          { scheme: 'DOMAIN', value: 'a.com' },
          { scheme: 'LEI', value: 'x' },
        ],
        ['i'],
      ),
    ).toThrow(/identifiers\[1\]: LEI value "x"/);
    expect(() =>
      checkIdentifiers(
        Array.from({ length: 21 }, (_, i) => ({ scheme: 'DOMAIN', value: `d${i}.com` })),
        ['i'],
      ),
    ).toThrow(/at most 20/);
  });
});
