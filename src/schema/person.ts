import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { upsertSchema, type UpsertInput } from '../graph/write-input.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { inputArgsSchema, runUpsert, upsertDescription } from './mutation-support.js';
import { PersonRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';
import { entityInputFields } from './write-fields.js';

PersonRef.implement({
  description: 'A person: executives, officials, investors.',
  ...entityObjectOptions('Person'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Person', id: row.id }) }),
    ...typedRelationshipFields(t, 'Person'),
  }),
});

rootConnection({
  fieldName: 'people',
  typeName: 'Person',
  nodeRef: PersonRef,
  description: 'People in the graph.',
  spec: ROOT_CONNECTIONS.Person,
});

export const UpsertPersonInput = builder.inputRef<UpsertInput<'Person'>>('UpsertPersonInput').implement({
  fields: (t) => entityInputFields(t, 'Person'),
});

builder.mutationField('upsertPerson', (t) =>
  t.field({
    type: PersonRef,
    description: upsertDescription('Person'),
    args: { input: t.arg({ type: UpsertPersonInput, required: true }) },
    validate: inputArgsSchema(upsertSchema('Person')),
    resolve: (_root, { input }, ctx) => runUpsert(ctx, 'Person', input),
  }),
);
