/**
 * What a committed write announces: one `GraphChange` event per change, published after the
 * transaction commits (never for a rolled-back one), carried in process or through Redis as
 * JSON, filtered per subscriber, and turned into the response-cache entries it invalidates.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { EntityRow } from '../graph/entities.js';
import type { GraphData, LoadCounts } from '../graph/bulk-load.js';
import {
  ENTITY_LABELS,
  labelToKind,
  type EntityKind,
  type EntityLabel,
  type RelationshipType,
} from '../graph/model.js';
import type { Row } from '../neo4j/db.js';
import type { ClaimChangeNote } from '../claims/journal.js';

export const CHANGE_KINDS = ['CREATED', 'UPDATED', 'DELETED', 'CONNECTED', 'DISCONNECTED', 'IMPORTED'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The pub/sub topic every change goes out on. */
export const GRAPH_CHANGED = 'stargraph:graphChanged';

/** A relationship as a change carries it (the shape of the `Relationship` type's rows). */
export interface ChangedRelationship {
  /** Neo4j elementId of the relationship (of the removed one for DISCONNECTED). */
  id: string;
  type: RelationshipType;
  from: string;
  to: string;
  properties: Row;
}

/** One change; plain JSON, so it crosses Redis unchanged. */
export interface GraphChangeEvent {
  /**
   * Its change-log id: the number of its last claim change (src/claims/change-log.ts); absent
   * when it changed no claim (a CLI import batch, a purge), which no resume can replay.
   */
  id?: string;
  change: ChangeKind;
  /** ISO 8601 instant of the commit (as seen by the writer). */
  at: string;
  entity: EntityRow | null;
  relationship: ChangedRelationship | null;
  /** IMPORTED: what the batch wrote. */
  counts: { total: LoadCounts; created: LoadCounts; updated: LoadCounts } | null;
  /** Entities the change touched (both endpoints of a relationship), for filters and invalidation. */
  touched: Array<{ label: EntityLabel; id: string; slug: string }>;
  /** IMPORTED: the kinds in the batch (its entities are not listed one by one). */
  kinds: EntityLabel[];
  /** A source was written (addSource, provenance, an import with sources). */
  sources: boolean;
  /** What the write did to claims (recorded, closed, retracted), as the change log gives it. */
  claimChanges?: ClaimChangeNote[];
}

/** A subscriber's `graphChanged(kinds:, slugs:)` arguments; null/empty means "any". */
export interface ChangeFilter {
  kinds?: readonly EntityKind[] | null;
  slugs?: readonly string[] | null;
}

/**
 * Whether a subscriber with `filter` hears an event, as a predicate built once when it subscribes
 * (its kinds and slugs as sets), so each event costs set lookups only. A relationship matches
 * when either endpoint does. An IMPORTED batch matches on its kinds, and always on slugs: a batch
 * of thousands does not list its slugs, so a slug subscriber hears that something it watches may
 * have changed.
 */
export function changeMatcher(filter: ChangeFilter): (event: GraphChangeEvent) => boolean {
  const kinds = filter.kinds?.length ? new Set(filter.kinds) : null;
  const slugs = filter.slugs?.length ? new Set(filter.slugs) : null;
  if (!kinds && !slugs) return () => true;
  const touches = (e: GraphChangeEvent['touched'][number]) =>
    (!kinds || kinds.has(labelToKind(e.label))) && (!slugs || slugs.has(e.slug));
  return (event) => {
    if (event.change === 'IMPORTED') return !kinds || event.kinds.some((label) => kinds.has(labelToKind(label)));
    return event.touched.some(touches);
  };
}

export interface CacheEntity {
  typename: string;
  id?: string | number;
}

/**
 * Response-cache entries a change invalidates. The cache records, for every cached result, the
 * type names in it and the global ID of every object with an `id` (the plugin selects `id` even
 * when the client did not), and the types of fields that came back null or empty. So:
 * - a touched entity's global ID drops every result that shows it;
 * - its kind drops every result that shows any entity of that kind (lists, filters, orderings
 *   and searches it may now enter or leave);
 * - `derivedTypes` (connections, edges, pages, traversals, search hits, statistics) drop every
 *   result whose answer depends on more than the single entities it shows;
 * - a created entity also drops reads through the `Entity` and `Node` interfaces (a null lookup
 *   of its slug or ID).
 * The cache indexes each result under every type its document can select (use-live-cache.ts).
 * What survives a write is only results made of single entities of other kinds, which that
 * write cannot have changed.
 */
export function invalidationsFor(event: GraphChangeEvent, derivedTypes: readonly string[]): CacheEntity[] {
  const out = new Map<string, CacheEntity>();
  const add = (entity: CacheEntity) => out.set(`${entity.typename}:${entity.id ?? ''}`, entity);
  for (const e of event.touched) {
    add({ typename: e.label, id: encodeGlobalID(e.label, e.id) });
    add({ typename: e.label });
  }
  for (const label of event.kinds) add({ typename: label });
  // Only a new entity turns a null `entity(slug:)`/`node(id:)` into an answer (slugs and ids
  // never change); every other read through these interfaces is dropped by the entity's ID.
  if (event.change === 'CREATED' || event.change === 'IMPORTED') {
    add({ typename: 'Entity' });
    add({ typename: 'Node' });
  }
  if (event.sources) add({ typename: 'Source' });
  for (const typename of derivedTypes) add({ typename });
  return [...out.values()];
}

/** Type names that are not a single entity or source: see invalidationsFor. */
export function derivedTypeNames(typeNames: readonly string[]): string[] {
  const single = new Set<string>([
    ...ENTITY_LABELS,
    'Source',
    'Entity',
    'Node',
    'Query',
    'Mutation',
    'Subscription',
    'GraphChange',
  ]);
  return typeNames.filter((name) => !name.startsWith('__') && !single.has(name));
}

const now = () => new Date().toISOString();

const touchedOf = (entity: EntityRow) => ({ label: entity.label, id: entity.id, slug: entity.slug });

/** CREATED/UPDATED/DELETED of one entity; `also` are entities whose relationships it changed. */
export function entityChange(
  change: 'CREATED' | 'UPDATED' | 'DELETED',
  entity: EntityRow,
  options: { also?: EntityRow[]; sources?: boolean } = {},
): GraphChangeEvent {
  return {
    change,
    at: now(),
    entity,
    relationship: null,
    counts: null,
    touched: [touchedOf(entity), ...(options.also ?? []).map(touchedOf)],
    kinds: [],
    sources: options.sources ?? false,
  };
}

export function relationshipChange(
  change: 'CONNECTED' | 'DISCONNECTED',
  relationship: ChangedRelationship,
  from: EntityRow,
  to: EntityRow,
  options: { sources?: boolean } = {},
): GraphChangeEvent {
  return {
    change,
    at: now(),
    entity: null,
    relationship,
    counts: null,
    touched: [touchedOf(from), touchedOf(to)],
    kinds: [],
    sources: options.sources ?? false,
  };
}

/** One committed import batch (importGraph, or a batch of the import CLI). */
export function importedChange(
  counts: NonNullable<GraphChangeEvent['counts']>,
  labels: Iterable<EntityLabel>,
  sources: boolean,
): GraphChangeEvent {
  return {
    change: 'IMPORTED',
    at: now(),
    entity: null,
    relationship: null,
    counts,
    touched: [],
    kinds: [...new Set(labels)],
    sources,
  };
}

/**
 * Kinds an import batch touched: its entities' labels, and every kind when it has relationships
 * or mentions (their endpoints may be entities already in the graph, of any kind).
 */
export function importedLabels(data: GraphData): EntityLabel[] {
  if (data.relationships.length > 0 || data.mentions.length > 0) return [...ENTITY_LABELS];
  return [...new Set(data.entities.map((e) => e.label))];
}

/** The change-log numbers an event carries, ascending. */
export const seqsOf = (event: GraphChangeEvent): number[] =>
  (event.claimChanges ?? [])
    .map((n) => n.seq)
    .filter((n): n is number => typeof n === 'number')
    .sort((a, b) => a - b);
