import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { upsertSchema, type UpsertInput } from '../graph/write-input.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { inputArgsSchema, runUpsert, upsertDescription } from './mutation-support.js';
import { DatacenterStatusEnum } from './enums.js';
import { DatacenterRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';
import { entityInputFields } from './write-fields.js';

DatacenterRef.implement({
  description: 'A datacenter site, planned, under construction or running.',
  ...entityObjectOptions('Datacenter'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Datacenter', id: row.id }) }),
    status: t.field({ type: DatacenterStatusEnum, nullable: true, resolve: (row) => row.status }),
    location: t.string({ nullable: true, description: 'Where it is, as free text.', resolve: (row) => row.location }),
    powerMw: t.float({ nullable: true, description: 'Power capacity, megawatts.', resolve: (row) => row.powerMw }),
    targetDate: t.field({ type: 'Date', nullable: true, resolve: (row) => row.targetDate }),
    ...typedRelationshipFields(t, 'Datacenter'),
  }),
});

rootConnection({
  fieldName: 'datacenters',
  typeName: 'Datacenter',
  nodeRef: DatacenterRef,
  description: 'Datacenters in the graph.',
  spec: ROOT_CONNECTIONS.Datacenter,
});

export const UpsertDatacenterInput = builder.inputRef<UpsertInput<'Datacenter'>>('UpsertDatacenterInput').implement({
  fields: (t) => entityInputFields(t, 'Datacenter'),
});

builder.mutationField('upsertDatacenter', (t) =>
  t.field({
    type: DatacenterRef,
    description: upsertDescription('Datacenter'),
    args: { input: t.arg({ type: UpsertDatacenterInput, required: true }) },
    validate: inputArgsSchema(upsertSchema('Datacenter')),
    resolve: (_root, { input }, ctx) => runUpsert(ctx, 'Datacenter', input),
  }),
);
