/**
 * The parse and validation cache, in place of yoga's (which keys on the document's whole text and
 * bounds only the count: 1,024 documents of up to MAX_DOCUMENT_BYTES each, every one parsed into an
 * AST of ~320 bytes per token). Here an entry is keyed by the SHA-256 of the document text and
 * holds its parsed document, or the error parsing it raised, and the result of validating that
 * document; the cache is bounded by PARSE_CACHE_MAX_BYTES and by PARSE_CACHE_MAX (entries).
 *
 * An entry's bytes: the document text (the AST keeps it), its tokens (graphql-js keeps the whole
 * token list on the AST: ~320 bytes for each token of the document, ~90 for each comment, measured
 * on graphql 16), and the messages of its validation errors. Validation results live in the entry
 * of the document they were computed for, so they go when it goes (an error holds that document's
 * nodes). What other plugins keep per parsed document (graphql-jit's compiled query, the response
 * cache's annotated copy, the list arguments use-list-bounds finds) is held in WeakMaps on it and goes with it.
 *
 * Validation rules are the same for every request of one server, so a result is keyed by the
 * document alone.
 */
import { TokenKind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ByteLru, sha256Hex, utf8Bytes } from '../byte-lru.js';

export const BYTES_PER_TOKEN = 320;
export const BYTES_PER_COMMENT = 90;
const BYTES_PER_ERROR = 500;

export interface ParseEntry {
  /** The document text's UTF-8 bytes. */
  textBytes: number;
  document?: DocumentNode;
  /** What parsing raised (a syntax error, MAX_TOKENS), thrown again for the same text. */
  error?: Error;
  validation?: readonly Error[];
}

/** Estimated bytes the parsed document's tokens hold. */
function tokenBytes(document: DocumentNode): number {
  let bytes = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) {
    bytes += token.kind === TokenKind.COMMENT ? BYTES_PER_COMMENT : BYTES_PER_TOKEN;
  }
  return bytes;
}

const tokenBytesOf = new WeakMap<DocumentNode, number>();

export function parseEntryBytes(entry: ParseEntry): number {
  let bytes = entry.textBytes;
  if (entry.document) {
    let tokens = tokenBytesOf.get(entry.document);
    if (tokens === undefined) {
      tokens = tokenBytes(entry.document);
      tokenBytesOf.set(entry.document, tokens);
    }
    bytes += tokens;
  }
  if (entry.error) bytes += BYTES_PER_ERROR + utf8Bytes(entry.error.message);
  for (const error of entry.validation ?? []) bytes += BYTES_PER_ERROR + utf8Bytes(error.message);
  return bytes;
}

export function createParseCache(limits: { maxEntries: number; maxBytes: number }): ByteLru<ParseEntry> {
  return new ByteLru<ParseEntry>({ name: 'parse', ...limits, sizeOf: parseEntryBytes });
}

export function useParseCache(cache: ByteLru<ParseEntry>): Plugin {
  /** The key each parsed document was cached under (the validation step gets the document, not its text). */
  const keyOf = new WeakMap<DocumentNode, string>();
  return {
    onParse({ params, setParsedDocument }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      const key = sha256Hex(text);
      const entry = cache.get(key);
      if (entry?.document) {
        keyOf.set(entry.document, key);
        setParsedDocument(entry.document);
        return;
      }
      if (entry?.error) throw entry.error;
      return ({ result }) => {
        const textBytes = utf8Bytes(text);
        if (result instanceof Error) cache.set(key, { textBytes, error: result });
        else if (result) {
          keyOf.set(result, key);
          cache.set(key, { textBytes, document: result });
        }
      };
    },
    onValidate({ params, setResult }) {
      const key = keyOf.get(params.documentAST);
      if (key === undefined) return;
      const entry = cache.get(key);
      if (!entry || entry.document !== params.documentAST) return;
      if (entry.validation) {
        setResult(entry.validation);
        return;
      }
      return ({ result }) => {
        // Stored only while the entry still holds this document (it may have been evicted since).
        if (cache.get(key) === entry) cache.set(key, { ...entry, validation: result });
      };
    },
  };
}
