/**
 * The third contender of bench/compare.ts, **raw**: one hand-written Cypher statement per
 * request, run through the same neo4j-driver instance stargraph uses (executeQuery, routing
 * READ, the same database), behind a bare fetch handler with no GraphQL at all. It is the
 * floor a GraphQL server on this driver could reach: parse the body, bind parameters, run one
 * statement, wrap its rows in the JSON shape stargraph answers with (so each workload's
 * `digest` reads all three answers alike).
 *
 * A request is `POST /raw/<statement>` with body `{ "variables": { ... } }`; the answer is
 * `{ "data": ... }`, or `{ "errors": [{ message, extensions: { code } }] }` with status 400.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { CapturedStatement } from '../baseline/server.js';
import { RAW_STATEMENTS } from './statements.js';

/** Requests carrying this header have their Cypher recorded (same header as the baseline's). */
export const RAW_RECORD_HEADER = 'x-bench-record';

export interface RawServer {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const refuse = (code: string, message: string) => json({ errors: [{ message, extensions: { code } }] }, 400);

export function createRawServer(driver: Driver, database: string, recorded: CapturedStatement[] = []): RawServer {
  return {
    async fetch(input, init) {
      const request = new Request(input, init);
      const name = new URL(request.url).pathname.replace(/^\/raw\//, '');
      const statement = Object.hasOwn(RAW_STATEMENTS, name) ? RAW_STATEMENTS[name] : undefined;
      if (!statement) return refuse('NOT_FOUND', `No raw statement named "${name}"`);
      let variables: Record<string, unknown>;
      try {
        const body = (await request.json()) as { variables?: Record<string, unknown> } | null;
        variables = body?.variables ?? {};
      } catch {
        return refuse('BAD_REQUEST', 'The body is not JSON');
      }
      if (!statement.cypher) return json({ data: statement.shape([], variables) });
      const params = statement.params(variables);
      if (request.headers.get(RAW_RECORD_HEADER)) recorded.push({ cypher: statement.cypher, params });
      const result = await driver.executeQuery(statement.cypher, params, { database, routing: neo4j.routing.READ });
      return json({
        data: statement.shape(
          result.records.map((r) => r.toObject()),
          variables,
        ),
      });
    },
  };
}
