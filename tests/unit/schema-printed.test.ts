import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSchema } from 'graphql';
import { schema } from '../../src/schema/index.js';
import { printedSchema } from '../../src/schema/print.js';

describe('schema/schema.graphql', () => {
  it('is a valid GraphQL schema', () => {
    expect(validateSchema(schema).map((e) => e.message)).toEqual([]);
  });

  it('matches the schema the code builds (run `npm run print-schema` after changing types)', () => {
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printedSchema());
  });
});
