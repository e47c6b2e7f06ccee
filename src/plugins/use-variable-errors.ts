import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { ErrorCode } from '../errors.js';

/**
 * Gives variable coercion errors (an unknown enum value, a wrong type, a missing required
 * variable in `variables`) the stable code BAD_USER_INPUT: graphql-js reports them with no
 * `extensions.code`, and clients branch on the code.
 */
export function useVariableErrors(): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || !result.errors?.length) return;
          if (!result.errors.some(isUncodedVariableError)) return;
          setResult({
            ...result,
            errors: result.errors.map((e) =>
              isUncodedVariableError(e)
                ? new GraphQLError(e.message, {
                    nodes: e.nodes,
                    source: e.source,
                    positions: e.positions,
                    originalError: e.originalError,
                    extensions: { ...e.extensions, code: ErrorCode.BAD_USER_INPUT },
                  })
                : e,
            ),
          });
        },
      };
    },
  };
}

const isUncodedVariableError = (e: GraphQLError) =>
  !e.path && e.extensions?.code === undefined && e.message.startsWith('Variable "$');
