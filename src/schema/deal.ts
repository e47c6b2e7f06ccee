import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { upsertSchema, type DealPartyInput, type UpsertInput } from '../graph/write-input.js';
import { isKind } from '../graph/entities.js';
import { entityBySlugLoader } from '../graph/entity-loaders.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { inputArgsSchema, runUpsert } from './mutation-support.js';
import { DealKindEnum } from './enums.js';
import { CompanyRef, DealRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';
import { entityInputFields } from './write-fields.js';

DealRef.implement({
  description: 'A deal between companies: a compute lease, cloud contract, investment or partnership.',
  ...entityObjectOptions('Deal'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Deal', id: row.id }) }),
    kind: t.field({ type: DealKindEnum, nullable: true, resolve: (row) => row.kind }),
    valueUsd: t.float({ nullable: true, description: 'Value in US dollars.', resolve: (row) => row.valueUsd }),
    announcedOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.announcedOn }),
    startsOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.startsOn }),
    endsOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.endsOn }),
    excludedCompanies: t.field({
      type: [CompanyRef],
      description:
        'Companies a source says are NOT party to this deal although one might expect them to be ' +
        "(e.g. SoftBank, Stargate's main financier, in OpenAI's datacenter deals). A sourced value: " +
        '`claims(field: "excludes")` gives its history (company slugs) and who says so.',
      resolve: async (row, _args, ctx) => {
        const slugs = row.excludes ?? [];
        const found = await entityBySlugLoader(ctx).loadMany(slugs);
        return found.flatMap((e) => (!(e instanceof Error) && isKind(e, 'Company') ? [e] : []));
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

const DealPartyInputRef = builder.inputRef<DealPartyInput>('DealPartyInput').implement({
  fields: (t) => ({
    company: t.id({ required: true, description: 'The company: its global ID or slug (in importGraph: its slug).' }),
    role: t.string({ required: true, description: 'buyer, seller, investor, recipient, lessee, lessor...' }),
  }),
});

export const UpsertDealInput = builder.inputRef<UpsertInput<'Deal'>>('UpsertDealInput').implement({
  fields: (t) => ({
    ...entityInputFields(t, 'Deal'),
    parties: t.field({
      type: [DealPartyInputRef],
      description:
        'When given, exactly these companies are the parties (PARTY_TO with their role); others are removed.',
    }),
  }),
});

builder.mutationField('upsertDeal', (t) =>
  t.field({
    type: DealRef,
    description: 'Creates or updates a deal by slug, with its parties and their roles.',
    args: { input: t.arg({ type: UpsertDealInput, required: true }) },
    validate: inputArgsSchema(upsertSchema('Deal')),
    resolve: (_root, { input }, ctx) => runUpsert(ctx, 'Deal', input),
  }),
);
