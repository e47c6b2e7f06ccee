import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  getOperationAST,
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, StargraphError } from '../errors.js';

interface OperationArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: unknown;
  contextValue?: unknown;
}

/**
 * Refuses an operation whose estimated cost or depth is over MAX_COMPLEXITY or MAX_DEPTH
 * (README, "Query cost"), before anything runs. The cost comes from the schema's per-field
 * rule (src/schema/builder.ts) with this request's variables, and is measured on the document
 * as the client sent it: the response cache later adds `__typename` and `id` to every selection
 * set, which must not make a page cost more. A subscription is priced as a query with the same
 * selection (its selection runs again for every event), and refused before its stream opens.
 */
export function useQueryCost(limits: { maxComplexity: number; maxDepth: number }): Plugin {
  /** The refusal for an operation over a limit, or null when it is within them. */
  const refusal = (args: OperationArgs): ExecutionResult | null => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return null;
    const fragments = args.document.definitions.filter(
      (d: DefinitionNode): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
    );
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
    let measured: { complexity: number; depth: number; breadth: number };
    try {
      measured = complexityFromQuery(document, {
        schema: args.schema,
        variables: (args.variableValues ?? {}) as Record<string, unknown>,
        ctx: args.contextValue as object,
      });
    } catch {
      return null; // bad variables: execution reports them with their own code
    }
    const over =
      measured.depth > limits.maxDepth
        ? { measure: 'depth', limit: 'MAX_DEPTH', max: limits.maxDepth }
        : measured.breadth > limits.maxComplexity
          ? { measure: 'breadth', limit: 'MAX_COMPLEXITY', max: limits.maxComplexity }
          : measured.complexity > limits.maxComplexity
            ? { measure: 'complexity', limit: 'MAX_COMPLEXITY', max: limits.maxComplexity }
            : null;
    if (!over) return null;
    const got = measured[over.measure as 'depth' | 'breadth' | 'complexity'];
    const what = operation.operation === 'subscription' ? 'Subscription' : 'Query';
    return {
      errors: [
        new StargraphError(
          ErrorCode.LIMIT_EXCEEDED,
          `${what} ${over.measure} ${got} is over the limit of ${over.max} (${over.limit})`,
          { limit: over.limit, max: over.max, got },
        ),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
