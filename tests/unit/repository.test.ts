import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinnedNeo4jVersion } from '../../src/neo4j/local-server.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('repository invariants', () => {
  it('docker-compose runs the same Neo4j version the local launcher pins', () => {
    const image = /image:\s*neo4j:([\w.-]+)/.exec(read('docker-compose.yml'))?.[1];
    expect(image).toBe(`${pinnedNeo4jVersion()}-community`);
  });

  it('has the API sign in to the compose Neo4j as the user and password compose gives it', () => {
    const compose = read('docker-compose.yml');
    const [, user = '', password = ''] = /NEO4J_AUTH:\s*(\w+)\/(\S+)/.exec(compose) ?? [];
    expect(user).toBe('neo4j');
    expect(compose).toMatch(new RegExp(`NEO4J_USER:\\s*${user}\\n`));
    expect(compose).toContain(`NEO4J_PASSWORD: ${password}\n`);
    // Neo4j 5 refuses passwords under 8 characters at start-up.
    expect(/:-([^}]*)\}/.exec(password)?.[1]?.length).toBeGreaterThanOrEqual(8);
  });

  it('keeps download addresses out of the lockfile and the pom', () => {
    expect(read('package-lock.json')).not.toMatch(/"resolved":/);
    expect(read('neo4j-local/pom.xml')).not.toMatch(/<repositor(y|ies)>/);
  });
});
