/**
 * MAX_REQUEST_BODY_BYTES over real HTTP (src/plugins/use-body-limit.ts): a body over the bound is
 * refused with 413 LIMIT_EXCEEDED whether it declares its length or arrives chunked; bodies under
 * it are served either way; a malformed Content-Length is a 400.
 */
import { request as httpRequest, createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph, testConfig, testServer, type TestGraph } from '../utils/graph.js';

const MAX = 2000;
let t: TestGraph;
let yoga: ReturnType<typeof testServer>;
let http: Server;
let port: number;

beforeAll(async () => {
  t = await openTestGraph();
  yoga = testServer(t.graph, testConfig({ MAX_REQUEST_BODY_BYTES: String(MAX) }));
  http = createHttpServer(yoga);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  port = (http.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((ok) => http.close(ok));
  await t.close();
});

/** A GraphQL body of exactly `size` bytes (padded with spaces inside the document). */
const bodyOf = (size: number) => {
  const head = '{"query":"{ __typename ';
  const tail = '}"}';
  return head + ' '.repeat(size - head.length - tail.length) + tail;
};

/** POSTs `body`, with its Content-Length or chunked (in 500-byte writes). */
function post(
  body: string,
  chunked: boolean,
): Promise<{ status: number; json: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> } }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 500) req.write(body.slice(i, i + 500));
    req.end();
  });
}

describe('request body limit', () => {
  it('serves bodies up to MAX_REQUEST_BODY_BYTES, declared or chunked', async () => {
    for (const chunked of [false, true]) {
      const answer = await post(bodyOf(MAX), chunked);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('refuses a larger body with 413 LIMIT_EXCEEDED, by its Content-Length or as it arrives', async () => {
    const declared = await post(bodyOf(MAX + 1), false);
    expect(declared.status).toBe(413);
    expect(declared.json.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_REQUEST_BODY_BYTES',
      max: MAX,
      got: MAX + 1,
    });
    const chunked = await post(bodyOf(MAX * 3), true);
    expect(chunked.status).toBe(413);
    expect(chunked.json.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'MAX_REQUEST_BODY_BYTES',
      max: MAX,
    });
  });

  it('answers a Content-Length that is not a byte count with 400', async () => {
    // Node's HTTP parser refuses such a header itself; another front end might pass it on.
    const response = await yoga.fetch('http://stargraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '12, 12' },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.status).toBe(400);
    expect(
      ((await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> }).errors[0]!.extensions
        .code,
    ).toBe('BAD_REQUEST');
  });
});
