/**
 * How driver errors become coded GraphQL errors (src/neo4j/db.ts translateError): a timeout names
 * its limit, an unreachable or transiently failing database answers DATABASE_UNAVAILABLE, and
 * anything else (a bad statement: our bug) stays an internal error for masking.
 */
import { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { translateError } from '../../src/neo4j/db.js';

const neo4jError = (code: string) =>
  new Neo4jError(`failed: ${code}`, code, '50N42', 'error: general processing exception');
const codeOf = (error: unknown) => (error as { extensions?: Record<string, unknown> }).extensions?.code;

describe('translateError', () => {
  it('names the timeout that stopped a transaction', () => {
    const error = translateError(
      neo4jError('Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration'),
      { timeoutLimit: 'TRAVERSAL_TIMEOUT_MS' },
      250,
    );
    expect((error as { extensions: unknown }).extensions).toEqual({
      code: 'TIMEOUT',
      limit: 'TRAVERSAL_TIMEOUT_MS',
      ms: 250,
    });
  });

  it('answers DATABASE_UNAVAILABLE when the database is gone or fails transiently', () => {
    expect(codeOf(translateError(neo4jError('ServiceUnavailable'), {}, 1000))).toBe('DATABASE_UNAVAILABLE');
    expect(codeOf(translateError(neo4jError('SessionExpired'), {}, 1000))).toBe('DATABASE_UNAVAILABLE');
    // A deadlock the retries did not outlast, a database still starting after a crash.
    for (const code of [
      'Neo.TransientError.Transaction.DeadlockDetected',
      'Neo.TransientError.Database.DatabaseUnavailable',
      'Neo.TransientError.General.TransactionMemoryLimit',
    ]) {
      const error = translateError(neo4jError(code), {}, 1000);
      expect(codeOf(error), code).toBe('DATABASE_UNAVAILABLE');
    }
  });

  it('leaves a bad statement and anything not from the driver as it is (masked as internal in production)', () => {
    const syntax = neo4jError('Neo.ClientError.Statement.SyntaxError');
    expect(translateError(syntax, {}, 1000)).toBe(syntax);
    const plain = new Error('boom');
    expect(translateError(plain, {}, 1000)).toBe(plain);
  });
});
