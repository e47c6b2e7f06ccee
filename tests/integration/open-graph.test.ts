import { existsSync } from 'node:fs';
import { inject, describe, expect, it } from 'vitest';
import { openGraph } from '../../src/open-graph.js';
import { createLogger } from '../../src/logger.js';
import { testConfig } from '../utils/graph.js';

describe('a Neo4j named by NEO4J_URI', () => {
  it('is used as it is: nothing is started or supervised, and no local data directory is made', async () => {
    const dataDir = `.data/never-${Date.now()}`;
    const opened = await openGraph(
      testConfig({ SEED_ON_EMPTY: 'false', NEO4J_DATA_DIR: dataDir }),
      createLogger('silent'),
    );
    try {
      expect(opened.uri).toBe(inject('neo4jUri'));
      expect(opened.supervisor).toBeUndefined();
      expect(await opened.graph.ready()).toBe(true);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await opened.close();
    }
  });
});
