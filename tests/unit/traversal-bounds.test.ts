/** The parts of traversal Cypher built from arguments: only validated integers and model names. */
import { describe, expect, it } from 'vitest';
import { checkBound, labelExpression, relationshipTypeExpression } from '../../src/graph/traversals.js';
import type { StargraphError } from '../../src/errors.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as StargraphError).extensions;
  }
  return undefined;
};

describe('checkBound', () => {
  it('passes whole numbers within the bound', () => {
    expect(checkBound('maxHops', 6, 8, 'MAX_HOPS')).toBe(6);
    expect(checkBound('maxHops', 8, 8, 'MAX_HOPS')).toBe(8);
  });

  it('refuses a value over the bound with LIMIT_EXCEEDED naming it, never clamps', () => {
    expect(codeOf(() => checkBound('maxHops', 9, 8, 'MAX_HOPS'))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_HOPS',
      max: 8,
      got: 9,
    });
  });

  it('refuses zero, negatives and fractions as bad input', () => {
    for (const bad of [0, -1, 2.5, Number.NaN])
      expect(codeOf(() => checkBound('depth', bad, 3, 'MAX_NEIGHBORHOOD_DEPTH'))?.code).toBe('BAD_USER_INPUT');
  });
});

describe('relationshipTypeExpression', () => {
  it('defaults to every entity relationship type, never MENTIONS or CITES', () => {
    expect(relationshipTypeExpression()).toBe(
      ':LEADS|ANNOUNCED|PARTICIPATES_IN|PARTY_TO|PART_OF|COVERS|OPERATES|INVESTS_IN',
    );
    expect(relationshipTypeExpression([])).toBe(relationshipTypeExpression());
    expect(relationshipTypeExpression([])).not.toMatch(/MENTIONS|CITES/);
  });

  it('takes enum values, sorted and deduplicated', () => {
    expect(relationshipTypeExpression(['PARTY_TO', 'LEADS', 'PARTY_TO'])).toBe(':LEADS|PARTY_TO');
  });

  it('refuses anything that is not a relationship type between entities', () => {
    expect(codeOf(() => relationshipTypeExpression(['LEADS]-() DETACH DELETE n //']))?.code).toBe('BAD_USER_INPUT');
    expect(codeOf(() => relationshipTypeExpression(['MENTIONS']))?.code).toBe('BAD_USER_INPUT');
  });
});

describe('labelExpression', () => {
  it('maps kinds to labels from the model', () => {
    expect(labelExpression(null)).toBe(':Entity');
    expect(labelExpression(['COMPANY', 'DATACENTER'])).toBe(':Company|Datacenter');
    expect(codeOf(() => labelExpression(['COMPANY) DETACH DELETE n //' as never]))?.code).toBe('BAD_USER_INPUT');
  });
});
