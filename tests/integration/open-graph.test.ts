import { existsSync } from 'node:fs';
import { inject, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
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

  it('signs in with NEO4J_USER / NEO4J_PASSWORD, and stops with a ConfigError naming them when refused', async (ctx) => {
    // A Neo4j named by NEO4J_URI without a password has auth off: it refuses no one.
    if (!inject('neo4jPassword')) ctx.skip();
    // Another user than the suite's, so the refusals count towards no lock-out of the user tests sign in as.
    const refused = openGraph(
      testConfig({ SEED_ON_EMPTY: 'false', NEO4J_USER: 'stargraph-nobody', NEO4J_PASSWORD: 'not-the-password' }),
      createLogger('silent'),
    );
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(
      /NEO4J_USER \/ NEO4J_PASSWORD: the Neo4j at \S+ refused them for user "stargraph-nobody"/,
    );
  });
});
