/**
 * A node's relationship pages in order, read from an index.
 *
 * A relationship page is ordered by the far node's name, then id. Sorting a node's far nodes reads
 * every relationship it has, and the generated graphs' large nodes grow with the graph. Walking
 * the far label's (name, id) index instead (hub-pages.ts) costs about √(fetch × label size) at
 * the break-even. Neither stays flat (docs/decisions/2026-12-07-page-keys.md).
 *
 * So every relationship between entities carries copies of its endpoints' id, label and name:
 * `fromId`, `fromLabel`, `fromName`, `toId`, `toLabel`, `toName` (a held-back end keyed by its
 * kind, `Deal` for `HDeal`). Two composite indexes per type and per held-back type (`H_<TYPE>`),
 * (fromId, toLabel, toName, toId) and (toId, fromLabel, fromName, fromId), hold each node's
 * relationships already in page order: a page seeks the parent's id and far label and reads as
 * many entries as it returns, wherever its cursor points and however many relationships the node
 * has.
 *
 * The copies are kept exact by the writes, all of which go through these fragments:
 * - every statement that MERGEs a relationship between entities sets them (`SET_PAGE_KEYS`);
 * - every statement that may change an entity's name updates its relationships
 *   (`RENAME_IN_PAGE_KEYS`);
 * - ids and labels never change (an upsert never changes an entity's kind);
 * - relationships written before the copies existed, or by hand, get them at start-up
 *   (`backfillPageKeys`); `npm run repair-page-keys` also corrects stale copies.
 * Concurrency: a MERGE that creates a relationship locks both endpoints first (exclusively, dense
 * nodes included), and a rename locks the renamed node, so one waits for the other and reads the
 * name it committed. A plain CREATE by hand takes only shared locks on a dense node and can race
 * a rename; so can the start-up backfill, for relationships that lack keys. The repair command
 * mends what such a race leaves.
 *
 * They are internal: relationship property lists handed to users leave them out (`withoutPageKeys`).
 */
import { heldType } from '../claims/model.js';
import { kindOf } from '../claims/time.js';
import type { Db } from '../neo4j/db.js';
import { ENTITY_RELATIONSHIP_TYPES, type RelationshipType } from './model.js';

/**
 * The types that carry page keys: the entity relationship types and their held-back types (a
 * read at a date pages those too), whose keys a relationship keeps as it moves between them.
 */
const KEYED_TYPES: readonly string[] = [...ENTITY_RELATIONSHIP_TYPES, ...ENTITY_RELATIONSHIP_TYPES.map(heldType)];

/** An endpoint's kind label as a page key: a held-back `HDeal` is keyed as `Deal`. */
const kindKey = (n: string) => kindOf(n, true);

/** The copied properties, by end of the relationship. */
const PAGE_KEYS = {
  from: { id: 'fromId', label: 'fromLabel', name: 'fromName' },
  to: { id: 'toId', label: 'toLabel', name: 'toName' },
} as const;

/** The six property names, which no relationship record may set itself (the loader refuses them). */
export const PAGE_KEY_NAMES: ReadonlySet<string> = new Set(
  Object.values(PAGE_KEYS).flatMap((end) => Object.values(end)),
);

/** A relationship's properties as users see them: without the copied endpoint keys. */
export function withoutPageKeys<T extends Record<string, unknown>>(properties: T): T {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !PAGE_KEY_NAMES.has(key))) as T;
}

export const hasPageKeys = (type: RelationshipType): boolean =>
  (ENTITY_RELATIONSHIP_TYPES as readonly string[]).includes(type);

/** The index a page from the `near` end reads: near id, then the far end's label, name and id. */
export function pageKeyIndex(type: RelationshipType | string, near: 'from' | 'to') {
  const far = near === 'from' ? 'to' : 'from';
  return {
    name: `${type.toLowerCase()}_${near === 'from' ? 'out' : 'in'}_page`,
    properties: [PAGE_KEYS[near].id, PAGE_KEYS[far].label, PAGE_KEYS[far].name, PAGE_KEYS[far].id] as const,
  };
}

/** CREATE INDEX statements for every type with page keys (run by migrate, as the schema files are). */
export function pageKeyIndexStatements(): string[] {
  return KEYED_TYPES.flatMap((type) =>
    (['from', 'to'] as const).map((near) => {
      const index = pageKeyIndex(type, near);
      const properties = index.properties.map((p) => `r.${p}`).join(', ');
      return `CREATE INDEX ${index.name} IF NOT EXISTS FOR ()-[r:${type}]-() ON (${properties})`;
    }),
  );
}

/** True when `r`'s copies all equal its endpoints `a` (start) and `b` (end). */
const exact = (a: string, r: string, b: string) => {
  const { from, to } = PAGE_KEYS;
  return `coalesce(${r}.${from.id} = ${a}.id AND ${r}.${from.label} = ${kindKey(a)}
    AND ${r}.${from.name} = ${a}.name
    AND ${r}.${to.id} = ${b}.id AND ${r}.${to.label} = ${kindKey(b)} AND ${r}.${to.name} = ${b}.name, false)`;
};

/**
 * Sets relationship `r`'s copies of its endpoints `a` (start) and `b` (end), only where they
 * differ, so writing a relationship again changes nothing. In the loader it goes after the record's
 * properties are set, so a record can never leave its own values there (the API's writes set only
 * the model's properties).
 */
export const SET_PAGE_KEYS = (a: string, r: string, b: string) => {
  const { from, to } = PAGE_KEYS;
  return `FOREACH (_ IN CASE WHEN ${exact(a, r, b)} THEN [] ELSE [1] END |
  SET ${r}.${from.id} = ${a}.id, ${r}.${from.label} = ${kindKey(a)}, ${r}.${from.name} = ${a}.name,
      ${r}.${to.id} = ${b}.id, ${r}.${to.label} = ${kindKey(b)}, ${r}.${to.name} = ${b}.name)`;
};

const ENTITY_TYPES = KEYED_TYPES.join('|');

/**
 * After a write that may have changed entity `n`'s name: its relationships' copies of the name
 * follow. `before` names the variable holding its name as read before the write (null for a
 * node the write created); a write that leaves the name as it was reads no relationship, so
 * writing a hub costs nothing here unless it is renamed.
 */
export const RENAME_IN_PAGE_KEYS = (n: string, before: string) => {
  // n's name is `fromName` on the relationships n starts, `toName` on those it ends.
  const update = (end: 'from' | 'to') => {
    const copy = `r.${PAGE_KEYS[end].name}`;
    const pattern = end === 'from' ? `(${n})-[r:${ENTITY_TYPES}]->()` : `(${n})<-[r:${ENTITY_TYPES}]-()`;
    return `CALL (${n}) { MATCH ${pattern} WHERE ${copy} IS NULL OR ${copy} <> ${n}.name SET ${copy} = ${n}.name }`;
  };
  return `WITH *
CALL (${n}, ${before}) {
  WITH ${n} WHERE ${before} IS NOT NULL AND ${before} <> ${n}.name
  ${update('from')}
  ${update('to')}
}`;
};

/**
 * Gives page keys to relationships that lack them (written before they existed, or by hand), in
 * batches; with `all`, also corrects every copy that differs from its endpoints (an entity renamed
 * by hand). Returns how many relationships it wrote. At start-up it runs without `all`: scanning a
 * type whose relationships all have keys reads only relationship records, where comparing every
 * copy also reads both endpoints' names (docs/decisions/2026-12-07-page-keys.md);
 * `npm run repair-page-keys` compares them all.
 */
export async function backfillPageKeys(db: Db, options: { all?: boolean } = {}): Promise<number> {
  let total = 0;
  for (const type of KEYED_TYPES) {
    // Held-back relationships once took a held-back end's label (`HDeal`) as its key.
    const lacking = type.startsWith('H_')
      ? `r.${PAGE_KEYS.from.id} IS NULL OR r.${PAGE_KEYS.from.label} STARTS WITH 'H' OR r.${PAGE_KEYS.to.label} STARTS WITH 'H'`
      : `r.${PAGE_KEYS.from.id} IS NULL`;
    const needsPageKeys = options.all ? `NOT ${exact('a', 'r', 'b')}` : lacking;
    const [row] = await db.writeAutoCommit(
      `MATCH (a)-[r:${type}]->(b) WHERE ${needsPageKeys}
       CALL (a, r, b) { ${SET_PAGE_KEYS('a', 'r', 'b')} } IN TRANSACTIONS OF 10000 ROWS
       RETURN count(*) AS set`,
    );
    total += Number(row?.set ?? 0);
  }
  return total;
}

/**
 * Relationships whose copies differ from their endpoints (none, when every write keeps them),
 * those touching entities whose slug starts with `slugPrefix` when given: for tests, and for
 * checking a graph written by other tools.
 */
export async function pageKeyDrift(db: Db, slugPrefix: string | null = null): Promise<number> {
  const [row] = await db.read(
    `MATCH (a)-[r:${ENTITY_TYPES}]->(b)
     WHERE ($prefix IS NULL OR a.slug STARTS WITH $prefix OR b.slug STARTS WITH $prefix)
     AND NOT ${exact('a', 'r', 'b')}
     RETURN count(r) AS drift`,
    { prefix: slugPrefix },
  );
  return Number(row?.drift ?? 0);
}
