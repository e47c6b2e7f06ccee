/**
 * Per-request DataLoaders for every relationship field: one batched Cypher statement (UNWIND of
 * parent ids) per field, arguments and level, with each parent's page cut inside Cypher.
 */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import type { Row } from '../neo4j/db.js';
import { entityProjection, sourceProjection, toEntityRow, type EntityRow, type SourceRow } from './entities.js';
import { farLabelImplied, type EntityLabel, type RelationshipType, type TypedRelationship } from './model.js';
import { compileFilter, filterLimits } from './filters.js';
import { keyedPage } from './hub-pages.js';
import { withoutPageKeys } from './page-keys.js';
import { planPage, toPage, type Ordering, type Page, type PageArgs } from './paging.js';
import { orderingBy, orderingsOf } from './root-connections.js';
import type { CursorKey } from './cursor.js';

export type Direction = 'OUT' | 'IN' | 'BOTH';

/** One relationship field: fixed in code, so its pattern is safe to place in Cypher text. */
export interface RelationshipField {
  /** Unique name, e.g. `Company.deals` (keys the loader and the cursor ordering). */
  key: string;
  parentType: TypedRelationship['parentType'];
  fieldName: string;
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

/**
 * How a typed relationship field orders its page (planned or loaded: the cursors are the same):
 * by name (title for sources) unless `orderBy` names one of the far type's orderings.
 */
export const relationshipOrdering = (
  rel: Pick<TypedRelationship, 'parentType' | 'fieldName' | 'nodeLabel'>,
  orderBy?: RelationshipArgs['orderBy'],
): Ordering =>
  orderBy
    ? orderingBy(`${rel.parentType}.${rel.fieldName}`, orderingsOf(rel.nodeLabel), orderBy)
    : nodeOrdering(`${rel.parentType}.${rel.fieldName}`, rel.nodeLabel);

/** Arguments of a typed relationship connection. */
export interface RelationshipArgs extends PageArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' | null } | null;
}

/** The loader's view of a typed relationship field from the model table. */
export const relationshipField = (rel: TypedRelationship): RelationshipField => ({
  key: `${rel.parentType}.${rel.fieldName}`,
  parentType: rel.parentType,
  fieldName: rel.fieldName,
  parent: rel.parentType === 'Source' ? 'Source' : 'Entity',
  types: [rel.type],
  direction: rel.direction,
  nodeLabel: rel.nodeLabel,
});

const nodeOrdering = (field: string, label: string): Ordering =>
  label === 'Source'
    ? { name: field, keys: [{ expr: "coalesce(n.title, '')" }, { expr: 'n.id' }] }
    : { name: field, keys: [{ expr: 'n.name' }, { expr: 'n.id' }], indexed: 'name' };

function edgeProjection(nodeLabel: string) {
  const node = nodeLabel === 'Source' ? sourceProjection('n') : entityProjection('n');
  return `{ node: ${node}, properties: properties(r), relationshipId: elementId(r), type: type(r),
            direction: CASE WHEN startNode(r) = p THEN 'OUT' ELSE 'IN' END, sortKey: sortKey }`;
}

function toEdgeRow(value: unknown, nodeLabel: string): RelationshipEdgeRow {
  const row = value as RelationshipEdgeRow;
  return nodeLabel === 'Source'
    ? row
    : { ...row, properties: withoutPageKeys(row.properties), node: toEntityRow(row.node) };
}

/** What one batched relationship statement matches, fixed in code (never from a request). */
interface BatchedPattern {
  /** Loader cache key: the field and every argument that changes the statement or its params. */
  key: string;
  parent: 'Entity' | 'Source';
  /** `(p)-[r]-(n:Label)` style pattern over p, r, n. */
  pattern: string;
  /** Extra predicate over p, r, n ('true' for none). */
  where: string;
  params: Record<string, unknown>;
  nodeLabel: string;
  /** The one typed relationship matched, when it is one (a page by name can then read its page-key index). */
  relationship?: { type: RelationshipType; direction: 'OUT' | 'IN'; nodeLabel: string };
}

/** One page per parent from one UNWIND statement; each parent's page is cut inside Cypher. */
function batchedPage(ctx: Context, spec: BatchedPattern, ordering: Ordering, args: PageArgs, parentId: string) {
  const plan = planPage(args, ordering, ctx.config.limits.maxPageSize);
  const loader = requestLoader(
    ctx,
    `page:${spec.key}:${JSON.stringify([args.first, args.after, args.last, args.before])}`,
    () => {
      // The statement, written once per loader (not once per parent asking for its page).
      const keys = ordering.keys.map((k) => k.expr);
      const where = [spec.where, plan.where].filter((w) => w !== 'true').join(' AND ');
      const expand = `MATCH ${spec.pattern}${where ? ` WHERE ${where}` : ''}`;
      const order = `ORDER BY ${plan.orderBy} LIMIT toInteger($fetch)`;
      const keyed = spec.relationship
        ? keyedPage({
            parent: 'p',
            rel: 'r',
            node: 'n',
            relationship: spec.relationship,
            ordering,
            page: plan,
            filtered: spec.where !== 'true',
            cursorParam: 'cursor',
            fetchParam: 'fetch',
          })
        : null;
      return new DataLoader<string, Page<RelationshipEdgeRow>>(async (parentIds) => {
        const rows = await ctx.db.read(
          `UNWIND $parentIds AS pid
           MATCH (p:${spec.parent} {id: pid})
           CALL (p) {
             ${keyed ?? `${expand} WITH p, r, n ${order}`}
             WITH p, r, n, [${keys.join(', ')}] AS sortKey
             RETURN collect(${edgeProjection(spec.nodeLabel)}) AS edges
           }
           RETURN pid, edges`,
          { ...spec.params, parentIds, cursor: plan.cursorKey, fetch: plan.fetch },
        );
        const byParent = new Map(
          rows.map((r) => [r.pid as string, (r.edges as unknown[]).map((e) => toEdgeRow(e, spec.nodeLabel))]),
        );
        return parentIds.map((id) => toPage(byParent.get(id) ?? [], plan, ordering));
      });
    },
  );
  return loader.load(parentId);
}

/** How many relationships match per parent: one statement, only run when `totalCount` is asked. */
function batchedCount(ctx: Context, spec: BatchedPattern, parentId: string): Promise<number> {
  const loader = requestLoader(
    ctx,
    `count:${spec.key}`,
    () =>
      new DataLoader<string, number>(async (parentIds) => {
        const rows = await ctx.db.read(
          `UNWIND $parentIds AS pid
           MATCH (p:${spec.parent} {id: pid})
           RETURN pid, COUNT { MATCH ${spec.pattern} WHERE ${spec.where} } AS total`,
          { ...spec.params, parentIds },
        );
        const byParent = new Map(rows.map((r) => [r.pid as string, Number(r.total)]));
        return parentIds.map((id) => byParent.get(id) ?? 0);
      }),
  );
  return loader.load(parentId);
}

/** The field's pattern and the client's filter on its far node (values as parameters). */
function typedPattern(ctx: Context, field: RelationshipField, filter: RelationshipArgs['filter']): BatchedPattern {
  const compiled = compileFilter(field.nodeLabel, filter, 'n', 'rf', filterLimits(ctx.config.limits));
  return {
    key: compiled.where === 'true' ? field.key : `${field.key}:${compiled.where}:${JSON.stringify(compiled.params)}`,
    parent: field.parent,
    pattern: `(p)${arrow(field.direction, field.types)}(n:${field.nodeLabel})`,
    where: compiled.where,
    params: compiled.params,
    nodeLabel: field.nodeLabel,
    ...(field.types.length === 1
      ? { relationship: { type: field.types[0]!, direction: field.direction, nodeLabel: field.nodeLabel } }
      : {}),
  };
}

/** A page of a typed relationship field for one parent, batched with its siblings. */
export function loadRelationshipPage(ctx: Context, field: RelationshipField, parentId: string, args: RelationshipArgs) {
  const ordering = relationshipOrdering(field, args.orderBy);
  const spec = typedPattern(ctx, field, args.filter);
  return batchedPage(ctx, { ...spec, key: `${spec.key}:${ordering.name}` }, ordering, args, parentId);
}

/**
 * How many relationships a field has for one parent (that pass its filter). Without a label on
 * the far node Neo4j reads the count from the node's degree store instead of expanding every
 * relationship.
 */
export function loadRelationshipCount(
  ctx: Context,
  field: RelationshipField,
  parentId: string,
  filter?: RelationshipArgs['filter'],
): Promise<number> {
  const spec = typedPattern(ctx, field, filter);
  const unfiltered = spec.where === 'true';
  if (
    unfiltered &&
    field.types.length === 1 &&
    farLabelImplied({ type: field.types[0]!, direction: field.direction, nodeLabel: field.nodeLabel })
  )
    spec.pattern = `(p)${arrow(field.direction, field.types)}()`;
  return batchedCount(ctx, spec, parentId);
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

const genericOrdering: Ordering = {
  name: 'Entity.relationships',
  keys: [{ expr: 'type(r)' }, { expr: 'n.name' }, { expr: 'n.id' }, { expr: 'elementId(r)' }],
};

function genericPattern(args: GenericRelationshipArgs): BatchedPattern {
  const direction = args.direction ?? GENERIC_RELATIONSHIP_DEFAULTS.direction;
  const types = args.types && args.types.length > 0 ? [...new Set(args.types)].sort() : null;
  return {
    key: `Entity.relationships:${JSON.stringify([types, direction])}`,
    parent: 'Entity',
    pattern: `(p)${arrow(direction, null)}(n:Entity)`,
    where: '$types IS NULL OR type(r) IN $types',
    params: { types },
    nodeLabel: 'Entity',
  };
}

/** `Entity.relationships`: every relationship to another entity, filtered by type and direction. */
export function loadEntityRelationships(ctx: Context, parentId: string, args: GenericRelationshipArgs) {
  return batchedPage(ctx, genericPattern(args), genericOrdering, args, parentId);
}

export function loadEntityRelationshipCount(
  ctx: Context,
  parentId: string,
  args: GenericRelationshipArgs,
): Promise<number> {
  return batchedCount(ctx, genericPattern(args), parentId);
}
