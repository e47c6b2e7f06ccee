/**
 * `npm run print-schema`: writes the printed GraphQL schema to schema/schema.graphql and the
 * Federation subgraph's SDL to schema/subgraph.graphql (both committed).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNoArgs } from './args.js';

const PRINT_SCHEMA_USAGE = 'print-schema   (writes schema/schema.graphql and schema/subgraph.graphql)';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));
const SUBGRAPH_FILE = fileURLToPath(new URL('../../schema/subgraph.graphql', import.meta.url));

export async function runPrintSchema(args: string[]): Promise<void> {
  parseNoArgs(args, PRINT_SCHEMA_USAGE);
  const { printedSchema, printedSubgraph } = await import('../schema/print.js');
  writeFileSync(SCHEMA_FILE, printedSchema());
  console.log(`Wrote ${SCHEMA_FILE}`);
  writeFileSync(SUBGRAPH_FILE, printedSubgraph());
  console.log(`Wrote ${SUBGRAPH_FILE}`);
}
