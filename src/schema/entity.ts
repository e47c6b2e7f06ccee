/** The `Entity` interface: what every person, company, project, datacenter and deal shares. */
import type { EntityRow, SourceRow } from '../graph/entities.js';
import { readPlanned } from '../plan/run.js';
import { plannedField } from '../plan/shape.js';
import { entityBySlugLoader, entitySourcesLoader } from '../graph/entity-loaders.js';
import { timeSlice } from '../claims/time.js';
import { registerSlice, sliceFor } from '../claims/row-time.js';
import { timeArgs } from './time-args.js';
import { edgeClaimFields } from './claims.js';
import { ALL_RELATIONSHIP_PROPERTIES, type ENTITY_LABELS, labelToKind } from '../graph/model.js';
import {
  GENERIC_RELATIONSHIP_DEFAULTS,
  loadEntityRelationshipCount,
  loadEntityRelationships,
  loadRelationshipCounts,
  type RelationshipCountRow,
} from '../graph/relationship-loaders.js';
import { lazyConnection } from '../graph/paging.js';
import { badInput, ErrorCode, StargraphError } from '../errors.js';
import { checkIdentifiers, identifierKey, identifiersOfRow } from '../identity/identifiers.js';
import type { IdentifierInput } from '../graph/write-input.js';
import type { Context } from '../context.js';
import { IdentifierInputRef, IdentifierRef } from './identity.js';
import { redirectTarget } from '../identity/merge.js';
import { deleteEntity } from '../graph/writes.js';
import { entityChange } from '../live/changes.js';
import { builder } from './builder.js';
import { DEFAULT_PAGE_COST } from '../query-cost.js';
import { DirectionEnum, EntityKindEnum, RelationshipTypeEnum } from './enums.js';
import { committed, entityAt } from './mutation-support.js';
import { NodeRef } from './node.js';
import { DeleteEntityPayload } from './payloads.js';
import { EntityRef, SourceRef } from './refs.js';
import { relationshipPropertyFields } from './relationship-fields.js';

const RelationshipCountRef = builder.objectRef<RelationshipCountRow>('RelationshipCount').implement({
  description:
    "One of an entity's typed relationship fields and how many relationships it holds: what there is to expand, and how much, without reading it.",
  fields: (t) => ({
    field: t.string({
      description: "The field of the entity's type that pages through them (e.g. `deals` on a company).",
      resolve: (row) => row.field.fieldName,
    }),
    type: t.field({ type: RelationshipTypeEnum, resolve: (row) => row.field.type }),
    direction: t.field({
      type: DirectionEnum,
      description: 'OUT when the relationships start at the entity, IN when they end there.',
      resolve: (row) => row.field.direction,
    }),
    kind: t.field({
      type: EntityKindEnum,
      nullable: true,
      description: 'The kind of entity at the far end (null when it may be any kind; sources have none).',
      resolve: (row) => {
        const label = row.field.nodeLabel;
        return label === 'Entity' || label === 'Source' ? null : labelToKind(label);
      },
    }),
    count: t.int({
      description: "How many there are (the field's `totalCount`), at the read's date.",
      resolve: (row) => row.count,
    }),
  }),
});

/** Planned reads return epoch milliseconds (no driver temporal objects); loaders return ISO text. */
const isoDateTime = (value: string | number | null) =>
  typeof value === 'number' ? new Date(value).toISOString() : value;

EntityRef.implement({
  description: 'A person, company, project, datacenter or deal of the graph.',
  interfaces: [NodeRef],
  resolveType: (row) => row.label,
  fields: (t) => ({
    slug: t.string({
      description: 'Stable, unique, lower-case kebab-case (e.g. `openai`).',
      resolve: (row) => row.slug,
    }),
    name: t.string({ resolve: (row) => row.name }),
    description: t.string({ nullable: true, resolve: (row) => row.description }),
    aliases: t.stringList({ resolve: (row) => row.aliases }),
    identifiers: t.field({
      type: [IdentifierRef],
      description: 'External identifiers (Wikidata, LEI, ticker, domain, Crunchbase), by scheme then value.',
      resolve: (row) => identifiersOfRow(row.identifiers),
    }),
    redirectedFrom: t.string({
      nullable: true,
      description: 'The slug or ID asked for, when it named an entity since merged into this one (mergeEntities).',
      resolve: (row) => (typeof row.redirectedFrom === 'string' ? row.redirectedFrom : null),
    }),
    entityKind: t.field({
      type: EntityKindEnum,
      description: 'Which of the five kinds this entity is (same as __typename, as an enum).',
      resolve: (row) => labelToKind(row.label),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => isoDateTime(row.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => isoDateTime(row.updatedAt) }),
    sources: t.field({
      type: [SourceRef],
      description: 'The sources that support facts about this entity, newest first (undated last).',
      // Every source mentioning the entity, unpaged: priced as a connection without `first`.
      complexity: { field: DEFAULT_PAGE_COST, multiplier: DEFAULT_PAGE_COST },
      resolve: (row, _args, ctx, info) => plannedField<SourceRow[]>(row, info) ?? entitySourcesLoader(ctx).load(row.id),
    }),
    relationshipCounts: t.field({
      type: [RelationshipCountRef],
      description:
        "Each typed relationship field of the entity's kind with how many relationships it holds (zero too), in the type's field order. Counted from the node's degrees where the model allows, so a hub's count costs what a leaf's does.",
      resolve: (row, _args, ctx, info) => loadRelationshipCounts(ctx, row, sliceFor(ctx, info, row)),
    }),
    relationships: t.connection(
      {
        type: EntityRef,
        description: 'Every relationship to another entity, optionally by type and direction.',
        args: {
          types: t.arg({ type: [RelationshipTypeEnum], required: false }),
          direction: t.arg({
            type: DirectionEnum,
            required: false,
            defaultValue: GENERIC_RELATIONSHIP_DEFAULTS.direction,
          }),
        },
        resolve: (row, args, ctx, info) => {
          const slice = sliceFor(ctx, info, row);
          return lazyConnection(
            args,
            ctx.config.limits.maxPageSize,
            () => loadEntityRelationships(ctx, row.id, args, slice),
            () => loadEntityRelationshipCount(ctx, row.id, args, slice),
          );
        },
      },
      { name: 'EntityRelationshipsConnection' },
      {
        name: 'EntityRelationshipEdge',
        fields: (et) => ({
          type: et.field({ type: RelationshipTypeEnum, resolve: (edge) => edge.type }),
          direction: et.field({
            type: DirectionEnum,
            description: 'OUT when the relationship starts at the entity asked about, IN when it ends there.',
            resolve: (edge) => edge.direction,
          }),
          ...relationshipPropertyFields(et, ALL_RELATIONSHIP_PROPERTIES),
          ...edgeClaimFields(et),
        }),
      },
    ),
  }),
});

/** Fields an object type adds to implement Entity and Node. */
export const entityObjectOptions = (label: (typeof ENTITY_LABELS)[number]) => ({
  interfaces: [NodeRef, EntityRef] as [typeof NodeRef, typeof EntityRef],
  isTypeOf: (value: unknown) => (value as EntityRow | null)?.label === label,
});

builder.queryField('entity', (t) =>
  t.field({
    type: EntityRef,
    nullable: true,
    description: 'An entity of any kind by its slug or by an external identifier (null when there is none).',
    args: {
      slug: t.arg.string({ description: 'Its slug. Give exactly one of `slug` and `identifier`.' }),
      identifier: t.arg({ type: IdentifierInputRef, description: 'One of its external identifiers.' }),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, { slug: given, identifier, asOf, knownAt }, ctx, info) => {
      if ((given == null) === (identifier == null)) {
        throw badInput('entity: give exactly one of slug and identifier', { path: ['slug'] });
      }
      const slice = timeSlice(asOf, knownAt);
      registerSlice(ctx, info, slice);
      const slug = identifier ? await slugByIdentifier(ctx, identifier) : given!;
      if (slug === null) return null;
      const read = (s: string) =>
        ctx.config.readPlanner
          ? (readPlanned(ctx, info, { kind: 'entity', slug: s, time: slice }) as Promise<EntityRow | null>)
          : entityBySlugLoader(ctx, slice).load(s);
      const found = await read(slug);
      if (found || slice) return found;
      // A slug merged away answers with the entity it was merged into, saying so.
      const target = await redirectTarget((c, p) => ctx.db.read(c, p), 'slug', slug);
      const kept = target ? await read(target.slug) : null;
      return kept ? { ...kept, redirectedFrom: slug } : null;
    },
  }),
);

/** The slug of the entity holding an identifier (checked by its scheme's rule first), or null. */
async function slugByIdentifier(ctx: Context, given: IdentifierInput): Promise<string | null> {
  const identifier = checkIdentifiers([given], ['identifier'])[0]!;
  const [row] = await ctx.db.read(
    'MATCH (i:Identifier {key: $key}) MATCH (n:Entity|HEntity {id: i.entity}) RETURN n.slug AS slug LIMIT 1',
    { key: identifierKey(identifier) },
  );
  return row ? String(row.slug) : null;
}

builder.mutationField('deleteEntity', (t) =>
  t.field({
    type: DeleteEntityPayload,
    description: 'Deletes an entity (by global ID or slug) and every relationship it has.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const entity = await entityAt(ctx, id, ['id']);
      const deleted = await deleteEntity(ctx.db, entity.id);
      // Deleted by another request since it was read: nothing of ours committed, nothing to announce.
      if (!deleted) {
        await committed(ctx);
        throw new StargraphError(ErrorCode.NOT_FOUND, `id: no entity "${id.slice(0, 100)}"`, { path: ['id'] });
      }
      await committed(ctx, entityChange('DELETED', entity));
      return { entity, relationships: deleted.relationships };
    },
  }),
);
