/**
 * A neighbourhood as analysts' tools read it (Gephi, pandas, networkx): every entity with all
 * its properties and sources, every relationship among them with its properties and sources.
 *
 * It goes through the same graph functions as the GraphQL API, with the same bounds and
 * timeout: the center is resolved like any entity argument (global ID or slug), the subgraph is
 * the `neighborhood` statement's, and sources come from the `Entity.sources` loader (one
 * batched statement). Nothing from a request reaches Cypher text.
 */
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import type { EntityRow, SourceRow } from '../graph/entities.js';
import { entitySourcesLoader } from '../graph/entity-loaders.js';
import { ENTITY_RELATIONSHIP_TYPES, isRelationshipType, type RelationshipType } from '../graph/model.js';
import type { RelationshipRow } from '../graph/rows.js';
import { TRAVERSAL_DEFAULTS, neighborhood } from '../graph/traversals.js';
import { resolveEntityArg } from '../schema/node.js';

export const EXPORT_FORMATS = ['graphml', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
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
}

export interface NeighborhoodExport {
  center: { id: string; slug: string };
  depth: number;
  /** True when `limit` cut the neighbourhood (as `neighborhood.truncated`). */
  truncated: boolean;
  nodes: ExportedNode[];
  relationships: ExportedRelationship[];
}

export interface ExportRequest {
  /** Global ID or slug of the center. */
  around: string;
  depth?: number;
  limit?: number;
  types?: readonly string[] | null;
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

function exportedNode(entity: EntityRow, sources: SourceRow[]): ExportedNode {
  const properties = Object.fromEntries(Object.entries(entity).filter(([key]) => !INTERNAL_PROPERTIES.has(key)));
  return { id: entity.id, entityType: entity.label, properties, sources: sources.map(exportedSource) };
}

function exportedRelationship(r: RelationshipRow, sourcesById: Map<string, ExportedSource[]>): ExportedRelationship {
  const toIds = new Set((sourcesById.get(r.to) ?? []).map((s) => s.id));
  const sources = (sourcesById.get(r.from) ?? []).filter((s) => toIds.has(s.id));
  return { id: r.id, type: r.type, from: r.from, to: r.to, properties: { ...r.properties }, sources };
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

/** The neighbourhood of `around`, ready to serialize (src/export/formats.ts). Three round trips. */
export async function exportNeighborhood(ctx: Context, request: ExportRequest): Promise<NeighborhoodExport> {
  const types = parseTypes(request.types);
  const center = await resolveEntityArg(ctx, request.around, 'around');
  const depth = request.depth ?? TRAVERSAL_DEFAULTS.neighborhood.depth;
  const subgraph = await neighborhood(ctx.db, ctx.config.limits, {
    center,
    depth,
    limit: request.limit ?? TRAVERSAL_DEFAULTS.neighborhood.limit,
    types,
  });
  const sources = await entitySourcesLoader(ctx).loadMany(subgraph.nodes.map((n) => n.id));
  const sourcesById = new Map<string, ExportedSource[]>();
  const nodes = subgraph.nodes.map((entity, i) => {
    const found = sources[i];
    if (found instanceof Error) throw found;
    const node = exportedNode(entity, found ?? []);
    sourcesById.set(entity.id, node.sources);
    return node;
  });
  // In a stable order (the statement collects them in no particular one): by type, ends, id.
  const relationships = [...subgraph.relationships]
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.id, b.id))
    .map((r) => exportedRelationship(r, sourcesById));
  return { center: { id: center.id, slug: center.slug }, depth, truncated: subgraph.truncated, nodes, relationships };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
