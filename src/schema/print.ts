import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

/** The committed `schema/schema.graphql`: sorted, so diffs show real changes only. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
