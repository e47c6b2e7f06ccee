/**
 * The baseline of bench/compare.ts: the same graph served by the Neo4j GraphQL Library
 * (@neo4j/graphql), from bench/baseline/typeDefs.graphql, wrapped in a plain graphql-yoga so the
 * HTTP layer (yoga.fetch, no port) is the same one stargraph uses. Library defaults otherwise.
 */
import { readFileSync } from 'node:fs';
import { Neo4jGraphQL } from '@neo4j/graphql';
import { createYoga } from 'graphql-yoga';
import type { Driver } from 'neo4j-driver';

const TYPE_DEFS = readFileSync(new URL('./typeDefs.graphql', import.meta.url), 'utf8');

/** One Cypher statement as the library sent it (captured only when a request asks for it). */
export interface CapturedStatement {
  cypher: string;
  params: Record<string, unknown>;
}

/**
 * A driver that records every statement the library runs through it. The library accepts any
 * object with `session()` as its execution context; it runs reads as `session.executeRead(tx =>
 * tx.run(cypher, params))`, so wrapping `tx.run` sees each round trip.
 */
function recordingDriver(driver: Driver, sink: CapturedStatement[]): Driver {
  const wrapTx = (tx: { run: (cypher: string, params: Record<string, unknown>) => unknown }) => ({
    run: (cypher: string, params: Record<string, unknown>) => {
      sink.push({ cypher, params });
      return tx.run(cypher, params);
    },
  });
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'session') {
        return (config: Parameters<Driver['session']>[0]) => {
          const session = target.session(config);
          return new Proxy(session, {
            get(s, p) {
              if (p === 'executeRead' || p === 'executeWrite') {
                return (work: (tx: never) => unknown, txConfig: unknown) =>
                  (s[p] as (w: (tx: never) => unknown, c: unknown) => unknown).call(
                    s,
                    (tx: never) => work(wrapTx(tx) as never),
                    txConfig,
                  );
              }
              const value = Reflect.get(s, p, s) as unknown;
              return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(s) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Requests carrying this header have their Cypher recorded into the given sink. */
export const RECORD_HEADER = 'x-bench-record';

export async function createBaselineServer(driver: Driver, recorded: CapturedStatement[] = []) {
  const neoSchema = new Neo4jGraphQL({ typeDefs: TYPE_DEFS, driver });
  const schema = await neoSchema.getSchema();
  return createYoga<{ request: Request }>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    // Library errors reach the bench unmasked, so a failure names its cause in the report.
    maskedErrors: false,
    context: ({ request }) =>
      request.headers.get(RECORD_HEADER) ? { executionContext: recordingDriver(driver, recorded) } : {},
  });
}

export type BaselineServer = Awaited<ReturnType<typeof createBaselineServer>>;
