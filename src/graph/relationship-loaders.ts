/**
 * Per-request DataLoaders for every relationship field: one batched statement (UNWIND of parent
 * ids) per field, arguments and level, with each parent's page cut inside Cypher. The statement
 * comes from the planner's builder (src/plan/cypher.ts), as the planned reads' do: a loader
 * describes its read, runs it and shapes the rows.
 */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import type { Row } from '../neo4j/db.js';
import {
  connectionFilter,
  ENTITY_RELATIONSHIPS_ORDERING,
  forEachParent,
  relationshipCount,
  relationshipParams,
  relationshipRows,
  type CountRead,
  type RelationshipRead,
} from '../plan/cypher.js';
import { toEntityRow, type EntityRow, type SourceRow } from './entities.js';
import { typedRelationshipsOf, type RelationshipType, type TypedRelationship } from './model.js';
import { filterLimits } from './filters.js';
import { withoutPageKeys } from './page-keys.js';
import { type ConnectionArgs, relationshipOrdering } from './ordering.js';
import type { Direction } from './patterns.js';
import { planPage, toPage, type Page, type PageArgs } from './paging.js';
import type { CursorKey } from './cursor.js';
import { timeKey, timeParams, type TimeSlice } from '../claims/time.js';
import { toEntityRowAt } from './time-reads.js';

/** One typed relationship field, as its loaders read it. */
export interface RelationshipField {
  /** Unique name, e.g. `Company.deals` (keys the loader and the cursor ordering). */
  key: string;
  /** Entity or Source: the label whose unique `id` index finds the parents. */
  parent: 'Entity' | 'Source';
  relationship: TypedRelationship;
}

export interface RelationshipEdgeRow {
  sortKey: CursorKey;
  node: EntityRow;
  /** The relationship's own properties (role, title, committedUsd...). */
  properties: Row;
  relationshipId: string;
  type: RelationshipType;
  direction: 'OUT' | 'IN';
}

export interface SourceEdgeRow extends Omit<RelationshipEdgeRow, 'node'> {
  node: SourceRow;
}

/** The loader's view of a typed relationship field from the model table. */
export const relationshipField = (rel: TypedRelationship): RelationshipField => ({
  key: `${rel.parentType}.${rel.fieldName}`,
  parent: rel.parentType === 'Source' ? 'Source' : 'Entity',
  relationship: rel,
});

/** A loaded row `{ k, n, properties, relationshipId, type, direction }` as resolvers read it. */
function toEdgeRow(value: Row, nodeLabel: string, slice: TimeSlice | null): RelationshipEdgeRow {
  const { k, n, properties, relationshipId, type, direction } = value;
  const row = { sortKey: k, node: n, properties, relationshipId, type, direction } as RelationshipEdgeRow;
  if (nodeLabel === 'Source') return row;
  const node = slice ? toEntityRowAt(row.node, slice) : toEntityRow(row.node);
  return { ...row, properties: withoutPageKeys(row.properties), node };
}

/**
 * What a loader reads: every property of the far node and all of the relationship, with the
 * sort keys for cursors. One read per loader statement, so its index is 0.
 */
const LOADED = { index: 0, cursors: true, edgeProperties: 'all', node: 'all' } as const;

/** One page per parent from one UNWIND statement; each parent's page is cut inside Cypher. */
function batchedPage(
  ctx: Context,
  key: string,
  parent: 'Entity' | 'Source',
  read: RelationshipRead,
  parentId: string,
  slice: TimeSlice | null,
) {
  const loader = requestLoader(ctx, `page:${key}:${timeKey(slice)}`, () => {
    // The statement, written once per loader (not once per parent asking for its page).
    const time = slice !== null;
    const cypher = forEachParent(parent, (v) => relationshipRows(v, { ...read, time }), { time });
    const params = { ...relationshipParams(read), ...timeParams(slice) };
    return new DataLoader<string, Page<RelationshipEdgeRow>>(async (parentIds) => {
      const rows = await ctx.db.read(cypher, { ...params, parentIds });
      const byParent = new Map(
        rows.map((r) => [
          r.pid as string,
          (r.value as Row[]).map((e) => toEdgeRow(e, read.relationship.nodeLabel, slice)),
        ]),
      );
      return parentIds.map((id) => toPage(byParent.get(id) ?? [], read.page!, read.ordering));
    });
  });
  return loader.load(parentId);
}

/** How many relationships pass the read's conditions, per parent: only run when `totalCount` is asked. */
function batchedCount(
  ctx: Context,
  key: string,
  parent: 'Entity' | 'Source',
  read: CountRead,
  parentId: string,
  slice: TimeSlice | null,
) {
  const loader = requestLoader(ctx, `count:${key}:${timeKey(slice)}`, () => {
    const time = slice !== null;
    const cypher = forEachParent(parent, (v) => relationshipCount(v, { ...read, time }), { time });
    const params = { ...relationshipParams({ ...read, page: null }), ...timeParams(slice) };
    return new DataLoader<string, number>(async (parentIds) => {
      const rows = await ctx.db.read(cypher, { ...params, parentIds });
      const byParent = new Map(rows.map((r) => [r.pid as string, Number(r.value)]));
      return parentIds.map((id) => byParent.get(id) ?? 0);
    });
  });
  return loader.load(parentId);
}

/** A typed field's read with the client's filter on its far node (values as parameters). */
function typedRead(ctx: Context, field: RelationshipField, filter: ConnectionArgs['filter'], time: boolean) {
  const { relationship } = field;
  const limits = filterLimits(ctx.config.limits);
  const compiled = connectionFilter(relationship.nodeLabel, filter, LOADED.index, limits, time);
  const key = compiled.where === null ? field.key : `${field.key}:${compiled.where}:${JSON.stringify(compiled.params)}`;
  return { key, read: { index: LOADED.index, relationship, filter: compiled } };
}

/** A page of a typed relationship field for one parent, batched with its siblings. */
export function loadRelationshipPage(
  ctx: Context,
  field: RelationshipField,
  parentId: string,
  args: ConnectionArgs,
  slice: TimeSlice | null = null,
) {
  const ordering = relationshipOrdering(field.relationship, args.orderBy);
  const page = planPage(args, ordering, ctx.config.limits.maxPageSize);
  const { key, read } = typedRead(ctx, field, args.filter, slice !== null);
  const pageKey = `${key}:${ordering.name}:${JSON.stringify([args.first, args.after, args.last, args.before])}`;
  return batchedPage(ctx, pageKey, field.parent, { ...LOADED, ...read, ordering, page }, parentId, slice);
}

/**
 * How many relationships a field has for one parent (that pass its filter). Unfiltered, Neo4j
 * reads the count from the node's degree store where it can (relationshipCount).
 */
export function loadRelationshipCount(
  ctx: Context,
  field: RelationshipField,
  parentId: string,
  filter?: ConnectionArgs['filter'],
  slice: TimeSlice | null = null,
): Promise<number> {
  const { key, read } = typedRead(ctx, field, filter, slice !== null);
  return batchedCount(ctx, key, field.parent, read, parentId, slice);
}

/** Defaults of `Entity.relationships`' arguments, stated once (schema `defaultValue` and code). */
export const GENERIC_RELATIONSHIP_DEFAULTS = {
  /**
   * Which relationships, seen from the entity: OUT, IN or BOTH.
   * @default 'BOTH'
   */
  direction: 'BOTH',
} as const satisfies { direction: Direction };

export interface GenericRelationshipArgs extends PageArgs {
  types?: readonly RelationshipType[] | null;
  direction?: Direction | null;
}

/** `Entity.relationships`' read: relationships of any type (those of `types` when given) to entities. */
function genericRead(args: GenericRelationshipArgs) {
  const direction = args.direction ?? GENERIC_RELATIONSHIP_DEFAULTS.direction;
  const types = args.types && args.types.length > 0 ? [...new Set(args.types)].sort() : null;
  return {
    key: `Entity.relationships:${JSON.stringify([types, direction])}`,
    read: {
      index: LOADED.index,
      relationship: { type: null, direction, nodeLabel: 'Entity' },
      types,
      filter: { where: null, params: {} },
    } satisfies CountRead,
  };
}

/** `Entity.relationships`: every relationship to another entity, filtered by type and direction. */
export function loadEntityRelationships(
  ctx: Context,
  parentId: string,
  args: GenericRelationshipArgs,
  slice: TimeSlice | null = null,
) {
  const page = planPage(args, ENTITY_RELATIONSHIPS_ORDERING, ctx.config.limits.maxPageSize);
  const { key, read } = genericRead(args);
  const pageKey = `${key}:${JSON.stringify([args.first, args.after, args.last, args.before])}`;
  return batchedPage(
    ctx,
    pageKey,
    'Entity',
    { ...LOADED, ...read, ordering: ENTITY_RELATIONSHIPS_ORDERING, page },
    parentId,
    slice,
  );
}

export function loadEntityRelationshipCount(
  ctx: Context,
  parentId: string,
  args: GenericRelationshipArgs,
  slice: TimeSlice | null = null,
): Promise<number> {
  const { key, read } = genericRead(args);
  return batchedCount(ctx, key, 'Entity', read, parentId, slice);
}

/** One typed relationship field of an entity and how many relationships it holds. */
export interface RelationshipCountRow {
  field: TypedRelationship;
  count: number;
}

/**
 * The counts of every typed relationship field of `label` for each parent in `$parentIds`: rows
 * `pid, value`, the value a list in the fields' declaration order.
 */
export function relationshipCountsStatement(label: EntityRow['label'], time: boolean): string {
  const counts = (v: string) =>
    `[${typedRelationshipsOf(label)
      .map((relationship) =>
        relationshipCount(v, { index: LOADED.index, relationship, filter: { where: null, params: {} }, time }),
      )
      .join(', ')}]`;
  return forEachParent('Entity', counts, { time });
}

/**
 * `Entity.relationshipCounts`: for each typed relationship field of the entity's kind, how many
 * relationships it holds at the slice; one statement per kind in a batch. Each count is the one
 * the field's `totalCount` gives (`relationshipCount`): the node's degree where the model implies
 * the far label, a held degree at a slice for a hub, else the relationships counted.
 */
export function loadRelationshipCounts(
  ctx: Context,
  parent: Pick<EntityRow, 'id' | 'label'>,
  slice: TimeSlice | null,
): Promise<RelationshipCountRow[]> {
  const loader = requestLoader(ctx, `relationshipCounts:${timeKey(slice)}`, () => {
    const time = slice !== null;
    return new DataLoader<string, RelationshipCountRow[]>(async (keys) => {
      const byLabel = new Map<EntityRow['label'], string[]>();
      for (const key of keys) {
        const [label, id] = JSON.parse(key) as [EntityRow['label'], string];
        byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
      }
      const found = new Map<string, RelationshipCountRow[]>();
      for (const [label, parentIds] of byLabel) {
        const fields = typedRelationshipsOf(label);
        const rows = await ctx.db.read(relationshipCountsStatement(label, time), { parentIds, ...timeParams(slice) });
        for (const row of rows) {
          const values = row.value as number[];
          found.set(
            JSON.stringify([label, row.pid]),
            fields.map((field, i) => ({ field, count: Number(values[i]) })),
          );
        }
      }
      return keys.map((key) => found.get(key) ?? []);
    });
  });
  return loader.load(JSON.stringify([parent.label, parent.id]));
}
