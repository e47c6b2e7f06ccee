/**
 * The rows traversals (traversals.ts) and the algorithms over their neighbourhoods
 * (algorithms.ts) return, and the one order by name then id that both use to break ties. Both
 * files import from here and not from each other's types.
 */
import type { Row } from '../neo4j/db.js';
import type { EntityRow } from './entities.js';
import type { RelationshipType } from './model.js';

/** A relationship as traversals return it; `from`/`to` are entity ids (start and end node). */
export interface RelationshipRow {
  /** Neo4j elementId: stable within a database, used for the `Relationship` global ID. */
  id: string;
  type: RelationshipType;
  from: string;
  to: string;
  properties: Row;
}

export interface PathRow {
  length: number;
  /** From the start entity to the end entity, in path order. */
  nodes: EntityRow[];
  relationships: RelationshipRow[];
}

export interface SubgraphRow {
  nodes: EntityRow[];
  relationships: RelationshipRow[];
  /** True when the node limit cut the neighbourhood (more entities were within reach). */
  truncated: boolean;
}

export interface RankedRow {
  score: number;
  entity: EntityRow;
}

export interface CommunityRow {
  /** Position in the answer: 0 for the largest community. */
  index: number;
  /** Most connected (inside the neighbourhood) first, then by name, then id. */
  entities: EntityRow[];
  /** Relationships with both ends in this community. */
  internalRelationships: number;
}

export interface CommunitiesResult {
  communities: CommunityRow[];
  /** Modularity of the whole partition (-0.5 to 1; higher means tighter communities). */
  modularity: number;
}

export interface DealSideStats {
  count: number;
  totalValueUsd: number;
}

export interface DealStatsRow extends DealSideStats {
  /** Deals whose value is known (the others count in `count` but add nothing to the total). */
  valuedCount: number;
  asBuyer: DealSideStats;
  asSeller: DealSideStats;
}

/** By name, then id, in code-unit order (as Neo4j compares strings): the tie-break of every ranked answer. */
export const compareByNameThenId = (a: EntityRow, b: EntityRow): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
