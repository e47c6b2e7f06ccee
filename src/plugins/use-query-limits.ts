import type { ASTVisitor, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, StargraphError } from '../errors.js';

/**
 * Refuses oversized documents before execution: too many tokens (checked while parsing, so a
 * huge document costs nothing to reject) and too many aliases (the cheap way to multiply work).
 * Depth and estimated cost are checked by src/plugins/use-query-cost.ts.
 */
export function useQueryLimits(limits: { maxTokens: number; maxAliases: number }): Plugin {
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof Error && /more th(?:an|at) \d+ tokens/.test(error.message)) {
            throw new StargraphError(
              ErrorCode.LIMIT_EXCEEDED,
              `The document has more than ${limits.maxTokens} tokens (MAX_TOKENS)`,
              { limit: 'MAX_TOKENS', max: limits.maxTokens },
            );
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule((context: ValidationContext): ASTVisitor => {
        let aliases = 0;
        return {
          Field(node) {
            if (node.alias && ++aliases === limits.maxAliases + 1) {
              context.reportError(
                new StargraphError(
                  ErrorCode.LIMIT_EXCEEDED,
                  `The document uses more than ${limits.maxAliases} aliases (MAX_ALIASES)`,
                  { limit: 'MAX_ALIASES', max: limits.maxAliases },
                ),
              );
            }
          },
        };
      });
    },
  };
}
