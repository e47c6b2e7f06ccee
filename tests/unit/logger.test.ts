import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

describe('structured logs', () => {
  it('writes one JSON object per line at or above the level, errors serialised', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    logger.debug('hidden');
    logger.info('graphql', { operation: 'Q', ms: 3 });
    logger.error('boom', { error: new Error('bad') });
    expect(lines).toHaveLength(2);
    const [info, error] = lines.map((l) => JSON.parse(l));
    expect(info).toMatchObject({ level: 'info', msg: 'graphql', operation: 'Q', ms: 3 });
    expect(error.error).toMatchObject({ name: 'Error', message: 'bad' });
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('is silent at level silent', () => {
    const lines: string[] = [];
    createLogger('silent', (l) => lines.push(l)).error('nothing');
    expect(lines).toEqual([]);
  });
});
