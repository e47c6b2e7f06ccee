/**
 * Entity search, in the order a person typing a name expects:
 *   1. EXACT: the name or an alias equals the text (case and accents folded),
 *   2. PREFIX: a name or an alias starts with the text (shorter names first),
 *   3. TEXT: full-text relevance over names, aliases and descriptions (`entity_search`).
 * Tiers 1 and 2 read `searchKeys`, the folded name and aliases every entity write maintains
 * (see `searchKeysOf`), through the `entity_keys` full-text index whose keyword analyzer keeps
 * each key whole, so an exact key or a key prefix is one index lookup.
 * `prefix: true` (suggestions as you type) answers from tiers 1 and 2 only.
 */
import { heldLabel } from '../claims/model.js';
import { heldAt, timeParams, type TimeSlice } from '../claims/time.js';
import type { Db } from '../neo4j/db.js';
import { entityProjection, toEntityRow, type EntityRow } from './entities.js';
import type { EntityLabel } from './model.js';
import { entityProjectionAt, toEntityRowAt } from './time-reads.js';

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/**
 * Turns what a person typed into a safe Lucene query: every term escaped (so `AT&T (US)` is
 * text, not syntax), the last one also matched as a prefix, for search-as-you-type.
 */
export function toLuceneQuery(text: string): string | null {
  const terms = text
    .split(/\s+/)
    .map((t) => t.replace(LUCENE_SPECIAL, (c) => `\\${c}`))
    .map((t) => t.replace(/^(AND|OR|NOT)$/, (w) => w.toLowerCase()))
    .filter(Boolean)
    .slice(0, 16);
  if (terms.length === 0) return null;
  const last = terms.at(-1)!;
  return [...terms.slice(0, -1), `(${last} OR ${last}*)`].join(' ');
}

/** Case and accents folded, as `searchKeysOf` folds names in Cypher: "Élysée" → "elysee". */
export function foldSearchKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/** Cypher for one folded string: NFKD, combining marks (U+0300–U+036F) dropped, lower case. */
const foldCypher = (expression: string) =>
  `trim(toLower(reduce(folded = '', c IN split(normalize(${expression}, NFKD), '') | ` +
  `folded + CASE WHEN c >= '\\u0300' AND c <= '\\u036f' THEN '' ELSE c END)))`;

/**
 * Cypher expression for node `n`'s search keys: its folded name and aliases. Every statement
 * that writes an entity's name or aliases sets `n.searchKeys = searchKeysOf('n')`.
 */
export const searchKeysOf = (n: string) =>
  `[key IN [${n}.name] + coalesce(${n}.aliases, []) WHERE key IS NOT NULL | ${foldCypher('key')}]`;

/**
 * After a write that may have changed `n`'s name or aliases (`changed` in scope, as
 * `setIfChanged` leaves it): recompute its search keys; also fills them in when missing.
 */
export const MAINTAIN_SEARCH_KEYS = (n: string) =>
  `FOREACH (_ IN CASE WHEN changed OR ${n}.searchKeys IS NULL THEN [1] ELSE [] END | ` +
  `SET ${n}.searchKeys = ${searchKeysOf(n)})`;

/** A folded key as one Lucene term for the keyword-analysed index: everything escaped, spaces too. */
export function keyTerm(key: string): string {
  return key.replace(/[+\-&|!(){}[\]^"~*?:\\/\s]/g, (c) => `\\${c}`);
}

export type SearchMatch = 'EXACT' | 'PREFIX' | 'TEXT';
const MATCHES: SearchMatch[] = ['EXACT', 'PREFIX', 'TEXT'];

export interface SearchHitRow {
  /** One scale down the list (TIERED_SCORE): EXACT 2, PREFIX in [1, 2), TEXT in [0, 1). */
  score: number;
  match: SearchMatch;
  entity: EntityRow;
}

/** Prefix matches read before ordering them by name length: bounds a one-letter query. */
const PREFIX_CANDIDATES = 500;

/** Full-text hits of `query` (a parameter or variable) in an entity index, of the kinds asked. */
const hits = (index: string, query: string, score: string) =>
  `CALL db.index.fulltext.queryNodes('${index}', ${query}) YIELD node, score AS relevance
  WITH node, ${score === 'score' ? 'relevance' : score} AS score
  WHERE $labels IS NULL OR any(l IN labels(node) WHERE l IN $labels)`;

/**
 * Full-text hits of `query` in an entity index and its held-back twin (the same index over
 * `HEntity`), for a search at a slice: entities held back today may be held then.
 */
const hitsAt = (index: string, query: string, score: string, imports = '') =>
  `CALL (${imports}) {
    CALL db.index.fulltext.queryNodes('${index}', ${query}) YIELD node, score RETURN node, score
    UNION ALL
    CALL db.index.fulltext.queryNodes('held_${index}', ${query}) YIELD node, score RETURN node, score
  }
  WITH node, ${score} AS score
  WHERE ${heldAt('node')} AND ($labels IS NULL OR any(l IN labels(node) WHERE l IN $labels))`;

/**
 * A hit's score on one scale, so it never rises down the list: EXACT 2; PREFIX in [1, 2), more of
 * the name covered scoring higher (the tier lists shortest names first); TEXT in [0, 1), Lucene's
 * relevance r as r / (1 + r), which keeps its order.
 */
const TIERED_SCORE =
  'CASE tier WHEN 0 THEN 2.0 ' +
  'WHEN 1 THEN 1.0 + 0.999 * CASE WHEN score > 1.0 THEN 1.0 ELSE score END ' +
  'ELSE score / (1.0 + score) END';

/**
 * The search: exact names and aliases first, then prefixes (shortest name first), then full-text
 * relevance; each entity once, in its best tier. A time read finds its hits with `hitsAt` and
 * projects values at the slice.
 */
const searchCypher = (time: boolean) => {
  const found = time ? hitsAt : hits;
  return `
CALL () {
  ${found('entity_keys', '$exact', '1.0')}
  RETURN node, 0 AS tier, score
  LIMIT toInteger($first)
UNION ALL
  ${found('entity_keys', '$prefix', 'null')}
  WITH node LIMIT toInteger($prefixCandidates)
  RETURN node, 1 AS tier, toFloat($keyLength) / size(node.name) AS score
UNION ALL
  WITH $text AS text WHERE text IS NOT NULL
  ${time ? hitsAt('entity_search', 'text', 'score', 'text') : hits('entity_search', 'text', 'score')}
  RETURN node, 2 AS tier, score
  LIMIT toInteger($first)
}
WITH node, tier, score ORDER BY tier
WITH node, collect(tier)[0] AS tier, collect(score)[0] AS score
ORDER BY tier, CASE tier WHEN 2 THEN -score ELSE size(node.name) END, node.name, node.id
LIMIT toInteger($first)
RETURN tier, ${TIERED_SCORE} AS score, ${time ? entityProjectionAt('node') : entityProjection('node')} AS entity`;
};

const SEARCH_CYPHER = searchCypher(false);
const SEARCH_AT_CYPHER = searchCypher(true);

/**
 * Defaults of `search`'s arguments, stated once: the schema's `defaultValue` and the resolver's
 * fallback (for a client that passes an explicit null) both read them.
 */
export const SEARCH_DEFAULTS = {
  /**
   * How many hits to return.
   * @default 10
   */
  first: 10,
  /**
   * Only names and aliases that equal or start with the text (suggestions as you type).
   * @default false
   */
  prefix: false,
} as const;

export async function searchEntities(
  db: Db,
  text: string,
  labels: readonly EntityLabel[] | null,
  first: number,
  options: { prefix?: boolean; time?: TimeSlice | null } = {},
): Promise<SearchHitRow[]> {
  const key = foldSearchKey(text);
  if (key === '' || first === 0) return [];
  const term = keyTerm(key);
  const time = options.time ?? null;
  const rows = await db.read(time ? SEARCH_AT_CYPHER : SEARCH_CYPHER, {
    exact: term,
    prefix: `${term}*`,
    keyLength: key.length,
    text: options.prefix ? null : toLuceneQuery(text),
    // At a slice an entity of a kind may be held back under its held label.
    labels: time && labels ? [...labels, ...labels.map(heldLabel)] : labels,
    first,
    prefixCandidates: Math.max(PREFIX_CANDIDATES, first),
    ...timeParams(time),
  });
  return rows.map((r) => ({
    score: Number(r.score),
    match: MATCHES[Number(r.tier)]!,
    entity: time ? toEntityRowAt(r.entity, time) : toEntityRow(r.entity),
  }));
}
