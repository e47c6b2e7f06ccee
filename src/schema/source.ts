import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { addSourceSchema, entityRefSchema, type AddSourceInput } from '../graph/write-input.js';
import { addSource } from '../graph/writes.js';
import { entityChange, importedChange } from '../live/changes.js';
import { builder } from './builder.js';
import { committed, entityAt, inputArgsSchema } from './mutation-support.js';
import { SourceRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';

SourceRef.implement({
  description: 'Where facts come from: an article, filing or report.',
  interfaces: [builder.nodeInterfaceRef()],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'title' in value && !('label' in value),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Source', id: row.id }) }),
    title: t.string({ resolve: (row) => row.title }),
    publisher: t.string({ nullable: true, resolve: (row) => row.publisher }),
    url: t.string({ nullable: true, resolve: (row) => row.url }),
    publishedOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.publishedOn }),
    language: t.string({ nullable: true, description: 'ISO 639-1 code, e.g. `fr`.', resolve: (row) => row.language }),
    ...typedRelationshipFields(t, 'Source'),
  }),
});

rootConnection({
  fieldName: 'sources',
  typeName: 'Source',
  nodeRef: SourceRef,
  description: 'Sources in the graph.',
  spec: ROOT_CONNECTIONS.Source,
});

export const AddSourceInputRef = builder.inputRef<AddSourceInput>('AddSourceInput').implement({
  fields: (t) => ({
    id: t.string({ description: 'Stable id of your choosing; without it, derived from `url`.' }),
    title: t.string({ required: true }),
    publisher: t.string(),
    url: t.string({ description: 'http(s) URL.' }),
    publishedOn: t.field({ type: 'Date' }),
    language: t.string({ description: 'ISO 639-1 code, e.g. `fr`.' }),
    mentions: t.idList({
      description: 'Entities it supports facts about (global IDs or slugs; in importGraph: slugs).',
    }),
    cites: t.stringList({ description: 'Ids of sources it relies on (CITES).' }),
  }),
});

builder.mutationField('addSource', (t) =>
  t.field({
    type: SourceRef,
    description:
      'Creates or updates a source with the entities it MENTIONS and the sources it CITES ' +
      '(links are added, never removed).',
    args: { input: t.arg({ type: AddSourceInputRef, required: true }) },
    validate: inputArgsSchema(addSourceSchema(entityRefSchema)),
    resolve: async (_root, { input }, ctx) => {
      const mentioned = await Promise.all(
        (input.mentions ?? []).map((ref, i) => entityAt(ctx, ref, ['input', 'mentions', i])),
      );
      const { mentions: _mentions, cites, ...source } = input;
      const outcome = await addSource(ctx.db, {
        source,
        mentionIds: mentioned.map((entity) => entity.id),
        citeIds: cites ?? [],
      });
      // The mentioned entities gained a source: each is UPDATED. A source alone is no entity
      // change, but cached reads that show sources must still go.
      const distinct = [...new Map(mentioned.map((e) => [e.id, e])).values()];
      const noCounts = { entities: 0, sources: 0, relationships: 0 };
      await committed(
        ctx,
        ...distinct.map((entity) => entityChange('UPDATED', entity, { sources: true })),
        ...(distinct.length === 0
          ? [
              [
                importedChange({ total: noCounts, created: noCounts, updated: noCounts }, [], true),
                { notify: false },
              ] as const,
            ]
          : []),
      );
      return outcome.value;
    },
  }),
);
