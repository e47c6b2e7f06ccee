/**
 * Strict-Transport-Security over real HTTP (src/plugins/use-security-headers.ts): with
 * TRUST_PROXY, a request our TLS-terminating proxy marks `X-Forwarded-Proto: https` is answered
 * with HSTS; without it, the same header is only the client's word and no response carries HSTS.
 */
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph, testConfig, testServer, type TestGraph } from '../utils/graph.js';

const HSTS = 'max-age=31536000; includeSubDomains';

let t: TestGraph;
const servers: Server[] = [];
let trusting: number;
let plain: number;

async function listen(trustProxy: string): Promise<number> {
  const http = createHttpServer(testServer(t.graph, testConfig({ TRUST_PROXY: trustProxy })));
  servers.push(http);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  return (http.address() as AddressInfo).port;
}

beforeAll(async () => {
  t = await openTestGraph();
  trusting = await listen('true');
  plain = await listen(''); // unset: the default
});

afterAll(async () => {
  for (const http of servers) await new Promise((ok) => http.close(ok));
  await t.close();
});

interface Answer {
  status: number;
  hsts: string | undefined;
  body: string;
}

/** One request over a socket; `forwardedProto` is sent as X-Forwarded-Proto when given. */
function send(port: number, path: string, forwardedProto?: string, post?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (forwardedProto !== undefined) headers['x-forwarded-proto'] = forwardedProto;
    if (post !== undefined) headers['content-type'] = 'application/json';
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: post === undefined ? 'GET' : 'POST', headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] as string, body }),
        );
      },
    );
    req.on('error', reject);
    req.end(post);
  });
}

const query = JSON.stringify({ query: '{ __typename }' });

describe('HSTS behind a trusted TLS proxy (TRUST_PROXY)', () => {
  it('answers requests the proxy marks HTTPS with Strict-Transport-Security, on every route', async () => {
    const graphql = await send(trusting, '/graphql', 'https', query);
    expect(graphql.status).toBe(200);
    expect(JSON.parse(graphql.body)).toEqual({ data: { __typename: 'Query' } });
    expect(graphql.hsts).toBe(HSTS);
    for (const path of ['/health', '/ready', '/explorer', '/nowhere']) {
      expect((await send(trusting, path, 'https')).hsts, path).toBe(HSTS);
    }
    // An error answer too: the header is about the connection, not the outcome.
    const bad = await send(trusting, '/graphql', 'https', '{not json');
    expect(bad.status).toBe(400);
    expect(bad.hsts).toBe(HSTS);
    // Schemes are case-insensitive.
    expect((await send(trusting, '/health', 'HTTPS')).hsts).toBe(HSTS);
  });

  it('never sends it on plain HTTP: no header, `http`, or a client-sent `https` the proxy followed with `http`', async () => {
    expect((await send(trusting, '/graphql', undefined, query)).hsts).toBeUndefined();
    expect((await send(trusting, '/graphql', 'http', query)).hsts).toBeUndefined();
    // Proxies that append: the last value is the one the nearest (trusted) proxy wrote.
    expect((await send(trusting, '/health', 'https, http')).hsts).toBeUndefined();
    expect((await send(trusting, '/health', 'http, https')).hsts).toBe(HSTS);
  });
});

describe('without TRUST_PROXY (the default)', () => {
  it('ignores X-Forwarded-Proto: a client claiming HTTPS gets no HSTS', async () => {
    const answer = await send(plain, '/graphql', 'https', query);
    expect(answer.status).toBe(200);
    expect(answer.hsts).toBeUndefined();
    expect((await send(plain, '/health', 'https')).hsts).toBeUndefined();
    expect((await send(plain, '/graphql', undefined, query)).hsts).toBeUndefined();
  });
});
