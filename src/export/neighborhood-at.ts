/**
 * The neighbourhood an export reads at a time slice, or across all time (the history export):
 * the `neighborhood` traversal's statement (src/graph/traversals.ts) written through the time
 * fragments (src/claims/time.ts), so it sees held-back entities (`HEntity`) and relationships
 * (`H_<TYPE>`) and, at a slice, keeps only those held then. A plain export never comes here: it
 * reads today's graph through `neighborhood` itself.
 */
import type { Context } from '../context.js';
import { ErrorCode, StargraphError, notFound } from '../errors.js';
import type { EntityRow } from '../graph/entities.js';
import {
  ENTITY_LABELS,
  ENTITY_RELATIONSHIP_TYPES,
  isEntityLabel,
  isRelationshipType,
  type EntityLabel,
  type RelationshipType,
} from '../graph/model.js';
import { withoutPageKeys } from '../graph/page-keys.js';
import type { RelationshipRow, SubgraphRow } from '../graph/rows.js';
import { checkBound, traversalRead, traversalRun } from '../graph/traversals.js';
import { heldLabel } from '../claims/model.js';
import { heldAt, labelAt, timeParams, typesAt, type TimeSlice } from '../claims/time.js';
import type { Row } from '../neo4j/db.js';
import { parseGlobalId } from '../schema/node.js';

/** When the neighbourhood is read: at a slice, or `'all'` (every entity and relationship ever claimed). */
export type ExportTime = TimeSlice | 'all';

const ANY_ENTITY = labelAt('Entity', true);

/** Kind labels, held or not: a node's kind is the one of these it carries. */
export const KIND_LABELS = [...ENTITY_LABELS, ...ENTITY_LABELS.map(heldLabel)];

/** `Company` for `Company` or `HCompany`. */
function kindOf(label: string): EntityLabel {
  const kind = label.startsWith('H') && isEntityLabel(label.slice(1)) ? label.slice(1) : label;
  if (!isEntityLabel(kind)) throw new Error(`Node has no entity kind label (${label})`);
  return kind;
}

/** `PARTY_TO` for `PARTY_TO` or `H_PARTY_TO`. */
function typeOf(type: string): RelationshipType {
  const plain = type.startsWith('H_') ? type.slice(2) : type;
  if (!isRelationshipType(plain)) throw new Error(`Unknown relationship type ${type}`);
  return plain;
}

/**
 * The center named by `around` (a slug or an entity's global ID), held back or not; whether it is
 * there at the slice is the neighbourhood statement's to say.
 */
export async function resolveCenterAnyTime(ctx: Context, around: string): Promise<{ id: string; slug: string }> {
  const looksLikeSlug = /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(around);
  let decoded: { typename: string; id: string } | null = null;
  try {
    decoded = parseGlobalId(around);
  } catch (_error) {
    if (!looksLikeSlug)
      throw new StargraphError(
        ErrorCode.INVALID_ID,
        `around: "${around.slice(0, 100)}" is neither a global ID nor a slug`,
        { argumentName: 'around' },
      );
  }
  const entityId = decoded && isEntityLabel(decoded.typename) ? decoded.id : null;
  const rows = await ctx.db.read(
    `OPTIONAL MATCH (bySlug:${ANY_ENTITY} {slug: $slug})
     OPTIONAL MATCH (byId:${ANY_ENTITY} {id: $id})
     RETURN bySlug { .id, .slug } AS bySlug, byId { .id, .slug } AS byId`,
    { slug: looksLikeSlug ? around : null, id: entityId },
  );
  const found = (rows[0]?.bySlug ?? rows[0]?.byId) as { id: string; slug: string } | null | undefined;
  if (found) return found;
  if (decoded && !entityId)
    throw new StargraphError(ErrorCode.INVALID_ID, `around: a ${decoded.typename} ID does not name an entity`, {
      argumentName: 'around',
    });
  throw notFound(`around: no entity "${around.slice(0, 100)}"`, { argumentName: 'around' });
}

export interface NeighborhoodAtArgs {
  centerId: string;
  depth: number;
  limit: number;
  types: readonly RelationshipType[] | null;
  time: ExportTime;
}

/** The statement: at a slice every node and relationship on the way must be held then. */
function neighborhoodAtCypher(depth: number, types: readonly RelationshipType[] | null, slice: boolean): string {
  const pattern = `:${typesAt(types ?? ENTITY_RELATIONSHIP_TYPES, true)}`;
  const held = (x: string) => (slice ? heldAt(x) : 'true');
  return `MATCH (a:${ANY_ENTITY} {id: $id})
     WHERE ${held('a')}
     CALL (a) {
       MATCH p = ANY SHORTEST (a)(()-[r${pattern}]-(y:${ANY_ENTITY}) WHERE ${held('r')} AND ${held('y')}){1,${depth}}(n)
       WHERE n <> a
       WITH n, length(p) AS distance
       LIMIT toInteger($limit)
       WITH n, distance ORDER BY distance, n.name, n.id
       RETURN collect(n) AS found
     }
     WITH a, found[0..toInteger($limit) - 1] AS kept, size(found) >= $limit AS truncated
     WITH [a] + kept AS ns, truncated
     CALL (ns) {
       UNWIND ns AS x
       MATCH (x)-[r${pattern}]->(y:${ANY_ENTITY})
       WHERE y IN ns AND ${held('r')}
       RETURN collect({ id: elementId(r), type: type(r), from: x.id, to: y.id, properties: properties(r) }) AS rels
     }
     RETURN [n IN ns | n { .*, label: head([l IN labels(n) WHERE l IN $kindLabels]) }] AS nodes, rels, truncated`;
}

/**
 * The neighbourhood of `centerId` at the slice (null when the center is not there then), or
 * across all time. Rows carry kind labels and relationship types as today's graph names them.
 */
export async function neighborhoodAt(ctx: Context, args: NeighborhoodAtArgs): Promise<SubgraphRow | null> {
  const { limits } = ctx.config;
  const depth = checkBound('depth', args.depth, limits.maxNeighborhoodDepth, 'MAX_NEIGHBORHOOD_DEPTH');
  const limit = checkBound('limit', args.limit, limits.maxNeighborhoodLimit, 'MAX_NEIGHBORHOOD_LIMIT');
  const slice = args.time === 'all' ? null : args.time;
  const rows = await traversalRead(
    ctx.db,
    neighborhoodAtCypher(depth, args.types, slice !== null),
    { id: args.centerId, limit, kindLabels: KIND_LABELS, ...timeParams(slice) },
    traversalRun(limits),
  );
  const row = rows[0];
  if (!row) return null;
  return {
    nodes: (row.nodes as Row[]).map(toEntityRowAt),
    relationships: (row.rels as Row[]).map(
      (r): RelationshipRow => ({
        id: String(r.id),
        type: typeOf(String(r.type)),
        from: String(r.from),
        to: String(r.to),
        properties: withoutPageKeys(r.properties as Row),
      }),
    ),
    truncated: row.truncated as boolean,
  };
}

/** An entity row whose kind label may be a held one (`HCompany`), as today's graph names its kind. */
export function toEntityRowAt(row: Row): EntityRow {
  return {
    ...(row as EntityRow),
    label: kindOf(String(row.label)),
    aliases: (row.aliases as string[] | null) ?? [],
    description: (row.description as string | null) ?? null,
  };
}
