/**
 * The questions `npm run query` answers, one entry each: its arguments and flags, its GraphQL
 * operation, the root field holding the answer (what `--json` prints) and the answer as text.
 * Flags left out take the schema's defaults (TRAVERSAL_DEFAULTS), which the text also states.
 */
import { TRAVERSAL_DEFAULTS as D } from '../graph/traversals.js';
import {
  ENTITY,
  type EntityJson,
  entityLabel,
  formatPath,
  formatUsd,
  hops,
  PATH,
  type PathJson,
  plural,
  RELATIONSHIP,
  type RelationshipJson,
  relationshipDetails,
} from './query-format.js';

/** The flags of any question, numbers already checked. */
export interface QueryFlags {
  maxHops?: number;
  first?: number;
  depth?: number;
  limit?: number;
  /** Comma-separated relationship types, as typed. */
  types?: string;
  /** Comma-separated entity kinds, as typed. */
  kinds?: string;
  within?: string;
}

export type QueryFlagName = keyof QueryFlags;

export interface QueryKind<Answer> {
  /** The positional arguments, as the usage names them. */
  arguments: readonly string[];
  flags: readonly QueryFlagName[];
  /** Flags with their defaults, as the usage shows them. */
  usage: string;
  description: string;
  operation: string;
  variables(args: string[], flags: QueryFlags): Record<string, unknown>;
  /** The root field of the operation that holds the answer. */
  field: string;
  text(answer: Answer, args: string[], flags: QueryFlags): string;
}

const kind = <Answer>(k: QueryKind<Answer>) => k as unknown as QueryKind<unknown>;

/** `leads,party-to` → ['LEADS', 'PARTY_TO'] (the server checks them against its enum). */
const enumList = (raw: string | undefined) =>
  raw
    ?.split(',')
    .map((s) => s.trim().toUpperCase().replace(/-/g, '_'))
    .filter(Boolean);

const path = kind<PathJson | null>({
  arguments: ['from', 'to'],
  flags: ['maxHops', 'types'],
  usage: `[--max-hops ${D.shortestPath.maxHops}] [--types LEADS,PARTY_TO]`,
  description: 'shortest path',
  operation: `query($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationshipType!]) {
    shortestPath(from: $from, to: $to, maxHops: $maxHops, types: $types) { ${PATH} } }`,
  variables: ([from, to], f) => ({ from, to, maxHops: f.maxHops ?? D.shortestPath.maxHops, types: enumList(f.types) }),
  field: 'shortestPath',
  text: (p, [from, to], f) =>
    p
      ? `Shortest path from ${p.nodes[0]!.name} to ${p.nodes.at(-1)!.name} (${hops(p.length)}):\n${formatPath(p)}`
      : `No path from ${from} to ${to} within ${f.maxHops ?? D.shortestPath.maxHops} hops.`,
});

const paths = kind<PathJson[]>({
  arguments: ['from', 'to'],
  flags: ['maxHops', 'first'],
  usage: `[--max-hops ${D.paths.maxHops}] [--first ${D.paths.first}]`,
  description: 'simple paths, shortest first',
  operation: `query($from: ID!, $to: ID!, $maxHops: Int, $first: Int) {
    paths(from: $from, to: $to, maxHops: $maxHops, first: $first) { ${PATH} } }`,
  variables: ([from, to], f) => ({ from, to, maxHops: f.maxHops ?? D.paths.maxHops, first: f.first ?? D.paths.first }),
  field: 'paths',
  text: (found, [from, to], f) =>
    found.length === 0
      ? `No path from ${from} to ${to} within ${f.maxHops ?? D.paths.maxHops} hops.`
      : found.map((p, i) => `${i + 1}. ${hops(p.length)}\n${formatPath(p, '   ')}`).join('\n'),
});

interface SubgraphJson {
  truncated: boolean;
  nodes: EntityJson[];
  relationships: RelationshipJson[];
}

const neighbors = kind<SubgraphJson>({
  arguments: ['entity'],
  flags: ['depth', 'limit', 'types'],
  usage: `[--depth ${D.neighborhood.depth}] [--limit ${D.neighborhood.limit}] [--types ...]`,
  description: 'neighbourhood',
  operation: `query($id: ID!, $depth: Int, $limit: Int, $types: [RelationshipType!]) {
    neighborhood(id: $id, depth: $depth, limit: $limit, types: $types) {
      truncated nodes { ${ENTITY} } relationships { ${RELATIONSHIP} } } }`,
  variables: ([id], f) => ({
    id,
    depth: f.depth ?? D.neighborhood.depth,
    limit: f.limit ?? D.neighborhood.limit,
    types: enumList(f.types),
  }),
  field: 'neighborhood',
  text: (sub) => {
    const name = new Map(sub.nodes.map((n) => [n.slug, n.name]));
    const cut = sub.truncated ? ' (cut at --limit; more are within reach)' : '';
    const lines = [`${entityLabel(sub.nodes[0]!)}: ${plural(sub.nodes.length - 1, 'neighbour')}${cut}`];
    for (const r of sub.relationships) {
      const [from, to] = [name.get(r.from.slug) ?? r.from.slug, name.get(r.to.slug) ?? r.to.slug];
      lines.push(`  ${from} --${r.type}${relationshipDetails(r)}--> ${to}`);
    }
    return lines.join('\n');
  },
});

const common = kind<EntityJson[]>({
  arguments: ['a', 'b'],
  flags: ['first'],
  usage: `[--first ${D.commonNeighbors.first}]`,
  description: 'common neighbours',
  operation: `query($a: ID!, $b: ID!, $first: Int) { commonNeighbors(a: $a, b: $b, first: $first) { ${ENTITY} } }`,
  variables: ([a, b], f) => ({ a, b, first: f.first ?? D.commonNeighbors.first }),
  field: 'commonNeighbors',
  text: (found, [a, b]) =>
    found.length === 0
      ? `${a} and ${b} have no neighbour in common.`
      : [`Neighbours of both ${a} and ${b}:`, ...found.map((e) => `  ${entityLabel(e)}`)].join('\n'),
});

const rankBy = (by: string) => by.toUpperCase().replace(/-/g, '_');

const rank = kind<Array<{ score: number; entity: EntityJson }>>({
  arguments: ['degree|deal-value'],
  flags: ['kinds', 'first', 'within', 'depth'],
  usage: `[--kinds company,project] [--first ${D.rank.first}] [--within <entity> --depth ${D.rank.depth}]`,
  description: 'entities ranked by a score',
  operation: `query($by: RankBy!, $kinds: [EntityKind!], $first: Int, $within: ID, $depth: Int) {
    rank(by: $by, kinds: $kinds, first: $first, within: $within, depth: $depth) { score entity { ${ENTITY} } } }`,
  variables: ([by], f) => ({
    by: rankBy(by!),
    kinds: enumList(f.kinds),
    first: f.first ?? D.rank.first,
    within: f.within,
    depth: f.depth ?? D.rank.depth,
  }),
  field: 'rank',
  text: (ranked, [by], f) => {
    const score = (s: number) => (rankBy(by!) === 'DEAL_VALUE' ? formatUsd(s) : String(s));
    const title = `Ranked by ${by}${f.kinds ? ` (${f.kinds})` : ''}${f.within ? ` around ${f.within}` : ''}:`;
    const line = (r: (typeof ranked)[number], i: number) =>
      `${String(i + 1).padStart(3)}. ${score(r.score).padStart(8)}  ${entityLabel(r.entity)}`;
    return [title, ...ranked.map(line)].join('\n');
  },
});

const money = kind<PathJson[]>({
  arguments: ['from'],
  flags: ['maxHops', 'first'],
  usage: `[--max-hops ${D.moneyFlows.maxHops}] [--first ${D.moneyFlows.first}]`,
  description: "where an entity's money goes",
  operation: `query($from: ID!, $maxHops: Int, $first: Int) {
    moneyFlows(from: $from, maxHops: $maxHops, first: $first) { ${PATH} } }`,
  variables: ([from], f) => ({
    from,
    maxHops: f.maxHops ?? D.moneyFlows.maxHops,
    first: f.first ?? D.moneyFlows.first,
  }),
  field: 'moneyFlows',
  text: (flows, [from], f) => {
    if (flows.length === 0) {
      const within = f.maxHops ?? D.moneyFlows.maxHops;
      return `No project or datacenter is reached by ${from}'s money within ${within} hops.`;
    }
    const flow = (p: PathJson) => {
      const end = p.nodes.at(-1)!;
      return `${end.name} (${end.__typename.toLowerCase()}), ${hops(p.length)}:\n${formatPath(p, '   ')}`;
    };
    return flows.map(flow).join('\n');
  },
});

interface DealSideJson {
  count: number;
  totalValueUsd: number;
}
type DealStatsJson = DealSideJson & { valuedCount: number; asBuyer: DealSideJson; asSeller: DealSideJson };

const stats = kind<(EntityJson & { dealStats?: DealStatsJson }) | null>({
  arguments: ['company'],
  flags: [],
  usage: '',
  description: 'deal statistics',
  operation: `query($slug: String!) { entity(slug: $slug) { ${ENTITY} ... on Company { dealStats {
    count totalValueUsd valuedCount asBuyer { count totalValueUsd } asSeller { count totalValueUsd } } } } }`,
  variables: ([slug]) => ({ slug }),
  field: 'entity',
  text: (entity, [company]) => {
    if (!entity) return `No entity "${company}".`;
    if (!entity.dealStats) return `${entityLabel(entity)} is not a company.`;
    const s = entity.dealStats;
    const total = `${formatUsd(s.totalValueUsd)} (${s.valuedCount} with a known value)`;
    return [
      `${entityLabel(entity)}: ${plural(s.count, 'deal')}, ${total}`,
      `  as buyer:  ${s.asBuyer.count}, ${formatUsd(s.asBuyer.totalValueUsd)}`,
      `  as seller: ${s.asSeller.count}, ${formatUsd(s.asSeller.totalValueUsd)}`,
    ].join('\n');
  },
});

/** Every question by its command name (`neighbours` is `neighbors`). */
export const QUERY_KINDS: Readonly<Record<string, QueryKind<unknown>>> = {
  path,
  paths,
  neighbors,
  neighbours: neighbors,
  common,
  rank,
  money,
  stats,
};
