/**
 * A neighbourhood as analysts' tools read it (Gephi, pandas, networkx): every entity with all
 * its properties and sources, every relationship among them with its properties and sources, and
 * the claims behind them: each entity's existence claim, each relationship's claim, and the claim
 * of each sourced value (validity, transaction time, citations).
 *
 * A plain export reads today's graph through the same graph functions as the GraphQL API, with
 * the same bounds and timeout: the center is resolved like any entity argument (global ID or
 * slug), the subgraph is the `neighborhood` statement's, and sources come from the
 * `Entity.sources` loader (one batched statement). An export `asOf`/`knownAt` reads the graph at
 * that slice (neighborhood-at.ts): the entities and relationships held then, each sourced value
 * as its claim held then gives it. Nothing from a request reaches Cypher text.
 */
import type { Context } from '../context.js';
import { badInput, notFound } from '../errors.js';
import type { EntityRow, SourceRow } from '../graph/entities.js';
import { entitySourcesLoader } from '../graph/entity-loaders.js';
import {
  ALL_RELATIONSHIP_PROPERTIES,
  ENTITY_RELATIONSHIP_TYPES,
  isRelationshipType,
  type RelationshipType,
} from '../graph/model.js';
import type { RelationshipRow, SubgraphRow } from '../graph/rows.js';
import { TRAVERSAL_DEFAULTS, neighborhood } from '../graph/traversals.js';
import { sourcedProperties } from '../claims/model.js';
import { labelAt, timeSlice, type TimeSlice } from '../claims/time.js';
import { sourcesList } from '../plan/cypher.js';
import type { Row } from '../neo4j/db.js';
import { resolveEntityArg } from '../schema/node.js';
import {
  claimsAt,
  copiedClaimOf,
  withoutClaimCopies,
  type ClaimsAt,
  type ExportedClaim,
  type ValueClaim,
} from './claims.js';
import { neighborhoodAt, resolveCenterAnyTime } from './neighborhood-at.js';

/** `json` is the history export (history-export.ts); the others serialize a neighbourhood. */
export const EXPORT_FORMATS = ['graphml', 'csv', 'ndjson', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type NeighborhoodFormat = Exclude<ExportFormat, 'json'>;
export const isExportFormat = (value: unknown): value is ExportFormat =>
  (EXPORT_FORMATS as readonly unknown[]).includes(value);

/** A source as exports list it: the fields that identify and date it. */
export type ExportedSource = Pick<SourceRow, 'id' | 'title' | 'publisher' | 'url' | 'publishedOn' | 'language'>;

export interface ExportedNode {
  /** The entity's id (stable; relationships' `from`/`to` name it). */
  id: string;
  /** Its kind label: Person, Company, Project, Datacenter or Deal. */
  entityType: string;
  /** Every other property of the entity (slug, name, aliases, kind-specific ones, timestamps). */
  properties: Record<string, unknown>;
  /** Sources that mention the entity, newest first. */
  sources: ExportedSource[];
  /** Its existence claim; null in a graph written without claims. */
  claim: ExportedClaim | null;
  /** The claim behind each sourced property's value, by property name (only those with one). */
  values: Record<string, ExportedClaim>;
}

export interface ExportedRelationship {
  id: string;
  type: RelationshipType;
  from: string;
  to: string;
  properties: Record<string, unknown>;
  /**
   * Sources that mention both its entities: a write that records a relationship's source (the
   * `connect` mutation with a source, an import) makes that source mention both ends.
   */
  sources: ExportedSource[];
  /** The relationship's claim; null in a graph written without claims. */
  claim: ExportedClaim | null;
  /** The claim behind each property's value, by property name. */
  values: Record<string, ExportedClaim>;
}

export interface NeighborhoodExport {
  center: { id: string; slug: string };
  depth: number;
  /** True when `limit` cut the neighbourhood (as `neighborhood.truncated`). */
  truncated: boolean;
  /** The slice read; null: today, as known now. */
  time: TimeSlice | null;
  nodes: ExportedNode[];
  relationships: ExportedRelationship[];
}

export interface ExportRequest {
  /** Global ID or slug of the center. */
  around: string;
  depth?: number;
  limit?: number;
  types?: readonly string[] | null;
  /** `YYYY-MM-DD` (checked by the caller): the world as the claims describe it on that day. */
  asOf?: string | null;
  /** ISO instant (checked by the caller): what the graph held then. */
  knownAt?: string | null;
}

/** Properties kept out of exports: derived search keys, and what a node's own fields carry. */
const INTERNAL_PROPERTIES = new Set(['searchKeys', 'id', 'label']);

const exportedSource = (s: SourceRow): ExportedSource => ({
  id: s.id,
  title: s.title,
  publisher: s.publisher ?? null,
  url: s.url ?? null,
  publishedOn: s.publishedOn ?? null,
  language: s.language ?? null,
});

/** A claim without the fields only a value claim has. */
const claimOnly = ({ subject: _s, field: _f, value: _v, ...claim }: ValueClaim): ExportedClaim => claim;

/**
 * A record's properties and the claims behind them. At a slice every sourced property is the
 * value its claim held then gives (absent when none held); in a plain export the values are
 * today's graph's, which are its winning claims'.
 */
function withClaims(
  properties: Row,
  sourced: readonly string[],
  claims: ClaimsAt,
  subject: string | null,
  time: TimeSlice | null,
): Pick<ExportedNode, 'properties' | 'claim' | 'values'> {
  const own = withoutClaimCopies(properties);
  const claimId = properties.claimId as string | null | undefined;
  const claim = (claimId ? claims.own.get(claimId) : undefined) ?? copiedClaimOf(properties);
  const held = (subject ? claims.values.get(subject) : undefined) ?? new Map<string, ValueClaim>();
  const values: Record<string, ExportedClaim> = {};
  for (const field of sourced) {
    const value = held.get(field);
    if (time) {
      if (value) own[field] = value.value;
      else delete own[field];
    }
    if (value && own[field] !== undefined && own[field] !== null) values[field] = claimOnly(value);
  }
  return { properties: own, claim, values };
}

function exportedNode(entity: EntityRow, sources: SourceRow[], claims: ClaimsAt, time: TimeSlice | null): ExportedNode {
  const properties = Object.fromEntries(Object.entries(entity).filter(([key]) => !INTERNAL_PROPERTIES.has(key)));
  const sourced = Object.keys(sourcedProperties(entity.label));
  return {
    id: entity.id,
    entityType: entity.label,
    ...withClaims(properties, sourced, claims, entity.id, time),
    sources: sources.map(exportedSource),
  };
}

const RELATIONSHIP_FIELDS = Object.keys(ALL_RELATIONSHIP_PROPERTIES);

function exportedRelationship(
  r: RelationshipRow,
  sourcesById: Map<string, ExportedSource[]>,
  claims: ClaimsAt,
  time: TimeSlice | null,
): ExportedRelationship {
  const toIds = new Set((sourcesById.get(r.to) ?? []).map((s) => s.id));
  const sources = (sourcesById.get(r.from) ?? []).filter((s) => toIds.has(s.id));
  const claimId = (r.properties.claimId as string | null | undefined) ?? null;
  return {
    id: r.id,
    type: r.type,
    from: r.from,
    to: r.to,
    ...withClaims({ ...r.properties }, RELATIONSHIP_FIELDS, claims, claimId, time),
    sources,
  };
}

/** Relationship types named by a request (the enum's names), checked before anything runs. */
export function parseTypes(raw: readonly string[] | null | undefined): RelationshipType[] | null {
  if (!raw || raw.length === 0) return null;
  return raw.map((type) => {
    if (!isRelationshipType(type) || !(ENTITY_RELATIONSHIP_TYPES as readonly string[]).includes(type)) {
      throw badInput(
        `types: "${String(type).slice(0, 50)}" is not a relationship type between entities ` +
          `(${ENTITY_RELATIONSHIP_TYPES.join(', ')})`,
        {
          argumentName: 'types',
        },
      );
    }
    return type;
  });
}

/** Sources that mention each entity, held back or not, newest first (as `Entity.sources`). */
export async function sourcesAnyTime(ctx: Context, ids: readonly string[]): Promise<Map<string, SourceRow[]>> {
  const rows = await ctx.db.read(
    `UNWIND $parentIds AS pid MATCH (n:${labelAt('Entity', true)} {id: pid})
     RETURN pid, ${sourcesList('n', { index: 0, node: 'all' })} AS value`,
    { parentIds: ids },
  );
  return new Map(rows.map((r) => [String(r.pid), r.value as SourceRow[]]));
}

/** Today's neighbourhood, through the API's own functions. */
async function plainSubgraph(ctx: Context, request: ExportRequest, types: RelationshipType[] | null, depth: number) {
  const center = await resolveEntityArg(ctx, request.around, 'around');
  const subgraph = await neighborhood(ctx.db, ctx.config.limits, {
    center,
    depth,
    limit: request.limit ?? TRAVERSAL_DEFAULTS.neighborhood.limit,
    types,
  });
  const found = await entitySourcesLoader(ctx).loadMany(subgraph.nodes.map((n) => n.id));
  const sources = new Map<string, SourceRow[]>();
  subgraph.nodes.forEach((n, i) => {
    const list = found[i];
    if (list instanceof Error) throw list;
    sources.set(n.id, list ?? []);
  });
  return { center: { id: center.id, slug: center.slug }, subgraph, sources };
}

/** The neighbourhood at a slice; NOT_FOUND when the center is not there then. */
async function subgraphAt(
  ctx: Context,
  request: ExportRequest,
  types: RelationshipType[] | null,
  depth: number,
  time: TimeSlice,
) {
  const center = await resolveCenterAnyTime(ctx, request.around);
  const limit = request.limit ?? TRAVERSAL_DEFAULTS.neighborhood.limit;
  const subgraph = await neighborhoodAt(ctx, { centerId: center.id, depth, limit, types, time });
  if (!subgraph)
    throw notFound(
      `around: "${request.around.slice(0, 100)}" is not in the graph asOf ${time.asOf}, knownAt ${time.knownAt}`,
      { argumentName: 'around' },
    );
  const sources = await sourcesAnyTime(
    ctx,
    subgraph.nodes.map((n) => n.id),
  );
  return { center, subgraph, sources };
}

/**
 * The neighbourhood of `around`, ready to serialize (src/export/formats.ts): four round trips
 * (center, neighbourhood, sources, claims).
 */
export async function exportNeighborhood(ctx: Context, request: ExportRequest): Promise<NeighborhoodExport> {
  const types = parseTypes(request.types);
  const time = timeSlice(request.asOf, request.knownAt);
  const depth = request.depth ?? TRAVERSAL_DEFAULTS.neighborhood.depth;
  const { center, subgraph, sources } = time
    ? await subgraphAt(ctx, request, types, depth, time)
    : await plainSubgraph(ctx, request, types, depth);
  const claims = await claimsOf(ctx, subgraph, time);
  const sourcesById = new Map<string, ExportedSource[]>();
  const nodes = subgraph.nodes.map((entity) => {
    const node = exportedNode(entity, sources.get(entity.id) ?? [], claims, time);
    sourcesById.set(entity.id, node.sources);
    return node;
  });
  // In a stable order (the statement collects them in no particular one): by type, ends, id.
  const relationships = [...subgraph.relationships]
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.id, b.id))
    .map((r) => exportedRelationship(r, sourcesById, claims, time));
  return { center, depth, truncated: subgraph.truncated, time, nodes, relationships };
}

/** Every claim the subgraph's records name, and their values' claims at the slice. */
function claimsOf(ctx: Context, subgraph: SubgraphRow, time: TimeSlice | null): Promise<ClaimsAt> {
  const claimIdOf = (properties: Row) => (typeof properties.claimId === 'string' ? [properties.claimId] : []);
  const nodeClaims = subgraph.nodes.flatMap((n) => claimIdOf(n));
  const relationshipClaims = subgraph.relationships.flatMap((r) => claimIdOf(r.properties));
  return claimsAt(
    ctx.db,
    [...nodeClaims, ...relationshipClaims],
    [...subgraph.nodes.map((n) => n.id), ...relationshipClaims],
    time,
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
