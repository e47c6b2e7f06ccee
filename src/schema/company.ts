import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { CompanyKindEnum } from './enums.js';
import { CompanyRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';

CompanyRef.implement({
  description: 'A company: AI labs, cloud providers, investors, chipmakers, energy suppliers.',
  ...entityObjectOptions('Company'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Company', id: row.id }) }),
    kind: t.field({
      type: CompanyKindEnum,
      nullable: true,
      resolve: (row) => row.kind as never,
    }),
    country: t.string({ nullable: true, resolve: (row) => row.country as string | null }),
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
