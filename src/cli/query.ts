/**
 * `npm run query -- <command> ...`: the analyst traversals as readable text, through the
 * GraphQL API (the same bounds, errors and timeouts as any client). With STARGRAPH_URL it asks
 * that running server; otherwise it builds the server in-process on the graph `openGraph`
 * opens (the project's local Neo4j when NEO4J_URI is unset) and calls `yoga.fetch`.
 */
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';

export const QUERY_USAGE = `Usage: npm run query -- <command> [arguments] [--flag value ...]
  path <from> <to> [--max-hops 6] [--types LEADS,PARTY_TO]   shortest path
  paths <from> <to> [--max-hops 4] [--first 10]               simple paths, shortest first
  neighbors <entity> [--depth 1] [--limit 200] [--types ...]  neighbourhood
  common <a> <b> [--first 50]                                 common neighbours
  rank <degree|deal-value> [--kinds company,project] [--first 10] [--within <entity> --depth 2]
  money <from> [--max-hops 4] [--first 10]                    where an entity's money goes
  stats <company>                                             deal statistics
Entities are slugs (openai, sam-altman) or global IDs. STARGRAPH_URL=http://host:4000 uses a running server.`;

type Variables = Record<string, unknown>;
/** Runs one GraphQL operation (in process or over HTTP). */
type RunOperation = (query: string, variables: Variables) => Promise<Record<string, unknown>>;

interface EntityJson {
  __typename: string;
  slug: string;
  name: string;
}
interface RelationshipJson {
  type: string;
  from: { slug: string };
  to: { slug: string };
  role: string | null;
  title: string | null;
  committedUsd: number | null;
  amountUsd: number | null;
}
interface PathJson {
  length: number;
  nodes: EntityJson[];
  relationships: RelationshipJson[];
}

class UsageError extends Error {}

const ENTITY = '__typename slug name';
const RELATIONSHIP = 'type role title committedUsd amountUsd from { slug } to { slug }';
const PATH = `length nodes { ${ENTITY} } relationships { ${RELATIONSHIP} }`;

/** Splits `a b --flag value` into positionals and flags. */
function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      i++;
    } else positional.push(arg);
  }
  return { positional, flags };
}

function intFlag(flags: Record<string, string>, name: string): number | undefined {
  if (flags[name] === undefined) return undefined;
  const value = Number(flags[name]);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number`);
  return value;
}

/** `leads,party-to` → ['LEADS', 'PARTY_TO'] (the server checks them against its enum). */
const enumList = (raw: string | undefined) =>
  raw
    ?.split(',')
    .map((s) => s.trim().toUpperCase().replace(/-/g, '_'))
    .filter(Boolean);

export const formatUsd = (usd: number): string => {
  const abs = Math.abs(usd);
  if (abs >= 1e12) return `$${(usd / 1e12).toFixed(abs >= 1e13 ? 0 : 1)}T`;
  if (abs >= 1e9) return `$${(usd / 1e9).toFixed(abs >= 1e10 ? 0 : 1)}bn`;
  if (abs >= 1e6) return `$${(usd / 1e6).toFixed(0)}m`;
  return `$${usd.toFixed(0)}`;
};

const entityLabel = (e: EntityJson) => `${e.name} (${e.__typename.toLowerCase()}, ${e.slug})`;

function relationshipDetails(r: RelationshipJson): string {
  const parts = [
    r.role && `role ${r.role}`,
    r.title,
    r.committedUsd != null && `committed ${formatUsd(r.committedUsd)}`,
    r.amountUsd != null && formatUsd(r.amountUsd),
  ];
  const shown = parts.filter(Boolean).join(', ');
  return shown ? ` (${shown})` : '';
}

/** A path as one entity per line with the relationship between them, arrows in its direction. */
export function formatPath(path: PathJson, indent = '  '): string {
  const lines = [`${indent}${entityLabel(path.nodes[0]!)}`];
  path.relationships.forEach((r, i) => {
    const forward = r.from.slug === path.nodes[i]!.slug;
    const arrow = forward ? `--${r.type}${relationshipDetails(r)}-->` : `<--${r.type}${relationshipDetails(r)}--`;
    lines.push(`${indent}  ${arrow}`, `${indent}${entityLabel(path.nodes[i + 1]!)}`);
  });
  return lines.join('\n');
}

const hops = (n: number) => `${n} hop${n === 1 ? '' : 's'}`;

/** Runs one query command and returns the text to print. */
export async function queryCommand(run: RunOperation, args: string[]): Promise<string> {
  const [command, ...rest] = args;
  const { positional, flags } = parseArgs(rest);
  const need = (n: number) => {
    if (positional.length !== n) throw new UsageError(`${command} takes ${n} argument${n === 1 ? '' : 's'}`);
    return positional;
  };
  switch (command) {
    case 'path': {
      const [from, to] = need(2);
      const data = await run(
        `query($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationshipType!]) {
          shortestPath(from: $from, to: $to, maxHops: $maxHops, types: $types) { ${PATH} } }`,
        {
          from,
          to,
          maxHops: intFlag(flags, 'max-hops') ?? 6,
          types: enumList(flags.types),
        },
      );
      const path = data.shortestPath as PathJson | null;
      if (!path) return `No path from ${from} to ${to} within ${intFlag(flags, 'max-hops') ?? 6} hops.`;
      return `Shortest path from ${path.nodes[0]!.name} to ${path.nodes.at(-1)!.name} (${hops(path.length)}):\n${formatPath(path)}`;
    }
    case 'paths': {
      const [from, to] = need(2);
      const data = await run(
        `query($from: ID!, $to: ID!, $maxHops: Int, $first: Int) {
          paths(from: $from, to: $to, maxHops: $maxHops, first: $first) { ${PATH} } }`,
        {
          from,
          to,
          maxHops: intFlag(flags, 'max-hops') ?? 4,
          first: intFlag(flags, 'first') ?? 10,
        },
      );
      const paths = data.paths as PathJson[];
      if (paths.length === 0) return `No path from ${from} to ${to} within ${intFlag(flags, 'max-hops') ?? 4} hops.`;
      return paths.map((p, i) => `${i + 1}. ${hops(p.length)}\n${formatPath(p, '   ')}`).join('\n');
    }
    case 'neighbors':
    case 'neighbours': {
      const [id] = need(1);
      const data = await run(
        `query($id: ID!, $depth: Int, $limit: Int, $types: [RelationshipType!]) {
          neighborhood(id: $id, depth: $depth, limit: $limit, types: $types) {
            truncated nodes { ${ENTITY} } relationships { ${RELATIONSHIP} } } }`,
        {
          id,
          depth: intFlag(flags, 'depth') ?? 1,
          limit: intFlag(flags, 'limit') ?? 200,
          types: enumList(flags.types),
        },
      );
      const sub = data.neighborhood as { truncated: boolean; nodes: EntityJson[]; relationships: RelationshipJson[] };
      const bySlug = new Map(sub.nodes.map((n) => [n.slug, n]));
      const center = sub.nodes[0]!;
      const lines = [
        `${entityLabel(center)}: ${sub.nodes.length - 1} neighbour${sub.nodes.length === 2 ? '' : 's'}${sub.truncated ? ' (cut at --limit; more are within reach)' : ''}`,
      ];
      for (const r of sub.relationships) {
        lines.push(
          `  ${bySlug.get(r.from.slug)?.name ?? r.from.slug} --${r.type}${relationshipDetails(r)}--> ${bySlug.get(r.to.slug)?.name ?? r.to.slug}`,
        );
      }
      return lines.join('\n');
    }
    case 'common': {
      const [a, b] = need(2);
      const data = await run(
        `query($a: ID!, $b: ID!, $first: Int) { commonNeighbors(a: $a, b: $b, first: $first) { ${ENTITY} } }`,
        {
          a,
          b,
          first: intFlag(flags, 'first') ?? 50,
        },
      );
      const common = data.commonNeighbors as EntityJson[];
      return common.length === 0
        ? `${a} and ${b} have no neighbour in common.`
        : [`Neighbours of both ${a} and ${b}:`, ...common.map((e) => `  ${entityLabel(e)}`)].join('\n');
    }
    case 'rank': {
      const [by] = need(1);
      const rankBy = by!.toUpperCase().replace(/-/g, '_');
      const data = await run(
        `query($by: RankBy!, $kinds: [EntityKind!], $first: Int, $within: ID, $depth: Int) {
          rank(by: $by, kinds: $kinds, first: $first, within: $within, depth: $depth) { score entity { ${ENTITY} } } }`,
        {
          by: rankBy,
          kinds: enumList(flags.kinds),
          first: intFlag(flags, 'first') ?? 10,
          within: flags.within,
          depth: intFlag(flags, 'depth') ?? 2,
        },
      );
      const ranked = data.rank as Array<{ score: number; entity: EntityJson }>;
      const score = (s: number) => (rankBy === 'DEAL_VALUE' ? formatUsd(s) : String(s));
      const title = `Ranked by ${by}${flags.kinds ? ` (${flags.kinds})` : ''}${flags.within ? ` around ${flags.within}` : ''}:`;
      return [
        title,
        ...ranked.map(
          (r, i) => `${String(i + 1).padStart(3)}. ${score(r.score).padStart(8)}  ${entityLabel(r.entity)}`,
        ),
      ].join('\n');
    }
    case 'money': {
      const [from] = need(1);
      const data = await run(
        `query($from: ID!, $maxHops: Int, $first: Int) { moneyFlows(from: $from, maxHops: $maxHops, first: $first) { ${PATH} } }`,
        {
          from,
          maxHops: intFlag(flags, 'max-hops') ?? 4,
          first: intFlag(flags, 'first') ?? 10,
        },
      );
      const flows = data.moneyFlows as PathJson[];
      if (flows.length === 0)
        return `No project or datacenter is reached by ${from}'s money within ${intFlag(flags, 'max-hops') ?? 4} hops.`;
      return flows
        .map(
          (p) =>
            `${p.nodes.at(-1)!.name} (${p.nodes.at(-1)!.__typename.toLowerCase()}), ${hops(p.length)}:\n${formatPath(p, '   ')}`,
        )
        .join('\n');
    }
    case 'stats': {
      const [company] = need(1);
      const data = await run(
        `query($slug: String!) { entity(slug: $slug) { ${ENTITY} ... on Company {
          dealStats { count totalValueUsd valuedCount asBuyer { count totalValueUsd } asSeller { count totalValueUsd } } } } }`,
        { slug: company },
      );
      const entity = data.entity as
        | (EntityJson & {
            dealStats?: {
              count: number;
              totalValueUsd: number;
              valuedCount: number;
              asBuyer: { count: number; totalValueUsd: number };
              asSeller: { count: number; totalValueUsd: number };
            };
          })
        | null;
      if (!entity) return `No entity "${company}".`;
      if (!entity.dealStats) return `${entityLabel(entity)} is not a company.`;
      const s = entity.dealStats;
      return [
        `${entityLabel(entity)}: ${s.count} deal${s.count === 1 ? '' : 's'}, ${formatUsd(s.totalValueUsd)} (${s.valuedCount} with a known value)`,
        `  as buyer:  ${s.asBuyer.count}, ${formatUsd(s.asBuyer.totalValueUsd)}`,
        `  as seller: ${s.asSeller.count}, ${formatUsd(s.asSeller.totalValueUsd)}`,
      ].join('\n');
    }
    default:
      throw new UsageError(command ? `Unknown query command "${command}"` : 'Which query?');
  }
}

/** A GraphQL caller: the running server at STARGRAPH_URL, or `yoga.fetch` in-process. */
async function postGraphql(
  fetcher: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  query: string,
  variables: Variables,
) {
  const response = await fetcher(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(process.env.STARGRAPH_TOKEN ? { authorization: `Bearer ${process.env.STARGRAPH_TOKEN}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: Array<{ message: string; extensions?: { code?: string; limit?: string } }>;
  };
  if (body.errors?.length) {
    const describe = (e: NonNullable<typeof body.errors>[number]) =>
      `${e.extensions?.code ?? 'ERROR'}: ${e.message}${e.extensions?.limit && !e.message.includes(e.extensions.limit) ? ` (${e.extensions.limit})` : ''}`;
    throw new Error(body.errors.map(describe).join('\n'));
  }
  return body.data ?? {};
}

export async function runQueryCommand(config: Config, _logger: Logger, args: string[]): Promise<void> {
  if (args.length === 0 || args[0] === '--help' || args[0] === 'help') {
    console.log(QUERY_USAGE);
    return;
  }
  const remote = process.env.STARGRAPH_URL;
  // Start-up logs would drown the answer; only warnings and errors unless asked for.
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  let close = async () => {};
  let run: RunOperation;
  if (remote) {
    const url = /\/graphql\/?$/.test(remote) ? remote : `${remote.replace(/\/$/, '')}/graphql`;
    run = (query, variables) => postGraphql(fetch, url, query, variables);
  } else {
    const { openGraph } = await import('../open-graph.js');
    const { createServer } = await import('../server.js');
    // A read-only command: never seed someone else's empty database (the local one is fine).
    const opened = await openGraph({ ...config, seedOnEmpty: config.seedOnEmpty && !config.neo4j.uri }, logger);
    const yoga = createServer({ config, graph: opened.graph, logger });
    run = (query, variables) =>
      postGraphql(
        (url, init) => Promise.resolve(yoga.fetch(url, init)),
        'http://stargraph.local/graphql',
        query,
        variables,
      );
    close = () => opened.close();
  }
  try {
    console.log(await queryCommand(run, args));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${QUERY_USAGE}`);
      process.exitCode = 2;
    } else {
      console.error((error as Error).message);
      process.exitCode = 1;
    }
  } finally {
    await close();
  }
}
