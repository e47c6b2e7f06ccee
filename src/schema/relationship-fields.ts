/**
 * Builds typed relationship connections (Company.deals, Deal.parties, ...) from the model: one
 * helper, so every such field pages, counts and batches the same way.
 */
import type { InterfaceRef, ObjectRef } from '@pothos/core';
import { RELATIONSHIPS, type PropertyType, type RelationshipType } from '../graph/model.js';
import {
  loadRelationshipCount,
  loadRelationshipPage,
  type RelationshipEdgeRow,
  type RelationshipField,
} from '../graph/relationship-loaders.js';
import { lazyConnection } from '../graph/paging.js';
import type { Types } from './builder.js';

/** GraphQL fields for relationship properties, read from the edge's `properties`. */
export function relationshipPropertyFields<Shape extends { properties: Record<string, unknown> }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>,
  properties: Record<string, PropertyType>,
) {
  const fields: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(properties)) {
    const resolve = (edge: Shape) => (edge.properties[name] ?? null) as never;
    fields[name] =
      type === 'number'
        ? t.float({ nullable: true, resolve })
        : type === 'date'
          ? t.field({ type: 'Date', nullable: true, resolve })
          : type === 'stringList'
            ? t.stringList({ nullable: true, resolve })
            : t.string({ nullable: true, resolve });
  }
  return fields as Record<string, ReturnType<typeof t.string>>;
}

export interface TypedRelationship {
  /** GraphQL type name of the parent (e.g. `Company`) and the field name (e.g. `deals`). */
  parentType: string;
  fieldName: string;
  type: RelationshipType;
  direction: 'OUT' | 'IN';
  nodeRef: ObjectRef<Types, unknown> | InterfaceRef<Types, unknown>;
  nodeLabel: RelationshipField['nodeLabel'];
  /** Defaults to Entity; Source for fields of Source. */
  parent?: RelationshipField['parent'];
  description: string;
}

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** A Relay connection field for one relationship type, edge properties on the edges. */
export function typedRelationshipField<Parent extends { id: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  spec: TypedRelationship,
) {
  const field: RelationshipField = {
    key: `${spec.parentType}.${spec.fieldName}`,
    parent: spec.parent ?? 'Entity',
    types: [spec.type],
    direction: spec.direction,
    nodeLabel: spec.nodeLabel,
  };
  const name = `${spec.parentType}${capitalize(spec.fieldName)}`;
  return t.connection(
    {
      type: spec.nodeRef as ObjectRef<Types, unknown>,
      description: spec.description,
      resolve: (parent, args, ctx) =>
        lazyConnection(
          args,
          ctx.config.limits.maxPageSize,
          () => loadRelationshipPage(ctx, field, parent.id, args),
          () => loadRelationshipCount(ctx, field, parent.id),
        ) as never,
    },
    { name: `${name}Connection` },
    {
      name: `${name}Edge`,
      fields: (et) => relationshipPropertyFields(et as never, RELATIONSHIPS[spec.type].properties),
    },
  );
}
