/**
 * The one way a relationship is written as a Cypher pattern, seen from its parent node: the arrow
 * and the far node. Relationship types and labels come from the model tables; variable names
 * from the statement builder (src/plan/cypher.ts). Every read and filter of a relationship field
 * draws its pattern from here.
 */
import { farLabelImplied, type RelationshipType } from './model.js';

/** The variables a row of a read binds: its node and, on a relationship page, its relationship. */
export interface RowVariables {
  node: string;
  rel: string;
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

/** `-[r:TYPE]->`, `<-[r:TYPE]-`, or `-[r]-` for any type both ways (`r` may be empty). */
export function relationshipArrow(rel: Pick<RelationshipShape, 'type' | 'direction'>, r: string): string {
  const inside = rel.type === null ? r : `${r}:${rel.type}`;
  if (rel.direction === 'OUT') return `-[${inside}]->`;
  return rel.direction === 'IN' ? `<-[${inside}]-` : `-[${inside}]-`;
}

/** True when the model fixes the far node's label (writes check it): patterns then leave it out. */
const labelImplied = (rel: RelationshipShape) => rel.type !== null && farLabelImplied(rel);

/** `(v)-[r:TYPE]->(m:Far)`: the relationship's pattern from parent `v` (`r` may be empty). */
export function relationshipPattern(rel: RelationshipShape, v: string, r: string, m: string): string {
  return `(${v})${relationshipArrow(rel, r)}(${m}${labelImplied(rel) ? '' : `:${rel.nodeLabel}`})`;
}

/**
 * The pattern to count a parent's relationships, nothing bound: `(v)-[:TYPE]->()` where the far
 * label is implied, which Neo4j answers from the node's degree store without expanding.
 */
export function countPattern(rel: RelationshipShape, v: string): string {
  return `(${v})${relationshipArrow(rel, '')}(${labelImplied(rel) ? '' : `:${rel.nodeLabel}`})`;
}
