import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

const CONTENT_LENGTH = /^\d+$/;

const tooLarge = (max: number, got: number | null) =>
  createGraphQLError(
    `The request body must be at most ${max} bytes (MAX_REQUEST_BODY_BYTES)${got === null ? '' : `; got ${got}`}`,
    {
      extensions: {
        code: ErrorCode.LIMIT_EXCEEDED,
        limit: 'MAX_REQUEST_BODY_BYTES',
        max,
        ...(got === null ? {} : { got }),
        http: { status: 413 },
      },
    },
  );

/**
 * Refuses request bodies over `maxBytes` with HTTP 413 and LIMIT_EXCEEDED, in place of yoga's own
 * limit (`maxRequestBodySize`, turned off in server.ts), which pipes every body through a
 * TransformStream to count its bytes: a cost on every request, whatever its size
 * (docs/decisions/2026-12-07-request-body-limit.md).
 *
 * A body with a Content-Length is judged by that header alone: Node's HTTP server reads exactly
 * that many bytes as the body (more would be the next request), and refuses a request that also
 * says `Transfer-Encoding: chunked`. Only a body without one (chunked) is counted as it is read.
 * Register it after the request parsers yoga adds (any place in our plugin list): it wraps the
 * parser they chose.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared != null) {
        if (!CONTENT_LENGTH.test(declared)) {
          throw createGraphQLError('The Content-Length header is not a byte count', {
            extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } },
          });
        }
        if (Number(declared) > maxBytes) throw tooLarge(maxBytes, Number(declared));
        return;
      }
      if (requestParser == null || request.body == null) return;
      const parse = requestParser;
      setRequestParser((unbounded) => {
        let read = 0;
        const counted = unbounded.body!.pipeThrough(
          new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > maxBytes) controller.error(tooLarge(maxBytes, null));
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(
          new fetchAPI.Request(unbounded.url, {
            method: unbounded.method,
            headers: unbounded.headers,
            signal: unbounded.signal,
            body: counted,
            // @ts-expect-error Node's fetch needs `duplex` for a streamed body; the DOM types lack it
            duplex: 'half',
          }),
        );
      });
    },
  };
}
