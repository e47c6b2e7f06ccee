/**
 * A hub's relationship page without sorting all its relationships.
 *
 * Expanding a node and sorting its far nodes reads every relationship (83,000 for the busiest
 * company of a 1M-entity graph) to keep 21. When the page is ordered by a property every far node
 * has, with a (property, id) index (cypher/schema/004-ordered-pages.cypher), walking that index
 * in order and keeping the far nodes related to this one reads about fetch × (nodes of the label
 * ÷ relationships of this node) entries instead. Which is cheaper depends on the node, so both
 * are written and Neo4j picks per row from the degree store: the walk when degree² > fetch ×
 * label count, the break-even of the two costs when related nodes are spread evenly over the
 * order. The choice sits in a CASE because Neo4j evaluates only the branch taken; a UNION with
 * the test in each branch lets the planner move the test after the index scan, which then reads
 * the whole index for every node that is not a hub.
 *
 * Only unfiltered pages: a filter could make related nodes rare along the index.
 */
import type { RelationshipType } from './model.js';
import { indexedPageBounds, type Ordering, type PagePlan } from './paging.js';

export interface PairsSource {
  /** Variables: the parent node, and the relationship and far node the pairs bind. */
  parent: string;
  rel: string;
  node: string;
  relationship: { type: RelationshipType; direction: 'OUT' | 'IN'; nodeLabel: string };
  ordering: Ordering;
  page: PagePlan;
  /** The ordering's key expressions over `rel` and `node`. */
  keys: string[];
  /** `MATCH ... WHERE ...`: the expanding read, its filter and keyset predicate included. */
  expand: string;
  /** `ORDER BY ... LIMIT ...` over `rel` and `node`. */
  order: string;
  filtered: boolean;
  cursorParam: string;
  fetchParam: string;
  /** Variable names for the pairs list; unique within the statement. */
  pairs: string;
}

const arrow = (direction: 'OUT' | 'IN', rel: string, type: string) => (direction === 'OUT' ? `-[${rel}:${type}]->` : `<-[${rel}:${type}]-`);

/**
 * Clauses that bind `rel` and `node` to the page's rows, in order, choosing per parent between
 * the index walk and the expand-and-sort; null when only the latter applies (then the caller
 * writes `expand` and `order` as they are).
 */
export function hubPagePairs(s: PairsSource): string | null {
  const property = s.ordering.indexed;
  if (!property || s.filtered) return null;
  const { type, direction, nodeLabel } = s.relationship;
  const degree = `COUNT { (${s.parent})${arrow(direction, '', type)}() }`;
  const { range, after } = indexedPageBounds({
    node: s.node,
    property,
    keys: s.keys,
    descending: !!s.ordering.keys[0]!.descending !== s.page.backward,
    cursor: s.page.hasCursor ? `$${s.cursorParam}` : null,
  });
  const conditions = after ? [...range, after] : range;
  const walk =
    `MATCH (${s.node}:${nodeLabel}) USING INDEX ${s.node}:${nodeLabel}(${property}, id) WHERE ${conditions.join(' AND ')}` +
    ` MATCH (${s.parent})${arrow(direction, s.rel, type)}(${s.node})`;
  const pairs = (match: string) => `COLLECT { ${match} WITH ${s.rel}, ${s.node} ${s.order} RETURN [${s.rel}, ${s.node}] }`;
  return (
    `UNWIND CASE WHEN ${degree} * ${degree} > $${s.fetchParam} * COUNT { (:${nodeLabel}) }` +
    ` THEN ${pairs(walk)} ELSE ${pairs(s.expand)} END AS ${s.pairs}` +
    ` WITH ${s.parent}, ${s.pairs}[0] AS ${s.rel}, ${s.pairs}[1] AS ${s.node}`
  );
}
