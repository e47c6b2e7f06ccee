/**
 * Selection → read tree. Walks one root field's selection (fragments, inline fragments on
 * `Entity`, aliases, variables, `@include`/`@skip`) and records what the planned statement must
 * return: the properties of each node, the typed relationship connections with their page
 * arguments, edge properties and `sources`. Anything it does not know stays with the resolvers
 * and their DataLoaders (the node then carries all its properties, so they have what they need).
 *
 * The walk runs on every request (it coerces this request's arguments); its `signature` names
 * everything that changes the statement's text, so the compiled statement is cached by it.
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
import { compileFilter, type CompiledFilter, type FilterLimits } from '../graph/filters.js';
import { checkPageArgs, planPage, type Ordering, type PagePlan } from '../graph/paging.js';
import { relationshipOrdering, type RelationshipArgs } from '../graph/relationship-loaders.js';

/** How a property is read: as stored, or converted to what GraphQL serves. */
export type ReadAs = PropertyType | 'datetime';

export type NodeLabel = EntityLabel | 'Entity' | 'Source';

/** What one concrete type at a node position needs. */
export interface TypeNeeds {
  typeName: EntityLabel | 'Source';
  properties: Map<string, ReadAs>;
  /** A field the planner does not fold needs the node: return all its properties. */
  all: boolean;
  /** The `id` field is selected (`__typename`, `entityKind` need only the label). */
  id: boolean;
  connections: ConnectionRead[];
  /** `Entity.sources` under this response key, if selected. */
  sources: SourcesRead | null;
}

export interface NodeRead {
  label: NodeLabel;
  types: TypeNeeds[];
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
  /** The client's filter on the far node, over `n${index}` (`true` when none). */
  filter: CompiledFilter;
  aggregates: AggregateRead[];
  /** The connection's GraphQL type (planned aggregates are found under its name). */
  connectionType: string;
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
  /** Next connection index. */
  next: number;
  /** Everything that changes the statement text, appended as the walk goes. */
  signature: string[];
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
    ctx.signature.push(`=${hit.read ? hit.read.index : '-'}`);
    return hit.read as R;
  }
  const memo = ctx.memo;
  const value = read();
  if (!hit) memo.set(nodes[0]!, { nodes, read: value });
  return value;
}

const DATETIME_FIELDS = ['createdAt', 'updatedAt'];

/** Properties a GraphQL type exposes as plain fields (name → how to read it). */
export function readableProperties(typeName: EntityLabel | 'Source'): Record<string, ReadAs> {
  if (typeName === 'Source') return SOURCE_PROPERTIES;
  return {
    ...COMMON_PROPERTIES,
    ...KIND_PROPERTIES[typeName],
    ...READ_ONLY_PROPERTIES[typeName],
    ...Object.fromEntries(DATETIME_FIELDS.map((f) => [f, 'datetime' as const])),
  };
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
  ctx.signature.push(`{${label}`);
  // Sharing is only among the kinds of this one position: a fragment used at two positions
  // reads twice, with its own variables each time.
  const outer = ctx.memo;
  ctx.memo = new Map();
  const types = typeNames.map((typeName) => walkType(ctx, typeName, subSelections(nodes)));
  ctx.memo = outer;
  ctx.signature.push('}');
  return { label, types };
}

function walkType(ctx: WalkContext, typeName: EntityLabel | 'Source', sets: readonly SelectionSetNode[]): TypeNeeds {
  const runtime = objectType(ctx, typeName);
  const readable = readableProperties(typeName);
  const needs: TypeNeeds = { typeName, properties: new Map(), all: false, id: false, connections: [], sources: null };
  ctx.signature.push(`${typeName}(`);
  for (const [responseKey, nodes] of collectFields(ctx, runtime, sets)) {
    const fieldName = nodes[0]!.name.value;
    if (IDENTITY_FIELDS.has(fieldName)) {
      if (fieldName === 'id' && !needs.id) {
        needs.id = true;
        ctx.signature.push('id');
      }
      continue;
    }
    const readAs = readable[fieldName];
    if (readAs !== undefined) {
      needs.properties.set(fieldName, readAs);
      ctx.signature.push(fieldName);
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
        ctx.signature.push(`sources#${index}`);
        return { index, key: responseKey, node: walkNode(ctx, 'Source', nodes) };
      });
      continue;
    }
    // Not folded: its resolver loads it (DataLoader), and may read any property of the node.
    needs.all = true;
    ctx.signature.push('*');
  }
  ctx.signature.push(')');
  return needs;
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
  let args: RelationshipArgs;
  let filter: CompiledFilter;
  let ordering: Ordering;
  // Connections are numbered before their filter is compiled: its parameters are named by it.
  const index = ctx.next++;
  try {
    args = getArgumentValues(field, nodes[0]!, ctx.variables) as RelationshipArgs;
    checkPageArgs(args, ctx.maxPageSize);
    filter = compileFilter(relationship.nodeLabel, args.filter, `n${index}`, `c${index}_f`, ctx.filterLimits);
    ordering = relationshipOrdering(relationship, args.orderBy);
  } catch {
    return null;
  }
  const connectionType = objectType(ctx, getNamedType(field.type).name);
  const edgeType = objectType(ctx, getNamedType(connectionType.getFields().edges!.type).name);
  const edgePropertyNames = Object.keys(RELATIONSHIPS[relationship.type].properties);
  let page = false;
  let count = false;
  let cursors = false;
  const edgeProperties = new Set<string>();
  const nodeFields: FieldNode[] = [];
  const aggregateFields: Array<[string, FieldNode[]]> = [];
  for (const [responseKey, fieldNodes] of collectFields(ctx, connectionType, subSelections(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (name === '__typename') continue;
    if (name === 'totalCount') count = true;
    else if (name === 'aggregate') aggregateFields.push([responseKey, fieldNodes]);
    else if (name === 'pageInfo') page = cursors = true;
    else if (name === 'edges') {
      page = true;
      for (const [, edgeNodes] of collectFields(ctx, edgeType, subSelections(fieldNodes))) {
        const edgeField = edgeNodes[0]!.name.value;
        if (edgeField === '__typename') continue;
        if (edgeField === 'cursor') cursors = true;
        else if (edgeField === 'node') nodeFields.push(...edgeNodes);
        else if (edgePropertyNames.includes(edgeField)) edgeProperties.add(edgeField);
        else return null;
      }
    } else return null;
  }
  let pagePlan: PagePlan | null = null;
  if (page) {
    try {
      pagePlan = planPage(args, ordering, ctx.maxPageSize);
    } catch {
      return null; // e.g. a malformed cursor: the resolver reports INVALID_CURSOR at its path
    }
  }
  const sortedProperties = [...edgeProperties].sort();
  ctx.signature.push(
    `[${key}#${index}:${page ? (pagePlan!.backward ? 'b' : 'f') + (pagePlan!.hasCursor ? 'c' : '') : '-'}${count ? 'n' : ''}${cursors ? 'k' : ''}:${sortedProperties.join(',')}:${ordering.name}:${filter.where}`,
  );
  const aggregates: AggregateRead[] = [];
  const spec = aggregateSpecOf(relationship);
  for (const [responseKey, fieldNodes] of aggregateFields) {
    const aggregate = walkAggregate(ctx, connectionType, responseKey, fieldNodes, spec);
    if (!aggregate) return null;
    aggregates.push(aggregate);
  }
  const node = nodeFields.length > 0 ? walkNode(ctx, relationship.nodeLabel, nodeFields) : null;
  ctx.signature.push(']');
  return {
    index,
    key,
    relationship,
    ordering,
    page: pagePlan,
    count,
    cursors,
    edgeProperties: sortedProperties,
    node,
    filter,
    aggregates,
    connectionType: connectionType.name,
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
  ctx.signature.push(
    `<${key}#${read.index}:${read.numeric.join(',')}${groups.map((g) => `|${g.key}:${g.field}:${g.numeric.join(',')}`).join('')}>`,
  );
  return read;
}
