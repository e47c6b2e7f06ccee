/**
 * The graph algorithms of src/graph/algorithms.ts on hand-built subgraphs whose answers are known
 * by construction or computed here independently (closed forms, a plain power iteration).
 * The same algorithms on subgraphs fetched from Neo4j: tests/integration/algorithms.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { centralityScores, louvainCommunities, seededRandom } from '../../src/graph/algorithms.js';
import type { EntityRow } from '../../src/graph/entities.js';
import type { RelationshipRow } from '../../src/graph/rows.js';

const entity = (id: string): EntityRow => ({
  id,
  slug: id,
  name: id.toUpperCase(),
  description: null,
  aliases: [],
  createdAt: null,
  updatedAt: null,
  label: 'Company',
});
const rel = (from: string, to: string, type: RelationshipRow['type'] = 'INVESTS_IN'): RelationshipRow => ({
  id: `${from}-${type}-${to}`,
  type,
  from,
  to,
  properties: {},
});
const subgraph = (ids: string[], pairs: Array<[string, string]>) => ({
  nodes: ids.map(entity),
  relationships: pairs.map(([a, b]) => rel(a, b)),
});

/** n nodes in a line: p0 - p1 - ... - p(n-1). */
const pathGraph = (n: number) => {
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  return subgraph(
    ids,
    ids.slice(1).map((id, i) => [ids[i]!, id]),
  );
};

/** Two 4-cliques joined through one bridge entity: a1 - bridge - b1. */
function twoCliques() {
  const a = ['a1', 'a2', 'a3', 'a4'];
  const b = ['b1', 'b2', 'b3', 'b4'];
  const pairs: Array<[string, string]> = [];
  for (const clique of [a, b])
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) pairs.push([clique[i]!, clique[j]!]);
  pairs.push(['a1', 'bridge'], ['bridge', 'b1']);
  return subgraph([...a, ...b, 'bridge'], pairs);
}

/** Shuffles a copy with a seeded source, so a test can show that input order does not matter. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** PageRank by a plain power iteration on the undirected multigraph (parallel relationships add weight). */
function referencePagerank(ids: string[], relationships: RelationshipRow[], alpha = 0.85): Map<string, number> {
  const weight = new Map<string, Map<string, number>>(ids.map((id) => [id, new Map()]));
  for (const r of relationships) {
    weight.get(r.from)!.set(r.to, (weight.get(r.from)!.get(r.to) ?? 0) + 1);
    weight.get(r.to)!.set(r.from, (weight.get(r.to)!.get(r.from) ?? 0) + 1);
  }
  const n = ids.length;
  let x = new Map(ids.map((id) => [id, 1 / n]));
  for (let iteration = 0; iteration < 500; iteration++) {
    const next = new Map(ids.map((id) => [id, (1 - alpha) / n]));
    for (const id of ids) {
      const out = [...weight.get(id)!.values()].reduce((s, w) => s + w, 0);
      for (const [to, w] of weight.get(id)!) next.set(to, next.get(to)! + (alpha * x.get(id)! * w) / out);
    }
    x = next;
  }
  return x;
}

describe('betweenness', () => {
  it('of a path graph is the closed form 2·i·(n-1-i) / ((n-1)(n-2))', () => {
    const n = 7;
    const scores = centralityScores(pathGraph(n), 'BETWEENNESS');
    for (let i = 0; i < n; i++)
      expect(scores.get(`p${i}`)).toBeCloseTo((2 * i * (n - 1 - i)) / ((n - 1) * (n - 2)), 10);
  });

  it('puts the bridge between two cliques first, its neighbours next and the others at 0', () => {
    const scores = centralityScores(twoCliques(), 'BETWEENNESS');
    // Every one of the 4·4 pairs across passes through the bridge (16 of the 28 pairs of the others),
    // and through a1 and b1: the 3·5 pairs of a1's clique-mates with the far side (15 of 28).
    expect(scores.get('bridge')).toBeCloseTo(16 / 28, 10);
    expect(scores.get('a1')).toBeCloseTo(15 / 28, 10);
    expect(scores.get('b1')).toBeCloseTo(15 / 28, 10);
    for (const id of ['a2', 'a3', 'a4', 'b2', 'b3', 'b4']) expect(scores.get(id)).toBe(0);
  });

  it('counts hops, not relationships: a second relationship between two entities changes nothing', () => {
    const g = pathGraph(4);
    const doubled = {
      ...g,
      relationships: [...g.relationships, rel('p0', 'p1', 'PARTY_TO'), rel('p1', 'p0', 'LEADS')],
    };
    expect(centralityScores(doubled, 'BETWEENNESS')).toEqual(centralityScores(g, 'BETWEENNESS'));
  });
});

describe('pagerank', () => {
  it('puts the hub of a star first; the leaves tie exactly; the scores sum to 1', () => {
    const leaves = ['l1', 'l2', 'l3', 'l4', 'l5'];
    const scores = centralityScores(
      subgraph(
        ['hub', ...leaves],
        leaves.map((l) => ['hub', l]),
      ),
      'PAGERANK',
    );
    const hub = scores.get('hub')!;
    for (const l of leaves) {
      expect(scores.get(l)).toBe(scores.get('l1'));
      expect(hub).toBeGreaterThan(scores.get(l)! * 3);
    }
    expect([...scores.values()].reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    // Known in closed form: the hub's x = (1-α)/n + α·Σ leaves' x, each leaf's x = (1-α)/n + α·x_hub/5.
    const alpha = 0.85;
    const n = 6;
    const expectedHub = ((1 - alpha) / n + (alpha * 5 * (1 - alpha)) / n) / (1 - alpha * alpha);
    expect(hub).toBeCloseTo(expectedHub, 9);
  });

  it('matches an independent power iteration on a weighted graph with parallel relationships', () => {
    const g = twoCliques();
    const extra = [rel('a2', 'a3', 'PARTY_TO'), rel('b4', 'b1', 'LEADS'), rel('bridge', 'b1', 'OPERATES')];
    const relationships = [...g.relationships, ...extra];
    const scores = centralityScores({ nodes: g.nodes, relationships }, 'PAGERANK');
    const expected = referencePagerank(
      g.nodes.map((n) => n.id),
      relationships,
    );
    for (const [id, value] of expected) expect(scores.get(id)).toBeCloseTo(value, 8);
  });

  it('gives an entity alone in its neighbourhood all the rank', () => {
    expect([...centralityScores(subgraph(['solo'], []), 'PAGERANK')]).toEqual([['solo', 1]]);
  });
});

describe('louvain communities', () => {
  it('split two cliques joined by a bridge, largest first, hub first in each', () => {
    const { communities, modularity } = louvainCommunities(twoCliques());
    const sets = communities.map((c) => c.entities.map((e) => e.id).sort());
    // The bridge joins one side (which one is the seeded draw's); the cliques are never mixed.
    expect(sets).toHaveLength(2);
    const [big, small] = sets;
    expect(big).toHaveLength(5);
    expect(big).toContain('bridge');
    expect(small).toHaveLength(4);
    expect([big!.filter((id) => id !== 'bridge'), small].map((s) => s![0]![0]).sort()).toEqual(['a', 'b']);
    for (const s of sets) expect(new Set(s.filter((id) => id !== 'bridge').map((id) => id[0])).size).toBe(1);
    expect(communities.map((c) => c.index)).toEqual([0, 1]);
    // The side with the bridge: its clique's 6 relationships and the bridge's one to it.
    expect(communities.map((c) => c.internalRelationships)).toEqual([7, 6]);
    // Most connected first: a1 or b1 (3 in the clique + the bridge) leads the bridge's side.
    expect(['a1', 'b1']).toContain(communities[0]!.entities[0]!.id);
    // Modularity of the split, by hand: m = 14 edges; Σ over communities of (inside/m - (degree sum/2m)²).
    const side = (inside: number, degrees: number) => inside / 14 - (degrees / 28) ** 2;
    expect(modularity).toBeCloseTo(side(7, 15) + side(6, 13), 9);
  });

  it('give the same communities whatever order the subgraph came in', () => {
    const g = twoCliques();
    const reference = louvainCommunities(g).communities.map((c) => c.entities.map((e) => e.id));
    for (const seed of [1, 2, 3, 4, 5]) {
      const again = louvainCommunities({
        nodes: shuffled(g.nodes, seed),
        relationships: shuffled(g.relationships, seed + 100),
      });
      expect(again.communities.map((c) => c.entities.map((e) => e.id))).toEqual(reference);
    }
  });

  it('make each entity of a subgraph without relationships a community of its own, by name', () => {
    const { communities } = louvainCommunities(subgraph(['c', 'a', 'b'], []));
    expect(communities.map((c) => c.entities.map((e) => e.id))).toEqual([['a'], ['b'], ['c']]);
  });
});
