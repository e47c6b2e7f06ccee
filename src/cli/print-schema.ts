/** `npm run print-schema`: writes the printed GraphQL schema to schema/schema.graphql (committed). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNoArgs } from './args.js';

const PRINT_SCHEMA_USAGE = 'print-schema   (writes schema/schema.graphql)';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

export async function runPrintSchema(args: string[]): Promise<void> {
  parseNoArgs(args, PRINT_SCHEMA_USAGE);
  const { printedSchema } = await import('../schema/print.js');
  writeFileSync(SCHEMA_FILE, printedSchema());
  console.log(`Wrote ${SCHEMA_FILE}`);
}
