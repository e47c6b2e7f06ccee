import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { HTTP_SERVER_OPTIONS } from '../../src/cli/serve.js';
import { useOverload } from '../../src/plugins/use-overload.js';
import { waitUntil } from '../utils/wait.js';

describe('bounded in-flight requests', () => {
  it('answers 503 OVERLOADED at once over MAX_IN_FLIGHT, never for /health, and frees the slot when a request ends', async () => {
    const releases: Array<() => void> = [];
    const overload = useOverload({ maxInFlight: 2 });
    // A schema of its own: the plugin is pure HTTP plumbing; here a request is "slow" until released.
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { slow: String }',
        resolvers: { Query: { slow: () => new Promise<string>((ok) => releases.push(() => ok('done'))) } },
      }),
      plugins: [overload],
      logging: false,
    });
    const ask = () =>
      yoga.fetch('http://x.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ slow }' }),
      });

    const first = ask();
    const second = ask();
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(overload.inFlight()).toBe(2);

    // Both slots stay taken until released below, so a third request that waited for one would
    // hang to the test's timeout: the generous bound only tells "at once" apart from that.
    const started = performance.now();
    const third = await ask();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    const body = (await third.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'OVERLOADED', limit: 'MAX_IN_FLIGHT', max: 2 });
    expect((await yoga.fetch('http://x.test/health')).status).toBe(200);

    releases.forEach((release) => release());
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(overload.inFlight()).toBe(0);
    const fourth = ask();
    while (releases.length < 3) await new Promise((r) => setTimeout(r, 5));
    releases[2]!();
    expect(await (await fourth).json()).toEqual({ data: { slow: 'done' } });
  });

  it('shares its slots with requests served outside GraphQL (acquire), each released once', async () => {
    const overload = useOverload({ maxInFlight: 1 });
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: String }', resolvers: { Query: { ok: () => 'yes' } } }),
      plugins: [overload],
      logging: false,
    });
    const ask = () =>
      yoga.fetch('http://x.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ ok }' }),
      });
    const release = overload.acquire();
    expect(release).toBeDefined();
    expect(overload.acquire()).toBeUndefined();
    expect((await ask()).status).toBe(503);
    release!();
    release!(); // a second release frees nothing more
    expect(overload.inFlight()).toBe(0);
    expect(await (await ask()).json()).toEqual({ data: { ok: 'yes' } });
    const again = overload.acquire();
    expect(overload.acquire()).toBeUndefined();
    again!();
  });

  it('holds no slot for a request whose body is still arriving, over real sockets', async () => {
    const overload = useOverload({ maxInFlight: 2 });
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: String }', resolvers: { Query: { ok: () => 'yes' } } }),
      plugins: [overload],
      logging: false,
    });
    const server = createServer(HTTP_SERVER_OPTIONS, yoga);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    const sockets: Socket[] = [];
    // The server has read a request's headers when it emits 'request' (after yoga's own listener).
    let started = 0;
    server.on('request', () => started++);
    try {
      // Five clients send their headers and the start of a body promised 100 bytes long, then stall.
      for (let i = 0; i < 5; i++) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => {});
        await new Promise<void>((ok) => socket.once('connect', () => ok()));
        socket.write(
          'POST /graphql HTTP/1.1\r\nHost: x.test\r\nContent-Type: application/json\r\n' +
            'Content-Length: 100\r\n\r\n{"query":',
        );
        sockets.push(socket);
      }
      expect(await waitUntil(() => started === 5)).toBe(true);
      expect(overload.inFlight()).toBe(0);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ ok }' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { ok: 'yes' } });
      expect(overload.inFlight()).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it('has the HTTP server cut a client off in seconds, not minutes', () => {
    // Node's defaults are 60 s for the headers and 300 s for the whole request.
    expect(HTTP_SERVER_OPTIONS.headersTimeout).toBeLessThanOrEqual(10_000);
    expect(HTTP_SERVER_OPTIONS.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(HTTP_SERVER_OPTIONS.connectionsCheckingInterval).toBeLessThanOrEqual(2_000);
  });
});
