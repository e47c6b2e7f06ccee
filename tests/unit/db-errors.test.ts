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

  it('answers DATABASE_UNAVAILABLE when the database is gone or fails transiently, with the reason', () => {
    const extensionsOf = (code: string) =>
      (translateError(neo4jError(code), {}, 1000) as { extensions?: Record<string, unknown> }).extensions;
    for (const code of ['ServiceUnavailable', 'SessionExpired'])
      expect(extensionsOf(code), code).toEqual({ code: 'DATABASE_UNAVAILABLE', reason: `unreachable: ${code}` });
    // A deadlock the retries did not outlast, a database still starting after a crash: the README
    // promises `reason: "transient: <Neo4j code>"`.
    for (const code of [
      'Neo.TransientError.Transaction.DeadlockDetected',
      'Neo.TransientError.Database.DatabaseUnavailable',
      'Neo.TransientError.General.TransactionMemoryLimit',
    ])
      expect(extensionsOf(code), code).toEqual({ code: 'DATABASE_UNAVAILABLE', reason: `transient: ${code}` });
  });

  it('leaves a bad statement and anything not from the driver as it is (masked as internal in production)', () => {
    const syntax = neo4jError('Neo.ClientError.Statement.SyntaxError');
    expect(translateError(syntax, {}, 1000)).toBe(syntax);
    const plain = new Error('boom');
    expect(translateError(plain, {}, 1000)).toBe(plain);
  });
});
