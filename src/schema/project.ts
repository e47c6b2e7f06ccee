import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { ProjectStatusEnum } from './enums.js';
import { ProjectRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { rootConnection } from './root-connection.js';

ProjectRef.implement({
  description: 'A build-out programme, such as Stargate.',
  ...entityObjectOptions('Project'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Project', id: row.id }) }),
    status: t.field({ type: ProjectStatusEnum, nullable: true, resolve: (row) => row.status as never }),
    announcedOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.announcedOn as string | null }),
    pledgedUsd: t.float({ nullable: true, description: 'Total money pledged, US dollars.', resolve: (row) => row.pledgedUsd as number | null }),
    firstYearUsd: t.float({
      nullable: true,
      description: 'Money planned for the first year, US dollars.',
      resolve: (row) => row.firstYearUsd as number | null,
    }),
    targetPowerMw: t.float({ nullable: true, description: 'Target power capacity, megawatts.', resolve: (row) => row.targetPowerMw as number | null }),
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
