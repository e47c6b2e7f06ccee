/**
 * Read tree → Cypher text. Every label, type, property and key name placed in the text comes
 * from the model tables or from the walk's own counters, never from a request; values (page
 * sizes, cursors, filters, slugs) travel as parameters.
 *
 * A node is returned as one map projection holding exactly the selected properties; each typed
 * relationship connection under it is a COLLECT subquery (its page cut with ORDER BY/LIMIT
 * inside) and each count a COUNT subquery, nested to any depth, so a tree of connections is one
 * statement and one round trip.
 *
 * The relationship DataLoaders write their statements here too: a relationship page or count is
 * one `RelationshipRead`, written by `relationshipRows`/`relationshipCount` for a parent variable,
 * which the planner binds in its projection and the loaders from `$parentIds` (`forEachParent`).
 */
import { aggregateExpression, aggregateParams, aggregateSpecOf, type AggregateRead } from '../graph/aggregates.js';
import { entityProjection, sourceProjection } from '../graph/entities.js';
import { ALL_SOURCED_FIELDS, heldLabel } from '../claims/model.js';
import { entityProjectionAt } from '../graph/time-reads.js';
import {
  heldAt,
  heldAtIf,
  isSourcedField,
  kindOf,
  labelAt,
  propertyAt,
  publicType,
  relationshipPropertyAt,
} from '../claims/time.js';
import { and, compileFilter, type CompiledFilter, type FilterLabel, type FilterLimits } from '../graph/filters.js';
import { keyedPage } from '../graph/hub-pages.js';
import {
  ALL_RELATIONSHIP_PROPERTIES,
  RELATIONSHIPS,
  type EntityLabel,
  type PropertyType,
  type RelationshipType,
  type TypedRelationship,
} from '../graph/model.js';
import { keyExpressions, type Ordering } from '../graph/ordering.js';
import type { PagePlan } from '../graph/paging.js';
import {
  countAtSlice,
  countPattern,
  relationshipPattern,
  ROOT_ROW,
  type RelationshipShape,
  type RowVariables,
} from '../graph/patterns.js';
import type { ConnectionRead, NodeRead, ReadAs, SourcesRead } from './walk.js';

/** `Entity.relationships`: by type, far node name and id, then the relationship (parallel ones). */
export const ENTITY_RELATIONSHIPS_ORDERING: Ordering = {
  name: 'Entity.relationships',
  keys: [
    { expr: ({ rel, time }) => publicType(rel, time === true) },
    { expr: ({ node }) => `${node}.name` },
    { expr: ({ node }) => `${node}.id` },
    { expr: ({ rel }) => `elementId(${rel})` },
  ],
};

/** Connection `index`'s variables: `n3` and `r3`; a root connection's `n`; in a time read or not. */
export const rowVariables = (index: number | 'root', time = false): RowVariables =>
  index === 'root' ? { ...ROOT_ROW, time } : { node: `n${index}`, rel: `r${index}`, time };

/**
 * What a connection parameter holds: page size, cursor, filter values (a prefix), relationship
 * types, the bounds a root page at a slice seeks its index with (root-page.ts).
 */
export type ConnectionParam = 'fetch' | 'cursor' | 'f' | 'types' | 'gte' | 'lte';

/**
 * The one naming of a read's parameters: connection 3's `c3_fetch`, `c3_cursor`, `c3_f0`...,
 * `c3_types`; a root connection's (one per statement) `fetch`, `cursor`, `f0`...
 */
export const paramName = (index: number | 'root', param: ConnectionParam) =>
  index === 'root' ? param : `c${index}_${param}`;

/** The client's filter on connection `index`'s (far) node: over its variable, with its parameter names. */
export function connectionFilter(
  label: FilterLabel,
  filter: Record<string, unknown> | null | undefined,
  index: number | 'root',
  limits?: FilterLimits,
  time = false,
): CompiledFilter {
  return compileFilter(label, filter, rowVariables(index).node, paramName(index, 'f'), limits, time);
}

/**
 * Result keys of a node map (every planned node carries them, so they are short):
 * `__rows3` a connection's rows, `__count3` its count, `__sources3` sources, `__aggregate4` an aggregate.
 */
export const rowsKey = (index: number) => `__rows${index}`;
export const aggregateKey = (index: number) => `__aggregate${index}`;
export const countKey = (index: number) => `__count${index}`;
export const sourcesKey = (index: number) => `__sources${index}`;

function propertyProjection(v: string, name: string, readAs: ReadAs, label: NodeRead['label'], time: boolean): string {
  const value = propertyAt(v, name, isSourcedField(label, name), time);
  if (readAs === 'date') return `${name}: toString(${value})`;
  // Epoch milliseconds; the DateTime resolvers format them (no driver temporal objects).
  if (readAs === 'datetime') return `${name}: ${v}.${name}.epochMillis`;
  if (name === 'aliases') return `aliases: coalesce(${v}.aliases, [])`;
  return value === `${v}.${name}` ? `.${name}` : `${name}: ${value}`;
}

/**
 * A whole entity's map (`.*` and its kind): in a time read with its values at the slice
 * (`entityProjectionAt`, read back by `toEntityRowAt`).
 */
export const wholeEntity = (v: string, time: boolean): string => (time ? entityProjectionAt(v) : entityProjection(v));

/**
 * A node's map projection, and what must be computed before it. Neo4j refuses an aggregate
 * (`count(*)`, `sum`...) anywhere inside an expression that also reads other variables, even
 * inside a subquery ("implicit grouping"), and inside `collect()` at all; so an entry holding an
 * aggregate, however deep, is computed first as its own item of a `WITH v, ... AS v__aggregate3` (where
 * `v` groups nothing: one row per node) and the projection reads the variable.
 */
export interface Projection {
  projection: string;
  /** `expr AS name` items for a WITH before the projection (empty when none). */
  hoisted: string[];
}

/** True when a read tree computes an aggregate anywhere below this node. */
function aggregatesBelow(read: NodeRead | null): boolean {
  if (!read) return false;
  return read.types.some(
    (t) =>
      t.connections.some((c) => c.aggregates.length > 0 || aggregatesBelow(c.node)) ||
      (t.sources !== null && aggregatesBelow(t.sources.node)),
  );
}

/** `WITH vars, hoisted ORDER BY order` when anything is hoisted (the WITH groups, so order again). */
export function hoistClause(vars: string, hoisted: readonly string[], orderBy: string | null): string {
  if (hoisted.length === 0) return '';
  return ` WITH ${vars}, ${hoisted.join(', ')}${orderBy ? ` ORDER BY ${orderBy}` : ''}`;
}

/**
 * A relationship page computed once per distinct parent instead of once per place its parent
 * appears. Below the first level of connections the same node recurs (a large company is a
 * party to many of the deals on a page), and written inline its page would be computed, and
 * returned, again at every place. So a page whose parent sits two or more connections below
 * the root is computed after the root's page, in its own `CALL`: the parents' element ids are
 * gathered from what is already read (a DISTINCT over the nested maps, `__parent`), each parent
 * is found again by element id, and its page is returned once, in a table `__table<index>` of
 * [element id, rows] that the shaping code looks up (shape.ts). Pages holding an aggregate stay
 * inline (their hoisting is per row).
 */
export interface Deferred {
  connection: ConnectionRead;
  /** The parent kinds that selected it, when not all of them did. */
  kinds: string[] | null;
  /** The statement variable holding the parents' maps: `edges`, `node` or another table. */
  anchor: string;
  /** Connection indexes from the anchor's node maps down to the parents' maps. */
  path: number[];
}

/** Where a node projection sits: how deep below the root, and how to reach it from its anchor. */
interface Deferral {
  depth: number;
  anchor: string;
  path: number[];
  /** Deferred pages found so far, in the order their CALLs must run. */
  out: Deferred[];
}

/** Key of a node's element id in its map (only where a page below it is deferred). */
export const PARENT_KEY = '__parent';
/** Variable and result key of a deferred page's table. */
export const deferredKey = (index: number) => `__table${index}`;
/** The connection index a result key names when it is a deferred page's table, else null. */
export const deferredIndexOf = (key: string): number | null => {
  const match = /^__table(\d+)$/.exec(key);
  return match ? Number(match[1]) : null;
};

const deferrable = (c: ConnectionRead) => c.page !== null && c.aggregates.length === 0 && !aggregatesBelow(c.node);

/** `CALL` computing one deferred page per distinct parent, into its table. */
export function deferredCall(d: Deferred, out: Deferred[]): string {
  const c = d.connection;
  const p = `p${c.index}`;
  const start =
    d.anchor === 'node'
      ? 'WITH node AS m'
      : d.anchor === 'edges'
        ? 'UNWIND edges AS x WITH x.n AS m'
        : `UNWIND ${d.anchor} AS y UNWIND y[1] AS x WITH x.n AS m`;
  const steps = d.path.map((i) => ` UNWIND coalesce(m.${rowsKey(i)}, []) AS x WITH x.n AS m`).join('');
  const time = d.connection.time === true;
  const guard = d.kinds ? ` AND (${d.kinds.map((k) => isKind(p, k, time)).join(' OR ')})` : '';
  const rows = relationshipRows(p, c, { depth: 2, anchor: deferredKey(c.index), path: [], out });
  return (
    `CALL (${d.anchor}) { ${start}${steps} WITH DISTINCT m.${PARENT_KEY} AS eid WHERE eid IS NOT NULL` +
    ` MATCH (${p}) WHERE elementId(${p}) = eid${guard} RETURN collect([eid, ${rows}]) AS ${deferredKey(c.index)} }`
  );
}

/** `v` is of kind `k` (held back or not, in a time read). */
const isKind = (v: string, k: string, time: boolean) =>
  time && k !== 'Source' ? `(${v}:${k} OR ${v}:${heldLabel(k as EntityLabel)})` : `${v}:${k}`;

/** The map projection of node variable `v`; with `deferral`, pages two levels down are deferred. */
export function nodeProjection(v: string, read: NodeRead, deferral?: Deferral): Projection {
  // Only what resolvers read: `id` when selected, the kind label only where the position is
  // `Entity` (a concrete position's label is set while shaping), Source's `title` always (its
  // isTypeOf reads it). Every byte here is decoded by the driver for every node.
  const entries: string[] = [];
  const hoisted: string[] = [];
  const allProperties = read.types.some((t) => t.allProperties);
  const time = read.time === true;
  if (allProperties) entries.push('.*');
  else if (read.types.some((t) => t.id)) entries.push(`.id`);
  if (read.label === 'Source') entries.push(`title: ${v}.title`);
  else if (read.label === 'Entity') entries.push(`label: ${kindOf(v, time)}`);
  if (allProperties && time && read.label !== 'Source') {
    entries.push(...[...ALL_SOURCED_FIELDS].map((f) => `${f}: ${propertyAt(v, f, true, true)}`));
  }
  if (!allProperties) {
    const seen = new Set<string>(read.label === 'Source' ? ['title'] : []);
    for (const needs of read.types) {
      for (const [name, readAs] of needs.properties) {
        if (seen.has(name)) continue;
        seen.add(name);
        entries.push(propertyProjection(v, name, readAs, read.label, time));
      }
    }
  }
  // Each connection once, guarded by the kinds that selected it when not all of them did
  // (under `Entity`, fields from `... on Company` only apply to companies).
  const reads = new Map<ConnectionRead | SourcesRead, string[]>();
  for (const needs of read.types) {
    for (const r of [...needs.connections, ...(needs.sources ? [needs.sources] : [])]) {
      const kinds = reads.get(r);
      if (kinds) kinds.push(needs.typeName);
      else reads.set(r, [needs.typeName]);
    }
  }
  const entry = (key: string, expr: string, hoist: boolean) => {
    if (!hoist) return entries.push(`${key}: ${expr}`);
    hoisted.push(`${expr} AS ${v}${key}`);
    entries.push(`${key}: ${v}${key}`);
  };
  let deferred = false;
  for (const [r, kinds] of reads) {
    const everyKind = kinds.length === read.types.length;
    const guard = (expr: string) =>
      everyKind ? expr : `CASE WHEN ${kinds.map((k) => isKind(v, k, time)).join(' OR ')} THEN ${expr} END`;
    if ('relationship' in r) {
      if (r.page && deferral && deferral.depth >= 1 && deferrable(r)) {
        deferral.out.push({
          connection: r,
          kinds: everyKind ? null : kinds,
          anchor: deferral.anchor,
          path: deferral.path,
        });
        deferred = true;
      } else if (r.page) {
        const below = deferral && { ...deferral, depth: deferral.depth + 1, path: [...deferral.path, r.index] };
        entry(rowsKey(r.index), guard(relationshipRows(v, r, below)), aggregatesBelow(r.node));
      }
      if (r.count) entry(countKey(r.index), guard(relationshipCount(v, r)), false);
      for (const a of r.aggregates) entry(aggregateKey(a.index), guard(connectionAggregate(v, r, a)), true);
    } else {
      entry(sourcesKey(r.index), guard(sourcesList(v, r)), aggregatesBelow(r.node));
    }
  }
  if (deferred) entries.push(`${PARENT_KEY}: elementId(${v})`);
  return { projection: `${v} { ${entries.join(', ')} }`, hoisted };
}

/**
 * One relationship read for a set of parents: what it matches and what each row returns. The
 * planner builds one per typed connection it folds (a ConnectionRead is one); the loaders build
 * one per field and arguments. Either way the statement text comes from `relationshipRows` and
 * `relationshipCount`, and its parameters from `relationshipParams`.
 */
export interface RelationshipRead {
  /** Names the read's variables (`rowVariables`) and parameters (`paramName`). */
  index: number;
  relationship: RelationshipShape;
  /** Reads of any type (`relationship.type` null): the types kept, null for all. */
  types?: readonly RelationshipType[] | null;
  ordering: Ordering;
  /** The page to cut; null when only counted. */
  page: PagePlan | null;
  /** Return each row's sort keys (as `k`), for cursors. */
  cursors: boolean;
  /** The client's filter on the far node, over its variable (its `where` null when none). */
  filter: CompiledFilter;
  /** Edge properties beside `k` and `n`; `all`: every property, and the id, type and direction. */
  edgeProperties: readonly string[] | 'all';
  /** The far node as a map of the selected properties, of all of them (`all`), or not at all. */
  node: NodeRead | 'all' | null;
  /** A time read (src/claims/time.ts): `$asOf`/`$knownAt` are bound. */
  time?: boolean;
}

/** The parts of a read a count needs. */
export type CountRead = Pick<RelationshipRead, 'index' | 'relationship' | 'types' | 'filter' | 'time'>;

/**
 * The row conditions besides the page's own: the kept types, the client's filter, and in a time
 * read the relationship and far node held at the slice; null when none.
 */
function rowConditions(read: CountRead, rel: string, node: string): string | null {
  const types = `$${paramName(read.index, 'types')}`;
  const time = read.time === true;
  return and(
    read.relationship.type === null ? `(${types} IS NULL OR ${publicType(rel, time)} IN ${types})` : null,
    heldAtIf(time, rel),
    read.relationship.nodeLabel === 'Source' ? null : heldAtIf(time, node),
    read.filter.where,
  );
}

/** ` WHERE predicate`, or nothing when there is no predicate. */
export const whereClause = (predicate: string | null) => (predicate === null ? '' : ` WHERE ${predicate}`);

/** An order key written for a row's variables, in the direction a page reads it. */
export interface WrittenKey {
  expr: string;
  descending: boolean;
}

/**
 * The ordering's keys written for `row`, in the direction `page` reads them (backward pages read
 * reversed): what root and relationship pages alike order by and compare with their cursor.
 */
export const pageKeys = (ordering: Ordering, page: Pick<PagePlan, 'backward'>, row: RowVariables): WrittenKey[] =>
  ordering.keys.map((k) => ({ expr: k.expr(row), descending: page.backward ? !k.descending : !!k.descending }));

/** The ORDER BY items of written keys: `n.name ASC, n.id ASC`. */
export const orderByClause = (keys: readonly WrittenKey[]) =>
  keys.map((k) => `${k.expr} ${k.descending ? 'DESC' : 'ASC'}`).join(', ');

/** Keyset test past the cursor: (k0 > c0) OR (k0 = c0 AND k1 > c1) OR ..., < for descending keys. */
export function keysetPredicate(keys: readonly WrittenKey[], cursor: string): string {
  const terms = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k, j) => `${k.expr} = ${cursor}[${j}]`);
    return [...equal, `${key.expr} ${key.descending ? '<' : '>'} ${cursor}[${i}]`].join(' AND ');
  });
  return `(${terms.map((t) => `(${t})`).join(' OR ')})`;
}

/** The row map's edge entries: chosen edge properties, or all of the relationship. */
function edgeEntries(read: RelationshipRead, { node, rel }: RowVariables): string[] {
  const time = read.time === true;
  if (read.edgeProperties === 'all') {
    const properties: Record<string, PropertyType> =
      read.relationship.type === null ? ALL_RELATIONSHIP_PROPERTIES : RELATIONSHIPS[read.relationship.type].properties;
    const atSlice = Object.keys(properties).map((f) => `${f}: ${relationshipPropertyAt(rel, f, true)}`);
    // The far node is the relationship's end exactly when it starts at the parent.
    return [
      `properties: ${time ? `${rel} { ${['.*', ...atSlice].join(', ')} }` : `properties(${rel})`}`,
      `relationshipId: elementId(${rel})`,
      `type: ${publicType(rel, time)}`,
      `direction: CASE WHEN endNode(${rel}) = ${node} THEN 'OUT' ELSE 'IN' END`,
    ];
  }
  const properties: Record<string, PropertyType> =
    read.relationship.type === null ? {} : RELATIONSHIPS[read.relationship.type].properties;
  // Edge properties sit beside `k` and `n` in the edge's map (no map of their own to decode).
  return read.edgeProperties.map((name) => {
    if (EDGE_CLAIM_FIELDS.has(name)) return `${name}: ${claimCopy(rel, name)}`;
    const value = relationshipPropertyAt(rel, name, time);
    return properties[name] === 'date' ? `${name}: toString(${value})` : `${name}: ${value}`;
  });
}

/** What an edge says of its own claim, read from the relationship's copy. */
export const EDGE_CLAIM_FIELDS: ReadonlySet<string> = new Set(['claimId', 'validFrom', 'validTo', 'recordedAt']);

const claimCopy = (rel: string, name: string) => (name === 'claimId' ? `${rel}.claimId` : `toString(${rel}.${name})`);

/** The far node's map: as selected, or every property (with the kind label of an entity). */
function farNode(read: RelationshipRead, node: string, deferral?: Deferral): Projection | null {
  if (read.node === 'all') {
    const all =
      read.relationship.nodeLabel === 'Source' ? sourceProjection(node) : wholeEntity(node, read.time === true);
    return { projection: all, hoisted: [] };
  }
  return read.node ? nodeProjection(node, read.node, deferral) : null;
}

/**
 * A page of parent `v`'s relationships, as a COLLECT of row maps `{ k, <edge>, n }` cut with
 * ORDER BY and LIMIT inside: read from the parent's page-key index where it can (hub-pages.ts),
 * else expanded, filtered and sorted.
 */
export function relationshipRows(v: string, read: RelationshipRead, deferral?: Deferral): string {
  const time = read.time === true;
  const vars = rowVariables(read.index, time);
  const { node: n, rel: r } = vars;
  const page = read.page!;
  const keys = pageKeys(read.ordering, page, vars);
  const orderBy = orderByClause(keys);
  const cursor = paramName(read.index, 'cursor');
  const fetch = paramName(read.index, 'fetch');
  const where = and(rowConditions(read, r, n), page.hasCursor ? keysetPredicate(keys, `$${cursor}`) : null);
  const node = farNode(read, n, deferral);
  const entry = [
    ...(read.cursors ? [`k: [${keyExpressions(read.ordering.keys, vars).join(', ')}]`] : []),
    ...edgeEntries(read, vars),
    ...(node ? [`n: ${node.projection}`] : []),
  ];
  const { relationship } = read;
  const keyed =
    relationship.type === null
      ? null
      : keyedPage({
          parent: v,
          rel: r,
          node: n,
          relationship,
          ordering: read.ordering,
          page,
          filtered: read.filter.where !== null,
          cursorParam: cursor,
          fetchParam: fetch,
          held: time ? and(heldAt(r), relationship.nodeLabel === 'Source' ? null : heldAt(n)) : null,
        });
  const expand = `MATCH ${relationshipPattern(relationship, v, r, n, time)}${whereClause(where)}`;
  const order = `ORDER BY ${orderBy} LIMIT toInteger($${fetch})`;
  const projection = `${hoistClause(`${r}, ${n}`, node?.hoisted ?? [], orderBy)} RETURN { ${entry.join(', ')} } }`;
  return `COLLECT { ${keyed ?? `${expand} WITH ${r}, ${n} ${order}`}${projection}`;
}

/**
 * How many relationships of parent `v` pass the read's conditions. Unfiltered, nothing is bound
 * and the far label is left out where the model implies it, so Neo4j reads the node's degree.
 */
export function relationshipCount(v: string, read: CountRead): string {
  const time = read.time === true;
  const { node, rel } = rowVariables(read.index, time);
  const conditions = rowConditions(read, rel, node);
  if (conditions === null) return `COUNT { ${countPattern(read.relationship, v)} }`;
  const r = read.relationship.type === null || time ? rel : '';
  const expanded = `COUNT { MATCH ${relationshipPattern(read.relationship, v, r, node, time)}${whereClause(conditions)} }`;
  return time && read.filter.where === null ? countAtSlice(read.relationship, v, expanded) : expanded;
}

/** The parameters of one relationship read: filter values, kept types, page size and cursor. */
export function relationshipParams(
  read: Pick<RelationshipRead, 'index' | 'relationship' | 'types' | 'filter' | 'page'>,
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  Object.assign(params, read.filter.params);
  if (read.relationship.type === null) params[paramName(read.index, 'types')] = read.types ?? null;
  if (read.page) {
    params[paramName(read.index, 'fetch')] = read.page.fetch;
    if (read.page.hasCursor) params[paramName(read.index, 'cursor')] = read.page.cursorKey;
  }
  return params;
}

/**
 * One statement reading `part` for every parent in `$parentIds` (the DataLoaders' batch): rows
 * `pid, value`. The parent is bound as `n`, as the planner binds its root node, so a part reads
 * the same in both statements.
 */
export function forEachParent(
  parentLabel: 'Entity' | 'Source',
  part: (parent: string) => string,
  options: { aggregate?: boolean; time?: boolean } = {},
): string {
  const label = parentLabel === 'Entity' ? labelAt('Entity', options.time === true) : parentLabel;
  const parents = `UNWIND $parentIds AS pid MATCH (n:${label} {id: pid})`;
  // An aggregate is computed as its own WITH item, the parent named beside it (see Projection).
  if (options.aggregate) return `${parents} WITH pid, n, ${part('n')} AS value RETURN pid, value`;
  return `${parents} RETURN pid, ${part('n')} AS value`;
}

/** The parts of a read an aggregate over its relationships needs. */
export type AggregatedRead = Pick<RelationshipRead, 'index' | 'filter' | 'time'> & {
  relationship: TypedRelationship;
};

/** An `aggregate` of a relationship connection: over the same (filtered) relationships as its page. */
export function connectionAggregate(v: string, c: AggregatedRead, a: AggregateRead): string {
  const time = c.time === true;
  const row = rowVariables(c.index, time);
  const conditions = and(
    heldAtIf(time, row.rel),
    c.relationship.nodeLabel === 'Source' ? null : heldAtIf(time, row.node),
    c.filter.where,
  );
  const match = `MATCH ${relationshipPattern(c.relationship, v, row.rel, row.node, time)}${whereClause(conditions)}`;
  return aggregateExpression(match, a, aggregateSpecOf(c.relationship), row);
}

/**
 * `Entity.sources` of parent `v`: newest first, undated last, then by id; each source as
 * selected, or with every property (`all`, the loader's read).
 */
export function sourcesList(v: string, s: Pick<SourcesRead, 'index'> & { node: NodeRead | 'all' }): string {
  const src = `s${s.index}`;
  const order = `${src}.publishedOn IS NULL, ${src}.publishedOn DESC, ${src}.id`;
  const node = s.node === 'all' ? { projection: sourceProjection(src), hoisted: [] } : nodeProjection(src, s.node);
  const sorted = `MATCH (${src}:Source)-[:MENTIONS]->(${v}) WITH ${src} ORDER BY ${order}`;
  return `COLLECT { ${sorted}${hoistClause(src, node.hoisted, order)} RETURN ${node.projection} }`;
}

/** Parameters of every connection in a read tree (page sizes and cursors). */
export function connectionParams(read: NodeRead | null, params: Record<string, unknown> = {}): Record<string, unknown> {
  if (!read) return params;
  for (const needs of read.types) {
    for (const c of needs.connections) {
      relationshipParams(c, params);
      for (const a of c.aggregates) aggregateParams(a, params);
      connectionParams(c.node, params);
    }
    if (needs.sources) connectionParams(needs.sources.node, params);
  }
  return params;
}
