import {
  type ArgumentNode,
  type DocumentNode,
  getNullableType,
  type GraphQLInputType,
  type GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitExceeded } from '../errors.js';
import { getOrCreate } from '../get-or-create.js';

/**
 * Every list an operation passes as an argument, at any depth of an input object (`slugs`, `kinds`,
 * `statuses`, `types`, `ids`...), holds at most `maxList` items (MAX_LIST_ITEMS),
 * whether written in the document or sent as a variable; one more answers LIMIT_EXCEEDED naming
 * the argument before anything runs. `exempt` fields keep bounds of their own (importGraph: 10,000).
 */
export function useListBounds(options: { maxList: number; exempt?: ReadonlySet<string> }): Plugin {
  const exempt = options.exempt ?? new Set<string>();
  /** The path of the first list over the bound in `value` of `type`, and its length; null when none. */
  const overflow = (value: unknown, type: GraphQLInputType, path: string): { path: string; got: number } | null => {
    if (value === null || value === undefined) return null;
    if (isNonNullType(type)) return overflow(value, type.ofType, path);
    if (isListType(type)) {
      const items = Array.isArray(value) ? value : [value];
      if (items.length > options.maxList) return { path, got: items.length };
      for (const item of items) {
        const found = overflow(item, type.ofType, `${path}[]`);
        if (found) return found;
      }
      return null;
    }
    if (isInputObjectType(type) && typeof value === 'object') {
      const fields = type.getFields();
      for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[name];
        const found = field ? overflow(item, field.type, `${path}.${name}`) : null;
        if (found) return found;
      }
    }
    return null;
  };
  /**
   * The arguments of a document that can hold a list (a list or an input object type), with
   * their types: found once per parsed document (yoga reuses it), so a request only reads values.
   */
  const listArguments = new WeakMap<DocumentNode, Array<{ node: ArgumentNode; type: GraphQLInputType }>>();
  const argumentsOf = (schema: GraphQLSchema, document: DocumentNode) =>
    getOrCreate(listArguments, document, () => {
      const typeInfo = new TypeInfo(schema);
      const found: Array<{ node: ArgumentNode; type: GraphQLInputType }> = [];
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          Field(node) {
            // A field with a bound of its own: its arguments are its business.
            return exempt.has(node.name.value) ? false : undefined;
          },
          Argument(node) {
            const argument = typeInfo.getArgument();
            const named = argument && getNullableType(argument.type);
            if (named && (isListType(named) || isInputObjectType(named))) found.push({ node, type: argument.type });
          },
        }),
      );
      return found;
    });
  /** The refusal for an operation's arguments, or null when every list is within the bound. */
  const refusal = (args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: unknown }) => {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    for (const { node, type } of argumentsOf(args.schema, args.document)) {
      // Coerced, so a variable's value is read as the argument's type sees it.
      const first = overflow(valueFromAST(node.value, type, variables), type, node.name.value);
      if (first)
        return { errors: [limitExceeded('MAX_LIST_ITEMS', options.maxList, first.got, `Items in ${first.path}`)] };
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // A subscription's arguments (graphChanged's slugs and kinds) too, before it is accepted.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
