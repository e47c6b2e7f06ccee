import {
  COMPANY_KINDS,
  DATACENTER_STATUSES,
  DEAL_KINDS,
  ENTITY_KINDS,
  PROJECT_STATUSES,
  RELATIONSHIPS,
  RELATIONSHIP_TYPES,
} from '../graph/model.js';
import { builder } from './builder.js';

export const EntityKindEnum = builder.enumType('EntityKind', {
  description: 'The kind of an entity (its label in the graph).',
  values: ENTITY_KINDS,
});

export const RelationshipTypeEnum = builder.enumType('RelationshipType', {
  description: 'Relationship types of the graph. Only these names ever reach Cypher as a type.',
  values: Object.fromEntries(
    RELATIONSHIP_TYPES.map((type) => [type, { value: type, description: RELATIONSHIPS[type].description }]),
  ) as { [K in (typeof RELATIONSHIP_TYPES)[number]]: { value: K; description: string } },
});

export const DirectionEnum = builder.enumType('Direction', {
  description: 'Which way a relationship points, seen from the entity asked about.',
  values: ['OUT', 'IN', 'BOTH'] as const,
});

export const CompanyKindEnum = builder.enumType('CompanyKind', { values: COMPANY_KINDS });
export const ProjectStatusEnum = builder.enumType('ProjectStatus', { values: PROJECT_STATUSES });
export const DatacenterStatusEnum = builder.enumType('DatacenterStatus', { values: DATACENTER_STATUSES });
export const DealKindEnum = builder.enumType('DealKind', { values: DEAL_KINDS });

export const OrderDirectionEnum = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });
