/**
 * `npm run query -- <question> ...`: the analyst traversals through the GraphQL API (the same
 * bounds, errors and timeouts as any client), as readable text, or with `--json` as the answer's
 * JSON alone on stdout, for piping. With STARGRAPH_URL it asks that running server; otherwise it
 * builds the server in-process on the graph `openGraph` opens (the project's local Neo4j when
 * NEO4J_URI is unset) and calls `yoga.fetch`.
 */
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { type CommandContext, parseCommandArgs, UsageError } from './args.js';
import { QUERY_KINDS, type QueryFlagName, type QueryFlags, type QueryKind } from './query-kinds.js';

const QUESTION_COLUMN = 66;

export const QUERY_USAGE = [
  'npm run query -- <question> [arguments] [--flag value ...] [--json]',
  ...Object.entries(QUERY_KINDS)
    .filter(([name]) => name !== 'neighbours')
    .map(([name, k]) => {
      const call = [name, ...k.arguments.map((a) => `<${a}>`), k.usage].filter(Boolean).join(' ');
      const wrap = call.length > QUESTION_COLUMN ? `\n  ${' '.repeat(QUESTION_COLUMN)}` : '';
      return `  ${call.padEnd(QUESTION_COLUMN)}${wrap} ${k.description}`;
    }),
  'Entities are slugs (openai, sam-altman) or global IDs. --json prints the answer as JSON.',
  'STARGRAPH_URL=http://host:4000 uses a running server.',
].join('\n');

/** Each flag of the command line and where it goes in QueryFlags. */
const FLAGS: Record<string, { key: QueryFlagName; whole: boolean }> = {
  'max-hops': { key: 'maxHops', whole: true },
  first: { key: 'first', whole: true },
  depth: { key: 'depth', whole: true },
  limit: { key: 'limit', whole: true },
  types: { key: 'types', whole: false },
  kinds: { key: 'kinds', whole: false },
  within: { key: 'within', whole: false },
};

export interface QueryCommand {
  kind: QueryKind<unknown>;
  args: string[];
  flags: QueryFlags;
  json: boolean;
}

/** The question, its arguments and flags; `undefined` when no question was asked (print usage). */
export function parseQueryArgs(argv: string[]): QueryCommand | undefined {
  const options = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' } as const]));
  const { values, positionals } = parseCommandArgs(
    argv,
    { options: { ...options, json: { type: 'boolean' } }, allowPositionals: true },
    QUERY_USAGE,
  );
  const [name, ...args] = positionals;
  if (name === undefined || name === 'help') return undefined;
  const kind = Object.hasOwn(QUERY_KINDS, name) ? QUERY_KINDS[name] : undefined;
  if (!kind) throw new UsageError(`Unknown question "${name}"`, QUERY_USAGE);
  if (args.length !== kind.arguments.length)
    throw new UsageError(
      `${name} takes ${kind.arguments.length} argument(s): ${kind.arguments.join(', ')}`,
      QUERY_USAGE,
    );
  const flags: QueryFlags = {};
  for (const [flag, { key, whole }] of Object.entries(FLAGS)) {
    const raw = (values as Record<string, string | undefined>)[flag];
    if (raw === undefined) continue;
    if (!kind.flags.includes(key)) throw new UsageError(`${name} does not take --${flag}`, QUERY_USAGE);
    (flags as Record<string, unknown>)[key] = whole ? integer(raw, flag) : raw;
  }
  return { kind, args, flags, json: values.json ?? false };
}

/** A whole number; negative ones go to the server, which names its bound. */
function integer(raw: string, flag: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value))
    throw new UsageError(`--${flag} must be a whole number`, QUERY_USAGE);
  return value;
}

type Variables = Record<string, unknown>;
/** Runs one GraphQL operation (in process or over HTTP) and returns its `data`. */
export type RunOperation = (query: string, variables: Variables) => Promise<Record<string, unknown>>;

/** Asks the question; the answer as text, or as JSON with `json`. */
export async function answerQuery(run: RunOperation, command: QueryCommand): Promise<string> {
  const { kind, args, flags } = command;
  const data = await run(kind.operation, kind.variables(args, flags));
  const answer = data[kind.field] ?? null;
  return command.json ? JSON.stringify(answer, null, 2) : kind.text(answer, args, flags);
}

interface GraphqlBody {
  data?: Record<string, unknown>;
  errors?: Array<{ message: string; extensions?: { code?: string; limit?: string } }>;
}

/** Posts one operation (STARGRAPH_TOKEN as bearer token); GraphQL errors are thrown as one Error. */
async function postGraphql(
  fetcher: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  query: string,
  variables: Variables,
): Promise<Record<string, unknown>> {
  const token = process.env.STARGRAPH_TOKEN;
  const response = await fetcher(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphqlBody;
  if (!body.errors?.length) return body.data ?? {};
  const describe = ({ message, extensions }: NonNullable<GraphqlBody['errors']>[number]) => {
    const limit = extensions?.limit && !message.includes(extensions.limit) ? ` (${extensions.limit})` : '';
    return `${extensions?.code ?? 'ERROR'}: ${message}${limit}`;
  };
  throw new Error(body.errors.map(describe).join('\n'));
}

/** A GraphQL caller: the running server at STARGRAPH_URL, or `yoga.fetch` in-process. */
async function openRunner(config: Config): Promise<{ run: RunOperation; close(): Promise<void> }> {
  const remote = process.env.STARGRAPH_URL;
  if (remote) {
    const url = /\/graphql\/?$/.test(remote) ? remote : `${remote.replace(/\/$/, '')}/graphql`;
    return { run: (query, variables) => postGraphql(fetch, url, query, variables), close: async () => {} };
  }
  // Start-up logs would drown the answer; only warnings and errors unless asked for.
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const { openGraph } = await import('../open-graph.js');
  const { createServer } = await import('../server.js');
  // A read-only command: never seed someone else's empty database (the local one is fine).
  const opened = await openGraph({ ...config, seedOnEmpty: config.seedOnEmpty && !config.neo4j.uri }, logger);
  const yoga = createServer({ config, graph: opened.graph, logger });
  const fetcher = (url: string, init: RequestInit) => Promise.resolve(yoga.fetch(url, init));
  return {
    run: (query, variables) => postGraphql(fetcher, 'http://stargraph.local/graphql', query, variables),
    close: () => opened.close(),
  };
}

export async function runQuery(argv: string[], { config }: CommandContext): Promise<void> {
  const command = parseQueryArgs(argv);
  if (!command) {
    console.log(`Usage: ${QUERY_USAGE}`);
    return;
  }
  const runner = await openRunner(config);
  try {
    console.log(await answerQuery(runner.run, command));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  } finally {
    await runner.close();
  }
}
