/**
 * Executes big planned reads with graphql-jit instead of graphql-js: a planned read fetches its
 * whole tree in one statement, and graphql-jit completes its fields with less Node CPU, from a
 * function compiled once per document (docs/decisions/2026-12-07-graphql-jit.md).
 *
 * Only where it is safe and pays: `jitAllows` lets an operation through only when
 * - it is a query (mutations and subscriptions stay on graphql-js);
 * - it uses neither @defer nor @stream (graphql-jit does not deliver incrementally), nor spreads
 *   a fragment more than once in a document with @skip/@include (graphql-jit may apply the
 *   first spread's condition to all; see usesUnsupportedDirectives);
 * - every root field is one the read planner folds (a root connection or `entity`), or
 *   `__typename` beside one: the big trees, with the planner's resolvers under them;
 * - no variable is of an input object type, at any list depth. graphql-jit compiles variable
 *   coercion by inlining each input object's fields, with no guard against recursion, and our
 *   filter inputs are recursive (`CompanyFilter.AND: [CompanyFilter!]`), so compiling such a
 *   query would never end. Filters written inline in the document are fine (they are values,
 *   not compiled coercion);
 * and, per request, its variables coerce without error under graphql-js: a request with a bad
 * variable runs on graphql-js and gets graphql-js's own error messages (graphql-jit words them
 * differently).
 *
 * graphql-jit's field errors carry `locations` but no AST nodes, source or positions, which are
 * what yoga's error masking and our error plugins rebuild an error from; so they are turned into
 * graphql-js errors here (positions from their locations), answering exactly as graphql-js does.
 *
 * Compiled with graphql-jit's path-based @skip/@include (`useExperimentalPathBasedSkipInclude`),
 * which keeps a field both unconditional and inside a skipped fragment, or under two conditions.
 *
 * A document is compiled the first time it runs; compiled queries hang on the parsed document (a
 * WeakMap), so they go when the parse cache (use-parse-cache.ts) drops it. A document graphql-jit cannot compile
 * runs on graphql-js.
 */
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  BREAK,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  Kind,
  typeFromAST,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type Source,
} from 'graphql';
import { isPromise, makeExecute, type Plugin } from 'graphql-yoga';
import { getOrCreate } from '../get-or-create.js';

export interface JitOptions {
  /** Root fields whose trees the read planner folds (their field names). */
  plannedRootFields: ReadonlySet<string>;
  /** Told for each operation whether graphql-jit runs it, with the request's context. */
  onDecision?: (jit: boolean, context: unknown) => void;
}

interface ExecuteArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  contextValue?: unknown;
}

function findOperation(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? operations.find((o) => o.name?.value === name) : operations.length === 1 ? operations[0] : undefined;
}

/**
 * What graphql-jit gets wrong or cannot do in a document: @defer/@stream; and a fragment spread more
 * than once where @skip/@include decide which spread counts (`...F @skip(if: $a) ...F @include(if:
 * $b)`, or the same under two conditional inline fragments): graphql-jit keeps the first spread's
 * condition for both, graphql-js includes the fragment when any spread is included.
 */
function usesUnsupportedDirectives(document: DocumentNode): boolean {
  let incremental = false;
  let conditional = false;
  const spreads = new Map<string, number>();
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        incremental = true;
        return BREAK;
      }
      if (node.name.value === 'skip' || node.name.value === 'include') conditional = true;
      return undefined;
    },
    FragmentSpread(node) {
      spreads.set(node.name.value, (spreads.get(node.name.value) ?? 0) + 1);
    },
  });
  return incremental || (conditional && [...spreads.values()].some((n) => n > 1));
}

/** Static part of the decision, per (document, operation): what the document itself allows. */
function documentAllows(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  planned: ReadonlySet<string>,
): boolean {
  if (operation.operation !== 'query') return false;
  if (usesUnsupportedDirectives(document)) return false;
  for (const variable of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, variable.type);
    if (!type || isInputObjectType(getNamedType(type))) return false;
  }
  // Root fields, fragments at the root included.
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const seen = new Set<string>();
  let plannedFields = 0;
  const rootFieldsPlanned = (selections: OperationDefinitionNode['selectionSet']['selections']): boolean =>
    selections.every((s) => {
      if (s.kind === Kind.FIELD) {
        if (planned.has(s.name.value)) plannedFields++;
        return s.name.value === '__typename' || planned.has(s.name.value);
      }
      if (s.kind === Kind.INLINE_FRAGMENT) return rootFieldsPlanned(s.selectionSet.selections);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return !!fragment;
      seen.add(s.name.value);
      return rootFieldsPlanned(fragment.selectionSet.selections);
    });
  return rootFieldsPlanned(operation.selectionSet.selections) && plannedFields > 0;
}

/** Whether the document lets graphql-jit run this operation (the variables' values aside). */
export function jitAllows(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  planned: ReadonlySet<string>,
): boolean {
  const operation = findOperation(document, operationName);
  return operation !== undefined && documentAllows(schema, document, operation, planned);
}

/** The offset of a line and column in a source (the inverse of graphql-js's getLocation). */
function positionOf(source: Source, location: { line: number; column: number }): number {
  const lineRegexp = /\r\n|[\n\r]/g;
  let start = 0;
  for (let line = 1; line < location.line; line++) {
    const match = lineRegexp.exec(source.body);
    if (!match) break;
    start = match.index + match[0].length;
  }
  return start + location.column - 1;
}

/**
 * graphql-jit's field errors as graphql-js makes them: with the source and positions, so they keep
 * their locations when rebuilt, and the errors graphql-jit raises itself (a null in a non-null
 * field, a value its scalar cannot serialize) caused by a plain Error, as graphql-js's executor
 * raises them, so production masks them alike. (Left different: a resolver returning a non-list
 * for a list, or an object no type claims, are schema bugs that graphql-js reports unmasked and
 * graphql-jit, through this, masked in production.)
 */
function asGraphQLJsErrors(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  const source = document.loc?.source;
  if (!result.errors?.length || !source) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      error.nodes || !error.locations?.length
        ? error
        : new GraphQLError(error.message, {
            source,
            positions: error.locations.map((location) => positionOf(source, location)),
            path: error.path,
            originalError: error.originalError ?? new Error(error.message),
            extensions: error.extensions,
          }),
    ),
  };
}

export function useJit(options: JitOptions): Plugin {
  const decide = options.onDecision ?? (() => {});
  // Per operation of a parsed document: what the document itself allows.
  const verdicts = new WeakMap<OperationDefinitionNode, boolean>();
  const allowed = (args: ExecuteArgs): boolean => {
    const operation = findOperation(args.document, args.operationName);
    if (!operation) return false;
    const verdict = getOrCreate(verdicts, operation, () =>
      documentAllows(args.schema, args.document, operation, options.plannedRootFields),
    );
    if (!verdict) return false;
    // Scalars and enums only (checked above): cheap to coerce once more here.
    const variables = operation.variableDefinitions ?? [];
    return variables.length === 0 || !getVariableValues(args.schema, variables, args.variableValues ?? {}).errors;
  };
  // Per document the executor receives (the response cache's copy when it adds its fields), per operation name.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const compiledFor = (args: ExecuteArgs): CompiledQuery | null => {
    const byName = getOrCreate(compiled, args.document, () => new Map<string, CompiledQuery | null>());
    return getOrCreate(byName, args.operationName ?? '', () => {
      const result = compileQuery(args.schema, args.document, args.operationName ?? undefined, {
        useExperimentalPathBasedSkipInclude: true,
      });
      return isCompiledQuery(result) ? result : null;
    });
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!allowed(args)) {
        decide(false, args.contextValue);
        return;
      }
      const graphqlJs = executeFn;
      setExecuteFn(
        makeExecute((execution) => {
          const query = compiledFor(execution);
          decide(query !== null, execution.contextValue);
          if (!query) return graphqlJs(execution);
          const result = query.query(execution.rootValue, execution.contextValue, execution.variableValues);
          return isPromise(result)
            ? result.then((r) => asGraphQLJsErrors(r, execution.document))
            : asGraphQLJsErrors(result, execution.document);
        }),
      );
    },
  };
}
