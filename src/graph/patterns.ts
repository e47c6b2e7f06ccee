/**
 * The one way a relationship is written as a Cypher pattern, seen from its parent node: the arrow
 * and the far node. Relationship types and labels come from the model tables; variable names
 * from the statement builder (src/plan/cypher.ts). Every read and filter of a relationship field
 * draws its pattern from here.
 */
import { heldDegree } from '../claims/held-degrees.js';
import { labelAt, typeAt, typesAt } from '../claims/time.js';
import {
  ENTITY_RELATIONSHIP_TYPES,
  farLabelImplied,
  type EntityLabel,
  type EntityRelationshipType,
  type RelationshipType,
} from './model.js';

/**
 * The variables a row of a read binds: its node and, on a relationship page, its relationship;
 * and whether the read is a time read (src/claims/time.ts), which writes values and patterns
 * through the claims.
 */
export interface RowVariables {
  node: string;
  rel: string;
  time?: boolean;
}

/**
 * A Cypher expression over a row (an order key, an aggregated number or group key): written for
 * the variables of whichever statement reads it, so no text is renamed after it is written.
 */
export type RowExpression = (row: RowVariables) => string;

/** A root statement's row: its node `n` (root orderings and aggregates read no relationship). */
export const ROOT_ROW: RowVariables = { node: 'n', rel: 'r' };

/** Which relationships of a node, seen from it: starting there, ending there, or either. */
export type Direction = 'OUT' | 'IN' | 'BOTH';

/**
 * What a relationship pattern matches: one relationship type in one direction (a typed field),
 * or (`type` null) relationships of any type in a direction (`Entity.relationships`).
 */
export type RelationshipShape = TypedShape | { type: null; direction: Direction; nodeLabel: string };

/** One relationship type in one direction, to far nodes of one label (`Entity`: of any kind). */
export interface TypedShape {
  type: RelationshipType;
  direction: 'OUT' | 'IN';
  nodeLabel: string;
}

/**
 * `-[r:TYPE]->`, `<-[r:TYPE]-`, or `-[r:A|B|...]-` for every entity type both ways (`r` may be
 * empty); a time read adds each type's held-back type. Held-back types are never matched by a
 * plain read, so "any type" names the entity types.
 */
export function relationshipArrow(rel: Pick<RelationshipShape, 'type' | 'direction'>, r: string, time = false): string {
  const inside = `${r}:${rel.type === null ? typesAt(ENTITY_RELATIONSHIP_TYPES, time) : typeAt(rel.type, time)}`;
  if (rel.direction === 'OUT') return `-[${inside}]->`;
  return rel.direction === 'IN' ? `<-[${inside}]-` : `-[${inside}]-`;
}

/** True when the model fixes the far node's label (writes check it): patterns then leave it out. */
const labelImplied = (rel: RelationshipShape) => rel.type !== null && farLabelImplied(rel);

/** The far node's label in a pattern (with its held-back label in a time read). */
const farLabel = (rel: RelationshipShape, time: boolean) =>
  rel.nodeLabel === 'Source' ? 'Source' : labelAt(rel.nodeLabel as EntityLabel | 'Entity', time);

/** `(v)-[r:TYPE]->(m:Far)`: the relationship's pattern from parent `v` (`r` may be empty). */
export function relationshipPattern(rel: RelationshipShape, v: string, r: string, m: string, time = false): string {
  return `(${v})${relationshipArrow(rel, r, time)}(${m}${labelImplied(rel) ? '' : `:${farLabel(rel, time)}`})`;
}

/**
 * The pattern to count a parent's relationships, nothing bound: `(v)-[:TYPE]->()` where the far
 * label is implied, which Neo4j answers from the node's degree store without expanding.
 */
export function countPattern(rel: RelationshipShape, v: string): string {
  return `(${v})${relationshipArrow(rel, '')}(${labelImplied(rel) ? '' : `:${rel.nodeLabel}`})`;
}

/**
 * A count at a slice of a parent's relationships with nothing but time to test: from the
 * parent's held degree when it has one (src/claims/held-degrees.ts), else `expanded`. Held
 * degrees count every far node of the type, so only where the model implies the far label.
 */
export function countAtSlice(rel: RelationshipShape, v: string, expanded: string): string {
  if (rel.type === null || !labelImplied(rel) || !(ENTITY_RELATIONSHIP_TYPES as readonly string[]).includes(rel.type))
    return expanded;
  return heldDegree(v, rel.type as EntityRelationshipType, rel.direction, expanded);
}
