import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { upsertSchema, type UpsertInput } from '../graph/write-input.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { inputArgsSchema, runUpsert, upsertDescription } from './mutation-support.js';
import { ProjectStatusEnum } from './enums.js';
import { ProjectRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';
import { entityInputFields } from './write-fields.js';

ProjectRef.implement({
  description: 'A build-out programme, such as Stargate.',
  ...entityObjectOptions('Project'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Project', id: row.id }) }),
    status: t.field({ type: ProjectStatusEnum, nullable: true, resolve: (row) => row.status }),
    announcedOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.announcedOn }),
    pledgedUsd: t.float({
      nullable: true,
      description: 'Total money pledged, US dollars.',
      resolve: (row) => row.pledgedUsd,
    }),
    firstYearUsd: t.float({
      nullable: true,
      description: 'Money planned for the first year, US dollars.',
      resolve: (row) => row.firstYearUsd,
    }),
    targetPowerMw: t.float({
      nullable: true,
      description: 'Target power capacity, megawatts.',
      resolve: (row) => row.targetPowerMw,
    }),
    ...typedRelationshipFields(t, 'Project'),
  }),
});

rootConnection({
  fieldName: 'projects',
  typeName: 'Project',
  nodeRef: ProjectRef,
  description: 'Projects in the graph.',
  spec: ROOT_CONNECTIONS.Project,
});

export const UpsertProjectInput = builder.inputRef<UpsertInput<'Project'>>('UpsertProjectInput').implement({
  fields: (t) => entityInputFields(t, 'Project'),
});

builder.mutationField('upsertProject', (t) =>
  t.field({
    type: ProjectRef,
    description: upsertDescription('Project'),
    args: { input: t.arg({ type: UpsertProjectInput, required: true }) },
    validate: inputArgsSchema(upsertSchema('Project')),
    resolve: (_root, { input }, ctx) => runUpsert(ctx, 'Project', input),
  }),
);
