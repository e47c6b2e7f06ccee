import { lexicographicSortSchema, printSchema } from 'graphql';
import { printSubgraph } from './federation.js';
import { schema, subgraphSchema } from './index.js';

/** The committed `schema/schema.graphql`: sorted, so diffs show real changes only. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** The committed `schema/subgraph.graphql`: the SDL a gateway composes (`_service { sdl }`). */
export function printedSubgraph(): string {
  return printSubgraph(subgraphSchema());
}
