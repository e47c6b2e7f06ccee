import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import type { EntityRow } from '../graph/entities.js';
import { entityBySlugLoader } from '../graph/entity-loaders.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { DealKindEnum } from './enums.js';
import { CompanyRef, DealRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';

DealRef.implement({
  description: 'A deal between companies: a compute lease, cloud contract, investment or partnership.',
  ...entityObjectOptions('Deal'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Deal', id: row.id }) }),
    kind: t.field({ type: DealKindEnum, nullable: true, resolve: (row) => row.kind as never }),
    valueUsd: t.float({ nullable: true, description: 'Value in US dollars.', resolve: (row) => row.valueUsd as number | null }),
    announcedOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.announcedOn as string | null }),
    startsOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.startsOn as string | null }),
    endsOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.endsOn as string | null }),
    excludedCompanies: t.field({
      type: [CompanyRef],
      description:
        'Companies a source says are NOT party to this deal although one might expect them to be ' +
        '(e.g. SoftBank, Stargate\'s main financier, in OpenAI\'s datacenter deals).',
      resolve: async (row, _args, ctx) => {
        const slugs = (row.excludes as string[] | null) ?? [];
        const found = await entityBySlugLoader(ctx).loadMany(slugs);
        return found.filter((e): e is EntityRow => e !== null && !(e instanceof Error) && e.label === 'Company');
      },
    }),
    ...typedRelationshipFields(t, 'Deal'),
  }),
});

rootConnection({
  fieldName: 'deals',
  typeName: 'Deal',
  nodeRef: DealRef,
  description: 'Deals in the graph.',
  spec: ROOT_CONNECTIONS.Deal,
});
