import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, validateSchema } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import { schema, subgraphSchema } from '../../src/schema/index.js';
import { printedSchema, printedSubgraph } from '../../src/schema/print.js';

describe('schema/schema.graphql', () => {
  it('is a valid GraphQL schema', () => {
    expect(validateSchema(schema).map((e) => e.message)).toEqual([]);
  });

  it('matches the schema the code builds (run `npm run print-schema` after changing types)', () => {
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printedSchema());
  });
});

describe('schema/subgraph.graphql (FEDERATION=true)', () => {
  it('is a valid GraphQL schema', () => {
    expect(validateSchema(subgraphSchema()).map((e) => e.message)).toEqual([]);
  });

  it('matches the subgraph the code builds (run `npm run print-schema` after changing types)', () => {
    const committed = readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printedSubgraph());
  });

  it('composes into a supergraph, with the five entity kinds keyed by id and by slug', () => {
    const composed = composeServices([
      { name: 'stargraph', typeDefs: parse(printedSubgraph()), url: 'http://stargraph.test/graphql' },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    for (const kind of ['Person', 'Company', 'Project', 'Datacenter', 'Deal']) {
      const type = new RegExp(
        `type ${kind} implements[^{]*@join__type\\(graph: STARGRAPH, key: "id"\\)\\s*@join__type\\(graph: STARGRAPH, key: "slug"\\)`,
      );
      expect(composed.supergraphSdl).toMatch(type);
    }
  });
});
