/**
 * The W3C Reconciliation Service API, version 0.2 (what OpenRefine speaks), over `reconcile`:
 * its shapes only, no HTTP (plugins/use-reconcile.ts serves them). A query batch
 * `{ "q0": { query, type, limit, properties: [{pid, v}] } }` becomes ReconcileQuery objects, the
 * core's candidates become `{ "q0": { result: [{ id, name, type, score, match, features }] } }`.
 *
 * Two kinds of trouble, two answers: a batch of the wrong shape (not JSON, an unknown type or
 * property id, wrong JSON types, too many of something) is refused whole with BAD_USER_INPUT or
 * LIMIT_EXCEEDED; a value a spreadsheet cell gave that cannot be what its property asks (an
 * identifier that is not valid in its scheme, a country that is not a two-letter code, a name
 * over 300 characters, an empty cell) is left out of the comparison, so one messy cell never
 * fails the other queries of its batch.
 */
import { badInput, limitExceeded } from '../errors.js';
import { entitiesBy, type EntityRow } from '../graph/entities.js';
import { ENTITY_KINDS, ENTITY_LABELS, type EntityLabel } from '../graph/model.js';
import { isKebabCase } from '../graph/write-input.js';
import type { Db } from '../neo4j/db.js';
import {
  IDENTIFIER_SCHEMES,
  MAX_IDENTIFIERS,
  canonicalIdentifier,
  identifierKey,
  identifiersOfRow,
  type Identifier,
} from './identifiers.js';
import {
  MATCH_MARGIN,
  MATCH_SCORE,
  MAX_RECONCILE_CANDIDATES,
  MAX_RECONCILE_NAME_LENGTH,
  MAX_RECONCILE_QUERIES,
  MAX_RECONCILE_RELATED,
  reconcile,
  type ReconcileCandidate,
  type ReconcileQuery,
} from './reconcile.js';

/** Versions of the API served: 0.2, and 0.1 (0.2 only adds to it). */
export const RECONCILE_API_VERSIONS = ['0.1', '0.2'] as const;
/** Size of the iframe OpenRefine shows a preview in, in CSS pixels. */
export const PREVIEW_SIZE = { width: 420, height: 240 } as const;
/** Largest query batch body read, in bytes (100 queries of a few KB each). */
export const MAX_RECONCILE_BODY_BYTES = 1_000_000;
/** Longest key of one query in a batch (OpenRefine's are `q0`, `q1`...). */
const MAX_QUERY_KEY_LENGTH = 200;
/** Most entries in one query's `properties`, and most values in one entry's `v`. */
const MAX_PROPERTIES = 20;
const MAX_VALUES = 20;
/** Most type ids one query may list. */
const MAX_TYPES = 10;
/** Suggestions per page of a suggest answer (`cursor` skips whole suggestions). */
export const SUGGEST_PAGE = 10;
/** Furthest `cursor` a suggest query may ask for. */
export const MAX_SUGGEST_CURSOR = 490;

export interface ServiceType {
  id: string;
  name: string;
  description: string;
}

/** The service's types: the five entity kinds, each's id its label (`Company`). */
export const RECONCILE_TYPES: readonly ServiceType[] = ENTITY_LABELS.map((label) => ({
  id: label,
  name: label,
  description: {
    Person: 'A person: executives, officials, investors.',
    Company: 'A company: AI labs, cloud providers, investors, chipmakers, energy suppliers.',
    Project: 'A build-out programme, such as Stargate.',
    Datacenter: 'A datacenter site, planned, under construction or running.',
    Deal: 'A deal between companies: a compute lease, cloud contract, investment or partnership.',
  }[label],
}));

/** A type id as a kind: its label or GraphQL kind, any case (`Company`, `company`, `COMPANY`). */
export function kindOfType(id: string): EntityLabel | null {
  const upper = id.trim().toUpperCase();
  const i = ENTITY_KINDS.indexOf(upper as (typeof ENTITY_KINDS)[number]);
  return i < 0 ? null : ENTITY_LABELS[i]!;
}

type PropertyId = 'country' | 'related' | 'identifier' | (typeof IDENTIFIER_SCHEMES)[number];

/** The properties a query may give, by id (`pid`). */
export const RECONCILE_PROPERTIES: ReadonlyArray<{ id: PropertyId; name: string; description: string }> = [
  {
    id: 'country',
    name: 'Country',
    description:
      "ISO 3166-1 alpha-2 code (US, FR), compared with a company's country: +3 when it agrees, -10 when not.",
  },
  {
    id: 'related',
    name: 'Related entity',
    description:
      'Name of an entity it is related to (a chief executive, a party to a deal): +5 for each that is its neighbour, +10 at most.',
  },
  {
    id: 'identifier',
    name: 'Identifier (SCHEME:value)',
    description: `An identifier with its scheme, one of ${IDENTIFIER_SCHEMES.join(', ')} (DOMAIN:openai.com).`,
  },
  { id: 'WIKIDATA', name: 'Wikidata item', description: 'A Wikidata item id (Q2283).' },
  { id: 'LEI', name: 'Legal Entity Identifier', description: 'A 20-character LEI (ISO 17442).' },
  { id: 'TICKER', name: 'Stock ticker', description: 'EXCHANGE:SYMBOL (NASDAQ:MSFT).' },
  { id: 'DOMAIN', name: 'Web domain', description: 'A host name without scheme or path (openai.com).' },
  { id: 'CRUNCHBASE', name: 'Crunchbase permalink', description: 'An organization or person permalink (openai).' },
];

const propertyOf = (pid: string) => RECONCILE_PROPERTIES.find((p) => p.id.toLowerCase() === pid.trim().toLowerCase());

// ---------------------------------------------------------------------------------------------
// The manifest

export interface ManifestOptions {
  /** Where clients reach this server (PUBLIC_URL, or the request's origin), without a trailing slash. */
  base: string;
  /** REQUIRE_AUTH_FOR_READS: the manifest says every other request needs a token. */
  authRequired: boolean;
}

/**
 * The service manifest: what a GET of the endpoint without parameters answers. Entity ids are
 * slugs, under the identifier space `<base>/entity/`; the schema space is `<base>/schema/`.
 */
export function serviceManifest({ base, authRequired }: ManifestOptions) {
  const service = (path: string) => ({ service_url: base, service_path: `/reconcile${path}` });
  return {
    versions: [...RECONCILE_API_VERSIONS],
    name: 'stargraph',
    identifierSpace: `${base}/entity/`,
    schemaSpace: `${base}/schema/`,
    defaultTypes: RECONCILE_TYPES.map(({ id, name }) => ({ id, name })),
    // The explorer's shareable link, focused on the entity.
    view: { url: `${base}/explorer?focus={{id}}` },
    preview: { url: `${base}/reconcile/preview?id={{id}}`, ...PREVIEW_SIZE },
    suggest: {
      entity: service('/suggest/entity'),
      type: service('/suggest/type'),
      property: service('/suggest/property'),
    },
    batchSize: MAX_RECONCILE_QUERIES,
    // An OpenAPI security scheme (the spec's own form): the token goes in the Authorization header.
    ...(authRequired
      ? {
          authentication: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'Bearer <token>: an API key or JWT with the read scope',
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Query batches

/** A related entity as a query gives it: a name, or an id (a slug) from an earlier reconciliation. */
interface RelatedValue {
  name: string | null;
  id: string | null;
}

/** One query of a batch, checked, before related ids are looked up. */
export interface ServiceQuery {
  key: string;
  /** The name (`query`), trimmed; '' when the query gives only properties. */
  name: string;
  kinds: EntityLabel[] | null;
  country: string | null;
  identifiers: Identifier[];
  related: RelatedValue[];
  limit: number | null;
  /** Nothing can match (a name over MAX_RECONCILE_NAME_LENGTH): answered with no candidate. */
  hopeless: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const QUERY_FIELDS = new Set(['query', 'type', 'limit', 'properties', 'type_strict']);
/** A slug, as writes take it (an id from another service is not one). */
const isSlug = (id: string | null): id is string => id !== null && id.length <= 200 && isKebabCase(id);
const COUNTRY = /^[A-Za-z]{2}$/;

/** A property value as text and, for an entity value `{id, name}`, its parts. */
interface PropertyValue {
  text: string | null;
  id: string | null;
  name: string | null;
}

/** `v`: a string, number, `{id, name?}`, or a list of them; anything else is BAD_USER_INPUT. */
function valuesOf(v: unknown, where: string): PropertyValue[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length > MAX_VALUES) throw badInput(`${where}.v: at most ${MAX_VALUES} values (got ${list.length})`);
  return list.map((value, i) => {
    if (typeof value === 'string') return { text: value.trim() || null, id: null, name: null };
    if (typeof value === 'number' && Number.isFinite(value)) return { text: String(value), id: null, name: null };
    if (
      isObject(value) &&
      typeof value.id === 'string' &&
      (value.name === undefined || typeof value.name === 'string')
    ) {
      const id = value.id.trim() || null;
      const name = typeof value.name === 'string' ? value.name.trim() || null : null;
      return { text: id, id, name };
    }
    throw badInput(
      `${where}.v${Array.isArray(v) ? `[${i}]` : ''} must be a string, a number or an entity {"id", "name"}`,
    );
  });
}

/** A `type`: one id or a list, each a kind; an id the manifest never announced is BAD_USER_INPUT. */
function kindsOf(type: unknown, where: string): EntityLabel[] | null {
  if (type === undefined || type === null) return null;
  const ids = Array.isArray(type) ? type : [type];
  if (ids.length > MAX_TYPES) throw badInput(`${where}.type: at most ${MAX_TYPES} types`);
  const kinds = ids.map((id) => {
    if (typeof id !== 'string') throw badInput(`${where}.type must be a type id or a list of them`);
    const kind = kindOfType(id);
    if (!kind)
      throw badInput(
        `${where}.type: unknown type "${id.slice(0, 50)}" (types: ${RECONCILE_TYPES.map((t) => t.id).join(', ')})`,
      );
    return kind;
  });
  return kinds.length ? [...new Set(kinds)] : null;
}

/** `limit`: a whole number; 0 reads as not given, more than MAX_RECONCILE_CANDIDATES as that many. */
function limitOf(limit: unknown, where: string): number | null {
  if (limit === undefined || limit === null) return null;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)
    throw badInput(`${where}.limit must be a positive whole number`);
  return limit === 0 ? null : Math.min(limit, MAX_RECONCILE_CANDIDATES);
}

/** One query object of a batch, checked; `where` names it in messages (`queries.q0`). */
function checkQuery(key: string, raw: unknown): ServiceQuery {
  const where = `queries.${key.slice(0, 50)}`;
  if (!isObject(raw)) throw badInput(`${where} must be a query object {"query", "type", "properties"...}`);
  for (const field of Object.keys(raw))
    if (!QUERY_FIELDS.has(field))
      throw badInput(`${where}: unknown field "${field.slice(0, 50)}" (known: ${[...QUERY_FIELDS].join(', ')})`);
  if (raw.query !== undefined && typeof raw.query !== 'string') throw badInput(`${where}.query must be a string`);
  if (raw.properties !== undefined && !Array.isArray(raw.properties))
    throw badInput(`${where}.properties must be a list of {"pid", "v"}`);
  const name = (raw.query ?? '').trim();
  const properties = (raw.properties ?? []) as unknown[];
  if (name === '' && properties.length === 0)
    throw badInput(`${where}: a query needs a non-empty "query" or some "properties"`);
  if (properties.length > MAX_PROPERTIES) throw badInput(`${where}.properties: at most ${MAX_PROPERTIES} entries`);

  const query: ServiceQuery = {
    key,
    name,
    kinds: kindsOf(raw.type, where),
    country: null,
    identifiers: [],
    related: [],
    limit: limitOf(raw.limit, where),
    hopeless: name.length > MAX_RECONCILE_NAME_LENGTH,
  };
  const identifiers = new Map<string, Identifier>();
  properties.forEach((entry, i) => {
    const at = `${where}.properties[${i}]`;
    if (!isObject(entry) || typeof entry.pid !== 'string' || !('v' in entry))
      throw badInput(`${at} must be {"pid", "v"}`);
    const property = propertyOf(entry.pid);
    if (!property)
      throw badInput(
        `${at}.pid: unknown property "${entry.pid.slice(0, 50)}" (properties: ${RECONCILE_PROPERTIES.map((p) => p.id).join(', ')})`,
      );
    const values = valuesOf(entry.v, at);
    if (property.id === 'country') {
      const codes = [...new Set(values.flatMap((v) => (v.text && COUNTRY.test(v.text) ? [v.text.toUpperCase()] : [])))];
      if (codes.length > 1 || (query.country && codes[0] && codes[0] !== query.country))
        throw badInput(`${at}: a query has one country (got ${[query.country, ...codes].filter(Boolean).join(', ')})`);
      query.country ??= codes[0] ?? null;
    } else if (property.id === 'related') {
      // A name (a cell's text, or an entity value's name) and, for an entity value, its slug.
      for (const v of values) {
        const given = v.id ? v.name : v.text;
        const name = given && given.length <= MAX_RECONCILE_NAME_LENGTH ? given : null;
        const id = isSlug(v.id) ? v.id : null;
        if (name || id) query.related.push({ name, id });
      }
      if (query.related.length > MAX_RECONCILE_RELATED)
        throw badInput(`${where}: at most ${MAX_RECONCILE_RELATED} related entities`);
    } else {
      for (const v of values) {
        const id = identifierOf(property.id, v.text);
        if (id) identifiers.set(identifierKey(id), id);
      }
      if (identifiers.size > MAX_IDENTIFIERS) throw badInput(`${where}: at most ${MAX_IDENTIFIERS} identifiers`);
    }
  });
  query.identifiers = [...identifiers.values()];
  return query;
}

/** A value of an identifier property, canonical; null when it is not valid in its scheme. */
function identifierOf(pid: PropertyId, text: string | null): Identifier | null {
  if (!text) return null;
  let scheme: string = pid;
  let value = text;
  if (pid === 'identifier') {
    const colon = text.indexOf(':');
    if (colon < 0) return null;
    scheme = text.slice(0, colon);
    value = text.slice(colon + 1);
  }
  const id = canonicalIdentifier({ scheme, value });
  return typeof id === 'string' ? null : id;
}

/**
 * A query batch as sent (its JSON text), checked: an object of query objects, at most
 * MAX_RECONCILE_QUERIES of them (LIMIT_EXCEEDED past it), each checked by its rules above.
 */
export function parseQueryBatch(text: string): ServiceQuery[] {
  let batch: unknown;
  try {
    batch = JSON.parse(text);
  } catch (error) {
    throw badInput(`queries is not JSON: ${(error as Error).message.slice(0, 200)}`, { argumentName: 'queries' });
  }
  if (!isObject(batch))
    throw badInput('queries must be a JSON object of queries, e.g. {"q0": {"query": "OpenAI"}}', {
      argumentName: 'queries',
    });
  const keys = Object.keys(batch);
  if (keys.length > MAX_RECONCILE_QUERIES)
    throw limitExceeded('MAX_RECONCILE_QUERIES', MAX_RECONCILE_QUERIES, keys.length, 'queries');
  return keys.map((key) => {
    if (key.length === 0 || key.length > MAX_QUERY_KEY_LENGTH)
      throw badInput(`A query's key must have 1 to ${MAX_QUERY_KEY_LENGTH} characters`, { argumentName: 'queries' });
    return checkQuery(key, batch[key]);
  });
}

// ---------------------------------------------------------------------------------------------
// Answers

/** A score from 0 to 1 on the API's scale, 0 to 100, to a tenth. */
const onScale = (x: number) => Math.round(x * 1000) / 10;

const typesOf = (entity: EntityRow) => [{ id: entity.label, name: entity.label }];

/**
 * A candidate as the API gives it: `id` the slug, `score` on 0-100, `match` the core's rule (the
 * top candidate, at least MATCH_SCORE and MATCH_MARGIN ahead), one feature per reason (its kind,
 * and what it added to the score on the same scale: the features add up to the score, before the
 * score is held within 0-100).
 */
export function candidateOf({ entity, score, match, reasons }: ReconcileCandidate) {
  return {
    id: entity.slug,
    name: entity.name,
    ...(entity.description ? { description: entity.description } : {}),
    type: typesOf(entity),
    score: onScale(score),
    match,
    features: reasons.map((r) => ({ id: r.kind, value: onScale(r.weight) })),
  };
}

export type ServiceCandidate = ReturnType<typeof candidateOf>;

/** The match rule on the API's scale, for documentation and tests. */
export const MATCH_RULE = { score: onScale(MATCH_SCORE), margin: onScale(MATCH_MARGIN) } as const;

/**
 * Answers a checked batch: related entities given by id are named first (one read, only when a
 * query gives one; ids that name no entity here are dropped), then all queries in one `reconcile`.
 */
export async function answerBatch(
  db: Db,
  queries: readonly ServiceQuery[],
): Promise<Record<string, { result: ServiceCandidate[] }>> {
  const ids = [...new Set(queries.flatMap((q) => q.related.flatMap((r) => (r.id ? [r.id] : []))))];
  const names = new Map<string, string>();
  if (ids.length > 0)
    (await entitiesBy(db, 'slug', ids)).forEach((e, i) => {
      if (e) names.set(ids[i]!, e.name);
    });
  const asked = queries.filter((q) => !q.hopeless);
  const results =
    asked.length > 0
      ? await reconcile(
          db,
          asked.map(
            (q): ReconcileQuery => ({
              name: q.name,
              kinds: q.kinds,
              country: q.country,
              identifiers: q.identifiers,
              // An entity value by its name here; else by the name it was given with.
              related: [...new Set(q.related.flatMap((r) => (r.id ? names.get(r.id) : undefined) ?? r.name ?? []))],
              limit: q.limit,
            }),
          ),
        )
      : [];
  const byKey = new Map(asked.map((q, i) => [q.key, results[i]!.candidates.map(candidateOf)]));
  return Object.fromEntries(queries.map((q) => [q.key, { result: byKey.get(q.key) ?? [] }]));
}

// ---------------------------------------------------------------------------------------------
// Suggest

/** An entity as a suggestion: its slug, name, description and kind (`notable`). */
export function entitySuggestion(entity: EntityRow) {
  return {
    id: entity.slug,
    name: entity.name,
    ...(entity.description ? { description: entity.description } : {}),
    notable: typesOf(entity),
  };
}

/**
 * Whether `prefix` starts the id or a word of the name (case aside, words split at anything but a
 * letter or digit); an empty prefix, everything.
 */
function startsWith(prefix: string, item: { id: string; name: string }) {
  const p = prefix.trim().toLowerCase();
  if (p === '') return true;
  return (
    item.id.toLowerCase().startsWith(p) ||
    item.name
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .some((w) => w !== '' && w.startsWith(p))
  );
}

/** The types a prefix starts, in the manifest's order. */
export const suggestTypes = (prefix: string) => RECONCILE_TYPES.filter((t) => startsWith(prefix, t));

/** The properties a prefix starts, in the order of RECONCILE_PROPERTIES. */
export const suggestProperties = (prefix: string) =>
  RECONCILE_PROPERTIES.filter((p) => startsWith(prefix, p)).map(({ id, name, description }) => ({
    id,
    name,
    description,
  }));

/** An entity's identifiers as `SCHEME value` pairs, for the preview. */
export const identifiersOf = (entity: EntityRow) => identifiersOfRow(entity.identifiers);
