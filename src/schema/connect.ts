/** `connect` and `disconnect`: typed relationships between two entities, written by mutation. */
import { z } from 'zod';
import { badInput } from '../errors.js';
import {
  connectableTypeSchema,
  endpointAllowed,
  endpointProblem,
  entityRefSchema,
  relationshipInputSchema,
  type Provenance,
  type RelationshipInput,
  dateSchema,
} from '../graph/write-input.js';
import { connectEntities, disconnectEntities } from '../graph/writes.js';
import { relationshipChange } from '../live/changes.js';
import { builder } from './builder.js';
import { RelationshipTypeEnum } from './enums.js';
import { committed, entityAt, inputArgsSchema, provenanceOf } from './mutation-support.js';
import { ConnectPayload, DisconnectPayload } from './payloads.js';
import { RelationshipPropertiesInputRef, provenanceFields } from './write-fields.js';

const ConnectInput = builder.inputRef<RelationshipInput & Provenance>('ConnectInput').implement({
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, required: true }),
    from: t.id({ required: true, description: 'Global ID or slug of the start entity.' }),
    to: t.id({ required: true, description: 'Global ID or slug of the end entity.' }),
    properties: t.field({ type: RelationshipPropertiesInputRef }),
    ...provenanceFields(t),
  }),
});

const DisconnectInput = builder
  .inputRef<Omit<RelationshipInput, 'properties'> & { validTo?: string | null }>('DisconnectInput')
  .implement({
    fields: (t) => ({
      type: t.field({ type: RelationshipTypeEnum, required: true }),
      from: t.id({ required: true, description: 'Global ID or slug of the start entity.' }),
      to: t.id({ required: true, description: 'Global ID or slug of the end entity.' }),
      validTo: t.field({
        type: 'Date',
        description: 'The first day it no longer held in the world (absent: the day of the write).',
      }),
    }),
  });

builder.mutationFields((t) => ({
  connect: t.field({
    type: ConnectPayload,
    description: 'Creates (or updates the properties of) a typed relationship between two entities.',
    args: { input: t.arg({ type: ConnectInput, required: true }) },
    validate: inputArgsSchema(relationshipInputSchema(entityRefSchema)),
    resolve: async (_root, { input }, ctx) => {
      const { type } = input;
      const [from, to] = await Promise.all([
        entityAt(ctx, input.from, ['input', 'from']),
        entityAt(ctx, input.to, ['input', 'to']),
      ]);
      if (!endpointAllowed(type, 'from', from.label))
        throw badInput(`input.from: ${endpointProblem(type, 'from', from.label)}`, { path: ['input', 'from'] });
      if (!endpointAllowed(type, 'to', to.label))
        throw badInput(`input.to: ${endpointProblem(type, 'to', to.label)}`, { path: ['input', 'to'] });
      const outcome = await connectEntities(ctx.db, {
        type,
        fromId: from.id,
        toId: to.id,
        properties: input.properties ?? {},
        provenance: provenanceOf(input),
      });
      await committed(
        ctx,
        relationshipChange(
          'CONNECTED',
          { id: outcome.relationshipId, type, from: from.id, to: to.id, properties: outcome.properties },
          from,
          to,
          {
            sources: outcome.sourceId !== undefined,
          },
        ),
      );
      return { type, from, to, created: outcome.created, changed: outcome.changed };
    },
  }),
  disconnect: t.field({
    type: DisconnectPayload,
    description:
      'Ends a typed relationship between two entities (validTo: today unless given); it stays in the ' +
      'history (removed: false when none was in force).',
    args: { input: t.arg({ type: DisconnectInput, required: true }) },
    validate: inputArgsSchema(
      z.object({
        type: connectableTypeSchema,
        from: entityRefSchema,
        to: entityRefSchema,
        validTo: dateSchema.nullish(),
      }),
    ),
    resolve: async (_root, { input }, ctx) => {
      const { type } = input;
      const [from, to] = await Promise.all([
        entityAt(ctx, input.from, ['input', 'from']),
        entityAt(ctx, input.to, ['input', 'to']),
      ]);
      const removed = await disconnectEntities(ctx.db, type, from.id, to.id, input.validTo ?? undefined);
      await committed(
        ctx,
        ...(removed
          ? [
              relationshipChange(
                'DISCONNECTED',
                { id: removed.relationshipId, type, from: from.id, to: to.id, properties: removed.properties },
                from,
                to,
              ),
            ]
          : []),
      );
      return { type, from, to, removed: removed !== null };
    },
  }),
}));
