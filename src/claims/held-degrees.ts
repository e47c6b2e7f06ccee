/**
 * How many relationships of one type a node has at a slice, without expanding them.
 *
 * A plain count reads the node's degree store. A count at a slice must test each relationship's
 * interval and its far node's, so over a hub it costs the hub's degree. So:
 * - every relationship carries its *span*: the days it is counted on, where its own interval and
 *   both ends' existence intervals meet (`spanFrom`, `spanTo`; null: open), and `spanned` false
 *   when there are none or any of the three claims is retracted. Counting it at one end takes
 *   that end's own interval in too, which changes nothing: a node's relationships are counted
 *   only at a slice that holds the node;
 * - a node with at least `HELD_DEGREE_MIN` relationships of a type in a direction has a
 *   `(:HeldDegree {key})` node holding that count as a function of `asOf`, as known now: `days`
 *   and `deltas`, each span adding one from its first day and taking it away from its last (an
 *   open past is day 0001-01-01). The count on `asOf` is the sum of the deltas of the days up to
 *   it. `at`, the moment it was last written (never before any time recorded on what it counts),
 *   says which reads may use it: those with `knownAt` at or after `at`. Earlier ones expand.
 * Writes keep both exact: each re-derives the relationships it touched (and those of an entity
 * whose existence interval moved), re-spans them, and applies the span changes to their ends'
 * counts; the real deletes take their relationships' spans away from the far ends.
 */
import { ENTITY_RELATIONSHIP_TYPES, RELATIONSHIPS, type EntityRelationshipType } from '../graph/model.js';
import type { Logger } from '../logger.js';
import type { Db, Row, Run } from '../neo4j/db.js';
import { HELD_ENTITY, heldLabel, heldType } from './model.js';

/** Fewest relationships of one type and direction for which a node keeps a held degree. */
export const HELD_DEGREE_MIN = 50;

/** The day that stands for an open past in a held degree's `days`. */
const OPEN_PAST = '0001-01-01';

export type EndDirection = 'OUT' | 'IN';

/** The key of the held degree of node `id` (a Cypher expression) for `type` in `direction`. */
const keyOf = (id: string, type: EntityRelationshipType, direction: EndDirection) => `${id} + '|${type}|${direction}'`;

const arrow = (type: EntityRelationshipType, direction: EndDirection, r: string) =>
  direction === 'OUT' ? `-[${r}:${type}|${heldType(type)}]->` : `<-[${r}:${type}|${heldType(type)}]-`;

/**
 * The count of `v`'s relationships of `type` in `direction` at the slice: from its held degree
 * when it has one that holds for `$knownAt`, else `expanded` (the count that tests every
 * relationship). Neo4j evaluates only the branch a CASE takes, so the held degree spares the
 * expansion. The lists are read once into variables: each property access reads them again.
 */
export const heldDegree = (v: string, type: EntityRelationshipType, direction: EndDirection, expanded: string) =>
  `COLLECT { OPTIONAL MATCH (hd:HeldDegree {key: ${keyOf(`${v}.id`, type, direction)}}) WHERE hd.at <= $knownAt` +
  ` WITH ${v}, hd, hd.days AS days, hd.deltas AS deltas` +
  ` RETURN CASE WHEN hd IS NULL THEN ${expanded}` +
  ` ELSE reduce(c = 0, i IN range(0, size(days) - 1) | c + CASE WHEN days[i] <= $asOf THEN deltas[i] ELSE 0 END) END }[0]`;

/** The later of two dates where null is the open past. */
const later = (a: string, b: string) => `CASE WHEN ${a} IS NULL OR ${b} > ${a} THEN ${b} ELSE ${a} END`;
/** The earlier of two dates where null is the open future. */
const earlier = (a: string, b: string) => `CASE WHEN ${a} IS NULL OR ${b} < ${a} THEN ${b} ELSE ${a} END`;

/** The latest of the recorded, retracted and closing times on `xs`. */
const latestTime = (...xs: string[]) =>
  `reduce(m = null, t IN [${xs.flatMap((x) => ['recordedAt', 'retractedAt', 'closedAt'].map((t) => `${x}.${t}`)).join(', ')}]` +
  ` | CASE WHEN m IS NULL OR t > m THEN t ELSE m END)`;

/** A span as text, `from/to` (`YYYY-MM-DD`; an open past is OPEN_PAST, an open future empty). */
const spanText = (from: string, to: string) =>
  `toString(coalesce(${from}, date('${OPEN_PAST}'))) + '/' + coalesce(toString(${to}), '')`;

/**
 * Sets the span of the bound relationship `r` where it changed. RESPAN returns those changes:
 * rows `from, to, type, old, new, seen`, `old`/`new` being spans as text (null when not spanned), `seen` the latest time recorded on the three claims.
 */
const SET_SPAN = `
WITH r, startNode(r) AS a, endNode(r) AS b
WITH r, a, b, [r.validFrom, a.validFrom, b.validFrom] AS froms, [r.validTo, a.validTo, b.validTo] AS tos,
  CASE WHEN r.spanned THEN ${spanText('r.spanFrom', 'r.spanTo')} END AS old
WITH r, a, b, old, reduce(m = null, x IN froms | ${later('m', 'x')}) AS spanFrom,
  reduce(m = null, x IN tos | ${earlier('m', 'x')}) AS spanTo
WITH r, a, b, spanFrom, spanTo, old,
  r.retractedAt IS NULL AND a.retractedAt IS NULL AND b.retractedAt IS NULL
  AND (spanFrom IS NULL OR spanTo IS NULL OR spanFrom < spanTo) AS spanned
WITH r, a, b, spanFrom, spanTo, old, spanned,
  CASE WHEN spanned THEN ${spanText('spanFrom', 'spanTo')} END AS new
WHERE r.spanned IS NULL OR NOT coalesce(old = new, old IS NULL AND new IS NULL)
SET r.spanFrom = spanFrom, r.spanTo = spanTo, r.spanned = spanned`;

/** SET_SPAN, returning the changes. */
export const RESPAN = `${SET_SPAN}
RETURN a.id AS from, b.id AS to, replace(type(r), 'H_', '') AS type, old, new, ${latestTime('r', 'a', 'b')} AS seen`;

/** One end's count changes: day (`YYYY-MM-DD`) → how much the count changes from that day on. */
type Deltas = Map<string, number>;

/** The span changes RESPAN returned, as count changes per end (key `id|TYPE|DIRECTION`). */
export function spanDeltas(rows: readonly Row[], into = new Map<string, { deltas: Deltas; seen: unknown }>()) {
  const add = (key: string, span: unknown, sign: 1 | -1, seen: unknown) => {
    const entry = into.get(key) ?? { deltas: new Map(), seen: null };
    if (seen != null && (entry.seen == null || String(seen) > String(entry.seen))) entry.seen = seen;
    into.set(key, entry);
    if (typeof span !== 'string') return;
    const [from, to] = span.split('/') as [string, string];
    entry.deltas.set(from, (entry.deltas.get(from) ?? 0) + sign);
    if (to !== '') entry.deltas.set(to, (entry.deltas.get(to) ?? 0) - sign);
  };
  for (const row of rows) {
    for (const key of [`${row.from}|${row.type}|OUT`, `${row.to}|${row.type}|IN`]) {
      add(key, row.old, -1, row.seen);
      add(key, row.new, 1, row.seen);
    }
  }
  return into;
}

/**
 * Applies count changes to the held degrees they name, inside the caller's transaction; a node
 * without one gets one once it has `HELD_DEGREE_MIN` relationships of the type (built from the
 * spans).
 */
export async function applySpanDeltas(
  run: Run,
  changes: Map<string, { deltas: Deltas; seen: unknown }>,
  now: string,
): Promise<void> {
  if (changes.size === 0) return;
  const ends = [...changes]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, { deltas, seen }]) => ({
      key,
      byDay: Object.fromEntries([...deltas].filter(([, d]) => d !== 0)),
      seen,
    }));
  await run(APPLY, { ends, now });
  const groups = new Map<string, { type: EntityRelationshipType; direction: EndDirection; ids: string[] }>();
  for (const { key } of ends) {
    const [id, type, direction] = key.split('|') as [string, EntityRelationshipType, EndDirection];
    const group = groups.get(`${type}|${direction}`) ?? { type, direction, ids: [] };
    group.ids.push(id);
    groups.set(`${type}|${direction}`, group);
  }
  const list = [...groups.values()];
  const params: Row = { min: HELD_DEGREE_MIN, now };
  list.forEach((g, i) => {
    params[`ids${i}`] = g.ids;
  });
  const builds = list.map(
    (g, i) =>
      `CALL () { UNWIND $ids${i} AS id MATCH (v:Entity|${HELD_ENTITY} {id: id}) ${buildIfLarge(g.type, g.direction)} }`,
  );
  await run(`${builds.join('\n')}\nRETURN count(*) AS done`, params);
}

/**
 * Adds each end's `byDay` to its held degree, where it has one. The end's node is locked first
 * (in key order, so writes touching the same hubs wait for each other rather than deadlock), and
 * held until the write commits: its held degree is read, or built from its spans, only by one
 * write at a time, and after the last one committed.
 */
const APPLY = `
UNWIND $ends AS e
MATCH (v:Entity|${HELD_ENTITY} {id: split(e.key, '|')[0]})
SET v.heldLock = true REMOVE v.heldLock
WITH e
MATCH (h:HeldDegree {key: e.key})
WITH h, e, h.days AS days, h.deltas AS deltas
WITH h, e, days, deltas, [k IN keys(e.byDay) WHERE NOT date(k) IN days] AS fresh
SET h.deltas = [i IN range(0, size(days) - 1) | deltas[i] + coalesce(e.byDay[toString(days[i])], 0)] + [k IN fresh | e.byDay[k]],
    h.days = days + [k IN fresh | date(k)],
    h.at = ${['h.at', 'e.seen'].reduce((acc, x) => later(acc, x), 'datetime($now)')}`;

/**
 * For the bound node `v`: when it has no held degree of `type` in `direction` and at least `$min`
 * such relationships, writes one from their spans.
 */
const buildIfLarge = (type: EntityRelationshipType, direction: EndDirection) => `
CALL (v) {
  WITH v WHERE COUNT { (v)${arrow(type, direction, '')}() } >= $min
    AND NOT EXISTS { MATCH (:HeldDegree {key: ${keyOf('v.id', type, direction)}}) }
  MATCH (v)${arrow(type, direction, 'r')}(n)
  WITH v, collect(CASE WHEN r.spanned THEN [coalesce(r.spanFrom, date('${OPEN_PAST}')), r.spanTo] END) AS spans,
    max(${latestTime('v', 'r', 'n')}) AS seen, count(CASE WHEN r.spanned IS NULL THEN 1 END) AS unspanned
  // Until the start-up pass has spanned every relationship, a count would miss some.
  WITH v, spans, seen WHERE unspanned = 0
  CALL (spans) {
    UNWIND spans AS s
    UNWIND [[s[0], 1], [s[1], -1]] AS e
    WITH e WHERE e[0] IS NOT NULL
    WITH e[0] AS day, sum(e[1]) AS delta WHERE delta <> 0
    RETURN collect(day) AS days, collect(delta) AS deltas
  }
  MERGE (h:HeldDegree {key: ${keyOf('v.id', type, direction)}})
  SET h.days = days, h.deltas = deltas, h.at = ${later('datetime($now)', 'seen')}
}`;

/**
 * The span changes of deleting these entities (and their relationships), for the far ends that
 * stay: rows as RESPAN returns them, each relationship's span going away.
 */
const SPANS_OF_DELETED = `
UNWIND $ids AS id
MATCH (n:Entity|${HELD_ENTITY} {id: id})-[r:${[...ENTITY_RELATIONSHIP_TYPES, ...ENTITY_RELATIONSHIP_TYPES.map(heldType)].join('|')}]-(m)
WHERE r.spanned AND NOT m.id IN $ids
RETURN CASE WHEN startNode(r) = m THEN m.id ELSE '' END AS from, CASE WHEN startNode(r) = m THEN '' ELSE m.id END AS to,
  replace(type(r), 'H_', '') AS type,
  ${spanText('r.spanFrom', 'r.spanTo')} AS old, null AS new, null AS seen`;

/** Deletes the held degrees of these entities (`$ids`). */
const DELETE_HELD_DEGREES = `
UNWIND $ids AS id
UNWIND $suffixes AS suffix
MATCH (h:HeldDegree {key: id + suffix}) DELETE h`;

/** The key suffixes of every held degree a node may have. */
const HELD_DEGREE_SUFFIXES = ENTITY_RELATIONSHIP_TYPES.flatMap((t) => [`|${t}|OUT`, `|${t}|IN`]);

/**
 * A real delete of entities `ids` (`remove`, inside the caller's transaction), their held degrees
 * and external identifiers with them: the far ends that stay lose those relationships' spans (SPANS_OF_DELETED leaves the
 * deleted end's id empty, so only far ends are changed).
 */
export async function deleteWithHeldDegrees<T>(run: Run, ids: string[], remove: () => Promise<T>): Promise<T> {
  const farEnds = spanDeltas(await run(SPANS_OF_DELETED, { ids }));
  for (const key of [...farEnds.keys()]) if (key.startsWith('|')) farEnds.delete(key);
  const removed = await remove();
  await run(DELETE_HELD_DEGREES, { ids, suffixes: HELD_DEGREE_SUFFIXES });
  // A deleted entity's external identifiers go with it, free for another entity to hold.
  await run('MATCH (i:Identifier) WHERE i.entity IN $ids DETACH DELETE i', { ids });
  await applySpanDeltas(run, farEnds, new Date().toISOString());
  return removed;
}

/**
 * Graphs written before held degrees existed get them once, at start-up: every relationship its
 * span, then every node with enough relationships of a type its held degree, in batches of their
 * own transactions. The `(:StargraphMeta {key: 'heldDegrees'})` node says it is done. Until then
 * counts at a slice expand, which answers the same, only slower.
 */
export async function buildHeldDegrees(db: Db, logger: Logger): Promise<number> {
  const [done] = await db.read(`OPTIONAL MATCH (m:StargraphMeta {key: 'heldDegrees'}) RETURN m IS NOT NULL AS done`);
  if (done?.done === true) return 0;
  const started = performance.now();
  const now = new Date().toISOString();
  let spanned = 0;
  let built = 0;
  for (const type of ENTITY_RELATIONSHIP_TYPES) {
    const [row] = await db.writeAutoCommit(
      `MATCH ()-[r:${type}|${heldType(type)}]->() WHERE r.spanned IS NULL
       CALL (r) {${SET_SPAN}} IN TRANSACTIONS OF 5000 ROWS
       RETURN count(*) AS spanned`,
    );
    spanned += Number(row?.spanned ?? 0);
  }
  for (const type of ENTITY_RELATIONSHIP_TYPES) {
    for (const direction of ['OUT', 'IN'] as const) {
      const labels = (direction === 'OUT' ? RELATIONSHIPS[type].from : RELATIONSHIPS[type].to) as readonly string[];
      const pattern = labels.flatMap((l) => (l === 'Source' ? [] : [l, heldLabel(l as never)])).join('|');
      if (pattern === '') continue;
      const [row] = await db.writeAutoCommit(
        `MATCH (v:${pattern}) WHERE COUNT { (v)${arrow(type, direction, '')}() } >= $min
         CALL (v) {${buildIfLarge(type, direction)}
         } IN TRANSACTIONS OF 100 ROWS
         RETURN count(*) AS built`,
        { min: HELD_DEGREE_MIN, now },
      );
      built += Number(row?.built ?? 0);
    }
  }
  await db.write(`MERGE (:StargraphMeta {key: 'heldDegrees'})`);
  if (spanned + built > 0) {
    logger.info('Wrote the spans of the relationships and the held degrees of the large nodes', {
      relationships: spanned,
      nodes: built,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
  }
  return built;
}
