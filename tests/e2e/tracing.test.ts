/**
 * OpenTelemetry: one request carrying a W3C `traceparent` exports, over OTLP/HTTP to a receiver
 * in this process, the span tree request → parse, validate, execute → plan, statements, under the
 * header's trace and span. Without an endpoint no SDK is registered and nothing is recorded.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatementTrace } from '../../src/neo4j/db.js';
import { startTracing, tracer } from '../../src/tracing.js';
import { createEntities, deleteFixtures, relate } from '../utils/fixtures.js';
import { gql, openTestGraph, testConfig, testServer, uniquePrefix, type TestGraph } from '../utils/graph.js';

/** An OTLP/JSON attribute value, as the exporter writes it. */
type OtlpValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
};
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}
interface OtlpBody {
  resourceSpans: Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

const plainValue = (v: OtlpValue): unknown =>
  v.arrayValue
    ? (v.arrayValue.values ?? []).map(plainValue)
    : (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
const attrs = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, plainValue(a.value)]));

/** A collector's traces endpoint in this process: keeps every POST /v1/traces body it is sent. */
async function otlpReceiver() {
  const bodies: OtlpBody[] = [];
  const raw: string[] = [];
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(404).end();
        return;
      }
      raw.push(text);
      bodies.push(JSON.parse(text) as OtlpBody);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    bodies,
    raw,
    spans: () => bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

let t: TestGraph;
let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
const prefix = uniquePrefix('otel');
const slugs = [`${prefix}-a`, `${prefix}-b`];
beforeAll(async () => {
  t = await openTestGraph();
  receiver = await otlpReceiver();
  await createEntities(t.db, [
    ...slugs.map((slug) => ({ label: 'Company' as const, slug, name: slug })),
    { label: 'Deal', slug: `${prefix}-deal`, name: 'Deal' },
  ]);
  await relate(t.db, 'PARTY_TO', [[slugs[0]!, `${prefix}-deal`, { role: 'buyer' }]]);
});
afterAll(async () => {
  // Leave the process's OpenTelemetry globals as they were for whatever runs next in this worker.
  trace.disable();
  context.disable();
  propagation.disable();
  await receiver?.close();
  await deleteFixtures(t.db, prefix);
  await t.close();
});

// Two root fields: two planned statements, each a child of execute.
const NESTED = `query Nested($slugs: [String!]) {
  companies(first: 10, filter: { slugs: $slugs }) { edges { node { slug deals(first: 5) { edges { node { slug } } } } } }
  people(first: 1, filter: { slugs: $slugs }) { edges { node { slug } } }
}`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

// In order: the first test needs the process without a provider, the second registers one.
describe.sequential('tracing', () => {
  it('without an endpoint starts no SDK: spans are no-ops and nothing is exported', async () => {
    const config = testConfig({ DEBUG_EXTENSIONS_HEADER: 'true' });
    expect(await startTracing(config.tracing)).toBeUndefined();
    const body = await gql(testServer(t.graph, config), NESTED, { slugs }, { traceparent: traceparent() });
    expect(body.errors).toBeUndefined();
    const probe = tracer.startSpan('probe');
    expect(probe.isRecording()).toBe(false);
    expect(trace.getTracerProvider().getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    await new Promise((ok) => setTimeout(ok, 200));
    expect(receiver.bodies).toHaveLength(0);
  });

  it('exports request → parse, validate, execute → plan and statements, under the traceparent', async () => {
    const config = testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.base, DEBUG_EXTENSIONS_HEADER: 'true' });
    const tracing = await startTracing(config.tracing);
    expect(tracing).toBeDefined();
    const yoga = testServer(t.graph, config);
    const body = await gql(yoga, NESTED, { slugs }, { traceparent: traceparent(), 'x-debug-cypher': '1' });
    expect(body.errors).toBeUndefined();
    await tracing!.shutdown(); // flushes the batch to the receiver

    const spans = receiver.spans().filter((s) => s.traceId === TRACE_ID);
    const byName = (name: string) => spans.filter((s) => s.name === name);
    const [request] = byName('POST /graphql');
    expect(request, `spans: ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
    // The request continues the caller's trace: its parent is the header's span.
    expect(request!.parentSpanId).toBe(PARENT_SPAN_ID);
    expect(request!.kind).toBe(2); // SERVER
    expect(attrs(request!.attributes)).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'http.response.status_code': 200,
    });
    const phases = ['graphql.parse', 'graphql.validate', 'graphql.execute'].map((name) => byName(name));
    for (const [phase] of phases) expect(phase?.parentSpanId).toBe(request!.spanId);
    const execute = phases[2]![0]!;
    expect(attrs(execute.attributes)).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Nested',
    });
    const plans = byName('stargraph.plan');
    expect(plans.map((p) => attrs(p.attributes)['stargraph.plan.root_field']).sort()).toEqual(['companies', 'people']);
    for (const p of plans) expect(p.parentSpanId).toBe(execute.spanId);

    // Each statement is a child of execute and says what extensions.plan says of it.
    const statements = byName('neo4j READ');
    const plan = (body.extensions?.plan as { statements: StatementTrace[] }).statements;
    expect(statements).toHaveLength(2);
    expect(plan).toHaveLength(2);
    for (const s of statements) {
      expect(s.parentSpanId).toBe(execute.spanId);
      expect(s.kind).toBe(3); // CLIENT
      const a = attrs(s.attributes);
      const same = plan.find((p) => p.cypher === a['db.query.text']);
      expect(same, String(a['db.query.text'])).toBeDefined();
      expect(a).toMatchObject({
        'db.system.name': 'neo4j',
        'db.response.returned_rows': same!.rows,
        'stargraph.db.parameters': same!.parameters,
      });
      expect(same!.parameters.length).toBeGreaterThan(0);
      for (const name of same!.parameters) expect(a['db.query.text']).toContain(`$${name}`);
      expect(a['stargraph.db.round_trip_ms']).toBeGreaterThan(0);
      expect(a['stargraph.db.time_ms']).toBeGreaterThanOrEqual(0);
    }
    expect(statements.some((s) => Number(attrs(s.attributes)['db.response.returned_rows']) > 0)).toBe(true);
    // No value the request sent is in anything exported.
    expect(receiver.raw.join('')).not.toContain(prefix);
    const resource = attrs(receiver.bodies[0]!.resourceSpans[0]!.resource?.attributes);
    expect(resource['service.name']).toBe('stargraph');
  });
});

function traceparent() {
  return `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;
}
