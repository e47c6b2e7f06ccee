/**
 * Builds typed relationship connections (Company.deals, Deal.parties, ...) from the model: one
 * helper, so every such field pages, counts and batches the same way.
 */
import type { ObjectRef } from '@pothos/core';
import type { ConnectionShape } from '@pothos/plugin-relay';
import {
  RELATIONSHIPS,
  typedRelationshipsOf,
  type ParentType,
  type PropertyType,
  type TypedRelationship,
} from '../graph/model.js';
import { aggregateSpecOf } from '../graph/aggregates.js';
import { loadRelationshipCount, loadRelationshipPage, relationshipField } from '../graph/relationship-loaders.js';
import type { ConnectionArgs } from '../graph/ordering.js';
import { lazyConnection } from '../graph/paging.js';
import { AGGREGATE_TARGET } from '../plan/run.js';
import { plannedField, type PlannedConnection } from '../plan/shape.js';
import { aggregateField, type AggregatableConnection } from './aggregates.js';
import type { Types } from './builder.js';
import { filterInputs, relationshipTypeStem } from './filters.js';
import { orderInput } from './root-connection.js';
import { sliceFor } from '../claims/row-time.js';
import { edgeClaimFields } from './claims.js';
import type { Row } from '../neo4j/db.js';
import { CompanyRef, DatacenterRef, DealRef, EntityRef, PersonRef, ProjectRef, SourceRef } from './refs.js';

/** What every edge and relationship row carries: the relationship's own properties. */
type WithProperties = { properties?: Record<string, unknown> };

/** GraphQL fields for relationship properties, read from the edge's `properties`. */
export function relationshipPropertyFields<Shape extends object>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>,
  properties: Record<string, PropertyType>,
) {
  const fields: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(properties)) {
    const value = (edge: Shape) => (edge as WithProperties).properties?.[name] ?? null;
    fields[name] =
      type === 'number'
        ? t.float({ nullable: true, resolve: (edge) => value(edge) as number | null })
        : type === 'date'
          ? t.field({ type: 'Date', nullable: true, resolve: (edge) => value(edge) as string | null })
          : type === 'stringList'
            ? t.stringList({ nullable: true, resolve: (edge) => value(edge) as string[] | null })
            : t.string({ nullable: true, resolve: (edge) => value(edge) as string | null });
  }
  return fields as Record<string, ReturnType<typeof t.string>>;
}

const NODE_REFS = {
  Person: PersonRef,
  Company: CompanyRef,
  Project: ProjectRef,
  Datacenter: DatacenterRef,
  Deal: DealRef,
  Entity: EntityRef,
  Source: SourceRef,
} as const;

/** A Relay connection field for one relationship type, edge properties on the edges. */
function typedRelationshipField<Parent extends { id: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  relationship: TypedRelationship,
) {
  const field = relationshipField(relationship);
  const name = relationshipTypeStem(relationship);
  return t.connection(
    {
      type: NODE_REFS[relationship.nodeLabel] as ObjectRef<Types, unknown>,
      description:
        `${relationship.description} ` +
        `Ordered by ${relationship.nodeLabel === 'Source' ? 'title' : 'name'} unless orderBy says otherwise.`,
      args: {
        filter: t.arg({
          type: filterInputs[relationship.nodeLabel],
          description: 'Only the relationships whose far node passes.',
        }),
        orderBy: t.arg({ type: orderInput(relationship.nodeLabel) }),
      },
      resolve: (parent, args, ctx, info) => {
        const slice = sliceFor(ctx, info, parent);
        const connection: ConnectionShape<Types, unknown, false> =
          plannedField<PlannedConnection>(parent, info) ??
          lazyConnection(
            args,
            ctx.config.limits.maxPageSize,
            () => loadRelationshipPage(ctx, field, parent.id, args as ConnectionArgs, slice),
            () => loadRelationshipCount(ctx, field, parent.id, args.filter, slice),
          );
        // What an aggregate the planner did not fold loads over.
        return Object.assign(connection, {
          [AGGREGATE_TARGET]: {
            kind: 'relationship' as const,
            relationship,
            parentId: parent.id,
            filter: args.filter,
            slice,
          },
        });
      },
    },
    {
      name: `${name}Connection`,
      fields: (ct) => ({
        aggregate: aggregateField(
          ct as unknown as PothosSchemaTypes.ObjectFieldBuilder<Types, AggregatableConnection>,
          name,
          aggregateSpecOf(relationship),
          `this ${relationship.parentType.toLowerCase()}'s ${relationship.fieldName}`,
        ),
      }),
    },
    {
      name: `${name}Edge`,
      fields: (et) => ({
        ...relationshipPropertyFields(et, RELATIONSHIPS[relationship.type].properties),
        ...edgeClaimFields(et as unknown as PothosSchemaTypes.ObjectFieldBuilder<Types, { properties?: Row }>),
      }),
    },
  );
}

/** Every typed relationship connection of one type, as the model table declares them. */
export function typedRelationshipFields<Parent extends { id: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  parentType: ParentType,
) {
  return Object.fromEntries(
    typedRelationshipsOf(parentType).map((relationship) => [
      relationship.fieldName,
      typedRelationshipField(t, relationship),
    ]),
  );
}
