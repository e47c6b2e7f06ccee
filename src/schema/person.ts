import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { PersonRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';

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
