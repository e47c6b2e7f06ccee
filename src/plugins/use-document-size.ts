import type { Plugin } from 'graphql-yoga';
import { ErrorCode, StargraphError } from '../errors.js';

/**
 * Refuses a document longer than `maxBytes` (UTF-8) before anything reads it: MAX_TOKENS does not
 * count comments and string literals, so without this a document of megabytes is parsed, hashed
 * and held by the parse cache (which counts its bytes, but one such document would push out all
 * others). Large data belongs in variables.
 */
export function useDocumentSize(maxBytes: number): Plugin {
  return {
    onParams({ params }) {
      const query = params.query;
      // Cheap first: a string of n UTF-16 units is at least n bytes and at most 3n.
      if (typeof query !== 'string' || query.length * 3 <= maxBytes) return;
      const bytes = Buffer.byteLength(query, 'utf8');
      if (bytes > maxBytes) {
        throw new StargraphError(
          ErrorCode.LIMIT_EXCEEDED,
          `The document is ${bytes} bytes, more than ${maxBytes} (MAX_DOCUMENT_BYTES); send large values as variables`,
          { limit: 'MAX_DOCUMENT_BYTES', max: maxBytes },
        );
      }
    },
  };
}
