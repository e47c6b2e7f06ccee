/** Full-text search over entity names, aliases and descriptions (the `entity_search` index). */
import type { Db } from '../neo4j/db.js';
import { entityProjection, toEntityRow, type EntityRow } from './entities.js';
import type { EntityLabel } from './model.js';

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

export interface SearchHitRow {
  score: number;
  entity: EntityRow;
}

export async function searchEntities(
  db: Db,
  text: string,
  labels: readonly EntityLabel[] | null,
  first: number,
): Promise<SearchHitRow[]> {
  const query = toLuceneQuery(text);
  if (query === null) return [];
  const rows = await db.read(
    `CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score
     WHERE $labels IS NULL OR any(l IN labels(node) WHERE l IN $labels)
     RETURN score, ${entityProjection('node')} AS entity
     ORDER BY score DESC, node.name, node.id
     LIMIT toInteger($first)`,
    { query, labels, first },
  );
  return rows.map((r) => ({ score: Number(r.score), entity: toEntityRow(r.entity) }));
}
