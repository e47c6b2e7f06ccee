/**
 * Phase 4, shape: a planned statement's records → the objects resolvers read. A node becomes its
 * row with its planned connections attached under the `PLANNED` symbol (resolvers find theirs
 * with `plannedField`); a connection becomes a Relay page whose cursors are encoded only when
 * read. Result keys (`rowsKey`, `countKey`, ...) are cypher.ts'; part keys are compile.ts'.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { shapeAggregate, type AggregateRead } from '../graph/aggregates.js';
import { encodeCursor, type CursorKey } from '../graph/cursor.js';
import { toEntityRow, type EntityRow } from '../graph/entities.js';
import type { Ordering } from '../graph/ordering.js';
import type { PagePlan } from '../graph/paging.js';
import { plain, type Row } from '../neo4j/db.js';
import { PART_EDGE } from './compile.js';
import { aggregateKey, countKey, deferredIndexOf, PARENT_KEY, rowsKey, sourcesKey } from './cypher.js';
import type { ConnectionRead, NodeRead, RootTree } from './walk.js';

/** Where planned connections and source lists hang on a row: a symbol, never a property name. */
export const PLANNED = Symbol('planned');

type PlannedRow = Row & { [PLANNED]?: Record<string, unknown> };

/** What the resolver of a typed relationship field or `sources` finds for its parent, if planned. */
export function plannedField<T>(parent: unknown, info: Pick<GraphQLResolveInfo, 'parentType' | 'path'>): T | undefined {
  const planned = (parent as PlannedRow)[PLANNED];
  return planned?.[`${info.parentType.name}:${String(info.path.key)}`] as T | undefined;
}

export class PlannedEdge {
  constructor(
    readonly node: unknown,
    readonly properties: Row,
    private readonly order: string,
    private readonly key: CursorKey | undefined,
  ) {}
  get cursor(): string {
    return encodeCursor(this.order, this.key ?? []);
  }
}

/** A planned page as resolvers read it; `N` is its node rows' type. */
export interface PlannedConnection<N = unknown> {
  [PLANNED]?: Record<string, unknown>;
  edges: Array<PlannedEdge & { readonly node: N }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** The planned count; a page planned without one was not asked for it (the function is never called then). */
  totalCount: number | (() => Promise<number>);
}

const notPlanned = () =>
  Promise.reject(new Error('totalCount was not selected, so the planned statement did not count'));

function shapePage(
  rows: Row[] | null,
  total: unknown,
  page: PagePlan | null,
  ordering: Ordering,
  shapeNode: (raw: Row) => unknown,
): PlannedConnection {
  const list = rows ?? [];
  const more = page ? list.length > page.size : false;
  const kept = page ? list.slice(0, page.size) : [];
  if (page?.backward) kept.reverse();
  // The row holds the edge's properties beside `k` and `n` (no relationship property has those names).
  const edges = kept.map(
    (row) =>
      new PlannedEdge(
        row.n == null ? null : shapeNode(row.n as Row),
        row,
        ordering.name,
        row.k as CursorKey | undefined,
      ),
  );
  return {
    edges,
    pageInfo: {
      hasNextPage: page ? (page.backward ? page.hasCursor : more) : false,
      hasPreviousPage: page ? (page.backward ? more : page.hasCursor) : false,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount: total == null ? notPlanned : Number(total),
  };
}

/** What shaping one statement's answer shares. */
interface Shaping {
  /** Entities that came back with every property: they prime the request's entity loaders. */
  wholeEntities: EntityRow[];
  /** Deferred pages (cypher.ts): connection index → parent element id → rows. */
  deferred: Map<number, Map<string, Row[]>>;
  /** A deferred page shaped once, for every place its parent appears. */
  shaped: Map<string, PlannedConnection>;
}

/** Reads the deferred pages' tables (`deferredKey(index)`: [element id, rows] pairs) off a record. */
function deferredTables(record: Row): Shaping['deferred'] {
  const tables = new Map<number, Map<string, Row[]>>();
  for (const [key, value] of Object.entries(record)) {
    const index = deferredIndexOf(key);
    if (index !== null)
      tables.set(index, new Map(((value as Array<[string, Row[]]> | null) ?? []).map(([id, rows]) => [id, rows])));
  }
  return tables;
}

/** Turns a planned node map into the row resolvers read, its connections attached. */
function shapeNode(raw: Row, read: NodeRead, shaping: Shaping): PlannedRow {
  if (read.label !== 'Entity' && read.label !== 'Source') raw.label = read.label;
  const label = (raw.label as string | undefined) ?? 'Source';
  const needs = read.types.length === 1 ? read.types[0]! : read.types.find((t) => t.typeName === label);
  const row = raw as PlannedRow;
  if (read.types.some((t) => t.allProperties)) {
    // All properties came back as stored: convert temporal values once, here.
    for (const k of Object.keys(row)) if (!k.startsWith('__')) row[k] = plain(row[k]);
    if (label !== 'Source') shaping.wholeEntities.push(toEntityRow(row));
  }
  if (label !== 'Source') {
    row.aliases ??= [];
    row.description ??= null;
  }
  if (!needs) return row;
  const planned: Record<string, unknown> = {};
  for (const c of needs.connections)
    planned[`${needs.typeName}:${c.key}`] = shapeConnection(row, c, c.connectionType, shaping);
  if (needs.sources) {
    const src = needs.sources;
    planned[`${needs.typeName}:${src.key}`] = ((row[sourcesKey(src.index)] as Row[] | null) ?? []).map((s) =>
      shapeNode(s, src.node, shaping),
    );
  }
  row[PLANNED] = planned;
  return row;
}

function shapeConnection(row: Row, c: ConnectionRead, connectionType: string, shaping: Shaping): PlannedConnection {
  const node = c.node;
  const table = shaping.deferred.get(c.index);
  // A deferred page: the parent's rows from the table, shaped once for all its places.
  const parent = table ? (row[PARENT_KEY] as string | undefined) : undefined;
  const memo = parent === undefined ? undefined : `${c.index}:${parent}`;
  const done = memo === undefined ? undefined : shaping.shaped.get(memo);
  if (done) return done;
  const page = shapePage(
    table ? (parent === undefined ? null : (table.get(parent) ?? null)) : (row[rowsKey(c.index)] as Row[] | null),
    row[countKey(c.index)],
    c.page,
    c.ordering,
    node ? (raw) => shapeNode(raw, node, shaping) : (raw) => raw,
  );
  const shaped = withAggregates(page, c.aggregates, connectionType, row);
  if (memo !== undefined) shaping.shaped.set(memo, shaped);
  return shaped;
}

/** Planned aggregates hang on the connection under `${connection type}:${response key}`. */
function withAggregates(
  page: PlannedConnection,
  aggregates: readonly AggregateRead[],
  connectionType: string,
  row: Row,
): PlannedConnection {
  if (aggregates.length > 0) {
    page[PLANNED] = Object.fromEntries(
      aggregates.map((a) => [`${connectionType}:${a.key}`, shapeAggregate(row[aggregateKey(a.index)] as Row, a)]),
    );
  }
  return page;
}

/**
 * A root page's parts (compileRootConnection) as the one row shaping reads: `edges` and each
 * deferred table a list again, in the order sent; the count and aggregates as they were.
 */
function assembleParts(records: readonly Row[]): Row {
  const row: Row = { edges: [] };
  for (const { key, value } of records) {
    if (key === PART_EDGE) (row.edges as unknown[]).push(value);
    else if (deferredIndexOf(key as string) !== null) {
      row[key as string] ??= [];
      (row[key as string] as unknown[]).push(value);
    } else row[key as string] = value;
  }
  return row;
}

/**
 * A root field's records as its resolver returns them: the entity (or null), or the connection's
 * page with its aggregates under `connectionType`; and the entities that came back whole.
 */
export function shapeRoot(
  tree: RootTree,
  records: readonly Row[],
  connectionType: string,
): { result: unknown; wholeEntities: EntityRow[] } {
  const rows = tree.kind === 'connection' && tree.page ? [assembleParts(records)] : records;
  const shaping: Shaping = { wholeEntities: [], deferred: deferredTables(rows[0] ?? {}), shaped: new Map() };
  if (tree.kind === 'entity') {
    const raw = rows[0]?.node as Row | undefined;
    return { result: raw ? shapeNode(raw, tree.node, shaping) : null, wholeEntities: shaping.wholeEntities };
  }
  const row = rows[0] ?? {};
  const node = tree.node;
  const page = shapePage(
    row.edges as Row[] | null,
    row.total,
    tree.page,
    tree.ordering,
    node ? (raw) => shapeNode(raw, node, shaping) : (raw) => raw,
  );
  return { result: withAggregates(page, tree.aggregates, connectionType, row), wholeEntities: shaping.wholeEntities };
}
