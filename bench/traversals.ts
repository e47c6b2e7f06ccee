/**
 * Traversal benchmark (run by hand, not part of the test suite):
 *
 *   NEO4J_URI=bolt://127.0.0.1:7687 npx tsx bench/traversals.ts [--entities 100000] [--prefix bench] [--runs 5]
 *
 * Loads the seed and a generated graph of `--entities` entities (skipped when the prefix is
 * already loaded), then times every traversal end to end through the GraphQL API (yoga.fetch,
 * no network), with the round trips and database time each response reports. Last, a
 * traversal built to explode (a hub inside a clique, maxHops 8) runs while simple queries keep
 * being asked, to show it is stopped by TRAVERSAL_TIMEOUT_MS and the others still answer.
 * Writes bench/results/traversals.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openGraph } from '../src/open-graph.js';
import { parseConfig } from '../src/config.js';
import { loadGraph } from '../src/graph/bulk-load.js';
import { generateGraph } from '../src/graph/generator.js';
import { SET_PAGE_KEYS } from '../src/graph/page-keys.js';
import { loadSeed } from '../src/graph/seed.js';
import { createLogger } from '../src/logger.js';
import { pinnedNeo4jVersion } from '../src/neo4j/local-server.js';
import { createServer } from '../src/server.js';

const RESULTS = fileURLToPath(new URL('./results/traversals.md', import.meta.url));

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const entities = Number(flag('entities', '100000'));
const prefix = flag('prefix', 'bench');
const runs = Number(flag('runs', '5'));

interface Outcome {
  ms: number;
  roundTrips: number;
  dbTimeMs: number;
  error?: { code: string; message: string; limit?: string };
  data?: Record<string, unknown>;
}

async function main() {
  const config = parseConfig({
    ...process.env,
    DEBUG_EXTENSIONS: 'true',
    SEED_ON_EMPTY: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const logger = createLogger(config.logLevel);
  const opened = await openGraph(config, logger);
  const db = opened.graph.db();
  const yoga = createServer({ config, graph: opened.graph, logger });
  const lines: string[] = [];
  const log = (line = '') => {
    console.log(line);
    lines.push(line);
  };

  await loadSeed(db);
  const [{ n: existing } = { n: 0 }] = (await db.read(
    'MATCH (n:Entity) WHERE n.id STARTS WITH $p RETURN count(n) AS n',
    { p: `${prefix}-` },
  )) as Array<{ n: number }>;
  if (existing < entities) {
    console.error(`Generating and loading ${entities} entities with prefix "${prefix}" (found ${existing})...`);
    const started = performance.now();
    await loadGraph(db, generateGraph({ entities, seed: 7, prefix }), { concurrency: 2 });
    console.error(`Loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const [size] = await db.read(
    'MATCH (n:Entity) WITH count(n) AS entities RETURN entities, COUNT { ()-[]->() } AS relationships',
  );

  const ask = async (query: string, variables: Record<string, unknown> = {}): Promise<Outcome> => {
    const started = performance.now();
    const response = await yoga.fetch('http://bench.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: Array<{ message: string; extensions?: { code: string; limit?: string } }>;
      extensions?: { cypher?: { roundTrips: number; dbTimeMs: number } };
    };
    const ms = performance.now() - started;
    const error = body.errors?.[0];
    return {
      ms,
      roundTrips: body.extensions?.cypher?.roundTrips ?? 0,
      dbTimeMs: body.extensions?.cypher?.dbTimeMs ?? 0,
      data: body.data,
      error: error
        ? { code: error.extensions?.code ?? 'ERROR', message: error.message, limit: error.extensions?.limit }
        : undefined,
    };
  };

  // Subjects: the two biggest hubs, an ordinary person, a datacenter, a project.
  const pick = async (cypher: string) => ((await db.read(cypher, { p: `${prefix}-` }))[0]?.slug as string) ?? '';
  const hub = await pick(
    'MATCH (n:Company) WHERE n.id STARTS WITH $p RETURN n.slug AS slug ORDER BY COUNT { (n)--() } DESC LIMIT 1',
  );
  const hub2 = await pick(
    'MATCH (n:Company) WHERE n.id STARTS WITH $p WITH n ORDER BY COUNT { (n)--() } DESC SKIP 1 LIMIT 1 RETURN n.slug AS slug',
  );
  const person = await pick(
    'MATCH (n:Person)-[:LEADS]->() WHERE n.id STARTS WITH $p RETURN n.slug AS slug ORDER BY n.id LIMIT 1',
  );
  const datacenter = await pick(
    'MATCH (n:Datacenter)<-[:OPERATES]-() WHERE n.id STARTS WITH $p RETURN n.slug AS slug ORDER BY n.id DESC LIMIT 1',
  );
  const investor = await pick(
    "MATCH (n:Company)-[r:PARTICIPATES_IN {role: 'financier'}]->() WHERE n.id STARTS WITH $p RETURN n.slug AS slug ORDER BY n.id LIMIT 1",
  );

  const PATH = 'length nodes { slug name } relationships { type from { slug } to { slug } }';
  const cases: Array<{
    name: string;
    query: string;
    variables?: Record<string, unknown>;
    size: (d: Record<string, unknown>) => string;
  }> = [
    {
      name: 'shortestPath donald-trump → coreweave (seed)',
      query: `{ shortestPath(from: "donald-trump", to: "coreweave") { ${PATH} } }`,
      size: (d) => `${(d.shortestPath as { length: number }).length} hops`,
    },
    {
      name: 'moneyFlows softbank (seed)',
      query: `{ moneyFlows(from: "softbank") { ${PATH} } }`,
      size: (d) => `${(d.moneyFlows as unknown[]).length} flows`,
    },
    {
      name: `shortestPath person → datacenter, maxHops 8`,
      query: `query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, maxHops: 8) { ${PATH} } }`,
      variables: { a: person, b: datacenter },
      size: (d) => (d.shortestPath ? `${(d.shortestPath as { length: number }).length} hops` : 'none'),
    },
    {
      name: 'shortestPath hub → hub, maxHops 8',
      query: `query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, maxHops: 8) { ${PATH} } }`,
      variables: { a: hub, b: hub2 },
      size: (d) => `${(d.shortestPath as { length: number }).length} hops`,
    },
    {
      name: 'paths person → datacenter, maxHops 6, first 10',
      query: `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 6, first: 10) { ${PATH} } }`,
      variables: { a: person, b: datacenter },
      size: (d) => `${(d.paths as unknown[]).length} paths`,
    },
    {
      name: 'paths hub → hub, maxHops 4, first 10',
      query: `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 4, first: 10) { ${PATH} } }`,
      variables: { a: hub, b: hub2 },
      size: (d) => `${(d.paths as unknown[]).length} paths`,
    },
    {
      name: 'neighborhood hub, depth 1, limit 200',
      query: `query($a: ID!) { neighborhood(id: $a) { truncated nodes { slug name } relationships { type from { slug } to { slug } } } }`,
      variables: { a: hub },
      size: (d) => sub(d),
    },
    {
      name: 'neighborhood person, depth 3, limit 1000 (nodes only)',
      query: `query($a: ID!) { neighborhood(id: $a, depth: 3, limit: 1000) { truncated nodes { slug } relationships { type } } }`,
      variables: { a: person },
      size: (d) => sub(d),
    },
    {
      name: 'neighborhood hub, depth 3, limit 1000 (nodes only)',
      query: `query($a: ID!) { neighborhood(id: $a, depth: 3, limit: 1000) { truncated nodes { slug } relationships { type } } }`,
      variables: { a: hub },
      size: (d) => sub(d),
    },
    {
      name: 'commonNeighbors hub, hub2',
      query: `query($a: ID!, $b: ID!) { commonNeighbors(a: $a, b: $b, first: 100) { slug } }`,
      variables: { a: hub, b: hub2 },
      size: (d) => `${(d.commonNeighbors as unknown[]).length} entities`,
    },
    {
      name: 'rank DEGREE (all entities)',
      query: `{ rank(by: DEGREE, first: 10) { score entity { slug } } }`,
      size: (d) => `${(d.rank as unknown[]).length} ranked`,
    },
    {
      name: 'rank DEAL_VALUE kinds [COMPANY]',
      query: `{ rank(by: DEAL_VALUE, kinds: [COMPANY], first: 10) { score entity { slug ... on Company { dealStats { count totalValueUsd } } } } }`,
      size: (d) => `${(d.rank as unknown[]).length} ranked`,
    },
    {
      name: 'rank DEAL_VALUE within stargate (seed)',
      query: `{ rank(by: DEAL_VALUE, kinds: [COMPANY], within: "stargate", depth: 3) { score entity { slug } } }`,
      size: (d) => `${(d.rank as unknown[]).length} ranked`,
    },
    {
      name: 'moneyFlows hub, maxHops 4, first 10',
      query: `query($a: ID!) { moneyFlows(from: $a) { ${PATH} } }`,
      variables: { a: hub },
      size: (d) => `${(d.moneyFlows as unknown[]).length} flows`,
    },
    {
      name: 'moneyFlows financier, maxHops 8, first 50',
      query: `query($a: ID!) { moneyFlows(from: $a, maxHops: 8, first: 50) { ${PATH} } }`,
      variables: { a: investor },
      size: (d) => `${(d.moneyFlows as unknown[]).length} flows`,
    },
    {
      name: 'Company.dealStats for 100 companies',
      query: `{ companies(first: 100) { edges { node { slug dealStats { count totalValueUsd asBuyer { count } asSeller { count } } } } } }`,
      size: () => '100 companies',
    },
  ];
  function sub(d: Record<string, unknown>) {
    const s = d.neighborhood as { nodes: unknown[]; relationships: unknown[]; truncated: boolean };
    return `${s.nodes.length} nodes, ${s.relationships.length} rels${s.truncated ? ', truncated' : ''}`;
  }

  log('# Traversal benchmark');
  log();
  log(`Command: \`NEO4J_URI=… npx tsx bench/traversals.ts --entities ${entities} --prefix ${prefix} --runs ${runs}\``);
  log();
  log(
    `Run ${new Date().toISOString()} on ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Neo4j ${pinnedNeo4jVersion()} Community (${opened.uri}); ` +
      `graph: ${size?.entities} entities, ${size?.relationships} relationships (generator seed 7, prefix "${prefix}", plus the seed).`,
  );
  log(
    `Limits: MAX_HOPS ${config.limits.maxHops}, MAX_NEIGHBORHOOD_DEPTH ${config.limits.maxNeighborhoodDepth}, MAX_NEIGHBORHOOD_LIMIT ${config.limits.maxNeighborhoodLimit}, ` +
      `MAX_PATHS ${config.limits.maxPaths}, TRAVERSAL_TIMEOUT_MS ${config.limits.traversalTimeoutMs}.`,
  );
  log(
    `Subjects: hub ${hub} and ${hub2} (the two companies with most relationships), person ${person}, datacenter ${datacenter}, financier ${investor}.`,
  );
  log();
  log(
    `Each query: one warm-up, then ${runs} timed runs through yoga.fetch (GraphQL parse, validation, resolvers, Neo4j). Times in ms.`,
  );
  log();
  log('| traversal | result | median | max | round trips | db time (median) |');
  log('|---|---|---:|---:|---:|---:|');
  for (const c of cases) {
    const warm = await ask(c.query, c.variables);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < runs; i++) outcomes.push(await ask(c.query, c.variables));
    const last = outcomes.at(-1)!;
    const sorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const db = outcomes.map((o) => o.dbTimeMs).sort((a, b) => a - b);
    const result = last.error ? `${last.error.code} (${last.error.limit ?? ''})` : c.size(last.data ?? {});
    void warm;
    log(
      `| ${c.name} | ${result} | ${sorted[Math.floor(runs / 2)]!.toFixed(0)} | ${sorted.at(-1)!.toFixed(0)} | ${last.roundTrips} | ${db[Math.floor(runs / 2)]!.toFixed(0)} |`,
    );
  }

  // Over a bound: refused before any Cypher runs.
  const refused = await ask(`query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 99) { length } }`, {
    a: hub,
    b: hub2,
  });
  log();
  log(
    `Over a bound: \`paths(maxHops: 99)\` → ${refused.error?.code} naming ${refused.error?.limit} in ${refused.ms.toFixed(0)} ms ("${refused.error?.message}").`,
  );

  // Built to explode: a hub inside a 40-company clique, with two outside neighbours; between
  // them one simple path and more looping trails than any machine can list.
  const dense = `${prefix}-dense`;
  await db.write('MATCH (n:Entity) WHERE n.id STARTS WITH $p DETACH DELETE n', { p: `${dense}-` });
  const clique = Array.from({ length: 40 }, (_, i) => `${dense}-c${i}`);
  await db.write(
    `UNWIND $slugs AS slug CREATE (:Entity:Company {id: slug, slug: slug, name: slug, aliases: [], createdAt: datetime(), updatedAt: datetime()})`,
    { slugs: [...clique, `${dense}-a`, `${dense}-b`] },
  );
  const pairs: string[][] = [];
  for (let i = 0; i < clique.length; i++)
    for (let j = i + 1; j < clique.length; j++) pairs.push([clique[i]!, clique[j]!]);
  pairs.push([`${dense}-a`, clique[0]!], [clique[0]!, `${dense}-b`]);
  await db.write(
    `UNWIND $pairs AS pair MATCH (a:Entity {id: pair[0]}), (b:Entity {id: pair[1]}) CREATE (a)-[r:INVESTS_IN]->(b) ${SET_PAGE_KEYS('a', 'r', 'b')}`,
    { pairs },
  );

  log();
  log('## Built to explode');
  log();
  const explosions: Array<{ name: string; query: string; variables: Record<string, unknown> }> = [
    {
      name: `paths through a hub in a 40-clique, maxHops 8, first 50`,
      query: `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 8, first: 50) { length } }`,
      variables: { a: `${dense}-a`, b: `${dense}-b` },
    },
    {
      name: `paths ${hub} → ${hub2}, maxHops 8, first 50`,
      query: `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 8, first: 50) { length } }`,
      variables: { a: hub, b: hub2 },
    },
  ];
  log('While each runs, a simple query (`entity(slug)` plus a seed `shortestPath`) is asked every 100 ms.');
  log();
  log('| traversal | answer | took (ms) | concurrent simple queries | their median / max (ms) |');
  log('|---|---|---:|---:|---:|');
  for (const e of explosions) {
    let running = true;
    const simple: number[] = [];
    const simpleLoop = (async () => {
      while (running) {
        const o = await ask(
          `{ entity(slug: "openai") { slug } shortestPath(from: "openai", to: "stargate") { length } }`,
        );
        if (!o.error) simple.push(o.ms);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const o = await ask(e.query, e.variables);
    running = false;
    await simpleLoop;
    simple.sort((a, b) => a - b);
    const answer = o.error ? `${o.error.code} (${o.error.limit})` : `${(o.data?.paths as unknown[]).length} paths`;
    log(
      `| ${e.name} | ${answer} | ${o.ms.toFixed(0)} | ${simple.length} answered | ${simple[Math.floor(simple.length / 2)]?.toFixed(0) ?? '-'} / ${simple.at(-1)?.toFixed(0) ?? '-'} |`,
    );
  }
  await db.write('MATCH (n:Entity) WHERE n.id STARTS WITH $p DETACH DELETE n', { p: `${dense}-` });

  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${lines.join('\n')}\n`);
  console.error(`Wrote ${RESULTS}`);
  await opened.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
