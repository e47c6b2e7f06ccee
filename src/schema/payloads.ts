/** What the mutations answer besides the entity or source they wrote. */
import type { EntityRow } from '../graph/entities.js';
import type { LoadCounts, LoadResult } from '../graph/bulk-load.js';
import { labelToKind, type RelationshipType } from '../graph/model.js';
import { builder } from './builder.js';
import { EntityKindEnum, RelationshipTypeEnum } from './enums.js';
import { encodeGlobalID } from './node.js';
import { EntityRef } from './refs.js';

export interface ConnectResult {
  type: RelationshipType;
  from: EntityRow;
  to: EntityRow;
  created: boolean;
  changed: boolean;
}

export const ConnectPayload = builder.objectRef<ConnectResult>('ConnectPayload').implement({
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, resolve: (r) => r.type }),
    from: t.field({ type: EntityRef, resolve: (r) => r.from }),
    to: t.field({ type: EntityRef, resolve: (r) => r.to }),
    created: t.boolean({ description: 'The relationship did not exist before.', resolve: (r) => r.created }),
    changed: t.boolean({ description: 'Created, or a property value changed.', resolve: (r) => r.changed }),
  }),
});

export interface DisconnectResult {
  type: RelationshipType;
  from: EntityRow;
  to: EntityRow;
  removed: boolean;
}

export const DisconnectPayload = builder.objectRef<DisconnectResult>('DisconnectPayload').implement({
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, resolve: (r) => r.type }),
    from: t.field({ type: EntityRef, resolve: (r) => r.from }),
    to: t.field({ type: EntityRef, resolve: (r) => r.to }),
    removed: t.boolean({
      description: 'False when there was no such relationship (nothing to do).',
      resolve: (r) => r.removed,
    }),
  }),
});

export interface DeleteResult {
  entity: EntityRow;
  relationships: number;
}

export const DeleteEntityPayload = builder.objectRef<DeleteResult>('DeleteEntityPayload').implement({
  fields: (t) => ({
    deletedId: t.id({
      description: 'The global ID the entity had.',
      resolve: (r) => encodeGlobalID(r.entity.label, r.entity.id),
    }),
    slug: t.string({ resolve: (r) => r.entity.slug }),
    entityKind: t.field({ type: EntityKindEnum, resolve: (r) => labelToKind(r.entity.label) }),
    relationshipsRemoved: t.int({ resolve: (r) => r.relationships }),
  }),
});

const ImportCounts = builder.objectRef<LoadCounts>('ImportCounts').implement({
  fields: (t) => ({
    entities: t.exposeInt('entities'),
    sources: t.exposeInt('sources'),
    relationships: t.exposeInt('relationships', { description: 'MENTIONS and CITES included.' }),
  }),
});

/** importGraph's answer; also what `graphChanged` carries for an import. */
export const ImportGraphPayload = builder.objectRef<LoadResult>('ImportGraphPayload').implement({
  fields: (t) => ({
    total: t.field({ type: ImportCounts, description: 'Rows in the batch.', resolve: (r) => r.total }),
    created: t.field({ type: ImportCounts, resolve: (r) => r.created }),
    updated: t.field({
      type: ImportCounts,
      description: 'Already there, with a property value changed.',
      resolve: (r) => r.updated,
    }),
  }),
});
