import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Neo4jError } from 'neo4j-driver';
import { isTransientError, retrying, type Db } from './db.js';
import { backfillPageKeys, pageKeyIndexStatements } from '../graph/page-keys.js';
import { claimIdIndexes } from '../claims/materialize.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../cypher/schema/', import.meta.url));

/** Statements of a .cypher file: split on `;` at line ends, `//` comment lines dropped. */
export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The schema files' statements in file-name order, then the relationship indexes the model implies
 * (page keys, claim ids).
 */
export function schemaStatements(dir = SCHEMA_DIR): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cypher'))
    .sort()
    .flatMap((f) => splitStatements(readFileSync(join(dir, f), 'utf8')));
  return [...files, ...pageKeyIndexStatements(), ...claimIdIndexes()];
}

/**
 * Applies constraints and indexes (idempotent: every statement says IF NOT EXISTS), then gives
 * page keys to relationships that lack them (src/graph/page-keys.ts).
 */
export async function migrate(db: Db, dir = SCHEMA_DIR): Promise<number> {
  const statements = schemaStatements(dir);
  for (const statement of statements) {
    try {
      await db.write(statement);
    } catch (error) {
      // Two servers (or test files) starting together can race on the same IF NOT EXISTS:
      // the loser is told an equivalent rule exists, which is exactly the state we want.
      if (
        !(
          error instanceof Neo4jError &&
          /EquivalentSchemaRuleAlreadyExists|ConstraintAlreadyExists|IndexAlreadyExists/.test(error.code)
        )
      ) {
        throw error;
      }
    }
  }
  // Index population is asynchronous; queries right after start-up need them online.
  await db.write('CALL db.awaitIndexes(60)');
  // Servers (or test files) starting together backfill the same relationships; a deadlock between
  // their batches is transient, and the next attempt finds less to do.
  await retrying(() => backfillPageKeys(db), {
    retryable: isTransientError,
    attempts: 5,
    delayMs: (attempt) => 50 * attempt,
  });
  return statements.length;
}
