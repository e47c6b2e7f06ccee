/**
 * External identifiers of entities (SPEC section 2a, "Identity"): a scheme and a value, unique
 * per scheme and value across the graph.
 *
 * Stored twice, kept together by every write: an `Identifier {key, scheme, value, entity}` node per
 * identifier, whose unique `key` makes two entities holding one identifier impossible (also under
 * concurrent writes) and finds an entity by identifier in one index seek; and the entity's own
 * `identifiers` list of keys, which reads project like any other property.
 */
import { badInput, ErrorCode, StargraphError } from '../errors.js';
import type { Row, Run } from '../neo4j/db.js';

export const IDENTIFIER_SCHEMES = ['WIKIDATA', 'LEI', 'TICKER', 'DOMAIN', 'CRUNCHBASE'] as const;
export type IdentifierScheme = (typeof IDENTIFIER_SCHEMES)[number];

export interface Identifier {
  scheme: IdentifierScheme;
  value: string;
}

/** Most identifiers one entity may hold. */
export const MAX_IDENTIFIERS = 20;

export const isIdentifierScheme = (value: unknown): value is IdentifierScheme =>
  typeof value === 'string' && (IDENTIFIER_SCHEMES as readonly string[]).includes(value);

/** ISO 17442: two check digits, the whole code taken as a number (letters A=10 … Z=35) ≡ 1 mod 97. */
function leiChecksumOk(code: string): boolean {
  let remainder = 0;
  for (const c of code) {
    const digits = /[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Each scheme's canonical form (what is stored and compared) and its rule, as a sentence for the
 * error. Canonical: Wikidata and tickers upper case, domains lower case without a trailing dot.
 */
const SCHEMES: Record<
  IdentifierScheme,
  { canonical: (v: string) => string; valid: (v: string) => boolean; rule: string }
> = {
  WIKIDATA: {
    canonical: (v) => v.toUpperCase(),
    valid: (v) => /^Q[1-9][0-9]{0,11}$/.test(v),
    rule: 'a Wikidata item id: Q followed by digits (Q2283)',
  },
  LEI: {
    canonical: (v) => v.toUpperCase(),
    valid: (v) => /^[A-Z0-9]{18}[0-9]{2}$/.test(v) && leiChecksumOk(v),
    rule: 'a 20-character Legal Entity Identifier with valid check digits (ISO 17442)',
  },
  TICKER: {
    canonical: (v) => v.toUpperCase(),
    valid: (v) => /^[A-Z]{2,10}:[A-Z0-9][A-Z0-9.-]{0,11}$/.test(v),
    rule: 'EXCHANGE:SYMBOL (NASDAQ:MSFT)',
  },
  DOMAIN: {
    canonical: (v) => v.toLowerCase().replace(/\.$/, ''),
    valid: (v) => v.length <= 253 && v.includes('.') && v.split('.').every((l) => DOMAIN_LABEL.test(l)),
    rule: 'a host name without scheme or path (openai.com)',
  },
  CRUNCHBASE: {
    canonical: (v) => v.toLowerCase(),
    valid: (v) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v) && v.length <= 200,
    rule: 'an organization or person permalink (openai)',
  },
};

/** The stored key of an identifier: `SCHEME:value` (a ticker's own colon stays in the value). */
export const identifierKey = (id: Identifier) => `${id.scheme}:${id.value}`;

/** An identifier back from its key. */
export function identifierOfKey(key: string): Identifier {
  const colon = key.indexOf(':');
  return { scheme: key.slice(0, colon) as IdentifierScheme, value: key.slice(colon + 1) };
}

/** A key as a data file gives it (`SCHEME:value`), canonical; unchanged when it is not a valid key. */
export function canonicalKey(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const id = canonicalIdentifier({ scheme: key.slice(0, colon), value: key.slice(colon + 1) });
  return typeof id === 'string' ? key : identifierKey(id);
}

/** What is wrong with one identifier as given, or its canonical form. */
export function canonicalIdentifier(input: { scheme: string; value: string }): Identifier | string {
  const scheme = input.scheme.trim().toUpperCase();
  if (!isIdentifierScheme(scheme)) return `scheme must be one of ${IDENTIFIER_SCHEMES.join(', ')}`;
  const rules = SCHEMES[scheme];
  const value = rules.canonical(input.value.trim());
  if (!rules.valid(value)) return `${scheme} value "${input.value.slice(0, 100)}" is not ${rules.rule}`;
  return { scheme, value };
}

/**
 * An entity's identifiers as given, canonical, each once, or BAD_USER_INPUT naming the first
 * problem under `path` (e.g. `['input', 'identifiers', 2]`).
 */
export function checkIdentifiers(
  input: ReadonlyArray<{ scheme: string; value: string }>,
  path: Array<string | number>,
) {
  if (input.length > MAX_IDENTIFIERS) {
    throw badInput(`identifiers: at most ${MAX_IDENTIFIERS} per entity (got ${input.length})`, { path });
  }
  const out: Identifier[] = [];
  const seen = new Set<string>();
  input.forEach((given, i) => {
    const id = canonicalIdentifier(given);
    if (typeof id === 'string') throw badInput(`identifiers[${i}]: ${id}`, { path: [...path, i] });
    const key = identifierKey(id);
    if (!seen.has(key)) out.push(id);
    seen.add(key);
  });
  return out;
}

/** An entity's stored `identifiers` list (keys) as objects, in scheme order then value. */
export function identifiersOfRow(keys: unknown): Identifier[] {
  if (!Array.isArray(keys)) return [];
  return keys.map((k) => identifierOfKey(String(k)));
}

/** Keys sorted as the entity's list keeps them: one order, so a repeated write changes nothing. */
const sortedKeys = (ids: readonly Identifier[]) => ids.map(identifierKey).sort();

/**
 * Makes `rows` (entity id → its whole set of identifiers) hold: each identifier is claimed for
 * its entity (a new `Identifier` node, or one it already holds), identifiers it no longer lists are
 * dropped, and its `identifiers` list is rewritten, with `updatedAt` moved to `now`, when it
 * changed. An identifier held by another entity is a CONFLICT naming both (the caller's
 * transaction rolls back). Returns the ids of the entities whose identifiers changed.
 */
export async function setIdentifiers(
  run: Run,
  rows: ReadonlyArray<{ entity: string; identifiers: readonly Identifier[] }>,
  now: string,
  path: Array<string | number> = ['input', 'identifiers'],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const params = rows.map((r) => ({
    entity: r.entity,
    keys: sortedKeys(r.identifiers),
    ids: r.identifiers.map((id) => ({ key: identifierKey(id), scheme: id.scheme, value: id.value })),
  }));
  // MERGE locks each key first: of two writes claiming one key for two entities, the second sees
  // the first's entity here and fails.
  const taken = await run(
    `UNWIND $rows AS row
     UNWIND row.ids AS id
     MERGE (i:Identifier {key: id.key})
     ON CREATE SET i.scheme = id.scheme, i.value = id.value, i.entity = row.entity
     WITH row, i WHERE i.entity <> row.entity
     OPTIONAL MATCH (holder:Entity|HEntity {id: i.entity})
     OPTIONAL MATCH (claimant:Entity|HEntity {id: row.entity})
     RETURN i.key AS key, holder.slug AS heldBy, claimant.slug AS claimedBy LIMIT 1`,
    { rows: params },
  );
  if (taken.length > 0) throw identifierTaken(taken[0]!, path);
  const [changed] = await run(
    `UNWIND $rows AS row
     OPTIONAL MATCH (old:Identifier {entity: row.entity}) WHERE NOT old.key IN row.keys
     DETACH DELETE old
     WITH DISTINCT row
     MATCH (n:Entity|HEntity {id: row.entity})
     WITH n, row WHERE coalesce(n.identifiers, []) <> row.keys
     SET n.identifiers = CASE WHEN size(row.keys) = 0 THEN null ELSE row.keys END,
         n.updatedAt = datetime($now)
     RETURN collect(n.id) AS ids`,
    { rows: params, now },
  );
  return (changed?.ids as string[] | undefined) ?? [];
}

function identifierTaken(row: Row, path: Array<string | number>) {
  const { scheme, value } = identifierOfKey(String(row.key));
  return new StargraphError(
    ErrorCode.CONFLICT,
    `The identifier ${scheme} ${value} already belongs to "${String(row.heldBy ?? 'another entity')}"` +
      `${row.claimedBy ? `, not "${String(row.claimedBy)}"` : ''}; an identifier names one entity ` +
      '(merge the two if they are the same)',
    { path, identifier: { scheme, value }, heldBy: row.heldBy ?? null },
  );
}

/** The id of the entity holding an identifier, or null. */
export async function entityIdByIdentifier(read: (cypher: string, params: Row) => Promise<Row[]>, id: Identifier) {
  const [row] = await read('MATCH (i:Identifier {key: $key}) RETURN i.entity AS entity', { key: identifierKey(id) });
  return row ? String(row.entity) : null;
}
