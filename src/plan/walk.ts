/**
 * Phase 1, walk: selection → read tree. Walks one root field's selection (fragments, inline
 * fragments on `Entity`, aliases, variables, `@include`/`@skip`) and records what the planned
 * statement must return: the properties of each node, the typed relationship connections with
 * their page arguments, edge properties, `sources` and aggregates. Anything it does not know stays
 * with the resolvers and their DataLoaders (the node then carries all its properties, so they
 * have what they need).
 *
 * The walk runs on every request (it coerces this request's arguments). The tree it returns is
 * all compile.ts reads: the statement cache is keyed by the tree itself (`statementKey`).
 */
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import {
  COMMON_PROPERTIES,
  ENTITY_LABELS,
  KIND_PROPERTIES,
  READ_ONLY_PROPERTIES,
  RELATIONSHIPS,
  SOURCE_PROPERTIES,
  TYPED_RELATIONSHIPS,
  isEntityLabel,
  type EntityLabel,
  type PropertyType,
  type TypedRelationship,
} from '../graph/model.js';
import { aggregateSpecOf, type AggregateRead, type AggregateSpec, type GroupRead } from '../graph/aggregates.js';
import type { CompiledFilter, FilterLimits } from '../graph/filters.js';
import {
  indexedSortKey,
  orderingFor,
  relationshipOrdering,
  type ConnectionArgs,
  type Ordering,
  type SortKey,
} from '../graph/ordering.js';
import { checkPageArgs, planPage, type PagePlan } from '../graph/paging.js';
import { filterClause, type RootConnectionSpec } from '../graph/root-connections.js';
import { connectionFilter, EDGE_CLAIM_FIELDS } from './cypher.js';
import { getOrCreate } from '../get-or-create.js';
import type { TimeSlice } from '../claims/time.js';
import { type BoundName, seekBounds } from './root-page.js';

/** How a property is read: as stored, or converted to what GraphQL serves. */
export type ReadAs = PropertyType | 'datetime';

export type NodeLabel = EntityLabel | 'Entity' | 'Source';

/** What one concrete type at a node position needs. */
export interface TypeNeeds {
  typeName: EntityLabel | 'Source';
  properties: Map<string, ReadAs>;
  /**
   * Needs every property of the node (`.*`): a field the planner does not fold is selected, and
   * its resolver may read any property.
   */
  allProperties: boolean;
  /** The `id` field is selected (`__typename`, `entityKind` need only the label). */
  id: boolean;
  connections: ConnectionRead[];
  /** `Entity.sources` under this response key, if selected. */
  sources: SourcesRead | null;
}

export interface NodeRead {
  label: NodeLabel;
  types: TypeNeeds[];
  /** Read at the root's slice (a time read, src/claims/time.ts). */
  time: boolean;
}

export interface ConnectionRead {
  /** Index in walk order: names the statement's parameters and result keys. */
  index: number;
  /** The field's response key: the resolver finds it under `${parent type}:${response key}`. */
  key: string;
  relationship: TypedRelationship;
  ordering: Ordering;
  page: PagePlan | null;
  count: boolean;
  /** Sort keys are returned only when a cursor or pageInfo is selected. */
  cursors: boolean;
  edgeProperties: string[];
  node: NodeRead | null;
  /** The client's filter on the far node, over `n${index}` (its `where` null when none). */
  filter: CompiledFilter;
  aggregates: AggregateRead[];
  /** The connection's GraphQL type (planned aggregates are found under its name). */
  connectionType: string;
  /** Read at the root's slice. */
  time: boolean;
}

export interface SourcesRead {
  index: number;
  /** Response key, as for connections. */
  key: string;
  node: NodeRead;
}

export interface WalkContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  maxPageSize: number;
  filterLimits?: FilterLimits;
  /** The root field reads at a slice (`asOf`/`knownAt`): every read below it is a time read. */
  time?: boolean;
  /** Next connection index. */
  next: number;
  /**
   * Reads already made for a list of field nodes: a field selected on `Entity` itself is the same
   * for all five kinds, so the statement reads it once, not once per kind.
   */
  memo?: Map<FieldNode, { nodes: readonly FieldNode[]; read: ConnectionRead | SourcesRead | null }>;
}

const sameNodes = (a: readonly FieldNode[], b: readonly FieldNode[]) =>
  a.length === b.length && a.every((n, i) => n === b[i]);

function memoized<R extends ConnectionRead | SourcesRead | null>(
  ctx: WalkContext,
  nodes: readonly FieldNode[],
  read: () => R,
): R {
  if (!ctx.memo) return read();
  const hit = ctx.memo.get(nodes[0]!);
  if (hit && sameNodes(hit.nodes, nodes)) {
    return hit.read as R;
  }
  const memo = ctx.memo;
  const value = read();
  if (!hit) memo.set(nodes[0]!, { nodes, read: value });
  return value;
}

const DATETIME_FIELDS = ['createdAt', 'updatedAt'];

/** Properties a GraphQL type exposes as plain fields (name → how to read it), from the model. */
function propertiesOf(typeName: EntityLabel | 'Source'): Record<string, ReadAs> {
  if (typeName === 'Source') return SOURCE_PROPERTIES;
  return {
    ...COMMON_PROPERTIES,
    ...KIND_PROPERTIES[typeName],
    ...READ_ONLY_PROPERTIES[typeName],
    // External identifiers: the node's list of keys, read like aliases (identity/identifiers.ts).
    identifiers: 'stringList',
    ...Object.fromEntries(DATETIME_FIELDS.map((f) => [f, 'datetime' as const])),
  };
}

/** The model is fixed at start-up, so each type's readable properties are derived once. */
const readableByType = new Map<EntityLabel | 'Source', Readonly<Record<string, ReadAs>>>();

/** Properties a GraphQL type exposes as plain fields (name → how to read it). */
export function readableProperties(typeName: EntityLabel | 'Source'): Readonly<Record<string, ReadAs>> {
  return getOrCreate(readableByType, typeName, () => propertiesOf(typeName));
}

/** Fields served from the row's `id` and `label` alone. */
const IDENTITY_FIELDS = new Set(['__typename', 'id', 'entityKind']);

function included(
  node: { directives?: readonly unknown[] } & Parameters<typeof getDirectiveValues>[1],
  variables: Record<string, unknown>,
) {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

function applies(ctx: WalkContext, typeCondition: string | undefined, runtime: GraphQLObjectType): boolean {
  if (!typeCondition || typeCondition === runtime.name) return true;
  const type = ctx.schema.getType(typeCondition);
  return !!type && isAbstractType(type) && ctx.schema.isSubType(type, runtime);
}

/** graphql-js' CollectFields for one runtime type: response key → merged field nodes. */
export function collectFields(
  ctx: WalkContext,
  runtime: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  fields = new Map<string, FieldNode[]>(),
  visited = new Set<string>(),
): Map<string, FieldNode[]> {
  for (const set of selectionSets) {
    for (const selection of set.selections) {
      if (!included(selection, ctx.variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(ctx, selection.typeCondition?.name.value, runtime)) {
          collectFields(ctx, runtime, [selection.selectionSet], fields, visited);
        }
      } else {
        const name = selection.name.value;
        const fragment = ctx.fragments[name];
        if (visited.has(name) || !fragment) continue;
        visited.add(name);
        if (applies(ctx, fragment.typeCondition.name.value, runtime)) {
          collectFields(ctx, runtime, [fragment.selectionSet], fields, visited);
        }
      }
    }
  }
  return fields;
}

const subSelections = (nodes: readonly FieldNode[]) => nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));

function objectType(ctx: WalkContext, name: string): GraphQLObjectType {
  const type = ctx.schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type of the schema`);
  return type;
}

const relationshipsByField = new Map(TYPED_RELATIONSHIPS.map((r) => [`${r.parentType}.${r.fieldName}`, r]));

/** Reads a node position: one TypeNeeds per concrete type it may hold. */
export function walkNode(ctx: WalkContext, label: NodeLabel, nodes: readonly FieldNode[]): NodeRead {
  const typeNames: Array<EntityLabel | 'Source'> = label === 'Entity' ? [...ENTITY_LABELS] : [label];
  // Sharing is only among the kinds of this one position: a fragment used at two positions
  // reads twice, with its own variables each time.
  const outer = ctx.memo;
  ctx.memo = new Map();
  const types = typeNames.map((typeName) => walkType(ctx, typeName, subSelections(nodes)));
  ctx.memo = outer;
  return { label, types, time: ctx.time === true };
}

function walkType(ctx: WalkContext, typeName: EntityLabel | 'Source', sets: readonly SelectionSetNode[]): TypeNeeds {
  const runtime = objectType(ctx, typeName);
  const readable = readableProperties(typeName);
  const needs: TypeNeeds = {
    typeName,
    properties: new Map(),
    allProperties: false,
    id: false,
    connections: [],
    sources: null,
  };
  for (const [responseKey, nodes] of collectFields(ctx, runtime, sets)) {
    const fieldName = nodes[0]!.name.value;
    if (IDENTITY_FIELDS.has(fieldName)) {
      if (fieldName === 'id') needs.id = true;
      continue;
    }
    const readAs = readable[fieldName];
    if (readAs !== undefined) {
      needs.properties.set(fieldName, readAs);
      continue;
    }
    const relationship = relationshipsByField.get(`${typeName}.${fieldName}`);
    const connection =
      relationship && memoized(ctx, nodes, () => walkConnection(ctx, responseKey, relationship, runtime, nodes));
    if (connection) {
      needs.connections.push(connection);
      continue;
    }
    if (fieldName === 'sources' && isEntityLabel(typeName)) {
      needs.sources = memoized(ctx, nodes, () => {
        const index = ctx.next++;
        return { index, key: responseKey, node: walkNode(ctx, 'Source', nodes) };
      });
      continue;
    }
    // Not folded: its resolver loads it (DataLoader), and may read any property of the node.
    needs.allProperties = true;
  }
  return needs;
}

/** What a relationship connection's own selection asks for (edges, pageInfo, totalCount, aggregate). */
interface ConnectionSelection {
  page: boolean;
  count: boolean;
  cursors: boolean;
  /** Selected edge properties, sorted. */
  edgeProperties: string[];
  nodeFields: FieldNode[];
  aggregateFields: Array<[string, FieldNode[]]>;
}

/** A relationship connection's selection, or null when it selects anything the planner does not fold. */
function collectConnectionSelection(
  ctx: WalkContext,
  connectionType: GraphQLObjectType,
  relationship: TypedRelationship,
  nodes: readonly FieldNode[],
): ConnectionSelection | null {
  const edgeType = objectType(ctx, getNamedType(connectionType.getFields().edges!.type).name);
  // An edge's own properties and the copies of its claim it carries (claimId, validity, recordedAt).
  const edgePropertyNames = [...Object.keys(RELATIONSHIPS[relationship.type].properties), ...EDGE_CLAIM_FIELDS];
  const selection: ConnectionSelection = {
    page: false,
    count: false,
    cursors: false,
    edgeProperties: [],
    nodeFields: [],
    aggregateFields: [],
  };
  const edgeProperties = new Set<string>();
  for (const [responseKey, fieldNodes] of collectFields(ctx, connectionType, subSelections(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (name === '__typename') continue;
    if (name === 'totalCount') selection.count = true;
    else if (name === 'aggregate') selection.aggregateFields.push([responseKey, fieldNodes]);
    else if (name === 'pageInfo') selection.page = selection.cursors = true;
    else if (name === 'edges') {
      selection.page = true;
      for (const [, edgeNodes] of collectFields(ctx, edgeType, subSelections(fieldNodes))) {
        const edgeField = edgeNodes[0]!.name.value;
        if (edgeField === '__typename') continue;
        if (edgeField === 'cursor') selection.cursors = true;
        else if (edgeField === 'node') selection.nodeFields.push(...edgeNodes);
        else if (edgePropertyNames.includes(edgeField)) edgeProperties.add(edgeField);
        else return null;
      }
    } else return null;
  }
  selection.edgeProperties = [...edgeProperties].sort();
  return selection;
}

/** A relationship connection's arguments as the statement reads them, or null when they are invalid. */
function connectionArguments(
  ctx: WalkContext,
  field: GraphQLField<unknown, unknown>,
  relationship: TypedRelationship,
  node: FieldNode,
  index: number,
): { args: ConnectionArgs; filter: CompiledFilter; ordering: Ordering } | null {
  try {
    const args = getArgumentValues(field, node, ctx.variables) as ConnectionArgs;
    checkPageArgs(args, ctx.maxPageSize);
    const filter = connectionFilter(relationship.nodeLabel, args.filter, index, ctx.filterLimits, ctx.time === true);
    return { args, filter, ordering: relationshipOrdering(relationship, args.orderBy) };
  } catch {
    return null;
  }
}

/**
 * A typed relationship connection, or null when something under it is not foldable or its
 * arguments are invalid: the resolver then loads it and reports any error at its own path.
 */
function walkConnection(
  ctx: WalkContext,
  key: string,
  relationship: TypedRelationship,
  parent: GraphQLObjectType,
  nodes: readonly FieldNode[],
): ConnectionRead | null {
  const field = parent.getFields()[relationship.fieldName]!;
  // Connections are numbered before their filter is compiled: its parameters are named by it.
  const index = ctx.next++;
  const argument = connectionArguments(ctx, field, relationship, nodes[0]!, index);
  if (!argument) return null;
  const { args, filter, ordering } = argument;
  const connectionType = objectType(ctx, getNamedType(field.type).name);
  const selection = collectConnectionSelection(ctx, connectionType, relationship, nodes);
  if (!selection) return null;
  let page: PagePlan | null = null;
  if (selection.page) {
    try {
      page = planPage(args, ordering, ctx.maxPageSize);
    } catch {
      return null; // e.g. a malformed cursor: the resolver reports INVALID_CURSOR at its path
    }
  }
  const aggregates: AggregateRead[] = [];
  const spec = aggregateSpecOf(relationship);
  for (const [responseKey, fieldNodes] of selection.aggregateFields) {
    const aggregate = walkAggregate(ctx, connectionType, responseKey, fieldNodes, spec);
    if (!aggregate) return null;
    aggregates.push(aggregate);
  }
  const { nodeFields } = selection;
  return {
    index,
    key,
    relationship,
    ordering,
    page,
    count: selection.count,
    cursors: selection.cursors,
    edgeProperties: selection.edgeProperties,
    node: nodeFields.length > 0 ? walkNode(ctx, relationship.nodeLabel, nodeFields) : null,
    filter,
    aggregates,
    connectionType: connectionType.name,
    time: ctx.time === true,
  };
}

/**
 * An `aggregate` selection on a connection type: its number fields and its groupings, or null
 * when an argument is invalid (the resolver then reports it at its own path).
 */
export function walkAggregate(
  ctx: WalkContext,
  connectionType: GraphQLObjectType,
  key: string,
  nodes: readonly FieldNode[],
  spec: AggregateSpec,
  strict = false,
): AggregateRead | null {
  const aggregateType = objectType(ctx, getNamedType(connectionType.getFields().aggregate!.type).name);
  const numeric = (sets: readonly SelectionSetNode[], type: GraphQLObjectType) =>
    [
      ...new Set(
        [...collectFields(ctx, type, sets).values()]
          .map((n) => n[0]!.name.value)
          .filter((name) => name in spec.numeric),
      ),
    ].sort();
  const groups: GroupRead[] = [];
  for (const [responseKey, fieldNodes] of collectFields(ctx, aggregateType, subSelections(nodes))) {
    if (fieldNodes[0]!.name.value !== 'groupBy') continue;
    const field = aggregateType.getFields().groupBy!;
    let args: { field: string; first: number };
    try {
      args = getArgumentValues(field, fieldNodes[0]!, ctx.variables) as typeof args;
      checkPageArgs({ first: args.first }, ctx.maxPageSize);
    } catch (error) {
      if (strict) throw error;
      return null;
    }
    groups.push({
      key: responseKey,
      field: args.field,
      first: args.first,
      numeric: numeric(subSelections(fieldNodes), objectType(ctx, getNamedType(field.type).name)),
    });
  }
  const read: AggregateRead = {
    index: ctx.next++,
    key,
    typeName: aggregateType.name,
    numeric: numeric(subSelections(nodes), aggregateType),
    groups,
  };
  return read;
}

// ---------------------------------------------------------------------------------------------
// Root fields

/** A root field to plan: what it reads (the selection under it comes with the walk's input). */
export type RootRead = (
  | { kind: 'connection'; spec: RootConnectionSpec; args: ConnectionArgs }
  | { kind: 'entity'; slug: string }
) & {
  /** The slice the root field reads at (`asOf`/`knownAt`); absent or null: today, as known now. */
  time?: TimeSlice | null;
};

/** The read tree of `entity(slug)`: the entity's node (the slug is a parameter). */
export interface EntityTree {
  kind: 'entity';
  node: NodeRead;
  time: boolean;
}

/** The read tree of a root connection: its page, count and aggregates over one label. */
export interface RootConnectionTree {
  kind: 'connection';
  label: RootConnectionSpec['label'];
  node: NodeRead | null;
  /** Null when neither `edges` nor `pageInfo` is selected: no page is read. */
  page: PagePlan | null;
  ordering: Ordering;
  count: boolean;
  /** Sort keys are returned only when a cursor or pageInfo is selected. */
  cursors: boolean;
  filter: CompiledFilter;
  /** The root page reads this key's index in order (see indexedSortKey). */
  indexed: SortKey | null;
  /** The bounds a page at a slice seeks that index with (root-page.ts, seekBounds). */
  bounds: BoundName[];
  aggregates: AggregateRead[];
  time: boolean;
}

export type RootTree = EntityTree | RootConnectionTree;

/** What the walk reads a root field from: the schema, the document and this request's values. */
export interface SelectionInput {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  fieldNodes: readonly FieldNode[];
  maxPageSize: number;
  filterLimits?: FilterLimits;
  /** The root field reads at a slice (its values are parameters, not part of the tree). */
  time?: boolean;
}

/** Walks one root field into its read tree. */
export function walkRoot(input: SelectionInput, root: RootRead): RootTree {
  const time = input.time === true || (root.time ?? null) !== null;
  const ctx: WalkContext = { ...input, time, next: 0 };
  if (root.kind === 'entity') return { kind: 'entity', node: walkNode(ctx, 'Entity', input.fieldNodes), time };
  const { spec, args } = root;
  const ordering = orderingFor(spec, args.orderBy);
  const page = planPage(args, ordering, input.maxPageSize);
  const filter = filterClause(spec, args.filter, input.filterLimits, time);
  const indexed = indexedSortKey(spec, args);
  const bounds = Object.keys(seekBounds(spec.label, args.filter, indexed, time)) as BoundName[];
  // The connection's own selection: edges { cursor node { ... } }, pageInfo, totalCount, aggregate.
  let wantsPage = false;
  let count = false;
  let cursors = false;
  const nodeFields: FieldNode[] = [];
  const aggregateFields = new Map<string, FieldNode[]>();
  for (const fieldNode of input.fieldNodes) {
    for (const selection of collectRootConnection(ctx, fieldNode)) {
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
  const label = spec.label;
  return {
    kind: 'connection',
    label,
    node,
    page: wantsPage ? page : null,
    ordering,
    count,
    cursors,
    filter,
    indexed,
    bounds,
    aggregates,
    time,
  };
}

/** The fields of a root connection's selection, with `edges`' cursor and node fields gathered. */
function collectRootConnection(ctx: WalkContext, fieldNode: FieldNode) {
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

/** The object type a field's type names (through lists and non-nulls). */
export function namedObjectType(type: Parameters<typeof getNamedType>[0]): GraphQLObjectType {
  const named = getNamedType(type);
  if (!isObjectType(named)) throw new Error(`${String(named)} is not an object type`);
  return named;
}
