import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { gql, openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
beforeAll(async () => {
  t = await openTestGraph({ DEBUG_EXTENSIONS: 'true' });
  yoga = testServer(t.graph, t.config);
});
afterAll(() => t.close());

describe('HTTP server', () => {
  it('answers a GraphQL query read from Neo4j', async () => {
    const id = `http-probe-${Date.now()}`;
    await t.db.write('CREATE (:Source {id: $id, title: $id})', { id });
    try {
      const body = await gql<{ graphStats: Array<{ label: string; count: number }> }>(
        yoga,
        '{ graphStats { label count } }',
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.graphStats.map((s) => s.label)).toEqual([
        'Entity',
        'Person',
        'Company',
        'Project',
        'Datacenter',
        'Deal',
        'Source',
      ]);
      expect(body.data?.graphStats.find((s) => s.label === 'Source')?.count).toBeGreaterThanOrEqual(1);
      expect(body.extensions?.cypher).toMatchObject({ roundTrips: 1 });
    } finally {
      await t.db.write('MATCH (s:Source {id: $id}) DELETE s', { id });
    }
  });

  it('serves GraphiQL to a browser at /graphql', async () => {
    const res = await yoga.fetch('http://stargraph.test/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('graphiql');
  });

  it('reports liveness and readiness', async () => {
    expect((await yoga.fetch('http://stargraph.test/health')).status).toBe(200);
    expect((await yoga.fetch('http://stargraph.test/ready')).status).toBe(200);
  });

  it('exposes Prometheus metrics', async () => {
    await gql(yoga, '{ __typename }');
    const res = await yoga.fetch('http://stargraph.test/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('stargraph_graphql_duration_seconds_bucket');
    expect(text).toContain('stargraph_cypher_round_trips');
  });

  it('refuses documents over the token and alias limits (README defaults 2000 and 30), naming the limit', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const atAliasLimit = await gql(yoga, aliased(30));
    expect(atAliasLimit.errors).toBeUndefined();
    const tooManyAliases = await gql(yoga, aliased(31));
    expect(tooManyAliases.errors?.map((e) => e.extensions)).toEqual([
      { code: 'LIMIT_EXCEEDED', limit: 'MAX_ALIASES', max: 30 },
    ]);
    // n spreads of one fragment (`...` and `F`, two tokens each), a `{ }` around them and the
    // fragment's 7 tokens (`fragment F on Query { __typename }`), with `extra` fields before:
    // 2n + 9 + extra tokens (a list of values would meet MAX_LIST_ITEMS first).
    const long = (n: number, extra = 0) =>
      `{ ${'__typename '.repeat(extra)}${'...F '.repeat(n)}} fragment F on Query { __typename }`;
    const atTokenLimit = await gql(yoga, long(995, 1));
    expect(atTokenLimit.errors).toBeUndefined();
    const tooManyTokens = await gql(yoga, long(996));
    expect(tooManyTokens.errors?.map((e) => e.extensions)).toEqual([
      { code: 'LIMIT_EXCEEDED', limit: 'MAX_TOKENS', max: 2_000 },
    ]);
  });
});

describe('GraphQL over HTTP audit (graphql-http)', () => {
  const audits = serverAudits({
    url: 'http://stargraph.test/graphql',
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => yoga.fetch(input as URL, init ?? {}),
  });
  for (const audit of audits.filter((a) => a.name.startsWith('MUST'))) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result, 'reason' in result ? String(result.reason) : '').toMatchObject({ status: 'ok' });
    });
  }
});
