/**
 * CPU time of the graph algorithms on neighbourhoods up to MAX_NEIGHBORHOOD_LIMIT (run by hand,
 * not part of the test suite; no database):
 *
 *   npx tsx bench/algorithms.ts [--relationships-per-entity 5] [--runs 5]
 *
 * `rank(by: PAGERANK | BETWEENNESS)` and `communities` compute in a worker thread after the
 * neighbourhood statement (src/graph/algorithm-workers.ts), so this is what each adds to a
 * request, and what ALGORITHM_TIMEOUT_MS must leave room for. Measured here in-process, without
 * the worker's hand-over. The subgraphs are random with hubs (one end of each relationship drawn
 * towards low ids), seeded.
 */
import { centralityScores, louvainCommunities, seededRandom } from '../src/graph/algorithms.js';
import type { EntityRow } from '../src/graph/entities.js';
import type { RelationshipRow } from '../src/graph/rows.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const perEntity = flag('relationships-per-entity', 5);
const runs = flag('runs', 5);

function subgraph(n: number, m: number) {
  const random = seededRandom(n);
  const nodes: EntityRow[] = Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    slug: `e${i}`,
    name: `E${i}`,
    description: null,
    aliases: [],
    createdAt: null,
    updatedAt: null,
    label: 'Company',
  }));
  const relationships: RelationshipRow[] = Array.from({ length: m }, (_, i) => ({
    id: `r${i}`,
    type: 'INVESTS_IN',
    from: `e${Math.floor(random() * n)}`,
    to: `e${Math.floor(random() ** 3 * n)}`,
    properties: {},
  }));
  return { nodes, relationships };
}

const time = (f: () => unknown) => {
  f(); // warm
  const started = performance.now();
  for (let i = 0; i < runs; i++) f();
  return (performance.now() - started) / runs;
};

console.log(`| entities | relationships | PAGERANK ms | BETWEENNESS ms | communities ms |`);
console.log(`|---:|---:|---:|---:|---:|`);
for (const n of [100, 250, 500, 1000]) {
  const g = subgraph(n, n * perEntity);
  const cells = [
    time(() => centralityScores(g, 'PAGERANK')),
    time(() => centralityScores(g, 'BETWEENNESS')),
    time(() => louvainCommunities(g)),
  ];
  console.log(`| ${n} | ${n * perEntity} | ${cells.map((c) => c.toFixed(1)).join(' | ')} |`);
}
