/**
 * Federation `_entities` against `nodes(ids:)` (run by hand, not part of the test suite): the
 * same 100 companies, the same fields, fetched as a gateway fetches them (`_entities` with 100
 * representations keyed by `id`) and as a Relay client does (`nodes` with their 100 global IDs),
 * on one in-process server with FEDERATION=true and the response cache off, alternating which
 * goes first each round so both see the same machine load. Target: `_entities` within 1.5× of
 * `nodes`, in one statement.
 *
 *   npx tsx bench/federation.ts [-- --iterations 200 --warmup 20]
 *
 * Uses NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD) when set, else starts a throwaway local Neo4j.
 * Writes bench/results/<date>-federation.md. About a minute with a throwaway Neo4j.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createDriver, GraphDb } from '../src/neo4j/db.js';
import { migrate } from '../src/neo4j/migrate.js';
import { createServer } from '../src/server.js';
import { benchNeo4j } from './bench-neo4j.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const ITERATIONS = Number(arg('iterations', '200'));
const WARMUP = Number(arg('warmup', '20'));
const COUNT = 100;
const PREFIX = 'bench-federation';
const WRITER = 'bench-federation-writer-key';

const FIELDS = 'slug name description aliases createdAt ... on Company { kind country }';
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Company { ${FIELDS} } } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Company { ${FIELDS} } } }`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

type Yoga = ReturnType<typeof createServer>;
interface Answer {
  data?: Record<string, Array<Record<string, unknown> | null>>;
  errors?: unknown[];
  extensions?: { cypher?: { roundTrips: number } };
}

async function post(
  yoga: Yoga,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await yoga.fetch('http://bench.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Answer;
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
  return body;
}

/** 100 companies of our own (importGraph, one transaction); their global IDs. */
async function loadCompanies(yoga: Yoga): Promise<string[]> {
  const companies = Array.from({ length: COUNT }, (_, i) => ({
    slug: `${PREFIX}-${String(i).padStart(3, '0')}`,
    name: `Federated Company ${i}`,
    description: `One of the ${COUNT} companies the federation benchmark fetches.`,
    kind: 'OTHER',
    country: 'US',
  }));
  await post(
    yoga,
    'mutation ($input: ImportGraphInput!) { importGraph(input: $input) { total { entities } } }',
    { input: { companies } },
    { authorization: `Bearer ${WRITER}` },
  );
  const found = await post(
    yoga,
    `query ($slugs: [String!]) { companies(first: ${COUNT}, filter: { slugs: $slugs }) { edges { node { id } } } }`,
    { slugs: companies.map((c) => c.slug) },
  );
  const edges = (found.data!.companies as unknown as { edges: Array<{ node: { id: string } }> }).edges;
  if (edges.length !== COUNT) throw new Error(`expected ${COUNT} companies, found ${edges.length}`);
  return edges.map((e) => e.node.id);
}

async function main() {
  const neo4j = await benchNeo4j('federation', console.log);
  try {
    const config = parseConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      ...neo4j.env,
      FEDERATION: 'true',
      DEBUG_EXTENSIONS: 'true',
      RESPONSE_CACHE_TTL_MS: '0',
      API_KEYS: `${WRITER}:write+read`,
    });
    const graph = new GraphDb(
      createDriver({ ...config.neo4j, uri: config.neo4j.uri! }),
      config.neo4j.database,
      config.limits.queryTimeoutMs,
    );
    await migrate(graph.db());
    const yoga = createServer({ config, graph, logger: createLogger('silent') });
    const ids = await loadCompanies(yoga);
    const sides = {
      entities: () => post(yoga, ENTITIES, { representations: ids.map((id) => ({ __typename: 'Company', id })) }),
      nodes: () => post(yoga, NODES, { ids }),
    };
    // Same answers, and what each costs in statements.
    const [a, b] = [await sides.entities(), await sides.nodes()];
    if (JSON.stringify(a.data!._entities) !== JSON.stringify(b.data!.nodes)) throw new Error('answers differ');
    const roundTrips = { entities: a.extensions!.cypher!.roundTrips, nodes: b.extensions!.cypher!.roundTrips };
    for (let i = 0; i < WARMUP; i++) await Promise.all([sides.entities(), sides.nodes()]);
    const times: Record<keyof typeof sides, number[]> = { entities: [], nodes: [] };
    for (let i = 0; i < ITERATIONS; i++) {
      for (const side of i % 2 === 0 ? (['entities', 'nodes'] as const) : (['nodes', 'entities'] as const)) {
        const started = performance.now();
        await sides[side]();
        times[side].push(performance.now() - started);
      }
    }
    await yoga.dispose();
    await graph.close();

    const ratio = median(times.entities) / median(times.nodes);
    const date = new Date().toISOString().slice(0, 10);
    const lines = [
      `# Federation: \`_entities\` vs \`nodes(ids:)\`, ${COUNT} companies (${date})`,
      '',
      `\`npx tsx bench/federation.ts --iterations ${ITERATIONS} --warmup ${WARMUP}\`; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)} at the end; one in-process server (FEDERATION=true, response cache off), the two requests alternating.`,
      `Fields: \`${FIELDS}\`. Both answers are the same.`,
      '',
      '| request | statements | median (ms) | p95 (ms) |',
      '|---|---|---|---|',
      `| \`_entities\`, ${COUNT} representations by \`id\` | ${roundTrips.entities} | ${median(times.entities).toFixed(2)} | ${p95(times.entities).toFixed(2)} |`,
      `| \`nodes(ids:)\`, ${COUNT} global IDs | ${roundTrips.nodes} | ${median(times.nodes).toFixed(2)} | ${p95(times.nodes).toFixed(2)} |`,
      '',
      `\`_entities\` ÷ \`nodes\` (medians): **${ratio.toFixed(2)}×** (target: at most 1.5×).`,
      '',
    ];
    console.log(lines.join('\n'));
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, `bench/results/${date}-federation.md`), lines.join('\n'));
  } finally {
    await neo4j.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
