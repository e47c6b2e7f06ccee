/**
 * The two Cypher fragments every write statement (write-statements.ts) uses: whether a MERGE
 * created what it matched, and "set only what changed".
 */

/**
 * "Created or updated" is told one way everywhere: the MERGE marks what it creates, the next
 * clause reads the mark into `created` and removes it.
 *
 *   MERGE (n:Entity {slug: row.slug}) ON CREATE SET n.id = row.id, ${markCreated('n')}
 *   ${takeCreated('n', ['row'])}
 *
 * The mark is set and removed inside one transaction, so no other transaction ever sees it and it
 * is never stored: the answer is exact under concurrency, for nodes and relationships alike
 * (docs/decisions/2026-12-07-created-mark.md says why not a timestamp or id comparison).
 */
export const markCreated = (v: string) => `${v}.\`_created\` = true`;

/** `WITH v, ...carry, <v was created here> AS created`, removing the mark markCreated set. */
export const takeCreated = (v: string, carry: readonly string[] = []) => `
WITH ${[v, ...carry].join(', ')}, ${v}.\`_created\` IS NOT NULL AS created
REMOVE ${v}.\`_created\``;

/**
 * Cypher that sets `props` on `v` only where a value differs (null and absent count as equal),
 * stamps `v.updatedAt = <stamp>` with them (no stamp: properties only), and yields `changed`, so
 * repeating a write is a no-op. `carry` names the other variables to keep in scope; `props` must
 * be one already.
 */
export const setIfChanged = (v: string, carry: readonly string[], stamp?: string) => `
WITH ${[v, ...carry, 'props'].join(', ')},
     size([k IN keys(props)
           WHERE NOT coalesce(${v}[k] = props[k], ${v}[k] IS NULL AND props[k] IS NULL)]) > 0 AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END | SET ${v} += props${stamp ? `, ${v}.updatedAt = ${stamp}` : ''})`;
