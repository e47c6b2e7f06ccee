/**
 * Spans for each HTTP request and its GraphQL phases (parse, validate, execute), the request's
 * parent taken from its W3C `traceparent`. Installed only when tracing is on (src/tracing.ts);
 * the planner's and the statements' spans hang under `graphql.execute`.
 */
import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context as OtelContext,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { failed, tracer } from '../tracing.js';

const headers: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

type Wrapped = () => void | Promise<void>;

function fail(span: Span, error: unknown): never {
  failed(span, error instanceof Error ? error.name : 'Error', error instanceof Error ? error.message : undefined);
  span.end();
  throw error;
}

/** Ends `span` when `wrapped` has finished, failed if it threw (a GraphQL error is not a throw). */
function around(span: Span, wrapped: Wrapped): void | Promise<void> {
  let result: void | Promise<void>;
  try {
    result = wrapped();
  } catch (error) {
    fail(span, error);
  }
  if (result instanceof Promise) return result.then(endSpan.bind(null, span), fail.bind(null, span));
  span.end();
}

const endSpan = (span: Span) => span.end();

/** The path of a request URL, without parsing the whole URL. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

/**
 * Parents are handed on explicitly, not through an async context: the request's context (kept
 * by Request) is the phases' parent, and `graphql.execute`, put on the request's `QueryStats`, is
 * the plan's and the statements' (docs/decisions/2026-12-08-opentelemetry.md says why).
 */
export function useTracing({ graphqlEndpoint }: { graphqlEndpoint: string }): Plugin<Context> {
  const requests = new WeakMap<Request, { span: Span; context: OtelContext; execute?: Span }>();
  const phase = (name: string, request: Request | undefined, wrapped: Wrapped) => {
    const parent = request && requests.get(request);
    const span = tracer.startSpan(name, undefined, parent?.context ?? ROOT_CONTEXT);
    if (parent && name === EXECUTE) parent.execute = span;
    return around(span, wrapped);
  };
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const parent = propagation.extract(ROOT_CONTEXT, request.headers, headers);
        const path = pathOf(request.url);
        // Named by route, not by path: any path may be asked for, and span names must stay few.
        const route = path === graphqlEndpoint ? graphqlEndpoint : undefined;
        const span = tracer.startSpan(
          route ? `${request.method} ${route}` : request.method,
          {
            kind: SpanKind.SERVER,
            attributes: {
              [ATTR_HTTP_REQUEST_METHOD]: request.method,
              [ATTR_URL_PATH]: path,
              ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
            },
          },
          parent,
        );
        requests.set(request, { span, context: trace.setSpan(parent, span) });
        return around(span, wrapped);
      },
      parse: ({ context }, wrapped) => phase('graphql.parse', context.request, wrapped),
      validate: ({ context }, wrapped) => phase('graphql.validate', context.request, wrapped),
      execute: ({ context }, wrapped) => phase(EXECUTE, context.request, wrapped),
    },
    onExecute({ args }) {
      // Runs inside the execute instrument, once the request's context is built.
      const ctx = args.contextValue as Context & { request: Request };
      const span = requests.get(ctx.request)?.execute;
      if (!span) return;
      ctx.stats.spanParent = trace.setSpan(ROOT_CONTEXT, span);
      const operation = getOperationAST(args.document, args.operationName);
      span.setAttributes({
        'graphql.operation.type': operation?.operation ?? 'unknown',
        ...(operation?.name ? { 'graphql.operation.name': operation.name.value } : {}),
      });
      return {
        onExecuteDone({ result }) {
          const errors = Symbol.asyncIterator in result ? [] : (result.errors ?? []);
          if (errors.length === 0) return;
          span.setAttribute(
            'stargraph.graphql.error_codes',
            errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
          );
        },
      };
    },
    onResponse({ request, response }) {
      const span = requests.get(request)?.span;
      if (!span) return;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 500) failed(span, String(response.status));
    },
  };
}

const EXECUTE = 'graphql.execute';
