import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useOverload } from '../../src/plugins/use-overload.js';

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

    const started = performance.now();
    const third = await ask();
    expect(performance.now() - started).toBeLessThan(500);
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
});
