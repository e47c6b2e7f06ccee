/**
 * The cost of an operation (README, "Query cost"), measured from its document and its coerced
 * variables before anything runs. One measurement for every caller (src/plugins/use-query-cost.ts
 * for queries and mutations), so a subscription can be priced the same way.
 *
 * Items (the schema's per-field rule, src/schema/builder.ts): a connection costs its page size N
 * (20 when unset) and multiplies what its edges select by N; a list of objects 10 per parent; any
 * other object field 1; a leaf nothing. On top of that, work that reads a whole set:
 *
 * - a filter's relationship predicates: testing one node against `f: { some | none | all: E }`
 *   reads the node's `f` relationships, assumed to be D (ASSUMED_DEGREE), each tested against E:
 *   `D × (1 + work(E))`, and `count` reads them once (`D`); AND/OR/NOT entries add up, property
 *   tests are free. Nesting k predicates deep costs about D^k per node tested.
 * - a connection with such a filter tests every node of its set to find the page: `S × work(filter)`,
 *   where S is the set: ROOT_SET for a root connection (`companies`), D for a relationship one.
 * - `totalCount`, `aggregate` and each `groupBy` read the whole filtered set once more each:
 *   `S × (1 + work(filter))`, once per connection (not per item of its page).
 *
 * Everything a connection costs is multiplied by the pages around it.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, StargraphError } from './errors.js';
import { getOrCreate } from './get-or-create.js';

/** Items a connection without `first`/`last` returns, and `Entity.sources` (unpaged) is priced as. */
export const DEFAULT_PAGE_COST = 20;
/** Relationships a node is assumed to have of one type, when something reads all of them. */
export const ASSUMED_DEGREE = 5;
/** Nodes a root connection's whole (filtered) set is assumed to hold, for counts and aggregates. */
export const ROOT_SET = 100;

/** Field extension: how many times the field reads its connection's whole set. */
export const WHOLE_SET_READS = 'wholeSetReads';
/** Input type extension: a relationship predicate (`some`/`none`/`all`/`count` over one relationship). */
export const RELATIONSHIP_PREDICATE = 'relationshipPredicate';

export interface QueryCost {
  complexity: number;
  depth: number;
  breadth: number;
}

export interface CostLimits {
  maxComplexity: number;
  maxDepth: number;
}

export interface OperationToPrice {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  /** As the request sent them: coerced here, with the operation's defaults. */
  variableValues?: Readonly<Record<string, unknown>> | null;
  /** The request's context, for per-field rules that read the configuration. */
  contextValue?: unknown;
}

type ComplexityOption = number | { field?: number; multiplier?: number };
type FieldComplexity =
  | ComplexityOption
  | ((args: Record<string, unknown>, ctx: unknown, field: GraphQLField<unknown, unknown>) => ComplexityOption);

/** A selection set's cost per instance of its type: `each` is multiplied by a page around it, `once` not. */
interface Measured extends QueryCost {
  each: number;
  once: number;
  /** Whole-set reads of the connection it belongs to (totalCount, aggregate, groupBy). */
  reads: number;
}

const isConnectionType = (type: GraphQLNamedType) =>
  isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields();

/**
 * Work of testing one node against `value` (of input type `type`): D × (1 + work of the edge
 * filter) for each `some`/`none`/`all`, D for `count`, summed over AND/OR/NOT and fields.
 */
export function filterWork(value: unknown, type: GraphQLInputType, degree = ASSUMED_DEGREE): number {
  if (value === null || value === undefined) return 0;
  const bare = getNullableType(type);
  if (isListType(bare)) {
    const items = Array.isArray(value) ? value : [value];
    return items.reduce((sum: number, item) => sum + filterWork(item, bare.ofType, degree), 0);
  }
  if (!isInputObjectType(bare) || typeof value !== 'object') return 0;
  const fields = bare.getFields();
  const predicate = bare.extensions[RELATIONSHIP_PREDICATE] === true;
  let work = 0;
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    const field = fields[name];
    if (!field || item === null || item === undefined) continue;
    if (!predicate) work += filterWork(item, field.type, degree);
    else if (name === 'count') work += degree;
    else work += degree * (1 + filterWork(item, field.type, degree));
  }
  return work;
}

class CostWalker {
  private readonly memo = new Map<SelectionSetNode, Map<GraphQLNamedType, Measured>>();
  private readonly active = new Set<SelectionSetNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly context: unknown,
  ) {}

  selectionSet(set: SelectionSetNode, type: GraphQLNamedType): Measured {
    const known = this.memo.get(set)?.get(type);
    if (known) return known;
    if (this.active.has(set)) throw new Error('Cannot measure a cyclic fragment');
    this.active.add(set);
    const result: Measured = { each: 0, once: 0, reads: 0, complexity: 0, depth: 0, breadth: 0 };
    const add = (part: Measured) => {
      result.each += part.each;
      result.once += part.once;
      result.reads += part.reads;
      result.breadth += part.breadth;
      result.depth = Math.max(result.depth, part.depth);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add(this.field(selection, type));
      else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments[selection.name.value] : selection;
        if (!fragment) throw new Error(`Unknown fragment ${(selection as { name: { value: string } }).name.value}`);
        const condition = fragment.typeCondition ? this.schema.getType(fragment.typeCondition.name.value) : type;
        if (!condition) throw new Error(`Unknown type ${fragment.typeCondition?.name.value}`);
        add(this.selectionSet(fragment.selectionSet, condition));
      }
    }
    this.active.delete(set);
    result.complexity = result.each + result.once;
    getOrCreate(this.memo, set, () => new Map()).set(type, result);
    return result;
  }

  private field(node: FieldNode, parent: GraphQLNamedType): Measured {
    const name = node.name.value;
    const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!def) {
      // Meta fields (__typename, __schema, __type): one item, whatever they select.
      if (name.startsWith('__')) return { each: 1, once: 0, reads: 0, complexity: 1, depth: 1, breadth: 1 };
      throw new Error(`Unknown field ${parent.name}.${name}`);
    }
    const args = getArgumentValues(def, node, this.variables);
    // The field's rule (src/schema/builder.ts, or its own `complexity`): 1 and ×1, a list ×10.
    const rule = def.extensions.complexity as FieldComplexity | undefined;
    const option = typeof rule === 'function' ? rule(args, this.context, def) : rule;
    const { field: own = 1, multiplier = isListType(getNullableType(def.type)) ? 10 : 1 } =
      typeof option === 'number' ? { field: option } : (option ?? {});
    const named = getNamedType(def.type);
    const sub: Measured = node.selectionSet
      ? this.selectionSet(node.selectionSet, named)
      : { each: 0, once: 0, reads: 0, complexity: 0, depth: 0, breadth: 0 };
    const ownReads = Number(def.extensions[WHOLE_SET_READS] ?? 0);
    let cost: number;
    let reads: number;
    if (isConnectionType(named)) {
      // The set it reads whole: a root connection's nodes, or one parent's relationships.
      const set = parent === this.schema.getQueryType() ? ROOT_SET : ASSUMED_DEGREE;
      const work = Object.values(def.args).reduce((sum, arg) => sum + filterWork(args[arg.name], arg.type), 0);
      cost =
        own + Math.max(0, multiplier) * sub.each + sub.once + set * work + (sub.reads + ownReads) * set * (1 + work);
      reads = 0;
    } else {
      cost = own + Math.max(0, multiplier) * (sub.each + sub.once);
      reads = ownReads + sub.reads;
    }
    // In a connection's selection, what is not under `edges` happens once per connection.
    const once = isConnectionType(parent) && name !== 'edges';
    return {
      each: once ? 0 : cost,
      once: once ? cost : 0,
      reads,
      complexity: cost,
      depth: 1 + sub.depth,
      breadth: 1 + sub.breadth,
    };
  }
}

/**
 * The cost, depth and breadth of the operation, with `variables` already coerced (defaults
 * applied). Throws when the document cannot be measured (an argument that does not coerce).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  context?: unknown,
): QueryCost {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const root = schema.getRootType(operation.operation);
  if (!root) throw new Error(`No ${operation.operation} type`);
  const measured = new CostWalker(schema, fragments, variables, context).selectionSet(operation.selectionSet, root);
  // A whole-set read with no connection around it reads a root-sized set.
  const complexity = measured.complexity + measured.reads * ROOT_SET;
  return { complexity, depth: measured.depth, breadth: measured.breadth };
}

/** An operation's price: its cost when it could be measured, and why it must not run (or null). */
export interface Priced {
  cost?: number;
  refusal: GraphQLError | null;
}

/**
 * Why the operation must not run, or null when it may: over MAX_DEPTH or MAX_COMPLEXITY
 * (LIMIT_EXCEEDED naming the limit), or not measurable (BAD_USER_INPUT for an argument that does
 * not coerce, LIMIT_EXCEEDED for anything else). Variables that do not coerce are left to
 * execution, which answers them (with BAD_USER_INPUT) and runs nothing.
 */
export function queryCostRefusal(request: OperationToPrice, limits: CostLimits): GraphQLError | null {
  return priceOperation(request, limits).refusal;
}

/** The operation's cost (its complexity), and whether it may run (see queryCostRefusal). */
export function priceOperation(request: OperationToPrice, limits: CostLimits): Priced {
  const operation = getOperationAST(request.document, request.operationName);
  if (!operation) return { refusal: null };
  const coerced = getVariableValues(
    request.schema,
    operation.variableDefinitions ?? [],
    (request.variableValues ?? {}) as Record<string, unknown>,
  );
  if (coerced.errors) return { refusal: null };
  let measured: QueryCost;
  try {
    measured = measureOperation(request.schema, request.document, operation, coerced.coerced, request.contextValue);
  } catch (error) {
    if (error instanceof GraphQLError) {
      return {
        refusal: new StargraphError(ErrorCode.BAD_USER_INPUT, `The query's cost cannot be measured: ${error.message}`),
      };
    }
    return {
      refusal: new StargraphError(ErrorCode.LIMIT_EXCEEDED, "The query's cost cannot be measured (MAX_COMPLEXITY)", {
        limit: 'MAX_COMPLEXITY',
        max: limits.maxComplexity,
      }),
    };
  }
  const over =
    measured.depth > limits.maxDepth
      ? { measure: 'depth', limit: 'MAX_DEPTH', max: limits.maxDepth }
      : measured.breadth > limits.maxComplexity
        ? { measure: 'breadth', limit: 'MAX_COMPLEXITY', max: limits.maxComplexity }
        : measured.complexity > limits.maxComplexity
          ? { measure: 'complexity', limit: 'MAX_COMPLEXITY', max: limits.maxComplexity }
          : null;
  if (!over) return { cost: measured.complexity, refusal: null };
  const got = measured[over.measure as keyof QueryCost];
  const what = operation.operation === 'subscription' ? 'Subscription' : 'Query';
  return {
    cost: measured.complexity,
    refusal: new StargraphError(
      ErrorCode.LIMIT_EXCEEDED,
      `${what} ${over.measure} ${got} is over the limit of ${over.max} (${over.limit})`,
      { limit: over.limit, max: over.max, got },
    ),
  };
}
