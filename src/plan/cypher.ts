/**
 * Read tree → Cypher text. Every label, type, property and key name placed in the text comes
 * from the model tables or from the walk's own counters, never from a request; values (page
 * sizes, cursors, filters, slugs) travel as parameters.
 *
 * A node is returned as one map projection holding exactly the selected properties; each typed
 * relationship connection under it is a COLLECT subquery (its page cut with ORDER BY/LIMIT
 * inside) and each count a COUNT subquery, nested to any depth, so a tree of connections is one
 * statement and one round trip.
 */
import { aggregateExpression, aggregateParams, aggregateSpecOf } from '../graph/aggregates.js';
import { kindLabelOf } from '../graph/entities.js';
import { relationshipArrow, relationshipPattern } from '../graph/filters.js';
import { keyedPage } from '../graph/hub-pages.js';
import { farLabelImplied, RELATIONSHIPS, type RelationshipSpec } from '../graph/model.js';
import type { PagePlan } from '../graph/paging.js';
import type { ConnectionRead, NodeRead, ReadAs, SourcesRead } from './selection.js';

/** Order keys and keyset predicates are written over `n` (node) and `r` (relationship). */
export function rebind(expr: string, node: string, rel = 'r'): string {
  return expr.replace(/\b([nr])\b(?=[.)])/g, (v) => (v === 'n' ? node : rel));
}

/** Result keys of a node map: `__c3` a connection's rows, `__n3` its count, `__s3` sources, `__a4` an aggregate. */
export const rowsKey = (index: number) => `__c${index}`;
export const aggregateKey = (index: number) => `__a${index}`;
export const countKey = (index: number) => `__n${index}`;
export const sourcesKey = (index: number) => `__s${index}`;

function propertyProjection(v: string, name: string, readAs: ReadAs): string {
  if (readAs === 'date') return `${name}: toString(${v}.${name})`;
  // Epoch milliseconds; the DateTime resolvers format them (no driver temporal objects).
  if (readAs === 'datetime') return `${name}: ${v}.${name}.epochMillis`;
  if (name === 'aliases') return `aliases: coalesce(${v}.aliases, [])`;
  return `.${name}`;
}

/**
 * A node's map projection, and what must be computed before it. Neo4j refuses an aggregate
 * (`count(*)`, `sum`...) anywhere inside an expression that also reads other variables, even
 * inside a subquery ("implicit grouping"), and inside `collect()` at all; so an entry holding an
 * aggregate, however deep, is computed first as its own item of a `WITH v, ... AS __a3` (where
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
 * gathered from what is already read (a DISTINCT over the nested maps, `__e`), each parent is
 * found again by element id, and its page is returned once, in a table `__d<index>` of
 * [element id, rows] that the shaping code looks up (read.ts). Pages holding an aggregate stay
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
export const PARENT_KEY = '__e';
/** Variable and result key of a deferred page's table. */
export const deferredKey = (index: number) => `__d${index}`;
/** The connection index a result key names when it is a deferred page's table, else null. */
export const deferredIndexOf = (key: string): number | null => {
  const match = /^__d(\d+)$/.exec(key);
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
  const guard = d.kinds ? ` AND (${d.kinds.map((k) => `${p}:${k}`).join(' OR ')})` : '';
  const rows = connectionRows(p, c, { depth: 2, anchor: deferredKey(c.index), path: [], out });
  return (
    `CALL (${d.anchor}) { ${start}${steps} WITH DISTINCT m.${PARENT_KEY} AS eid WHERE eid IS NOT NULL` +
    ` MATCH (${p}) WHERE elementId(${p}) = eid${guard} RETURN collect([eid, ${rows}]) AS ${deferredKey(c.index)} }`
  );
}

/** The map projection of node variable `v`; with `deferral`, pages two levels down are deferred. */
export function nodeProjection(v: string, read: NodeRead, deferral?: Deferral): Projection {
  // Only what resolvers read: `id` when selected, the kind label only where the position is
  // `Entity` (a concrete position's label is set while shaping), Source's `title` always (its
  // isTypeOf reads it). Every byte here is decoded by the driver for every node.
  const entries: string[] = [];
  const hoisted: string[] = [];
  const all = read.types.some((t) => t.all);
  if (all) entries.push('.*');
  else if (read.types.some((t) => t.id)) entries.push(`.id`);
  if (read.label === 'Source') entries.push(`title: ${v}.title`);
  else if (read.label === 'Entity') entries.push(`label: ${kindLabelOf(v)}`);
  if (!all) {
    const seen = new Set<string>(read.label === 'Source' ? ['title'] : []);
    for (const needs of read.types) {
      for (const [name, readAs] of needs.properties) {
        if (seen.has(name)) continue;
        seen.add(name);
        entries.push(propertyProjection(v, name, readAs));
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
      everyKind ? expr : `CASE WHEN ${kinds.map((k) => `${v}:${k}`).join(' OR ')} THEN ${expr} END`;
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
        entry(rowsKey(r.index), guard(connectionRows(v, r, below)), aggregatesBelow(r.node));
      }
      if (r.count) entry(countKey(r.index), guard(connectionCount(v, r)), false);
      for (const a of r.aggregates) entry(aggregateKey(a.index), guard(connectionAggregate(v, r, a)), true);
    } else {
      entry(sourcesKey(r.index), guard(sourcesList(v, r)), aggregatesBelow(r.node));
    }
  }
  if (deferred) entries.push(`${PARENT_KEY}: elementId(${v})`);
  return { projection: `${v} { ${entries.join(', ')} }`, hoisted };
}

/** A page's keyset predicate and order, rebound to this connection's variables and parameter. */
export function pageClauses(page: PagePlan, node: string, rel: string, cursorParam: string) {
  return {
    where: page.hasCursor ? rebind(page.where, node, rel).replaceAll('$cursor', `$${cursorParam}`) : null,
    orderBy: rebind(page.orderBy, node, rel),
  };
}

/** Edge properties sit beside `k` and `n` in the edge's map (no map of their own to decode). */
function edgePropertyEntries(rel: string, names: readonly string[], spec: RelationshipSpec): string[] {
  return names.map((name) =>
    spec.properties[name] === 'date' ? `${name}: toString(${rel}.${name})` : `${name}: ${rel}.${name}`,
  );
}

function connectionRows(v: string, c: ConnectionRead, deferral?: Deferral): string {
  const n = `n${c.index}`;
  const r = `r${c.index}`;
  const { relationship } = c;
  const clauses = pageClauses(c.page!, n, r, `c${c.index}_cursor`);
  const where = [c.filter.where === 'true' ? null : c.filter.where, clauses.where].filter(Boolean).join(' AND ');
  const node = c.node ? nodeProjection(n, c.node, deferral) : null;
  const entry = [
    c.cursors ? `k: [${c.ordering.keys.map((k) => rebind(k.expr, n, r)).join(', ')}]` : null,
    ...edgePropertyEntries(r, c.edgeProperties, RELATIONSHIPS[relationship.type]),
    node ? `n: ${node.projection}` : null,
  ].filter(Boolean);
  const order = `ORDER BY ${clauses.orderBy} LIMIT toInteger($c${c.index}_fetch)`;
  const projection = `${hoistClause(`${r}, ${n}`, node?.hoisted ?? [], clauses.orderBy)} RETURN { ${entry.join(', ')} } }`;
  // The model fixes the far label for most types (writes check it): no label test per row then.
  const expand = `MATCH ${relationshipPattern(relationship, v, r, n)}${where ? ` WHERE ${where}` : ''}`;
  const keyed = keyedPage({
    parent: v,
    rel: r,
    node: n,
    relationship,
    ordering: c.ordering,
    page: c.page!,
    filtered: c.filter.where !== 'true',
    cursorParam: `c${c.index}_cursor`,
    fetchParam: `c${c.index}_fetch`,
  });
  return `COLLECT { ${keyed ?? `${expand} WITH ${r}, ${n} ${order}`}${projection}`;
}

function connectionCount(v: string, c: ConnectionRead): string {
  if (c.filter.where !== 'true')
    return `COUNT { MATCH ${relationshipPattern(c.relationship, v, '', `n${c.index}`)} WHERE ${c.filter.where} }`;
  const far = farLabelImplied(c.relationship) ? '()' : `(:${c.relationship.nodeLabel})`;
  return `COUNT { (${v})${relationshipArrow(c.relationship, '')}${far} }`;
}

/** An `aggregate` of a relationship connection: over the same (filtered) relationships as its page. */
function connectionAggregate(v: string, c: ConnectionRead, a: ConnectionRead['aggregates'][number]): string {
  const n = `n${c.index}`;
  const r = `r${c.index}`;
  const match = `MATCH ${relationshipPattern(c.relationship, v, r, n)}${c.filter.where === 'true' ? '' : ` WHERE ${c.filter.where}`}`;
  return aggregateExpression(match, a, aggregateSpecOf(c.relationship), (expr) => rebind(expr, n, r));
}

/** `Entity.sources`: newest first, undated last, then by id (as the loader orders them). */
function sourcesList(v: string, s: SourcesRead): string {
  const src = `s${s.index}`;
  const order = `${src}.publishedOn IS NULL, ${src}.publishedOn DESC, ${src}.id`;
  const node = nodeProjection(src, s.node);
  return `COLLECT { MATCH (${src}:Source)-[:MENTIONS]->(${v}) WITH ${src} ORDER BY ${order}${hoistClause(src, node.hoisted, order)} RETURN ${node.projection} }`;
}

/** Parameters of every connection in a read tree (page sizes and cursors). */
export function connectionParams(read: NodeRead | null, params: Record<string, unknown> = {}): Record<string, unknown> {
  if (!read) return params;
  for (const needs of read.types) {
    for (const c of needs.connections) {
      Object.assign(params, c.filter.params);
      for (const a of c.aggregates) aggregateParams(a, params);
      if (c.page) {
        params[`c${c.index}_fetch`] = c.page.fetch;
        if (c.page.hasCursor) params[`c${c.index}_cursor`] = c.page.cursorKey;
      }
      connectionParams(c.node, params);
    }
    if (needs.sources) connectionParams(needs.sources.node, params);
  }
  return params;
}
