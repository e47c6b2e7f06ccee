/**
 * Analyst traversals (SPEC section 2, "Traversals"): shortest path, simple paths, neighbourhood,
 * rankings, communities, common neighbours, deal statistics and money flows. PageRank,
 * betweenness and communities are computed in a worker thread (algorithm-workers.ts, with
 * ALGORITHM_TIMEOUT_MS) on a neighbourhood fetched here by one bounded statement, never on the
 * whole graph.
 *
 * Every statement is bounded twice: by the configured maxima (a request over one is refused with
 * LIMIT_EXCEEDED naming it, never cut silently) and by a transaction timeout
 * (TRAVERSAL_TIMEOUT_MS) that Neo4j enforces, so a traversal that would explode is stopped on
 * the server and answers TIMEOUT while other requests go on.
 *
 * Cypher cannot take a variable-length bound, a `SHORTEST k`, a label or a relationship type as
 * a parameter, so those parts of the text are built here from validated integers and from the
 * names in model.ts, never from request text. Everything else is a parameter.
 *
 * Traversals stay between entities: they follow the entity relationship types only (never
 * MENTIONS or CITES) and every node they pass through is an `Entity`.
 */
import { HELD_ENTITY } from '../claims/model.js';
import { heldAt, propertyAt, relationshipPropertyAt, timeParams, typesAt, type TimeSlice } from '../claims/time.js';
import type { Config } from '../config.js';
import { ErrorCode, StargraphError, badInput, limitExceeded, timedOut } from '../errors.js';
import type { Db, Row, RunOptions } from '../neo4j/db.js';
import { algorithmWorkers } from './algorithm-workers.js';
import { CENTRALITIES, isCentrality } from './algorithms.js';
import { entityProjection, toEntityRow, type EntityRow } from './entities.js';
import { withoutPageKeys } from './page-keys.js';
import {
  entityProjectionAt,
  heldStep,
  labelsAt,
  relationshipProjectionAt,
  toEntityRowAt,
  toRelationshipRowAt,
  typeExpressionAt,
} from './time-reads.js';
import {
  compareByNameThenId,
  type CommunitiesResult,
  type DealStatsRow,
  type PathRow,
  type RankedRow,
  type RelationshipRow,
  type SubgraphRow,
} from './rows.js';
import {
  BUYER_ROLES,
  ENTITY_KINDS,
  ENTITY_RELATIONSHIP_TYPES,
  SELLER_ROLES,
  isRelationshipType,
  kindToLabel,
  type EntityKind,
  type EntityLabel,
  type RelationshipType,
} from './model.js';

export type TraversalLimits = Config['limits'];

/**
 * Default argument values of the traversal fields (src/schema/traversals.ts), stated once: each
 * is the schema's `defaultValue` (what a client that omits the argument gets) and what the
 * resolver uses when a client sends an explicit `null`.
 */
export const TRAVERSAL_DEFAULTS = {
  shortestPath: {
    /** @default 6 */
    maxHops: 6,
  },
  paths: {
    /** @default 4 */
    maxHops: 4,
    /** @default 10 */
    first: 10,
  },
  neighborhood: {
    /** @default 1 */
    depth: 1,
    /** @default 200 */
    limit: 200,
  },
  commonNeighbors: {
    /** @default 50 */
    first: 50,
  },
  rank: {
    /** @default 10 */
    first: 10,
    /** Hops around `within`. @default 2 */
    depth: 2,
  },
  communities: {
    /** Hops around `within`. @default 2 */
    depth: 2,
  },
  moneyFlows: {
    /** @default 4 */
    maxHops: 4,
    /** @default 10 */
    first: 10,
  },
} as const;

export const RANK_BY = ['DEGREE', 'DEAL_VALUE', ...CENTRALITIES] as const;
export type RankBy = (typeof RANK_BY)[number];

// ---------------------------------------------------------------------------------------------
// Bounds and the parts of Cypher text built from validated values

/** A whole number in [min, max]; over max is LIMIT_EXCEEDED naming the bound, under min is bad input. */
export function checkBound(argName: string, value: number, max: number, limit: string, min = 1): number {
  if (!Number.isInteger(value) || value < min)
    throw badInput(`${argName} must be a whole number of at least ${min} (got ${value})`, { argumentName: argName });
  if (value > max) throw limitExceeded(limit, max, value, argName);
  return value;
}

/** The transaction options every traversal runs with. */
export const traversalRun = (limits: TraversalLimits): RunOptions & { timeoutMs: number } => ({
  timeoutMs: limits.traversalTimeoutMs,
  timeoutLimit: 'TRAVERSAL_TIMEOUT_MS',
});

/**
 * Every traversal statement: a read with its transaction timeout, that ANSWERS TIMEOUT at that
 * timeout whether or not Neo4j has stopped it, and abandons the statement then: its session is
 * closed, so Neo4j is told to terminate the transaction at once rather than when its transaction
 * monitor next looks (about every 2 s, db.transaction.monitor.check.interval), and the
 * connection goes back to the pool as soon as the statement has stopped. A running query stops
 * only where it checks for termination, which is why neighbourhoods are searched breadth first
 * by plain expansions (`breadthFirst`) rather than by `ANY SHORTEST` to every entity
 * (docs/decisions/2026-12-07-traversal-timeouts.md). The request does not wait for that.
 */
export async function traversalRead(
  db: Db,
  cypher: string,
  params: Row,
  options: RunOptions & { timeoutMs: number },
): Promise<Row[]> {
  const abandon = new AbortController();
  const query = db.read(cypher, params, { ...options, signal: abandon.signal });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = timedOut(options.timeoutLimit ?? 'TRAVERSAL_TIMEOUT_MS', options.timeoutMs);
      abandon.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
    query.catch(() => {}); // an abandoned statement's late error goes nowhere
  }
}

/**
 * `:A|B|C` for the relationship types a traversal may follow: the asked types (enum values,
 * checked again against model.ts) or, by default, every entity relationship type.
 */
export function relationshipTypeExpression(types?: readonly string[] | null, time = false): string {
  const asked = types && types.length > 0 ? [...new Set(types)].sort() : ENTITY_RELATIONSHIP_TYPES;
  for (const type of asked) {
    if (!isRelationshipType(type)) throw badInput(`Unknown relationship type "${String(type).slice(0, 50)}"`);
    if (!(ENTITY_RELATIONSHIP_TYPES as readonly string[]).includes(type)) {
      throw badInput(`${type} links sources; traversals follow relationships between entities only`, {
        argumentName: 'types',
      });
    }
  }
  return time ? typeExpressionAt(asked as RelationshipType[]) : `:${asked.join('|')}`;
}

/**
 * `:Company|Project` for the asked kinds (labels from model.ts), `:Entity` when none; in a time
 * read with their held-back labels too (`:Company|HCompany`).
 */
export function labelExpression(kinds?: readonly EntityKind[] | null, time = false): string {
  const labels: (EntityLabel | 'Entity')[] =
    !kinds || kinds.length === 0
      ? ['Entity']
      : [...new Set(kinds)].map((kind) => {
          const label = (ENTITY_KINDS as readonly string[]).includes(kind) ? kindToLabel(kind) : undefined;
          if (!label) throw badInput(`Unknown entity kind "${String(kind).slice(0, 50)}"`, { argumentName: 'kinds' });
          return label;
        });
  return `:${time ? labelsAt(labels) : labels.join('|')}`;
}

/** The label every node of a traversal has: `Entity`, or `Entity|HEntity` in a time read. */
const entityLabel = (time: TimeSlice | null) => (time ? `Entity|${HELD_ENTITY}` : 'Entity');

/** One hop of a quantified path pattern over `types` (a type expression) to an entity. */
const stepPattern = (types: string, time: TimeSlice | null) => (time ? heldStep(types) : `(()-[${types}]-(:Entity))`);

/** ` AND <x held at the slice>` in a time read, nothing in a plain read. */
const andHeld = (time: TimeSlice | null, ...xs: string[]) => (time ? xs.map((x) => ` AND ${heldAt(x)}`).join('') : '');

// ---------------------------------------------------------------------------------------------
// Projections shared by every path-shaped answer

const relationshipProjection = (r: string) =>
  `{ id: elementId(${r}), type: type(${r}), from: startNode(${r}).id, to: endNode(${r}).id, ` +
  `properties: properties(${r}) }`;

/** How a read projects entity node `n`: as it is today, or with its values at the slice. */
const entityAt = (n: string, time: TimeSlice | null) => (time ? entityProjectionAt(n) : entityProjection(n));
const relationshipAt = (r: string, time: TimeSlice | null) =>
  time ? relationshipProjectionAt(r) : relationshipProjection(r);

/** Cypher returning `nodes` and `relationships` of path `p`, in path order. */
const pathReturn = (p: string, time: TimeSlice | null = null) =>
  `[n IN nodes(${p}) | ${entityAt('n', time)}] AS nodes, ` +
  `[r IN relationships(${p}) | ${relationshipAt('r', time)}] AS relationships`;

/** The same as one map value. */
const pathMap = (p: string, time: TimeSlice | null = null) =>
  `{ nodes: [n IN nodes(${p}) | ${entityAt('n', time)}], ` +
  `relationships: [r IN relationships(${p}) | ${relationshipAt('r', time)}] }`;

/** Relationship rows as users see them: the page keys (page-keys.ts) left out; at the slice. */
const toRelationshipRows = (value: unknown, time: TimeSlice | null = null): RelationshipRow[] =>
  time
    ? (value as unknown[]).map((r) => toRelationshipRowAt(r, time))
    : (value as RelationshipRow[]).map((r) => ({ ...r, properties: withoutPageKeys(r.properties) }));

/** Entity rows as read, stamped with the slice in a time read. */
const toEntityRows = (value: unknown, time: TimeSlice | null = null): EntityRow[] =>
  (value as unknown[]).map((n) => (time ? toEntityRowAt(n, time) : toEntityRow(n)));

function toPathRow(row: Row, time: TimeSlice | null = null): PathRow {
  const relationships = toRelationshipRows(row.relationships, time);
  return { length: relationships.length, nodes: toEntityRows(row.nodes, time), relationships };
}

/** The zero-length path from an entity to itself. */
const trivialPath = (entity: EntityRow): PathRow => ({ length: 0, nodes: [entity], relationships: [] });

// ---------------------------------------------------------------------------------------------
// Paths

export interface ShortestPathArgs {
  from: EntityRow;
  to: EntityRow;
  maxHops: number;
  types?: readonly RelationshipType[] | null;
  /** The slice to read at; absent or null: today, as known now. */
  time?: TimeSlice | null;
}

/**
 * One shortest path (any of them when several tie), or null when none within maxHops.
 * `shortestPath()`, which searches from both ends at once, not `SHORTEST 1`, which searches from
 * one end (docs/decisions/2026-12-07-shortest-path.md). The entity relationship types never
 * touch a Source, so every node on the path is an entity.
 */
export async function shortestPath(db: Db, limits: TraversalLimits, args: ShortestPathArgs): Promise<PathRow | null> {
  const hops = checkBound('maxHops', args.maxHops, limits.maxHops, 'MAX_HOPS');
  const time = args.time ?? null;
  const types = relationshipTypeExpression(args.types, !!time);
  if (args.from.id === args.to.id) return trivialPath(args.from);
  const L = entityLabel(time);
  // In a time read every hop and node is held at the slice: predicates over all of the path's
  // relationships and nodes, which shortestPath() applies while it searches.
  const held = time
    ? `\n     WHERE all(r IN relationships(p) WHERE ${heldAt('r')}) AND all(n IN nodes(p) WHERE ${heldAt('n')})`
    : '';
  const rows = await traversalRead(
    db,
    `MATCH (a:${L} {id: $from}), (b:${L} {id: $to})
     MATCH p = shortestPath((a)-[${types}*1..${hops}]-(b))${held}
     RETURN ${pathReturn('p', time)}`,
    { from: args.from.id, to: args.to.id, ...timeParams(time) },
    traversalRun(limits),
  );
  return rows[0] ? toPathRow(rows[0], time) : null;
}

export interface PathsArgs extends ShortestPathArgs {
  first: number;
}

/**
 * Up to `first` simple paths (no entity twice), shortest first, ties by entity names.
 *
 * Neo4j 5.26 has no "different nodes" match mode, and asking `SHORTEST k` for simple paths
 * directly makes it trace every trail in memory, which ignores the transaction timeout (a
 * dense hub kept it busy for minutes). So:
 * 1. `SHORTEST k` trails, a bounded breadth-first search the timeout does stop, keeping the
 *    simple ones. Every trail shorter than the longest one found is among them, so once
 *    `first` simple paths are found (or fewer than k trails exist) the answer is right; when
 *    more paths tie on the last length than fit, which of them come back is up to Neo4j.
 *    Too few simple ones (many trails loop through hubs): again with a larger k.
 * 2. Still too few: enumerate trails up to maxHops with the simple-path filter; exact, and
 *    stopped by the timeout when it explodes.
 * All steps share one TRAVERSAL_TIMEOUT_MS budget.
 */
export async function simplePaths(db: Db, limits: TraversalLimits, args: PathsArgs): Promise<PathRow[]> {
  const hops = checkBound('maxHops', args.maxHops, limits.maxHops, 'MAX_HOPS');
  const first = checkBound('first', args.first, limits.maxPaths, 'MAX_PATHS');
  const time = args.time ?? null;
  const step = stepPattern(relationshipTypeExpression(args.types, !!time), time);
  const L = entityLabel(time);
  if (args.from.id === args.to.id) return [trivialPath(args.from)];
  const params = { from: args.from.id, to: args.to.id, first, ...timeParams(time) };
  const deadline = performance.now() + limits.traversalTimeoutMs;
  const budget = (): RunOptions & { timeoutMs: number } => {
    const left = Math.floor(deadline - performance.now());
    if (left <= 0) throw timedOut('TRAVERSAL_TIMEOUT_MS', limits.traversalTimeoutMs);
    return { timeoutMs: left, timeoutLimit: 'TRAVERSAL_TIMEOUT_MS' };
  };
  const translateTimeout = (error: unknown) => {
    // A step stopped by the remaining budget reports the whole budget.
    if (error instanceof StargraphError && error.extensions.code === ErrorCode.TIMEOUT)
      throw timedOut('TRAVERSAL_TIMEOUT_MS', limits.traversalTimeoutMs);
    throw error;
  };

  for (const k of [first * 2, first * 8, first * 32]) {
    const trails = await traversalRead(
      db,
      `MATCH (a:${L} {id: $from}), (b:${L} {id: $to})
       MATCH p = SHORTEST ${k} (a)${step}{1,${hops}}(b)
       WITH p, ${simplePathCondition('p')} AS simple
       RETURN CASE WHEN simple THEN ${pathMap('p', time)} END AS path`,
      params,
      budget(),
    ).catch(translateTimeout);
    const simple = trails.filter((t) => t.path !== null).map((t) => toPathRow(t.path as Row, time));
    if (simple.length >= first || trails.length < k) return sortPaths(simple).slice(0, first);
  }

  const rows = await traversalRead(
    db,
    `MATCH (a:${L} {id: $from}), (b:${L} {id: $to})
     MATCH p = (a)${step}{1,${hops}}(b)
     WHERE ${simplePathCondition('p')}
     WITH p ORDER BY length(p), [n IN nodes(p) | n.name], [n IN nodes(p) | n.id]
     LIMIT toInteger($first)
     RETURN ${pathMap('p', time)} AS path`,
    params,
    budget(),
  ).catch(translateTimeout);
  return rows.map((r) => toPathRow(r.path as Row, time));
}

/** Cypher: path `p` visits no entity twice. */
const simplePathCondition = (p: string) =>
  `all(i IN range(1, length(${p})) WHERE NOT nodes(${p})[i] IN nodes(${p})[0..i])`;

/** Shortest first, then by entity names, then ids: the order `paths` promises. */
function sortPaths(paths: PathRow[]): PathRow[] {
  const key = (p: PathRow) => [p.nodes.map((n) => n.name), p.nodes.map((n) => n.id)];
  const compareLists = (x: string[], y: string[]) => {
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return x.length - y.length;
  };
  return [...paths].sort((p, q) => {
    if (p.length !== q.length) return p.length - q.length;
    const [pn, pi] = key(p);
    const [qn, qi] = key(q);
    return compareLists(pn!, qn!) || compareLists(pi!, qi!);
  });
}

// ---------------------------------------------------------------------------------------------
// Neighbourhood

export interface NeighborhoodArgs {
  center: EntityRow;
  depth: number;
  limit: number;
  types?: readonly RelationshipType[] | null;
  time?: TimeSlice | null;
}

/**
 * Breadth-first neighbourhood: the center, then entities by distance up to `limit` nodes in all,
 * and every relationship (of the followed types) among the nodes kept. `truncated` says that
 * more entities were within `depth` than `limit` allowed. The search is `breadthFirst`'s; the
 * kept ones come back by distance, then name.
 */
export async function neighborhood(db: Db, limits: TraversalLimits, args: NeighborhoodArgs): Promise<SubgraphRow> {
  const depth = checkBound('depth', args.depth, limits.maxNeighborhoodDepth, 'MAX_NEIGHBORHOOD_DEPTH');
  const limit = checkBound('limit', args.limit, limits.maxNeighborhoodLimit, 'MAX_NEIGHBORHOOD_LIMIT');
  const time = args.time ?? null;
  const types = relationshipTypeExpression(args.types, !!time);
  const L = entityLabel(time);
  const rows = await traversalRead(
    db,
    // Up to `limit` entities besides the center: one more than fit tells whether the limit cut.
    `MATCH (a:${L} {id: $id})
     ${breadthFirst('a', depth, types, time, '$limit', 'found')}
     WITH a, found[0..toInteger($limit) - 1] AS kept, size(found) >= $limit AS truncated
     WITH [a] + kept AS ns, truncated
     CALL (ns) {
       UNWIND ns AS x
       MATCH (x)-[r${types}]->(y:${L})
       WHERE y IN ns${andHeld(time, 'r')}
       RETURN collect(${relationshipAt('r', time)}) AS relationships
     }
     RETURN [n IN ns | ${entityAt('n', time)}] AS nodes, relationships, truncated`,
    { id: args.center.id, limit, ...timeParams(time) },
    traversalRun(limits),
  );
  const row = rows[0];
  if (!row) return { nodes: [args.center], relationships: [], truncated: false };
  return {
    nodes: toEntityRows(row.nodes, time),
    relationships: toRelationshipRows(row.relationships, time),
    truncated: row.truncated as boolean,
  };
}

/**
 * A subquery binding `out` to up to `limit` entities (a parameter) within `depth` hops of
 * `center` over `types`, nearest first (by name within a distance), the center left out.
 *
 * One expansion per distance from the entities found at the one before, each a plain
 * expand-distinct-limit pipeline that Neo4j stops when told (a TIMEOUT abandons it at once) and
 * that reads at most the relationships of the entities kept so far. `ANY SHORTEST` to every
 * reachable entity, the obvious form, enumerated trails through a dense cluster and did not check
 * for termination until it ended (82 s for depth 3 in a 250-company clique;
 * docs/decisions/2026-12-07-traversal-timeouts.md).
 *
 * Within a distance, the first 2 * limit + 1 distinct neighbours are enough: at most limit + 1 of
 * them (the center and the entities found so far) are not new, which leaves at least the limit's
 * worth of new ones whenever that many exist. When the limit cuts through a distance, which of its
 * entities are kept is up to Neo4j.
 */
function breadthFirst(
  center: string,
  depth: number,
  types: string,
  time: TimeSlice | null,
  limit: `$${string}`,
  out: string,
): string {
  const L = entityLabel(time);
  const level = `
       CALL (seen, frontier) {
         UNWIND frontier AS f
         MATCH (f)-[r${types}]-(n:${L})${time ? ` WHERE ${heldAt('r')} AND ${heldAt('n')}` : ''}
         WITH DISTINCT n LIMIT 2 * toInteger(${limit}) + 1
         WITH n WHERE NOT n IN seen
         WITH n LIMIT toInteger(${limit})
         WITH n ORDER BY n.name, n.id
         RETURN collect(n) AS near
       }
       WITH seen, seen + near[0..toInteger(${limit}) + 1 - size(seen)] AS grown
       WITH grown AS seen, CASE WHEN size(grown) > toInteger(${limit}) THEN [] ELSE grown[size(seen)..] END AS frontier`;
  return `CALL (${center}) {
       WITH [${center}] AS seen, [${center}] AS frontier${level.repeat(depth)}
       RETURN seen[1..] AS ${out}
     }`;
}

// ---------------------------------------------------------------------------------------------
// Common neighbours

export interface CommonNeighborsArgs {
  a: EntityRow;
  b: EntityRow;
  first: number;
  types?: readonly RelationshipType[] | null;
  time?: TimeSlice | null;
}

/** Entities adjacent to both `a` and `b` (by the given types), by name. */
export async function commonNeighbors(
  db: Db,
  limits: TraversalLimits,
  args: CommonNeighborsArgs,
): Promise<EntityRow[]> {
  const first = checkBound('first', args.first, limits.maxPageSize, 'MAX_PAGE_SIZE');
  const time = args.time ?? null;
  const types = relationshipTypeExpression(args.types, !!time);
  const L = entityLabel(time);
  const [ra, rb] = time ? ['ra', 'rb'] : ['', ''];
  const rows = await traversalRead(
    db,
    `MATCH (a:${L} {id: $a}), (b:${L} {id: $b})
     MATCH (a)-[${ra}${types}]-(n:${L})-[${rb}${types}]-(b)
     WHERE n <> a AND n <> b${andHeld(time, 'ra', 'rb', 'n')}
     WITH DISTINCT n
     ORDER BY n.name, n.id
     LIMIT toInteger($first)
     RETURN ${entityAt('n', time)} AS entity`,
    { a: args.a.id, b: args.b.id, first, ...timeParams(time) },
    traversalRun(limits),
  );
  return toEntityRows(
    rows.map((r) => r.entity),
    time,
  );
}

// ---------------------------------------------------------------------------------------------
// Rankings

export interface RankArgs {
  by: RankBy;
  kinds?: readonly EntityKind[] | null;
  first: number;
  /** Rank only this entity and those within `depth` hops of it (e.g. "around Stargate"). */
  within?: { center: EntityRow; depth: number } | null;
  time?: TimeSlice | null;
}

/** Top `first` entities (of the given kinds) by a score, ties by name then id. */
export async function rank(db: Db, limits: TraversalLimits, args: RankArgs): Promise<RankedRow[]> {
  const first = checkBound('first', args.first, limits.maxPageSize, 'MAX_PAGE_SIZE');
  if (isCentrality(args.by)) {
    // Over the whole graph these would cost time in proportion to all of it: refused, not run.
    if (!args.within)
      throw badInput(`rank(by: ${args.by}) needs \`within\` (an entity whose neighbourhood to rank)`, {
        argumentName: 'within',
      });
    return rankByCentrality(db, limits, { ...args, by: args.by, within: args.within, first });
  }
  if (args.by !== 'DEGREE' && args.by !== 'DEAL_VALUE')
    throw badInput(`Unknown ranking "${String(args.by).slice(0, 50)}"`);
  if (args.within) return rankWithin(db, limits, { ...args, within: args.within, first });
  const time = args.time ?? null;
  const scored = args.by === 'DEGREE' ? degreeScores(args.kinds, time) : dealValueScores(args.kinds, time);
  const rows = await traversalRead(
    db,
    `CALL () { ${scored} }
     WITH n, score WHERE score > 0
     WITH n, score ORDER BY score DESC, n.name, n.id LIMIT toInteger($first)
     RETURN score, ${entityAt('n', time)} AS entity`,
    { first, ...timeParams(time) },
    traversalRun(limits),
  );
  return toRankedRows(rows, time);
}

const toRankedRows = (rows: Row[], time: TimeSlice | null): RankedRow[] =>
  rows.map((r) => ({ score: Number(r.score), entity: time ? toEntityRowAt(r.entity, time) : toEntityRow(r.entity) }));

/** Links by which a deal's value counts for an entity (DEAL_VALUE), as a type expression. */
const DEAL_LINKS = ['PARTY_TO', 'PART_OF', 'COVERS'] as const;
const dealLinksAt = () => relationshipTypeExpression(DEAL_LINKS, true);

/**
 * Ranking inside one neighbourhood: the candidates are the center and the entities within
 * `depth` hops (any entity relationship). A neighbourhood larger than MAX_NEIGHBORHOOD_LIMIT is
 * refused rather than ranked in part.
 */
async function rankWithin(
  db: Db,
  limits: TraversalLimits,
  args: RankArgs & { within: NonNullable<RankArgs['within']> },
): Promise<RankedRow[]> {
  const depth = checkBound('depth', args.within.depth, limits.maxNeighborhoodDepth, 'MAX_NEIGHBORHOOD_DEPTH');
  const time = args.time ?? null;
  const L = entityLabel(time);
  const rows = await traversalRead(
    db,
    `MATCH (c:${L} {id: $center})
     ${breadthFirst('c', depth, relationshipTypeExpression(null, !!time), time, '$reach', 'reached')}
     WITH [c] + reached AS candidates, size(reached) >= $reach AS tooMany
     CALL (candidates, tooMany) {
       UNWIND CASE WHEN tooMany THEN [] ELSE candidates END AS n
       WITH n WHERE n${labelExpression(args.kinds, !!time)}
       CALL (n) {
         ${linkedDeals(time)}
         WITH DISTINCT d
         RETURN sum(coalesce(${propertyAt('d', 'valueUsd', true, !!time)}, 0.0)) AS linkedDealValue
       }
       WITH n, ${rankScoreWithin(args.by, time)} AS score
       WHERE score > 0
       WITH n, score ORDER BY score DESC, n.name, n.id LIMIT toInteger($first)
       RETURN collect({ score: score, entity: ${entityAt('n', time)} }) AS ranked
     }
     RETURN tooMany, ranked`,
    // The center counts in the limit, as in a neighbourhood.
    { center: args.within.center.id, reach: limits.maxNeighborhoodLimit, first: args.first, ...timeParams(time) },
    traversalRun(limits),
  );
  const row = rows[0];
  if (!row) return [];
  if (row.tooMany) {
    throw limitExceeded(
      'MAX_NEIGHBORHOOD_LIMIT',
      limits.maxNeighborhoodLimit,
      limits.maxNeighborhoodLimit + 1,
      `entities within ${depth} hops of the ranking's center`,
    );
  }
  return toRankedRows(row.ranked as Row[], time);
}

/** The deals `n` is linked to (DEAL_VALUE), held at the slice in a time read. */
const linkedDeals = (time: TimeSlice | null) =>
  time
    ? `OPTIONAL MATCH (n)-[dl${dealLinksAt()}]-(d:${labelsAt(['Deal'])}) WHERE ${heldAt('dl')} AND ${heldAt('d')}`
    : 'OPTIONAL MATCH (n)-[:PARTY_TO|PART_OF|COVERS]-(d:Deal)';

/** A candidate's score inside a neighbourhood (`linkedDealValue` in scope). */
function rankScoreWithin(by: RankBy, time: TimeSlice | null): string {
  if (by !== 'DEGREE') {
    return time
      ? `CASE WHEN n:${labelsAt(['Deal'])} THEN coalesce(${propertyAt('n', 'valueUsd', true, true)}, 0.0) ` +
          'ELSE linkedDealValue END'
      : 'CASE WHEN n:Deal THEN coalesce(n.valueUsd, 0.0) ELSE linkedDealValue END';
  }
  return time ? heldDegree('n') : `COUNT { (n)-[${relationshipTypeExpression()}]-() }`;
}

/** How many entity relationships of `n` are held at the slice, with their other end held too. */
const heldDegree = (n: string) =>
  `COUNT { (${n})-[dr${relationshipTypeExpression(null, true)}]-(dm) WHERE ${heldAt('dr')} AND ${heldAt('dm')} }`;

/**
 * The whole neighbourhood of `center` within `depth` hops (by `types`), for an algorithm that
 * needs all of it: the `neighborhood` statement with MAX_NEIGHBORHOOD_LIMIT as its limit, and a
 * neighbourhood larger than that is refused (LIMIT_EXCEEDED), as in `rank(within:)`, rather
 * than computed on a part.
 */
export async function boundedNeighborhood(
  db: Db,
  limits: TraversalLimits,
  args: { center: EntityRow; depth: number; types?: readonly RelationshipType[] | null; time?: TimeSlice | null },
): Promise<SubgraphRow> {
  const depth = checkBound('depth', args.depth, limits.maxNeighborhoodDepth, 'MAX_NEIGHBORHOOD_DEPTH');
  const subgraph = await neighborhood(db, limits, {
    center: args.center,
    depth,
    limit: limits.maxNeighborhoodLimit,
    types: args.types,
    time: args.time,
  });
  if (subgraph.truncated) {
    throw limitExceeded(
      'MAX_NEIGHBORHOOD_LIMIT',
      limits.maxNeighborhoodLimit,
      limits.maxNeighborhoodLimit + 1,
      `entities within ${depth} hops of ${args.center.slug}`,
    );
  }
  return subgraph;
}

/** PAGERANK and BETWEENNESS inside one neighbourhood (every entity relationship type). */
async function rankByCentrality(
  db: Db,
  limits: TraversalLimits,
  args: RankArgs & { by: (typeof CENTRALITIES)[number]; within: NonNullable<RankArgs['within']> },
): Promise<RankedRow[]> {
  labelExpression(args.kinds); // refuses an unknown kind
  const kinds = args.kinds && args.kinds.length > 0 ? new Set<string>(args.kinds.map(kindToLabel)) : null;
  const subgraph = await boundedNeighborhood(db, limits, {
    center: args.within.center,
    depth: args.within.depth,
    time: args.time,
  });
  const scores = await algorithmWorkers.centrality(subgraph, args.by, limits.algorithmTimeoutMs);
  return subgraph.nodes
    .filter((n) => !kinds || kinds.has(n.label))
    .map((entity) => ({ score: scores.get(entity.id) ?? 0, entity }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || compareByNameThenId(a.entity, b.entity))
    .slice(0, args.first);
}

// ---------------------------------------------------------------------------------------------
// Communities

export interface CommunitiesArgs {
  center: EntityRow;
  depth: number;
  types?: readonly RelationshipType[] | null;
  time?: TimeSlice | null;
}

/** Louvain communities of the neighbourhood of `center` (algorithms.ts says how). */
export async function communities(
  db: Db,
  limits: TraversalLimits,
  args: CommunitiesArgs,
): Promise<CommunitiesResult & { nodes: EntityRow[] }> {
  const subgraph = await boundedNeighborhood(db, limits, args);
  return { ...(await algorithmWorkers.communities(subgraph, limits.algorithmTimeoutMs)), nodes: subgraph.nodes };
}

/** DEGREE: how many entity relationships an entity has (MENTIONS and CITES do not count). */
const degreeScores = (kinds: readonly EntityKind[] | null | undefined, time: TimeSlice | null) =>
  time
    ? `MATCH (n${labelExpression(kinds, true)}) WHERE ${heldAt('n')} RETURN n, ${heldDegree('n')} AS score`
    : `MATCH (n${labelExpression(kinds)}) RETURN n, COUNT { (n)-[${relationshipTypeExpression()}]-() } AS score`;

/**
 * DEAL_VALUE: the summed `valueUsd` of the distinct deals an entity is linked to (a company's
 * deals as any party, a project's deals PART_OF it, a datacenter's deals that COVER it); for a
 * deal, its own value. Scanning deals once and grouping by entity beats a subquery per entity.
 */
function dealValueScores(kinds: readonly EntityKind[] | null | undefined, time: TimeSlice | null): string {
  const all = !kinds || kinds.length === 0;
  const linked = all ? ENTITY_KINDS.filter((k) => k !== 'DEAL') : kinds.filter((k) => k !== 'DEAL');
  if (time) return dealValueScoresAt(linked, all || kinds.includes('DEAL'));
  const parts: string[] = [];
  if (linked.length > 0) {
    parts.push(`MATCH (d:Deal) WHERE d.valueUsd > 0
       MATCH (d)-[:PARTY_TO|PART_OF|COVERS]-(n${labelExpression(linked)})
       WITH DISTINCT n, d
       RETURN n, sum(d.valueUsd) AS score`);
  }
  if (all || kinds.includes('DEAL')) parts.push('MATCH (n:Deal) WHERE n.valueUsd > 0 RETURN n, n.valueUsd AS score');
  return parts.join(' UNION ALL ');
}

/** DEAL_VALUE at the slice: the deals held then, their values then, linked by relationships held then. */
function dealValueScoresAt(linked: readonly EntityKind[], deals: boolean): string {
  const heldDeals = `MATCH (d:${labelsAt(['Deal'])}) WHERE ${heldAt('d')}
       WITH d, ${propertyAt('d', 'valueUsd', true, true)} AS value WHERE value > 0`;
  const parts: string[] = [];
  if (linked.length > 0) {
    parts.push(`${heldDeals}
       MATCH (d)-[dl${dealLinksAt()}]-(n${labelExpression(linked, true)})
       WHERE ${heldAt('dl')} AND ${heldAt('n')}
       WITH DISTINCT n, d, value
       RETURN n, sum(value) AS score`);
  }
  if (deals) parts.push(`${heldDeals} RETURN d AS n, value AS score`);
  return parts.join(' UNION ALL ');
}

// ---------------------------------------------------------------------------------------------
// Deal statistics (batched by the Company.dealStats loader)

const DEAL_STATS_CYPHER = `UNWIND $ids AS id
     MATCH (c:Entity {id: id}) WHERE c:Company  // the id index is on :Entity
     CALL (c) {
       OPTIONAL MATCH (c)-[r:PARTY_TO]->(d:Deal)
       WITH d, collect(r.role) AS roles
       WITH d, any(role IN roles WHERE role IN $buyerRoles) AS buyer,
               any(role IN roles WHERE role IN $sellerRoles) AS seller
       RETURN count(d) AS count,
              count(d.valueUsd) AS valuedCount,
              sum(coalesce(d.valueUsd, 0.0)) AS totalValueUsd,
              count(CASE WHEN buyer THEN d END) AS buyerCount,
              sum(CASE WHEN buyer THEN coalesce(d.valueUsd, 0.0) ELSE 0.0 END) AS buyerValueUsd,
              count(CASE WHEN seller THEN d END) AS sellerCount,
              sum(CASE WHEN seller THEN coalesce(d.valueUsd, 0.0) ELSE 0.0 END) AS sellerValueUsd
     }
     RETURN id, count, valuedCount, totalValueUsd, buyerCount, buyerValueUsd, sellerCount, sellerValueUsd`;

/** The same at a slice: the deals and parties held then, with their roles and values then. */
const DEAL_STATS_AT_CYPHER = `UNWIND $ids AS id
     MATCH (c:${labelsAt(['Entity'])} {id: id}) WHERE c:${labelsAt(['Company'])}
     CALL (c) {
       OPTIONAL MATCH (c)-[r${relationshipTypeExpression(['PARTY_TO'], true)}]->(d:${labelsAt(['Deal'])})
       WHERE ${heldAt('r')} AND ${heldAt('d')}
       WITH d, collect(${relationshipPropertyAt('r', 'role', true)}) AS roles
       WITH d, ${propertyAt('d', 'valueUsd', true, true)} AS value,
               any(role IN roles WHERE role IN $buyerRoles) AS buyer,
               any(role IN roles WHERE role IN $sellerRoles) AS seller
       RETURN count(d) AS count,
              count(value) AS valuedCount,
              sum(coalesce(value, 0.0)) AS totalValueUsd,
              count(CASE WHEN buyer THEN d END) AS buyerCount,
              sum(CASE WHEN buyer THEN coalesce(value, 0.0) ELSE 0.0 END) AS buyerValueUsd,
              count(CASE WHEN seller THEN d END) AS sellerCount,
              sum(CASE WHEN seller THEN coalesce(value, 0.0) ELSE 0.0 END) AS sellerValueUsd
     }
     RETURN id, count, valuedCount, totalValueUsd, buyerCount, buyerValueUsd, sellerCount, sellerValueUsd`;

/** Deal counts and values per company id, for many companies in one statement (at `time`, if given). */
export async function dealStatsByCompanyIds(
  db: Db,
  ids: readonly string[],
  time: TimeSlice | null = null,
): Promise<Map<string, DealStatsRow>> {
  const rows = await db.read(time ? DEAL_STATS_AT_CYPHER : DEAL_STATS_CYPHER, {
    ids,
    buyerRoles: BUYER_ROLES,
    sellerRoles: SELLER_ROLES,
    ...timeParams(time),
  });
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        count: Number(r.count),
        valuedCount: Number(r.valuedCount),
        totalValueUsd: Number(r.totalValueUsd),
        asBuyer: { count: Number(r.buyerCount), totalValueUsd: Number(r.buyerValueUsd) },
        asSeller: { count: Number(r.sellerCount), totalValueUsd: Number(r.sellerValueUsd) },
      },
    ]),
  );
}

export const EMPTY_DEAL_STATS: DealStatsRow = {
  count: 0,
  valuedCount: 0,
  totalValueUsd: 0,
  asBuyer: { count: 0, totalValueUsd: 0 },
  asSeller: { count: 0, totalValueUsd: 0 },
};

// ---------------------------------------------------------------------------------------------
// Money flows

/** PARTICIPATES_IN roles that put money into a project (a `committedUsd` does too). */
export const FINANCING_ROLES = ['financier', 'investor', 'funder'] as const;

/**
 * The money rule: the steps money takes, each relationship in the direction money moves.
 * - (Company)-[:INVESTS_IN]->(Company): an investor's money reaches the company it invests in;
 * - (Company)-[:PARTICIPATES_IN]->(Project) when the role finances (FINANCING_ROLES) or a
 *   `committedUsd` is set;
 * - (Company)-[:PARTY_TO]->(Deal) when the company pays (BUYER_ROLES: buyer, customer,
 *   lessee, investor);
 * - (Deal)-[:COVERS]->(Datacenter) and (Deal)-[:PART_OF]->(Project): a deal's money goes to what
 *   it covers or belongs to;
 * - (Project)<-[:PART_OF]-(Datacenter), walked backwards: a project's money builds its datacenters.
 * A flow ends at a Project or a Datacenter.
 */
const MONEY_STEP = `((x:Entity)-[r:INVESTS_IN|PARTICIPATES_IN|PARTY_TO|COVERS|PART_OF]->(y:Entity)
  WHERE type(r) IN ['INVESTS_IN', 'COVERS']
     OR (type(r) = 'PARTICIPATES_IN' AND (r.role IN $financingRoles OR r.committedUsd IS NOT NULL))
     OR (type(r) = 'PARTY_TO' AND r.role IN $buyerRoles)
     OR (type(r) = 'PART_OF' AND x:Deal))`;

/** Cypher: `r` is of one of `types`, live or held back. */
const typesIn = (r: string, types: readonly RelationshipType[]) =>
  `type(${r}) IN [${typesAt(types, true)
    .split('|')
    .map((t) => `'${t}'`)
    .join(', ')}]`;

/**
 * The money rule at a slice: the same steps, held then, with their roles and commitments then
 * (one role lookup per step, compared with the roles its type asks for).
 */
const MONEY_STEP_AT = `((x:${labelsAt(['Entity'])})-[r${relationshipTypeExpression(
  ['INVESTS_IN', 'PARTICIPATES_IN', 'PARTY_TO', 'COVERS', 'PART_OF'],
  true,
)}]->(y:${labelsAt(['Entity'])})
  WHERE ${heldAt('r')} AND ${heldAt('y')} AND (${typesIn('r', ['INVESTS_IN', 'COVERS'])}
     OR (${typesIn('r', ['PART_OF'])} AND x:${labelsAt(['Deal'])})
     OR (${typesIn('r', ['PARTICIPATES_IN'])} AND ${relationshipPropertyAt('r', 'committedUsd', true)} IS NOT NULL)
     OR ${relationshipPropertyAt('r', 'role', true)} IN CASE
          WHEN ${typesIn('r', ['PARTICIPATES_IN'])} THEN $financingRoles
          WHEN ${typesIn('r', ['PARTY_TO'])} THEN $buyerRoles ELSE [] END))`;

/** The parts of the money-flow statement, plain or at a slice. */
function moneyFlowPatterns(time: TimeSlice | null, hops: number) {
  if (!time) {
    return {
      start: 'Entity',
      step: MONEY_STEP,
      targets: 'Project|Datacenter',
      // A quantifier cannot be {0,0}: with one hop, only a project's own datacenters.
      toDatacenters:
        hops === 1
          ? 'MATCH p = (a:Project)<-[:PART_OF]-(t:Datacenter)'
          : `MATCH p = ANY SHORTEST (a)${MONEY_STEP}{0,${hops - 1}}(:Project)<-[:PART_OF]-(t:Datacenter)`,
    };
  }
  const partOf = relationshipTypeExpression(['PART_OF'], true);
  const project = labelsAt(['Project']);
  const datacenter = labelsAt(['Datacenter']);
  const builds = `(()<-[pr${partOf}]-(pt:${datacenter}) WHERE ${heldAt('pr')} AND ${heldAt('pt')}){1}`;
  return {
    start: labelsAt(['Entity']),
    step: MONEY_STEP_AT,
    targets: labelsAt(['Project', 'Datacenter']),
    toDatacenters:
      hops === 1
        ? `MATCH p = (a:${project})${builds}(t:${datacenter})`
        : `MATCH p = ANY SHORTEST (a)${MONEY_STEP_AT}{0,${hops - 1}}(:${project})${builds}(t:${datacenter})`,
  };
}

export interface MoneyFlowArgs {
  from: EntityRow;
  maxHops: number;
  first: number;
  time?: TimeSlice | null;
}

/**
 * Where an entity's money goes: for each project and datacenter it reaches by the money rule
 * within maxHops, one shortest route; nearest first (then by destination name), at most `first`.
 * As in `neighborhood`, the breadth-first search stops once `first` destinations are found, so
 * a hub's flows cost what is returned, not its whole reach.
 */
export async function moneyFlows(db: Db, limits: TraversalLimits, args: MoneyFlowArgs): Promise<PathRow[]> {
  const hops = checkBound('maxHops', args.maxHops, limits.maxHops, 'MAX_HOPS');
  const first = checkBound('first', args.first, limits.maxPaths, 'MAX_PATHS');
  // Every step but the last backwards one (project → its datacenters) points the way money
  // goes, so the rule is written on directed steps: Neo4j then applies it while it searches,
  // not after (docs/decisions/2026-12-07-money-flow-rule.md). The backwards step ends a flow,
  // since a datacenter passes money on to nothing: a second search ends with it, and each
  // destination keeps its shorter route. Each search stops after `first` destinations
  // (breadth first, so the nearest), which is enough for the nearest `first` of both.
  const time = args.time ?? null;
  const { start, step, targets, toDatacenters } = moneyFlowPatterns(time, hops);
  const rows = await traversalRead(
    db,
    `MATCH (a:${start} {id: $from})
     CALL (a) {
       MATCH p = ANY SHORTEST (a)${step}{1,${hops}}(t:${targets})
       WHERE t <> a
       WITH p, t LIMIT toInteger($first)
       RETURN p, t
       UNION
       ${toDatacenters}
       WITH p, t LIMIT toInteger($first)
       RETURN p, t
     }
     WITH t, p ORDER BY length(p), [n IN nodes(p) | n.id]
     WITH t, head(collect(p)) AS p
     WITH p, t ORDER BY length(p), t.name, t.id LIMIT toInteger($first)
     RETURN ${pathReturn('p', time)}`,
    { from: args.from.id, first, financingRoles: FINANCING_ROLES, buyerRoles: BUYER_ROLES, ...timeParams(time) },
    traversalRun(limits),
  );
  return rows.map((row) => toPathRow(row, time));
}
