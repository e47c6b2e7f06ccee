/**
 * OpenTelemetry tracing. The spans are made through @opentelemetry/api's global tracer: until
 * `startTracing` registers a provider (only when an OTLP endpoint is configured) that tracer is the
 * API's no-op one, so a server without tracing starts no SDK and records nothing.
 *
 * Span tree of one request: `POST /graphql` (SERVER, parent from `traceparent`) → `graphql.parse`,
 * `graphql.validate`, `graphql.execute` → `stargraph.plan` and one `neo4j` span per statement
 * (plugins/use-tracing.ts, plan/run.ts, neo4j/db.ts). The execute span reaches the last two on
 * the request's `QueryStats.spanParent`.
 */
import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context as OtelContext,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import type { Config } from './config.js';
import type { StatementTrace } from './neo4j/db.js';

/** The one tracer every span here comes from (the API's proxy: no-op until a provider registers). */
export const tracer = trace.getTracer('stargraph');

/** The OpenTelemetry context a span is started under (its parent span in it). */
export type SpanParent = OtelContext;

/** A started tracing SDK: flushes what is batched, then stops exporting. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK when `config.tracesUrl` is set: a NodeTracerProvider with a BatchSpanProcessor
 * and the OTLP/HTTP (JSON) exporter, registered globally with the W3C trace-context propagator
 * and no context manager: parents are passed explicitly (plugins/use-tracing.ts), which spares
 * every promise an AsyncLocalStorage hop. Returns undefined, having loaded nothing, when unset.
 * The exporter still reads OTEL_EXPORTER_OTLP_HEADERS (and the other exporter variables) itself.
 */
export async function startTracing(config: Config['tracing']): Promise<Tracing | undefined> {
  if (!config.tracesUrl) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }))],
  });
  provider.register({ contextManager: null });
  return { shutdown: () => provider.shutdown() };
}

/**
 * One statement as a CLIENT span under `parent` (the request's `graphql.execute`), drawn
 * after the fact from `startedAt` (a performance.now() reading) for its round trip. The text is
 * the statement's own, which holds no request value (values travel as parameters, named here).
 */
export function statementSpan(
  statement: StatementTrace,
  mode: 'READ' | 'WRITE',
  database: string,
  startedAt: number,
  parent: SpanParent,
) {
  const span = tracer.startSpan(`neo4j ${mode}`, { kind: SpanKind.CLIENT, startTime: startedAt }, parent);
  if (!span.isRecording()) return;
  const attributes: Attributes = {
    [ATTR_DB_SYSTEM_NAME]: 'neo4j',
    [ATTR_DB_NAMESPACE]: database,
    [ATTR_DB_QUERY_TEXT]: statement.cypher,
    'db.response.returned_rows': statement.rows,
    'stargraph.db.parameters': statement.parameters,
    'stargraph.db.round_trip_ms': statement.roundTripMs,
    'stargraph.db.time_ms': statement.dbTimeMs,
  };
  if (statement.dbHits !== undefined) attributes['stargraph.db.hits'] = statement.dbHits;
  span.setAttributes(attributes);
  if (statement.error) failed(span, statement.error);
  span.end(startedAt + statement.roundTripMs);
}

/** Marks a span failed, with the error's code (or class) as `error.type`. */
export function failed(span: Span, errorType: string, message?: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
