/**
 * Graph algorithms over one bounded neighbourhood (SPEC section 2, `rank(by: PAGERANK |
 * BETWEENNESS)` and `communities`), computed in Node by graphology on a subgraph that
 * src/graph/traversals.ts fetched in one bounded statement. Nothing here touches the database:
 * the functions take a SubgraphRow and are pure, so they are unit-tested on hand-built graphs.
 *
 * The neighbourhood becomes an undirected simple graph, as every traversal reads relationships
 * in either direction: one edge per pair of linked entities, weighted by how many relationships
 * join them (PageRank and Louvain use the weight; betweenness counts hops).
 */
import { createRequire } from 'node:module';
import { UndirectedGraph } from 'graphology';
import type { EntityRow } from './entities.js';
import { type CommunitiesResult, compareByNameThenId, type SubgraphRow } from './rows.js';

// These packages are CommonJS whose typings declare an ES default export, which TypeScript's
// NodeNext resolution does not map onto `module.exports`: required, typed by their own typings.
const require = createRequire(import.meta.url);
const louvain = require('graphology-communities-louvain') as typeof import('graphology-communities-louvain').default;
type PagerankFunction = typeof import('graphology-metrics/centrality/pagerank.js').default;
type BetweennessFunction = typeof import('graphology-metrics/centrality/betweenness.js').default;
const pagerank = require('graphology-metrics/centrality/pagerank') as PagerankFunction;
const betweennessCentrality = require('graphology-metrics/centrality/betweenness') as BetweennessFunction;

type Weighted = { weight: number };
type NeighbourhoodGraph = UndirectedGraph<Record<string, never>, Weighted>;

export const CENTRALITIES = ['PAGERANK', 'BETWEENNESS'] as const;
export type Centrality = (typeof CENTRALITIES)[number];
export const isCentrality = (value: unknown): value is Centrality =>
  (CENTRALITIES as readonly unknown[]).includes(value);

/** Scores are rounded to 12 significant digits: symmetric entities tie exactly, answers are stable. */
const stable = (x: number) => Number(x.toPrecision(12));

/**
 * The subgraph as an undirected weighted simple graph. Nodes and edges are added in id order, so
 * the same subgraph always builds the same graph, whatever order Neo4j returned it in: Louvain
 * visits nodes in insertion order, and its answer must not depend on that.
 */
export function toUndirectedGraph(subgraph: Pick<SubgraphRow, 'nodes' | 'relationships'>): NeighbourhoodGraph {
  const graph: NeighbourhoodGraph = new UndirectedGraph({ allowSelfLoops: false });
  for (const id of subgraph.nodes.map((n) => n.id).sort()) graph.mergeNode(id);
  const pairs = subgraph.relationships
    .filter((r) => r.from !== r.to && graph.hasNode(r.from) && graph.hasNode(r.to))
    .map((r) => (r.from < r.to ? [r.from, r.to] : [r.to, r.from]) as [string, string])
    .sort(([a1, b1], [a2, b2]) => (a1 < a2 ? -1 : a1 > a2 ? 1 : b1 < b2 ? -1 : b1 > b2 ? 1 : 0));
  for (const [a, b] of pairs) {
    graph.updateEdge(a, b, (attributes) => ({ weight: (attributes.weight ?? 0) + 1 }));
  }
  return graph;
}

/**
 * Every entity's score in the subgraph.
 * - PAGERANK: damping 0.85, relationships weighted by count; the scores sum to 1 over the subgraph.
 * - BETWEENNESS: for each pair of other entities, the share of their shortest paths (in hops)
 *   that pass through the entity, summed and normalized by the number of pairs,
 *   (n-1)(n-2)/2, so 1 means every shortest path goes through it (the hub of a star).
 */
export function centralityScores(
  subgraph: Pick<SubgraphRow, 'nodes' | 'relationships'>,
  by: Centrality,
): Map<string, number> {
  const graph = toUndirectedGraph(subgraph);
  if (graph.order === 0) return new Map();
  const scores =
    by === 'PAGERANK'
      ? pagerank(graph, { getEdgeWeight: 'weight', alpha: 0.85, maxIterations: 1000, tolerance: 1e-10 })
      : betweennessCentrality(graph, { getEdgeWeight: null, normalized: true });
  return new Map(Object.entries(scores).map(([id, score]) => [id, stable(score)]));
}

/**
 * A deterministic random source (mulberry32): Louvain breaks ties at random, and with the same
 * seed the same subgraph gives the same communities (stable answers, safe to cache).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const LOUVAIN_SEED = 20250721;

/**
 * Louvain communities of the subgraph (graphology-communities-louvain, resolution 1, seeded):
 * largest first, ties by their first entity's name. An entity with no relationship in the
 * subgraph is a community of its own.
 */
export function louvainCommunities(
  subgraph: Pick<SubgraphRow, 'nodes' | 'relationships'>,
  seed = LOUVAIN_SEED,
): CommunitiesResult {
  const graph = toUndirectedGraph(subgraph);
  if (graph.order === 0) return { communities: [], modularity: 0 };
  const byId = new Map(subgraph.nodes.map((n) => [n.id, n]));
  // Louvain has nothing to optimize without edges (its modularity divides by their weight).
  const detailed =
    graph.size === 0
      ? { communities: Object.fromEntries(graph.nodes().map((n, i) => [n, i] as const)), modularity: 0 }
      : louvain.detailed(graph, { getEdgeWeight: 'weight', resolution: 1, rng: seededRandom(seed) });
  const degree = (id: string) => graph.reduceEdges(id, (sum, _edge, attributes) => sum + attributes.weight, 0);
  const groups = new Map<number, EntityRow[]>();
  for (const [id, community] of Object.entries(detailed.communities)) {
    const entity = byId.get(id);
    if (!entity) continue;
    groups.set(community, [...(groups.get(community) ?? []), entity]);
  }
  const communityOf = new Map(Object.entries(detailed.communities));
  const ordered = [...groups.entries()].map(([community, entities]) => {
    const sorted = entities.sort((a, b) => degree(b.id) - degree(a.id) || compareByNameThenId(a, b));
    const internalRelationships = graph.reduceEdges(
      (sum: number, _edge, attributes, source, target) =>
        communityOf.get(source) === community && communityOf.get(target) === community ? sum + attributes.weight : sum,
      0,
    );
    return { entities: sorted, internalRelationships };
  });
  ordered.sort(
    (a, b) =>
      b.entities.length - a.entities.length ||
      compareByNameThenId([...a.entities].sort(compareByNameThenId)[0]!, [...b.entities].sort(compareByNameThenId)[0]!),
  );
  return {
    communities: ordered.map((c, index) => ({ index, ...c })),
    modularity: stable(detailed.modularity),
  };
}
