/**
 * The gazetteer an ingested document is read against comes from the graph itself: the entities
 * whose name or alias, folded as search keys are (`searchKeys`, src/graph/search.ts), equals a
 * run of one to six words of the text (one keyword query per 500 runs over `entity_keys`), and
 * the deals and datacenters joined to them that a text names by description (RELATED). A
 * document costs the same on a graph of 20 or a million entities.
 */
import type { Db, Row } from '../neo4j/db.js';
import { foldSearchKey, keyTerm } from '../graph/search.js';
import { isEntityLabel, type EntityLabel } from '../graph/model.js';

export interface GazetteerEntity {
  id: string;
  slug: string;
  label: EntityLabel;
  /** Its name first, then its aliases. */
  names: string[];
}

/** Longest run of words looked up as a name. */
const MAX_NAME_WORDS = 6;
/** Terms per keyword query (Lucene refuses more than 1,024 clauses). */
const TERMS_PER_QUERY = 500;

/** Elided articles and pronouns glued to a French word (d'OpenAI, l’Oracle, qu'Altman). */
const ELISION = /^(?:[dlj]|qu|jusqu|lorsqu|puisqu)['’]/i;

/**
 * The folded runs of one to six words of `text` a name could equal: each word without an elided
 * article, closing punctuation or a possessive, typographic apostrophes also read as straight.
 */
export function nameRuns(text: string): string[] {
  const words = text
    .split(/\s+/)
    .map((w) =>
      w
        .replace(/^[«"“([]+/, '')
        .replace(ELISION, '')
        .replace(/[»"”)\].,;:!?]+$/, '')
        .replace(/['’]s$/i, ''),
    )
    .filter(Boolean);
  const runs = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= MAX_NAME_WORDS && i + n <= words.length; n++) {
      const run = foldSearchKey(words.slice(i, i + n).join(' '));
      runs.add(run);
      if (run.includes('’')) runs.add(run.replaceAll('’', "'"));
    }
  }
  return [...runs];
}

/** Cypher: what a gazetteer entry is read from, for entity node `n`. */
const ENTRY = (n: string) =>
  `${n}.id AS id, ${n}.slug AS slug, [l IN labels(${n}) WHERE l <> 'Entity'][0] AS label, ` +
  `[${n}.name] + coalesce(${n}.aliases, []) AS names`;

/** Adds an entity read by ENTRY, once. */
function addEntry(found: Map<string, GazetteerEntity>, r: Row): void {
  if (!isEntityLabel(r.label) || found.has(String(r.id))) return;
  found.set(String(r.id), {
    id: String(r.id),
    slug: String(r.slug),
    label: r.label,
    names: (r.names as string[]).filter(Boolean),
  });
}

/** The entities (live today) a run of words of `text` names, each once. */
export async function gazetteerFor(db: Pick<Db, 'read'>, text: string): Promise<GazetteerEntity[]> {
  const runs = nameRuns(text);
  const found = new Map<string, GazetteerEntity>();
  for (let i = 0; i < runs.length; i += TERMS_PER_QUERY) {
    const query = runs
      .slice(i, i + TERMS_PER_QUERY)
      .map(keyTerm)
      .join(' OR ');
    const rows = await db.read(
      `CALL db.index.fulltext.queryNodes('entity_keys', $query, {limit: 10000}) YIELD node
       RETURN ${ENTRY('node')}`,
      { query },
    );
    for (const r of rows) addEntry(found, r);
  }
  for (const r of await db.read(RELATED, { ids: [...found.keys()] })) addEntry(found, r);
  return [...found.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/** Most entities RELATED adds of each kind of link. */
const RELATED_LIMIT = 200;

/**
 * What a text speaks of without naming it: the deals two named companies are party to, the deals
 * and datacenters of a named project, and the datacenters those deals cover ("the agreement with
 * Oracle", "its first datacenter"). Only entities joined to what the text names, so a hub named in
 * passing does not bring its whole neighbourhood.
 */
const RELATED = `
CALL () {
  MATCH (a:Entity)-[:PARTY_TO]->(d:Deal)<-[:PARTY_TO]-(b:Entity)
  WHERE a.id IN $ids AND b.id IN $ids AND a.id < b.id
  RETURN DISTINCT d AS node LIMIT ${RELATED_LIMIT}
UNION
  MATCH (p:Project)<-[:PART_OF]-(x:Deal|Datacenter) WHERE p.id IN $ids
  RETURN DISTINCT x AS node LIMIT ${RELATED_LIMIT}
}
CALL (node) {
  RETURN node AS related
UNION
  MATCH (node:Deal)-[:COVERS]->(c:Datacenter) RETURN c AS related
}
WITH DISTINCT related
RETURN ${ENTRY('related')}`;
