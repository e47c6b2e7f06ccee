import { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { databaseUnavailable } from '../../src/neo4j/circuit.js';
import { startupStep } from '../../src/open-graph.js';

const deadlock = () =>
  new Neo4jError(
    'can not acquire ExclusiveLock',
    'Neo.TransientError.Transaction.DeadlockDetected',
    '50N05',
    'deadlock',
  );

/** A step that fails with each of `errors` in turn, then answers `done`. */
function failing(errors: Error[]) {
  let calls = 0;
  return {
    step: async () => {
      calls++;
      const error = errors.shift();
      if (error) throw error;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('a start-up step', () => {
  const again = startupStep(createLogger('silent'), () => 0);

  it('runs again after a deadlock, raw or as DATABASE_UNAVAILABLE, until it passes', async () => {
    const s = failing([deadlock(), databaseUnavailable('transient: Neo.TransientError.Transaction.DeadlockDetected')]);
    expect(await again(s.step)).toBe('done');
    expect(s.calls()).toBe(3);
  });

  it('gives up after five attempts with the last error', async () => {
    const s = failing(Array.from({ length: 6 }, deadlock));
    await expect(again(s.step)).rejects.toThrow(/ExclusiveLock/);
    expect(s.calls()).toBe(5);
  });

  it('fails at once on any other error', async () => {
    const syntax = new Neo4jError('bad', 'Neo.ClientError.Statement.SyntaxError', '42001', 'syntax');
    for (const error of [syntax, databaseUnavailable('unreachable: ServiceUnavailable'), new Error('bug')]) {
      const s = failing([error]);
      await expect(again(s.step)).rejects.toBe(error);
      expect(s.calls()).toBe(1);
    }
  });
});
