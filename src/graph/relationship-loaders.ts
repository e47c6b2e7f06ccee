/**
 * Per-request DataLoaders for every relationship field: one batched Cypher statement (UNWIND of
 * parent ids) per field, arguments and level, with each parent's page cut inside Cypher.
 */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import type { Row } from '../neo4j/db.js';
import { entityProjection, sourceProjection, toEntityRow, type EntityRow, type SourceRow } from './entities.js';
import type { EntityLabel, RelationshipType } from './model.js';
import { planPage, toPage, type Ordering, type Page, type PageArgs } from './paging.js';
import type { CursorKey } from './cursor.js';

export type Direction = 'OUT' | 'IN' | 'BOTH';

/** One relationship field: fixed in code, so its pattern is safe to place in Cypher text. */
export interface RelationshipField {
  /** Unique name, e.g. `Company.deals` (keys the loader and the cursor ordering). */
  key: string;
  /** Entity or Source: the label whose unique `id` index finds the parents. */
  parent: 'Entity' | 'Source';
  types: readonly RelationshipType[];
  direction: Exclude<Direction, 'BOTH'>;
  nodeLabel: EntityLabel | 'Entity' | 'Source';
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

const arrow = (direction: Direction, types: readonly string[] | null) => {
  const rel = types && types.length > 0 ? `[r:${types.join('|')}]` : '[r]';
  return direction === 'OUT' ? `-${rel}->` : direction === 'IN' ? `<-${rel}-` : `-${rel}-`;
};

const nodeOrdering = (field: string, label: string): Ordering => ({
  name: field,
  keys: label === 'Source' ? [{ expr: "coalesce(n.title, '')" }, { expr: 'n.id' }] : [{ expr: 'n.name' }, { expr: 'n.id' }],
});

function edgeProjection(nodeLabel: string) {
  const node = nodeLabel === 'Source' ? sourceProjection('n') : entityProjection('n');
  return `{ node: ${node}, properties: properties(r), relationshipId: elementId(r), type: type(r),
            direction: CASE WHEN startNode(r) = p THEN 'OUT' ELSE 'IN' END, sortKey: sortKey }`;
}

function toEdgeRow(value: unknown, nodeLabel: string): RelationshipEdgeRow {
  const row = value as RelationshipEdgeRow;
  return nodeLabel === 'Source' ? row : { ...row, node: toEntityRow(row.node) };
}

/** A page of a typed relationship field for one parent, batched with its siblings. */
export function loadRelationshipPage(
  ctx: Context,
  field: RelationshipField,
  parentId: string,
  args: PageArgs,
): Promise<Page<RelationshipEdgeRow>> {
  const ordering = nodeOrdering(field.key, field.nodeLabel);
  const plan = planPage(args, ordering, ctx.config.limits.maxPageSize);
  const loader = requestLoader(
    ctx,
    `rel:${field.key}:${JSON.stringify([args.first, args.after, args.last, args.before])}`,
    () =>
      new DataLoader<string, Page<RelationshipEdgeRow>>(async (parentIds) => {
        const rows = await ctx.db.read(
          `UNWIND $parentIds AS pid
           MATCH (p:${field.parent} {id: pid})
           CALL (p) {
             MATCH (p)${arrow(field.direction, field.types)}(n:${field.nodeLabel})
             WITH p, r, n, [${ordering.keys.map((k) => k.expr).join(', ')}] AS sortKey
             WHERE ${plan.where}
             ORDER BY ${plan.orderBy}
             LIMIT toInteger($fetch)
             RETURN collect(${edgeProjection(field.nodeLabel)}) AS edges
           }
           RETURN pid, edges`,
          { parentIds, cursor: plan.cursorKey, fetch: plan.fetch },
        );
        const byParent = new Map(rows.map((r) => [r.pid as string, (r.edges as unknown[]).map((e) => toEdgeRow(e, field.nodeLabel))]));
        return parentIds.map((id) => toPage(byParent.get(id) ?? [], plan, ordering));
      }),
  );
  return loader.load(parentId);
}

/** How many relationships a field has for one parent (only run when `totalCount` is asked). */
export function loadRelationshipCount(ctx: Context, field: RelationshipField, parentId: string): Promise<number> {
  const loader = requestLoader(
    ctx,
    `relcount:${field.key}`,
    () =>
      new DataLoader<string, number>(async (parentIds) => {
        const rows = await ctx.db.read(
          `UNWIND $parentIds AS pid
           MATCH (p:${field.parent} {id: pid})
           RETURN pid, COUNT { (p)${arrow(field.direction, field.types)}(n:${field.nodeLabel}) } AS total`,
          { parentIds },
        );
        const byParent = new Map(rows.map((r) => [r.pid as string, Number(r.total)]));
        return parentIds.map((id) => byParent.get(id) ?? 0);
      }),
  );
  return loader.load(parentId);
}

export interface GenericRelationshipArgs extends PageArgs {
  types?: readonly RelationshipType[] | null;
  direction?: Direction | null;
}

const genericOrdering: Ordering = {
  name: 'Entity.relationships',
  keys: [{ expr: 'type(r)' }, { expr: 'n.name' }, { expr: 'n.id' }, { expr: 'elementId(r)' }],
};

/** `Entity.relationships`: every relationship to another entity, filtered by type and direction. */
export function loadEntityRelationships(
  ctx: Context,
  parentId: string,
  args: GenericRelationshipArgs,
): Promise<Page<RelationshipEdgeRow>> {
  const plan = planPage(args, genericOrdering, ctx.config.limits.maxPageSize);
  const direction = args.direction ?? 'BOTH';
  const types = args.types && args.types.length > 0 ? [...new Set(args.types)].sort() : null;
  const loader = requestLoader(
    ctx,
    `rel:Entity.relationships:${JSON.stringify([types, direction, args.first, args.after, args.last, args.before])}`,
    () =>
      new DataLoader<string, Page<RelationshipEdgeRow>>(async (parentIds) => {
        const rows = await ctx.db.read(
          `UNWIND $parentIds AS pid
           MATCH (p:Entity {id: pid})
           CALL (p) {
             MATCH (p)${arrow(direction, null)}(n:Entity)
             WHERE ($types IS NULL OR type(r) IN $types)
             WITH p, r, n, [${genericOrdering.keys.map((k) => k.expr).join(', ')}] AS sortKey
             WHERE ${plan.where}
             ORDER BY ${plan.orderBy}
             LIMIT toInteger($fetch)
             RETURN collect(${edgeProjection('Entity')}) AS edges
           }
           RETURN pid, edges`,
          { parentIds, types, cursor: plan.cursorKey, fetch: plan.fetch },
        );
        const byParent = new Map(rows.map((r) => [r.pid as string, (r.edges as unknown[]).map((e) => toEdgeRow(e, 'Entity'))]));
        return parentIds.map((id) => toPage(byParent.get(id) ?? [], plan, genericOrdering));
      }),
  );
  return loader.load(parentId);
}

export function loadEntityRelationshipCount(ctx: Context, parentId: string, args: GenericRelationshipArgs): Promise<number> {
  const direction = args.direction ?? 'BOTH';
  const types = args.types && args.types.length > 0 ? [...new Set(args.types)].sort() : null;
  const loader = requestLoader(
    ctx,
    `relcount:Entity.relationships:${JSON.stringify([types, direction])}`,
    () =>
      new DataLoader<string, number>(async (parentIds) => {
        const rows = await ctx.db.read(
          `UNWIND $parentIds AS pid
           MATCH (p:Entity {id: pid})
           RETURN pid, COUNT { MATCH (p)${arrow(direction, null)}(n:Entity) WHERE $types IS NULL OR type(r) IN $types } AS total`,
          { parentIds, types },
        );
        const byParent = new Map(rows.map((r) => [r.pid as string, Number(r.total)]));
        return parentIds.map((id) => byParent.get(id) ?? 0);
      }),
  );
  return loader.load(parentId);
}
