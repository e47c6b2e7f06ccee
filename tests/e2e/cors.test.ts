import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph, testServer, type TestGraph } from '../utils/graph.js';

let t: TestGraph;
beforeAll(async () => {
  t = await openTestGraph();
});
afterAll(() => t.close());

const query = (yoga: ReturnType<typeof testServer>, origin?: string) =>
  yoga.fetch('http://stargraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

const preflight = (yoga: ReturnType<typeof testServer>, origin: string) =>
  yoga.fetch('http://stargraph.test/graphql', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });

describe('CORS: who may call from a browser', () => {
  it('by default allows any origin with a plain *, never with credentials', async () => {
    const yoga = testServer(t.graph, { ...t.config, cors: { origins: '*' } });
    const res = await query(yoga, 'https://anyone.example');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const pre = await preflight(yoga, 'https://anyone.example');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    // A browser app may send a bookmark back and read the one a write answers with.
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-stargraph-bookmark');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-stargraph-bookmark');
    // And a rate-limited one its budget.
    expect(res.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
  });

  it('with CORS_ORIGINS, echoes an allowed origin with credentials and refuses any other', async () => {
    const config = { ...t.config, cors: { origins: ['https://app.example.com', 'http://localhost:5173'] } };
    const yoga = testServer(t.graph, config);

    const allowed = await query(yoga, 'https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const allowedPre = await preflight(yoga, 'http://localhost:5173');
    expect(allowedPre.status).toBe(204);
    expect(allowedPre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowedPre.headers.get('access-control-allow-methods')).toContain('POST');

    const refused = await query(yoga, 'https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-expose-headers')).toBeNull();
    expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    expect(refused.headers.get('vary')).toContain('Origin');
    const refusedPre = await preflight(yoga, 'https://evil.example');
    expect(refusedPre.status).toBe(403);
    expect(refusedPre.headers.get('access-control-allow-origin')).toBeNull();
    // A look-alike of an allowed origin is another origin.
    const lookalike = await query(yoga, 'https://app.example.com.evil.example');
    expect(lookalike.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the configuration refuses what is not an origin', async () => {
    const { parseConfig } = await import('../../src/config.js');
    expect(parseConfig({ CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).cors.origins).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    expect(parseConfig({}).cors.origins).toBe('*');
    expect(() => parseConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => parseConfig({ CORS_ORIGINS: 'a.example' })).toThrow(/CORS_ORIGINS/);
    expect(() => parseConfig({ CORS_ORIGINS: 'https://a.example,*' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('security headers', () => {
  it('are on every response: GraphQL, GraphiQL, health, errors', async () => {
    const yoga = testServer(t.graph, t.config);
    const responses = [
      await query(yoga),
      await yoga.fetch('http://stargraph.test/graphql', { headers: { accept: 'text/html' } }),
      await yoga.fetch('http://stargraph.test/health'),
      await yoga.fetch('http://stargraph.test/nowhere'),
      await yoga.fetch('http://stargraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      }),
    ];
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});
