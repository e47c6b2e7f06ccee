/**
 * The path the Docker image runs, not the tsx one: `npm run build` (tsc -p tsconfig.build.json)
 * into an app directory laid out as the image's /app (dist/, explorer/dist/, cypher/, schema/,
 * neo4j-local/pom.xml, package.json, node_modules), then `node dist/main.js serve` with
 * NODE_ENV=production on the suite's Neo4j. A GraphQL read, a graph algorithm (its worker thread
 * is compiled JavaScript here, a tsx loader under the sources) and the explorer page must answer.
 * Slow suite: the build alone takes a minute or more on a loaded machine.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/neo4j/local-server.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { openTestGraph, uniquePrefix, type TestGraph } from '../utils/graph.js';
import { type SpawnedServe, spawnServe } from '../utils/serve-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'stargraph-compiled-'));
const prefix = uniquePrefix('compiled');
let t: TestGraph;
let server: SpawnedServe | undefined;

/** Runs a command in ROOT to its end; rejects with its output on a non-zero exit. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`${command} ${args.join(' ')}: ${code}\n${output}`)),
    );
  });
}

beforeAll(async () => {
  t = await openTestGraph();
  await createEntities(t.db, [
    { label: 'Company', slug: `${prefix}-hub`, name: 'Hub' },
    { label: 'Company', slug: `${prefix}-a`, name: 'A' },
    { label: 'Company', slug: `${prefix}-b`, name: 'B' },
  ]);
  await relate(t.db, 'INVESTS_IN', [
    [`${prefix}-a`, `${prefix}-hub`],
    [`${prefix}-b`, `${prefix}-hub`],
  ]);
  // The build script's own configuration, its output directed into the app directory.
  await run(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    'tsconfig.build.json',
    '--outDir',
    join(app, 'dist'),
  ]);
  // What the image copies next to dist/ (see Dockerfile); the explorer is built by the global setup.
  for (const dir of ['cypher', 'schema', 'explorer/dist']) cpSync(join(ROOT, dir), join(app, dir), { recursive: true });
  mkdirSync(join(app, 'neo4j-local'));
  cpSync(join(ROOT, 'neo4j-local/pom.xml'), join(app, 'neo4j-local/pom.xml'));
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
}, 600_000);

afterAll(async () => {
  server?.kill();
  await deleteFixtures(t.db, prefix);
  await t?.close();
  rmSync(app, { recursive: true, force: true });
});

describe('the compiled server (node dist/main.js serve, as in the Docker image)', () => {
  it('serves GraphQL, a graph algorithm and the explorer in production mode', { timeout: 300_000 }, async () => {
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      NEO4J_URI: inject('neo4jUri'),
      NEO4J_USER: inject('neo4jUser'),
      NEO4J_PASSWORD: inject('neo4jPassword'),
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'info',
      // Start-up migrations run under this timeout; a crowded machine needs more than 10 s.
      QUERY_TIMEOUT_MS: '120000',
      TRAVERSAL_TIMEOUT_MS: '60000',
    };
    // No TypeScript loader anywhere: not inherited through NODE_OPTIONS either.
    delete env.NODE_OPTIONS;
    server = spawnServe(['dist/main.js', 'serve'], env, app);
    await server.logged(/stargraph serving GraphiQL/, 180_000);
    const base = `http://127.0.0.1:${port}`;

    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        query: `query ($hub: ID!, $slug: String!) {
          entity(slug: $slug) { __typename name }
          rank(by: PAGERANK, within: $hub, depth: 1) { score entity { slug } }
        }`,
        variables: { hub: `${prefix}-hub`, slug: `${prefix}-hub` },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data?: { entity: unknown; rank: Array<{ score: number; entity: { slug: string } }> };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data?.entity).toEqual({ __typename: 'Company', name: 'Hub' });
    // The hub, pointed at by both others, ranks first; the scores sum to 1.
    expect(body.data?.rank.map((r) => r.entity.slug)).toEqual([`${prefix}-hub`, `${prefix}-a`, `${prefix}-b`]);
    expect(body.data!.rank.reduce((sum, r) => sum + r.score, 0)).toBeCloseTo(1, 6);

    const explorer = await fetch(`${base}/explorer`);
    expect(explorer.status).toBe(200);
    expect(await explorer.text()).toMatch(/<html/i);

    server.proc.kill('SIGTERM');
    expect(await server.exited).toMatchObject({ code: 0, signal: null });
    expect(server.log.some((l) => l.fields.level === 'error')).toBe(false);
  });
});
