/**
 * Issue 14 in src/schema/traversals.ts: each traversal default is stated once
 * (TRAVERSAL_DEFAULTS, src/graph/traversals.ts) and is what the schema advertises; a relationship end deleted between the
 * traversal and the field answers a coded NOT_FOUND, not an internal error.
 */
import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { schema } from '../../src/schema/index.js';
import { TRAVERSAL_DEFAULTS } from '../../src/graph/traversals.js';
import { relationshipEndpoint } from '../../src/schema/traversals.js';

describe('TRAVERSAL_DEFAULTS', () => {
  it('are the defaultValues of the Query fields they name, and every default of those fields is among them', () => {
    const query = schema.getQueryType()!.getFields();
    for (const [field, defaults] of Object.entries(TRAVERSAL_DEFAULTS)) {
      const args = query[field]!.args;
      const declared = Object.fromEntries(
        args.filter((a) => a.defaultValue !== undefined).map((a) => [a.name, a.defaultValue]),
      );
      expect(declared, field).toEqual(defaults);
    }
  });
});

describe('a relationship end deleted meanwhile', () => {
  it('answers NOT_FOUND naming the entity', async () => {
    const ctx = {
      loaders: new Map([['entityById', new DataLoader<string, null>(async (ids) => ids.map(() => null))]]),
    } as unknown as Context;
    await expect(relationshipEndpoint(ctx, 'gone-1')).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND', id: 'gone-1' },
    });
  });
});
