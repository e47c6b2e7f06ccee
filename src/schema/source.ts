import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { builder } from './builder.js';
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
