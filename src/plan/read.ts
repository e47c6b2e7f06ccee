/**
 * Planned reads: one root field (a root connection or `entity(slug)`) and everything foldable
 * under it become one Cypher statement. Statements are compiled once per (operation, root field,
 * shape) and cached; a repeated operation only walks its selection to bind this request's values.
 * The results are shaped into the objects resolvers read: rows with their planned connections
 * attached under a symbol, Relay pages with lazy cursors.
 */
import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import { encodeCursor, type CursorKey } from '../graph/cursor.js';
import { primeEntities } from '../graph/entity-loaders.js';
import { toEntityRow, type EntityRow } from '../graph/entities.js';
import { indexedPageBounds, planPage, type Ordering, type PagePlan } from '../graph/paging.js';
import {
  filterClause,
  indexedSortKey,
  orderingFor,
  type RootArgs,
  type RootConnectionSpec,
  type SortKey,
} from '../graph/root-connections.js';
import {
  aggregateExpression,
  aggregateParams,
  aggregateSpecOf,
  shapeAggregate,
  type AggregateRead,
  type AggregateRow,
} from '../graph/aggregates.js';
import { compileFilter, filterLimits, relationshipPattern, type FilterLimits } from '../graph/filters.js';
import type { TypedRelationship } from '../graph/model.js';
import { plain, type Row } from '../neo4j/db.js';
import {
  aggregateKey,
  connectionParams,
  countKey,
  deferredCall,
  deferredIndexOf,
  deferredKey,
  hoistClause,
  nodeProjection,
  PARENT_KEY,
  rowsKey,
  sourcesKey,
  type Deferred,
} from './cypher.js';
import {
  collectFields,
  walkAggregate,
  walkNode,
  type ConnectionRead,
  type NodeRead,
  type WalkContext,
} from './selection.js';
import { getOrCreate } from '../get-or-create.js';

/** Where planned connections and source lists hang on a row: a symbol, never a property name. */
export const PLANNED = Symbol('planned');

/** What a connection's `aggregate` is over, when it has to load it itself (not planned). */
export const AGGREGATE_TARGET = Symbol('aggregate target');

export type AggregateTarget =
  | { kind: 'root'; spec: RootConnectionSpec; filter: RootArgs['filter'] }
  | { kind: 'relationship'; relationship: TypedRelationship; parentId: string; filter: RootArgs['filter'] };

type PlannedRow = Row & { [PLANNED]?: Record<string, unknown> };

/** What the resolver of a typed relationship field or `sources` finds for its parent, if planned. */
export function plannedField<T>(parent: unknown, info: Pick<GraphQLResolveInfo, 'parentType' | 'path'>): T | undefined {
  const planned = (parent as PlannedRow)[PLANNED];
  return planned?.[`${info.parentType.name}:${String(info.path.key)}`] as T | undefined;
}

export interface PlannedStatement {
  cypher: string;
  params: Record<string, unknown>;
}

/** A root field to plan: what it reads and the selection under it. */
export type RootRead =
  | { kind: 'connection'; spec: RootConnectionSpec; args: RootArgs }
  | { kind: 'entity'; slug: string };

interface RootTree {
  node: NodeRead | null;
  page: PagePlan | null;
  ordering: Ordering | null;
  count: boolean;
  cursors: boolean;
  filter: { where: string; params: Record<string, unknown> } | null;
  /** The root page reads this key's index in order (see indexedSortKey). */
  indexed: SortKey | null;
  aggregates: AggregateRead[];
}

export interface SelectionInput {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  fieldNodes: readonly FieldNode[];
  maxPageSize: number;
  filterLimits?: FilterLimits;
}

function walkRoot(input: SelectionInput, root: RootRead): { tree: RootTree; signature: string } {
  const ctx: WalkContext = { ...input, next: 0, signature: [] };
  if (root.kind === 'entity') {
    const node = walkNode(ctx, 'Entity', input.fieldNodes);
    return {
      tree: {
        node,
        page: null,
        ordering: null,
        count: false,
        cursors: false,
        filter: null,
        indexed: null,
        aggregates: [],
      },
      signature: `entity${ctx.signature.join('')}`,
    };
  }
  const { spec, args } = root;
  const ordering = orderingFor(spec, args.orderBy);
  const page = planPage(args, ordering, input.maxPageSize);
  const filter = filterClause(spec, args.filter, input.filterLimits);
  const indexed = indexedSortKey(spec, args);
  // The connection's own selection: edges { cursor node { ... } }, pageInfo, totalCount.
  let wantsPage = false;
  let count = false;
  let cursors = false;
  const nodeFields: FieldNode[] = [];
  const aggregateFields = new Map<string, FieldNode[]>();
  for (const fieldNode of input.fieldNodes) {
    for (const selection of collectConnection(ctx, fieldNode)) {
      if (selection.name === 'totalCount') count = true;
      else if (selection.name === 'aggregate')
        aggregateFields.set(selection.key, [...(aggregateFields.get(selection.key) ?? []), ...selection.fields]);
      else if (selection.name === 'pageInfo') wantsPage = cursors = true;
      else if (selection.name === 'edges') {
        wantsPage = true;
        if (selection.cursor) cursors = true;
        nodeFields.push(...selection.nodes);
      }
    }
  }
  ctx.signature.push(
    `${spec.label}:${ordering.name}:${page.backward ? 'b' : 'f'}${page.hasCursor ? 'c' : ''}${wantsPage ? 'p' : ''}${count ? 'n' : ''}${cursors ? 'k' : ''}${indexed ? 'i' : ''}:${filter.where}`,
  );
  const connectionType = namedObjectType(
    input.schema.getQueryType()!.getFields()[input.fieldNodes[0]!.name.value]!.type,
  );
  const aggregates: AggregateRead[] = [];
  for (const [key, fields] of aggregateFields) {
    const aggregate = walkAggregate(ctx, connectionType, key, fields, aggregateSpecOf(spec.label));
    // An invalid groupBy argument: the field's resolver loads it and reports the error there.
    if (aggregate) aggregates.push(aggregate);
  }
  const node = nodeFields.length > 0 ? walkNode(ctx, spec.label, nodeFields) : null;
  return {
    tree: { node, page: wantsPage ? page : null, ordering, count, cursors, filter, indexed, aggregates },
    signature: ctx.signature.join(''),
  };
}

/** The fields of a root connection's selection, with `edges`' cursor and node fields gathered. */
function collectConnection(ctx: WalkContext, fieldNode: FieldNode) {
  const out: Array<{ key: string; name: string; cursor: boolean; nodes: FieldNode[]; fields: FieldNode[] }> = [];
  const field = ctx.schema.getQueryType()!.getFields()[fieldNode.name.value]!;
  const connectionType = namedObjectType(field.type);
  const edgeType = namedObjectType(connectionType.getFields().edges!.type);
  const sets = (n: FieldNode) => (n.selectionSet ? [n.selectionSet] : []);
  for (const [key, nodes] of collectFields(ctx, connectionType, sets(fieldNode))) {
    const name = nodes[0]!.name.value;
    let cursor = false;
    const nodeFields: FieldNode[] = [];
    if (name === 'edges') {
      for (const [, edgeFields] of collectFields(ctx, edgeType, nodes.flatMap(sets))) {
        if (edgeFields[0]!.name.value === 'cursor') cursor = true;
        if (edgeFields[0]!.name.value === 'node') nodeFields.push(...edgeFields);
      }
    }
    out.push({ key, name, cursor, nodes: nodeFields, fields: nodes });
  }
  return out;
}

function namedObjectType(type: Parameters<typeof getNamedType>[0]): GraphQLObjectType {
  const named = getNamedType(type);
  if (!isObjectType(named)) throw new Error(`${String(named)} is not an object type`);
  return named;
}

/** Root tree → statement text (cached by the walk's signature). */
function compileRoot(root: RootRead, tree: RootTree): string {
  const deferred: Deferred[] = [];
  // Deferred pages' CALLs, after the statement's own read (each may add more below it).
  const deferredCalls = () => {
    const calls: string[] = [];
    for (let i = 0; i < deferred.length; i++) calls.push(deferredCall(deferred[i]!, deferred));
    return {
      text: calls.map((c) => ` ${c}`).join(''),
      columns: deferred.map((d) => `, ${deferredKey(d.connection.index)}`).join(''),
    };
  };
  if (root.kind === 'entity') {
    const node = nodeProjection('n', tree.node!, { depth: 0, anchor: 'node', path: [], out: deferred });
    const calls = deferredCalls();
    const match = `MATCH (n:Entity {slug: $slug})${hoistClause('n', node.hoisted, null)}`;
    return calls.text
      ? `${match} WITH ${node.projection} AS node${calls.text} RETURN node${calls.columns}`
      : `${match} RETURN ${node.projection} AS node`;
  }
  const label = root.spec.label;
  const where = tree.filter!.where;
  const parts: string[] = [];
  if (tree.page) {
    const page = tree.page;
    const keys = tree.ordering!.keys;
    const node = tree.node
      ? nodeProjection('n', tree.node, { depth: 0, anchor: 'edges', path: [], out: deferred })
      : null;
    const entry = [
      tree.cursors ? `k: [${keys.map((k) => k.expr).join(', ')}]` : null,
      node ? `n: ${node.projection}` : 'n: null',
    ];
    const conditions = where === 'true' ? [] : [where];
    let orderBy = page.orderBy;
    if (tree.indexed) {
      // Index order: every row has the property, so ordering by it equals ordering by the key's
      // expression; a cursor becomes a range seek, so page 50 reads about what page 1 reads.
      const descending = !!keys[0]!.descending !== page.backward;
      const { range, after } = indexedPageBounds({
        node: 'n',
        property: tree.indexed.property!,
        keys: keys.map((k) => k.expr),
        descending,
        cursor: page.hasCursor ? '$cursor' : null,
        ...(tree.indexed.seek ? { seek: tree.indexed.seek } : {}),
      });
      conditions.unshift(...range);
      if (after) conditions.push(after);
      const direction = descending ? 'DESC' : 'ASC';
      orderBy = `n.${tree.indexed.property} ${direction}, n.id ${direction}`;
    } else if (page.hasCursor) {
      conditions.push(page.where);
    }
    parts.push(
      `CALL () { MATCH (n:${label})${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}` +
        ` WITH n ORDER BY ${orderBy} LIMIT toInteger($fetch)${hoistClause('n', node?.hoisted ?? [], orderBy)}` +
        ` RETURN collect({ ${entry.filter(Boolean).join(', ')} }) AS edges }`,
    );
  }
  const match = `MATCH (n:${label})${where === 'true' ? '' : ` WHERE ${where}`}`;
  const total = tree.count ? `COUNT { ${match} }` : 'null';
  const aggregates = tree.aggregates.map(
    (a) => `, ${aggregateExpression(match, a, aggregateSpecOf(label), (expr) => expr)} AS ${aggregateKey(a.index)}`,
  );
  if (!tree.page) {
    parts.push(`RETURN null AS edges, ${total} AS total${aggregates.join('')}`);
    return parts.join(' ');
  }
  const calls = deferredCalls();
  if (calls.text) parts.push(calls.text.trim());
  // Many small records, not one: a whole page with its deferred tables in one record can be
  // megabytes, which arrives in many network chunks, and the driver decodes each string of such
  // a message by walking all of them (StringDecoder, O(strings x chunks)): that was about a
  // quarter of the Node CPU of a 100-company nested page. So the record is sent in parts, each a
  // [key, value] pair (the count, an aggregate, one edge, one entry of a deferred table), and
  // readPlanned puts the one row back together (assembleParts).
  const tables = deferred.map((d) => deferredKey(d.connection.index));
  const items = [
    `['total', total]`,
    ...tree.aggregates.map((a) => `['${aggregateKey(a.index)}', ${aggregateKey(a.index)}]`),
  ];
  const lists = ['edges', ...tables].map((key) => ` + [x IN ${key} | ['${key === 'edges' ? 'edge' : key}', x]]`);
  parts.push(`WITH edges${calls.columns}, ${total} AS total${aggregates.join('')}`);
  parts.push(`UNWIND [${items.join(', ')}]${lists.join('')} AS part RETURN part[0] AS key, part[1] AS value`);
  return parts.join(' ');
}

/**
 * A root page's parts (see compileRoot) as the one row shaping reads: `edges` and each deferred
 * table a list again, in the order sent; the count and aggregates as they were.
 */
function assembleParts(records: readonly Row[]): Row {
  const row: Row = { edges: [] };
  for (const { key, value } of records) {
    if (key === 'edge') (row.edges as unknown[]).push(value);
    else if (deferredIndexOf(key as string) !== null) {
      row[key as string] ??= [];
      (row[key as string] as unknown[]).push(value);
    } else row[key as string] = value;
  }
  return row;
}

function rootParams(root: RootRead, tree: RootTree): Record<string, unknown> {
  const params = connectionParams(tree.node);
  if (root.kind === 'entity') return { ...params, slug: root.slug };
  Object.assign(params, tree.filter!.params);
  for (const a of tree.aggregates) aggregateParams(a, params);
  if (tree.page) {
    params.fetch = tree.page.fetch;
    if (tree.page.hasCursor) params.cursor = tree.page.cursorKey;
  }
  return params;
}

/** Compiled statements: per operation (the parsed document is reused by yoga's parse cache). */
const compiled = new WeakMap<OperationDefinitionNode | FieldNode, Map<string, string>>();

/** The statement for one root field: text from the cache when this shape was seen before. */
export function planRoot(
  input: SelectionInput,
  root: RootRead,
  cacheOwner?: OperationDefinitionNode,
): PlannedStatement & { tree: RootTree } {
  const { tree, signature } = walkRoot(input, root);
  const owner = cacheOwner ?? input.fieldNodes[0]!;
  const byShape = getOrCreate(compiled, owner, () => new Map<string, string>());
  const key = `${input.fieldNodes[0]!.alias?.value ?? input.fieldNodes[0]!.name.value}|${signature}`;
  let cypher = byShape.get(key);
  if (cypher === undefined) {
    cypher = compileRoot(root, tree);
    byShape.set(key, cypher);
  }
  return { cypher, params: rootParams(root, tree), tree };
}

// ---------------------------------------------------------------------------------------------
// Shaping results for the resolvers

class PlannedEdge {
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
  /** Entities that came back whole (they prime the request's loaders). */
  full: EntityRow[];
  /** Deferred pages (cypher.ts): connection index → parent element id → rows. */
  deferred: Map<number, Map<string, Row[]>>;
  /** A deferred page shaped once, for every place its parent appears. */
  shaped: Map<string, PlannedConnection>;
}

/** Reads the deferred pages' tables (`__d<index>`: [element id, rows] pairs) off a record. */
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
  if (read.types.some((t) => t.all)) {
    // All properties came back as stored: convert temporal values once, here.
    for (const k of Object.keys(row)) if (!k.startsWith('__')) row[k] = plain(row[k]);
    if (label !== 'Source') shaping.full.push(toEntityRow(row));
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

/** Runs a planned root field: one round trip. */
export async function readPlanned(ctx: Context, info: GraphQLResolveInfo, root: RootRead): Promise<unknown> {
  const { cypher, params, tree } = planRoot(
    {
      schema: info.schema,
      fragments: info.fragments,
      variables: info.variableValues,
      fieldNodes: info.fieldNodes,
      maxPageSize: ctx.config.limits.maxPageSize,
      filterLimits: filterLimits(ctx.config.limits),
    },
    root,
    info.operation,
  );
  const records = await ctx.db.read(cypher, params, { raw: true });
  const rows = root.kind === 'connection' && tree.page ? [assembleParts(records)] : records;
  const shaping: Shaping = { full: [], deferred: deferredTables(rows[0] ?? {}), shaped: new Map() };
  const { full } = shaping;
  let result: unknown;
  if (root.kind === 'entity') {
    const raw = rows[0]?.node as Row | undefined;
    result = raw ? shapeNode(raw, tree.node!, shaping) : null;
  } else {
    const row = rows[0] ?? {};
    const node = tree.node;
    const page = shapePage(
      row.edges as Row[] | null,
      row.total,
      tree.page,
      tree.ordering!,
      node ? (raw) => shapeNode(raw, node, shaping) : (raw) => raw,
    );
    result =
      tree.aggregates.length > 0
        ? withAggregates(
            page,
            tree.aggregates,
            namedObjectType(info.parentType.getFields()[info.fieldName]!.type).name,
            row,
          )
        : page;
  }
  // Entities that came back whole serve later lookups in this request without a round trip.
  if (full.length > 0) primeEntities(ctx, full);
  return result;
}

/**
 * An `aggregate` its connection did not plan (planner off, or the parent came from elsewhere): one
 * statement for a root connection, one per level for a relationship connection (its parents batched).
 */
export async function readAggregate(
  ctx: Context,
  info: GraphQLResolveInfo,
  target: AggregateTarget,
): Promise<AggregateRow> {
  const limits = filterLimits(ctx.config.limits);
  const walk: WalkContext = {
    schema: info.schema,
    fragments: info.fragments,
    variables: info.variableValues,
    maxPageSize: ctx.config.limits.maxPageSize,
    filterLimits: limits,
    next: 0,
    signature: [],
  };
  const key = String(info.path.key);
  if (target.kind === 'root') {
    const spec = aggregateSpecOf(target.spec.label);
    const read = walkAggregate(walk, info.parentType, key, info.fieldNodes, spec, true)!;
    const filter = filterClause(target.spec, target.filter, limits);
    const match = `MATCH (n:${target.spec.label})${filter.where === 'true' ? '' : ` WHERE ${filter.where}`}`;
    const [row] = await ctx.db.read(
      `RETURN ${aggregateExpression(match, read, spec, (e) => e)} AS a`,
      { ...filter.params, ...aggregateParams(read) },
      { raw: true },
    );
    return shapeAggregate(row?.a as Row, read);
  }
  const { relationship } = target;
  const spec = aggregateSpecOf(relationship);
  const read = walkAggregate(walk, info.parentType, key, info.fieldNodes, spec, true)!;
  const filter = compileFilter(relationship.nodeLabel, target.filter, 'n', 'rf', limits);
  const params = { ...filter.params, ...aggregateParams(read) };
  const match = `MATCH ${relationshipPattern(relationship, 'p', 'r', 'n')}${filter.where === 'true' ? '' : ` WHERE ${filter.where}`}`;
  const parent = relationship.parentType === 'Source' ? 'Source' : 'Entity';
  const loader = requestLoader(
    ctx,
    `aggregate:${relationship.parentType}.${relationship.fieldName}:${walk.signature.join('')}:${filter.where}:${JSON.stringify(params)}`,
    () =>
      new DataLoader<string, AggregateRow>(async (parentIds) => {
        const rows = await ctx.db.read(
          // p groups nothing (one row per parent), but Neo4j wants it named beside the aggregate.
          `UNWIND $parentIds AS pid MATCH (p:${parent} {id: pid}) WITH pid, p, ${aggregateExpression(match, read, spec, (e) => e)} AS a RETURN pid, a`,
          { ...params, parentIds },
          { raw: true },
        );
        const byParent = new Map(rows.map((r) => [r.pid as string, r.a as Row]));
        return parentIds.map((id) => shapeAggregate(byParent.get(id), read));
      }),
  );
  return loader.load(target.parentId);
}

/**
 * The planned statements of a document's root fields, without a database: for tests and for
 * reading what the planner does. `specs` names the root connections (field name → spec).
 */
export function explainPlans(
  schema: GraphQLSchema,
  document: DocumentNode,
  specs: ReadonlyMap<string, RootConnectionSpec>,
  variables: Record<string, unknown> = {},
  maxPageSize = 100,
): Record<string, PlannedStatement> {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const queryType = schema.getQueryType()!;
  const out: Record<string, PlannedStatement> = {};
  for (const [key, fieldNodes] of collectFields(
    { schema, fragments, variables, maxPageSize, next: 0, signature: [] },
    queryType,
    [operation.selectionSet],
  )) {
    const name = fieldNodes[0]!.name.value;
    const args = getArgumentValues(queryType.getFields()[name]!, fieldNodes[0]!, variables);
    const spec = specs.get(name);
    const root: RootRead | null =
      name === 'entity'
        ? { kind: 'entity', slug: String(args.slug) }
        : spec
          ? { kind: 'connection', spec, args: args as RootArgs }
          : null;
    if (!root) continue;
    const { cypher, params } = planRoot({ schema, fragments, variables, fieldNodes, maxPageSize }, root, operation);
    out[key] = { cypher, params };
  }
  return out;
}
