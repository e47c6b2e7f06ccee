/**
 * A hub's relationship page without sorting all its relationships.
 *
 * Expanding a node and sorting its far nodes reads every relationship the node has to keep a
 * page of them. A page by name reads the parent's page-key index instead (page-keys.ts): it
 * holds the parent's relationships of one type in (far label, far name, far id) order, so the
 * page seeks the parent's id and the far label and reads as many entries as it keeps, whatever
 * the degree and wherever the cursor.
 *
 * A page at a slice reads the live type's index and the held-back type's (both keyed), each in
 * order and only the rows held then, and merges the two.
 *
 * Other pages expand and sort: filtered pages, other orderings, and far nodes of any kind
 * (`Entity`), whose names the label-first key does not order across kinds.
 */
import { heldType } from '../claims/model.js';
import type { EntityRelationshipType } from './model.js';
import type { TypedShape } from './patterns.js';
import { hasPageKeys, pageKeyIndex } from './page-keys.js';
import type { Ordering } from './ordering.js';
import { indexedPageBounds, type PagePlan } from './paging.js';

export interface KeyedPageSource {
  /** Variables: the parent node, and the relationship and far node the page binds. */
  parent: string;
  rel: string;
  node: string;
  relationship: TypedShape;
  ordering: Ordering;
  page: PagePlan;
  filtered: boolean;
  cursorParam: string;
  fetchParam: string;
  /**
   * In a time read, what a row must pass to be held at the slice (its relationship's and far
   * node's intervals): the page is then cut from the live type's index and the held-back type's,
   * each read in order, and merged.
   */
  held?: string | null;
}

/**
 * `MATCH ... WITH parent, rel, node ORDER BY ... LIMIT ...`: the page's rows in order, read from
 * the parent's page-key index; null when the page cannot be read that way (the caller then
 * expands and sorts).
 */
export function keyedPage(s: KeyedPageSource): string | null {
  const { type, direction, nodeLabel } = s.relationship;
  if (s.ordering.indexed !== 'name' || s.filtered || nodeLabel === 'Entity' || !hasPageKeys(type)) return null;
  const index = pageKeyIndex(type, direction === 'OUT' ? 'from' : 'to');
  const [nearId, farLabel, farName, farId] = index.properties.map((p) => `${s.rel}.${p}`) as [
    string,
    string,
    string,
    string,
  ];
  const descending = !!s.ordering.keys[0]!.descending !== s.page.backward;
  const { range, after } = indexedPageBounds({
    node: s.rel,
    property: index.properties[2],
    idProperty: index.properties[3],
    keys: [farName, farId],
    descending,
    cursor: s.page.hasCursor ? `$${s.cursorParam}` : null,
  });
  // The label is the model's (never request text). Ordering by every index key, the equal ones
  // too, is what lets Neo4j take the index's order instead of sorting. The hint says SEEK: a plain
  // `USING INDEX` is also met by scanning the whole index and filtering on the parent's id, which
  // the cost planner picked on a small test graph (its estimate from index samples and LIMIT), and
  // a cached plan keeps its choice after the graph grows.
  const conditions = [
    `${nearId} = ${s.parent}.id`,
    `${farLabel} = '${nodeLabel}'`,
    ...range,
    ...(after ? [after] : []),
  ];
  const order = [nearId, farLabel, farName, farId].map((key) => `${key}${descending ? ' DESC' : ''}`).join(', ');
  const limit = `ORDER BY ${order} LIMIT toInteger($${s.fetchParam})`;
  const part = (t: string) =>
    `MATCH (${s.parent})${direction === 'OUT' ? `-[${s.rel}:${t}]->` : `<-[${s.rel}:${t}]-`}(${s.node})` +
    ` USING INDEX SEEK ${s.rel}:${t}(${index.properties.join(', ')})` +
    ` WHERE ${[...conditions, ...(s.held ? [s.held] : [])].join(' AND ')}`;
  if (s.held === undefined || s.held === null) return `${part(type)} WITH ${s.parent}, ${s.rel}, ${s.node} ${limit}`;
  const parts = [type, heldType(type as EntityRelationshipType)].map(
    (t) => `${part(t)} WITH ${s.rel}, ${s.node} ${limit} RETURN ${s.rel}, ${s.node}`,
  );
  return `CALL (${s.parent}) { ${parts.join(' UNION ALL ')} } WITH ${s.parent}, ${s.rel}, ${s.node} ${limit}`;
}
