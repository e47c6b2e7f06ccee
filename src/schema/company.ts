import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { upsertSchema, type UpsertInput } from '../graph/write-input.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { inputArgsSchema, runUpsert, upsertDescription } from './mutation-support.js';
import { CompanyKindEnum } from './enums.js';
import { CompanyRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';
import { entityInputFields } from './write-fields.js';

CompanyRef.implement({
  description: 'A company: AI labs, cloud providers, investors, chipmakers, energy suppliers.',
  ...entityObjectOptions('Company'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Company', id: row.id }) }),
    kind: t.field({ type: CompanyKindEnum, nullable: true, resolve: (row) => row.kind }),
    country: t.string({ nullable: true, resolve: (row) => row.country }),
    ...typedRelationshipFields(t, 'Company'),
  }),
});

rootConnection({
  fieldName: 'companies',
  typeName: 'Company',
  nodeRef: CompanyRef,
  description: 'Companies in the graph.',
  spec: ROOT_CONNECTIONS.Company,
});

export const UpsertCompanyInput = builder.inputRef<UpsertInput<'Company'>>('UpsertCompanyInput').implement({
  fields: (t) => entityInputFields(t, 'Company'),
});

builder.mutationField('upsertCompany', (t) =>
  t.field({
    type: CompanyRef,
    description: upsertDescription('Company'),
    args: { input: t.arg({ type: UpsertCompanyInput, required: true }) },
    validate: inputArgsSchema(upsertSchema('Company')),
    resolve: (_root, { input }, ctx) => runUpsert(ctx, 'Company', input),
  }),
);
