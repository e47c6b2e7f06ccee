import { describe, expect, it } from 'vitest';
import { foldSearchKey, keyTerm } from '../../src/graph/search.js';

describe('search keys', () => {
  it('fold case and accents the way people type', () => {
    expect(foldSearchKey('  Élysée Ça ')).toBe('elysee ca');
    expect(foldSearchKey('ORACLE')).toBe(foldSearchKey('oracle'));
    expect(foldSearchKey('Zürich')).toBe('zurich');
  });

  it('escape a key into one Lucene term, spaces and syntax included', () => {
    expect(keyTerm('sam altman')).toBe('sam\\ altman');
    expect(keyTerm('at&t (us)')).toBe('at\\&t\\ \\(us\\)');
    expect(keyTerm('a*b?c:d/e')).toBe('a\\*b\\?c\\:d\\/e');
  });
});
