import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLES_DIR = fileURLToPath(new URL('../../schema/examples/', import.meta.url));

export interface ExampleOperation {
  /** File name without extension, e.g. `01-who-is-behind-stargate`. */
  name: string;
  query: string;
  /** From a leading `# variables: {...}` comment line, if any. */
  variables?: Record<string, unknown>;
}

export function exampleOperations(dir = EXAMPLES_DIR): ExampleOperation[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => {
      const query = readFileSync(join(dir, f), 'utf8');
      const vars = /^# variables: (.+)$/m.exec(query)?.[1];
      return { name: f.replace(/\.graphql$/, ''), query, variables: vars ? JSON.parse(vars) : undefined };
    });
}

/** The examples as GraphiQL's default tabs, so a newcomer has them ready to run. */
export function graphiqlTabs() {
  return exampleOperations().map((e) => ({
    query: e.query,
    variables: e.variables ? JSON.stringify(e.variables, null, 2) : undefined,
  }));
}
