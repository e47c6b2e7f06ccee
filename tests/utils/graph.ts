import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { parseConfig, type Config } from '../../src/config.js';
import { createDriver, GraphDb, type Db } from '../../src/neo4j/db.js';
import { migrate } from '../../src/neo4j/migrate.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';

/**
 * Set (to `on`) by the suites that rerun others with the response cache at its defaults
 * (tests/e2e/cache-on/): read when a config is made, so it covers every server a test makes.
 */
export const RESPONSE_CACHE_ON_ENV = 'STARGRAPH_TEST_RESPONSE_CACHE';

/** Config for tests: the run's Neo4j, quiet logs, overrides per test (undefined unsets a variable). */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    NEO4J_URI: inject('neo4jUri'),
    NEO4J_USER: inject('neo4jUser'),
    NEO4J_PASSWORD: inject('neo4jPassword'),
    NEO4J_DATABASE: process.env.NEO4J_DATABASE,
    // Tests write fixtures straight to Neo4j, past the API that invalidates the response cache:
    // the cache is off unless a test turns it on (tests/e2e/response-cache.test.ts does), or the
    // run asks for its defaults (RESPONSE_CACHE_ON_ENV).
    RESPONSE_CACHE_TTL_MS: process.env[RESPONSE_CACHE_ON_ENV] === 'on' ? undefined : '0',
    ...env,
  });
}

/** NEO4J_URI and its sign-in for a Neo4j a test started itself. */
export function serverEnv(server: { uri: string; user: string; password: string }): Record<string, string> {
  return { NEO4J_URI: server.uri, NEO4J_USER: server.user, NEO4J_PASSWORD: server.password };
}

export interface TestGraph {
  graph: GraphDb;
  db: Db;
  config: Config;
  close(): Promise<void>;
}

/** A driver on the run's Neo4j, with constraints and indexes applied. */
export async function openTestGraph(env: Record<string, string | undefined> = {}): Promise<TestGraph> {
  const config = testConfig(env);
  const graph = new GraphDb(
    createDriver({ ...config.neo4j, uri: config.neo4j.uri! }),
    config.neo4j.database,
    config.limits.queryTimeoutMs,
  );
  const db = graph.db();
  await migrate(db);
  return { graph, db, config, close: () => graph.close() };
}

/** The yoga server on the test graph, for `yoga.fetch` calls with no port. */
export function testServer(graph: GraphDb, config: Config) {
  return createServer({ config, graph, logger: createLogger('silent') });
}

/** POSTs one GraphQL operation through yoga.fetch and returns the parsed body. */
export async function gql<T = Record<string, unknown>>(
  yoga: ReturnType<typeof createServer>,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{
  data?: T;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}> {
  const response = await yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json() as Promise<never>;
}

/** POSTs one GraphQL operation through yoga.fetch; returns the response's headers and parsed body. */
export async function post<T = Record<string, unknown>>(
  yoga: ReturnType<typeof createServer>,
  query: string,
  headers: Record<string, string> = {},
): Promise<{
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}> {
  const response = await yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { headers: response.headers, body: (await response.json()) as never };
}

/** A prefix unique to one test, so files can share the database and clean up after themselves. */
export const uniquePrefix = (label = 't') => `${label}-${randomUUID().slice(0, 8)}`;

/** Unique prefixes handed out during a file, remembered so afterAll can delete their data. */
export function prefixTracker() {
  const all: string[] = [];
  return {
    all,
    next: (label: string) => {
      const prefix = uniquePrefix(label);
      all.push(prefix);
      return prefix;
    },
  };
}
