import { BREAK, type DocumentNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, StargraphError } from '../errors.js';

/**
 * True when the document asks for the schema (`__schema`, `__type`, or a federation subgraph's
 * `_service { sdl }`; `__typename` is not).
 */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type' || node.name.value === '_service') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Introspection is a read: an operation asking for the schema runs only when `mayRead` says the
 * request's context may read (REQUIRE_AUTH_FOR_READS), else it answers UNAUTHENTICATED.
 * `{ __typename }` stays open: it touches no data, and probes use it during an outage.
 */
export function useIntrospectionAuth(mayRead: (context: unknown) => boolean): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (mayRead(args.contextValue) || !introspects(args.document)) return;
      setResultAndStopExecution({
        errors: [new StargraphError(ErrorCode.UNAUTHENTICATED, 'Introspection needs a token with the read scope')],
      });
    },
  };
}
