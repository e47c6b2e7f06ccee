/**
 * Phase 2, compile: read tree → statement text and parameters. The text depends only on the
 * tree's shape, never on a value, so it is cached under the SHA-256 of the finished tree
 * (`statementKey`), whatever document the tree came from; a repeated shape only walks and binds
 * its values.
 *
 * Nodes and nested connections are written by the builder in cypher.ts; this file writes what is
 * particular to a root field: the `entity(slug)` lookup and a root connection's statement, its
 * page, count and aggregates cut by root-page.ts (which the root connection loaders use too).
 */
import { aggregateParams } from '../graph/aggregates.js';
import { keyExpressions, type Ordering } from '../graph/ordering.js';
import type { PagePlan } from '../graph/paging.js';
import { ROOT_ROW, type RowExpression } from '../graph/patterns.js';
import { heldAt, labelAt, timeParams } from '../claims/time.js';
import { ByteLru, sha256Hex, utf8Bytes } from '../byte-lru.js';
import {
  aggregateKey,
  connectionParams,
  deferredCall,
  deferredKey,
  hoistClause,
  nodeProjection,
  type Deferred,
} from './cypher.js';
import { rootAggregate, rootMatch, rootPageParams, rootPageRows, seekBounds } from './root-page.js';
import {
  walkRoot,
  type EntityTree,
  type RootConnectionTree,
  type RootRead,
  type RootTree,
  type SelectionInput,
} from './walk.js';

export interface PlannedStatement {
  cypher: string;
  params: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// The statement cache

/**
 * Fields of a read tree that hold this request's values (they travel as parameters, so they never
 * change the text): a page's size, fetch and cursor, a filter's parameters, a grouping's size.
 * Everything else in the tree is part of the key, so a field added to the tree later changes the
 * key by default: forgetting it here costs cache hits, never a wrong statement.
 */
const VALUE_FIELDS = new Set(['fetch', 'size', 'cursorKey', 'params', 'first']);

function keyReplacer(field: string, value: unknown): unknown {
  if (VALUE_FIELDS.has(field)) return undefined;
  // An ordering's name fixes its keys and directions (cursors carry it for the same reason).
  if (field === 'ordering' && value && typeof value === 'object' && 'name' in value) return (value as Ordering).name;
  if (value instanceof Map) return [...value];
  // An order key's expression: its text for a root row, so a changed expression changes the key.
  if (typeof value === 'function') return (value as RowExpression)(ROOT_ROW);
  // A typed relationship from the model table: its field names it (its description is long).
  if (field === 'relationship' && value && typeof value === 'object' && 'fieldName' in value) {
    const { parentType, fieldName } = value as { parentType: string; fieldName: string };
    return `${parentType}.${fieldName}`;
  }
  return value;
}

/** The cache key of a tree's statement: the whole finished tree, values left out. */
export function statementKey(tree: RootTree): string {
  return JSON.stringify(tree, keyReplacer);
}

/**
 * Compiled statements of this process, under the SHA-256 of their tree's key: at most 2,000
 * statements and 16 MB of their text. One document can make many shapes (filters passed as
 * variables change the tree), so the bound is on the cache, not per document.
 */
export const statementCache = new ByteLru<string>({
  name: 'statement',
  maxEntries: 2_000,
  maxBytes: 16_000_000,
  sizeOf: utf8Bytes,
});

/** The statement for one root field: walked, then its text from the cache when this shape was seen before. */
export function planRoot(
  input: SelectionInput,
  root: RootRead,
): PlannedStatement & { tree: RootTree /** The text came from the cache. */; cached: boolean } {
  const tree = walkRoot(input, root);
  const key = sha256Hex(statementKey(tree));
  let cypher = statementCache.get(key);
  const cached = cypher !== undefined;
  if (cypher === undefined) {
    cypher = compileRoot(tree);
    statementCache.set(key, cypher);
  }
  return { cypher, params: rootParams(root, tree), tree, cached };
}

// ---------------------------------------------------------------------------------------------
// Root statements

/** Deferred pages' CALLs (cypher.ts), after the statement's own read; each may add more below it. */
function deferredCalls(deferred: Deferred[]): { text: string; columns: string } {
  const calls: string[] = [];
  for (let i = 0; i < deferred.length; i++) calls.push(deferredCall(deferred[i]!, deferred));
  return {
    text: calls.map((c) => ` ${c}`).join(''),
    columns: deferred.map((d) => `, ${deferredKey(d.connection.index)}`).join(''),
  };
}

function compileEntity(tree: EntityTree): string {
  const deferred: Deferred[] = [];
  const node = nodeProjection('n', tree.node, { depth: 0, anchor: 'node', path: [], out: deferred });
  const calls = deferredCalls(deferred);
  // In a time read the slug may name a held-back entity, or several over time: the one held then.
  const lookup = tree.time
    ? `MATCH (n:${labelAt('Entity', true)} {slug: $slug}) WHERE ${heldAt('n')} WITH n LIMIT 1`
    : 'MATCH (n:Entity {slug: $slug})';
  const match = `${lookup}${hoistClause('n', node.hoisted, null)}`;
  return calls.text
    ? `${match} WITH ${node.projection} AS node${calls.text} RETURN node${calls.columns}`
    : `${match} RETURN ${node.projection} AS node`;
}

/** Keys of a root page's parts (see compileRootConnection): the count, one edge, an aggregate or a deferred table. */
export const PART_TOTAL = 'total';
export const PART_EDGE = 'edge';

/** `CALL () { <root page> RETURN collect({ k, n }) AS edges }`: the page's edges as one list. */
function rootPageCall(tree: RootConnectionTree, page: PagePlan, deferred: Deferred[]): string {
  const node = tree.node
    ? nodeProjection('n', tree.node, { depth: 0, anchor: 'edges', path: [], out: deferred })
    : null;
  const entry = [
    tree.cursors ? `k: [${keyExpressions(tree.ordering.keys, { ...ROOT_ROW, time: tree.time }).join(', ')}]` : null,
    node ? `n: ${node.projection}` : 'n: null',
  ];
  const { label, ordering, indexed, bounds } = tree;
  const rows = rootPageRows({ label, filter: tree.filter.where, ordering, page, indexed, time: tree.time, bounds });
  return (
    `CALL () { ${rows.text}${hoistClause('n', node?.hoisted ?? [], rows.orderBy)}` +
    ` RETURN collect({ ${entry.filter(Boolean).join(', ')} }) AS edges }`
  );
}

function compileRootConnection(tree: RootConnectionTree): string {
  const total = tree.count ? `COUNT { ${rootMatch(tree.label, tree.filter.where, tree.time)} }` : 'null';
  const aggregates = tree.aggregates.map(
    (a) => `, ${rootAggregate(tree.label, tree.filter.where, a, tree.time)} AS ${aggregateKey(a.index)}`,
  );
  if (!tree.page) return `RETURN null AS edges, ${total} AS total${aggregates.join('')}`;
  const deferred: Deferred[] = [];
  const parts = [rootPageCall(tree, tree.page, deferred)];
  const calls = deferredCalls(deferred);
  if (calls.text) parts.push(calls.text.trim());
  // Many small records, not one: a whole page with its deferred tables in one record can be
  // megabytes, which the driver decodes slowly (each string of a message arriving in many
  // network chunks is decoded by walking all of them). So the record is sent in parts, each a
  // [key, value] pair (the count, an aggregate, one edge, one entry of a deferred table), and
  // shaping puts the one row back together (assembleParts in shape.ts).
  const tables = deferred.map((d) => deferredKey(d.connection.index));
  const items = [
    `['${PART_TOTAL}', total]`,
    ...tree.aggregates.map((a) => `['${aggregateKey(a.index)}', ${aggregateKey(a.index)}]`),
  ];
  const lists = ['edges', ...tables].map((key) => ` + [x IN ${key} | ['${key === 'edges' ? PART_EDGE : key}', x]]`);
  parts.push(`WITH edges${calls.columns}, ${total} AS total${aggregates.join('')}`);
  parts.push(`UNWIND [${items.join(', ')}]${lists.join('')} AS part RETURN part[0] AS key, part[1] AS value`);
  return parts.join(' ');
}

/** A root field's read tree → its statement text. */
export function compileRoot(tree: RootTree): string {
  return tree.kind === 'entity' ? compileEntity(tree) : compileRootConnection(tree);
}

/** This request's values for a root field's statement. */
export function rootParams(root: RootRead, tree: RootTree): Record<string, unknown> {
  const params = { ...connectionParams(tree.node), ...timeParams(root.time ?? null) };
  if (tree.kind === 'entity') return { ...params, slug: root.kind === 'entity' ? root.slug : null };
  Object.assign(params, tree.filter.params);
  for (const a of tree.aggregates) aggregateParams(a, params);
  if (tree.page && root.kind === 'connection') {
    Object.assign(params, rootPageParams(tree.page, seekBounds(tree.label, root.args.filter, tree.indexed, tree.time)));
  }
  return params;
}
