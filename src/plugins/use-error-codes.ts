import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/** graphql-js's own messages about variables that do not fit their declared types. */
const VARIABLE_ERROR = /^(Variable "\$[^"]+" |Too many errors processing variables)/;

/**
 * Every error carries a code, and a production answer carries no internals. use-variable-errors
 * codes graphql-js's "Variable ..." errors; this catches the rest of that family on every path
 * (its "Too many errors processing variables" summary, found uncoded by the hostile-input test)
 * as BAD_USER_INPUT. In production, the `originalError` yoga attaches to request errors (a JSON
 * parser's message, say) is dropped.
 */
export function useErrorCodes(options: { production: boolean }): Plugin {
  const fix = (error: GraphQLError): GraphQLError => {
    const needsCode = error.extensions?.code === undefined && VARIABLE_ERROR.test(error.message);
    const hasInternals = options.production && error.extensions?.originalError !== undefined;
    if (!needsCode && !hasInternals) return error;
    const { originalError: _dropped, ...extensions } = error.extensions ?? {};
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: {
        ...(hasInternals ? extensions : error.extensions),
        ...(needsCode ? { code: ErrorCode.BAD_USER_INPUT } : {}),
      },
    });
  };
  const fixResult = <T extends ExecutionResult>(result: T): T =>
    result.errors?.length ? { ...result, errors: result.errors.map((e) => fix(e as GraphQLError)) } : result;
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(fixResult));
      else if (!(Symbol.asyncIterator in result)) setResult(fixResult(result));
    },
  };
}
