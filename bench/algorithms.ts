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
import { centralityScores, louvainCommunities } from '../src/graph/algorithms.js';
import { randomSubgraph } from '../tests/utils/random-subgraph.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const perEntity = flag('relationships-per-entity', 5);
const runs = flag('runs', 5);

const subgraph = (n: number, m: number) => randomSubgraph(n, m);

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
