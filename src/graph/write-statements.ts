/**
 * The one statement for each kind of write, shared by the mutations (writes.ts) and the bulk loader
 * (bulk-load.ts, behind the seed, generated graphs, importGraph and the import CLI). Each takes
 * `$rows` and `$now` (an ISO instant) and leaves its variables in scope, so a caller appends only
 * its RETURN: the loader counts rows (COUNT_CHANGES), a mutation returns the one row it wrote.
 *
 * The rules every write keeps:
 * - nodes merge on their key (entities on `slug`, sources on `id`), relationships on
 *   (start, type, end); `id` is set on create only;
 * - `createdAt` and `updatedAt` are set on create, for entities, sources and relationships between
 *   entities alike; `updatedAt` moves afterwards only when a property value changed, so repeating
 *   a write changes nothing (setIfChanged);
 * - a row's `props` are its properties as given, dates already Neo4j dates (toGraphProperties):
 *   absent keys are left alone, null removes a value;
 * - every write that creates a relationship between entities sets its page keys, and every write
 *   that may rename an entity updates them (page-keys.ts);
 * - whether the MERGE created what it matched is read one way (merge.ts).
 * Labels and types in the text come from model.ts only; values are parameters.
 */
import neo4j from 'neo4j-driver';
import type { Row } from '../neo4j/db.js';
import { markCreated, setIfChanged, takeCreated } from './merge.js';
import {
  COMMON_PROPERTIES,
  KIND_PROPERTIES,
  type EntityLabel,
  type PropertyType,
  type EntityRelationshipType,
} from './model.js';
import { RENAME_IN_PAGE_KEYS, SET_PAGE_KEYS } from './page-keys.js';
import { MAINTAIN_SEARCH_KEYS } from './search.js';

/** `YYYY-MM-DD` → Neo4j `date`, for keys the model types as dates (absent stays absent). */
export function toGraphProperties(spec: Record<string, PropertyType>, props: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (spec[key] === 'date' && typeof value === 'string') {
      const [y, m, d] = value.split('-').map(Number);
      out[key] = new neo4j.types.Date(y!, m!, d!);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Every property an entity of `label` may have, with its type (model.ts). */
export const entitySpec = (label: EntityLabel): Record<string, PropertyType> => ({
  ...COMMON_PROPERTIES,
  ...KIND_PROPERTIES[label],
});

/** How a write names an entity: by `id` (mutations, which resolved it) or `slug` (data files). */
type EntityKey = 'id' | 'slug';

/** What the loader returns for a batch: rows matched, rows created, rows updated. */
export const COUNT_CHANGES = `
RETURN count(*) AS rows,
       sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated`;

/**
 * Upserts entities of one kind by slug, rows `{slug, id, props}`; leaves `n`, `created` and
 * `changed`. A slug that already names an entity of another kind fails on the slug constraint:
 * callers that must say so check first (findKindConflicts).
 */
export const upsertEntities = (label: EntityLabel) => `
UNWIND $rows AS row
MERGE (n:Entity:${label} {slug: row.slug})
ON CREATE SET n.id = row.id, n.aliases = [], n.createdAt = datetime($now), n.updatedAt = datetime($now),
  ${markCreated('n')}
${takeCreated('n', ['row'])}
WITH n, row.props AS props, created, n.name AS nameBefore
${setIfChanged('n', ['created', 'nameBefore'], 'datetime($now)')}
${MAINTAIN_SEARCH_KEYS('n')}
${RENAME_IN_PAGE_KEYS('n', 'nameBefore')}`;

/** Upserts sources by id, rows `{id, props}`; leaves `s`, `created` and `changed`. */
export const UPSERT_SOURCES = `
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
ON CREATE SET s.createdAt = datetime($now), s.updatedAt = datetime($now), ${markCreated('s')}
${takeCreated('s', ['row'])}
WITH s, row.props AS props, created
${setIfChanged('s', ['created'], 'datetime($now)')}`;

/**
 * MERGEs typed relationships between entities named by `key`, rows `{from, to, props}`, with
 * `$fromLabels`/`$toLabels` the kinds the type allows (RELATIONSHIPS): a row naming a missing
 * entity or one of the wrong kind matches nothing. Leaves `r`, `created` and `changed`. The page
 * keys are set after the row's properties, so a row can never leave its own values there.
 */
export const mergeRelationships = (type: EntityRelationshipType, key: EntityKey) => `
UNWIND $rows AS row
MATCH (a:Entity {${key}: row.from}) WHERE any(l IN labels(a) WHERE l IN $fromLabels)
MATCH (b:Entity {${key}: row.to}) WHERE any(l IN labels(b) WHERE l IN $toLabels)
MERGE (a)-[r:${type}]->(b)
ON CREATE SET r.createdAt = datetime($now), r.updatedAt = datetime($now), ${markCreated('r')}
${takeCreated('r', ['row', 'a', 'b'])}
WITH r, row.props AS props, created, a, b
${setIfChanged('r', ['created', 'a', 'b'], 'datetime($now)')}
${SET_PAGE_KEYS('a', 'r', 'b')}`;

/**
 * MERGEs property-less links from sources (by id), rows `{from, to}`: MENTIONS to entities named
 * by `key`, CITES to sources by id. Leaves `r` and `created`.
 */
export const linkSources = (type: 'MENTIONS' | 'CITES', key: EntityKey = 'slug') => `
UNWIND $rows AS row
MATCH (a:Source {id: row.from})
MATCH ${type === 'MENTIONS' ? `(b:Entity {${key}: row.to})` : '(b:Source {id: row.to})'}
MERGE (a)-[r:${type}]->(b)
ON CREATE SET ${markCreated('r')}
${takeCreated('r')}`;

/** COUNT_CHANGES for links, which have no properties to update. */
export const COUNT_LINKS = `
RETURN count(*) AS rows, sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, 0 AS updated`;
