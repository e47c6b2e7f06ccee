import { ROOT_CONNECTIONS } from '../graph/root-connections.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { ProjectStatusEnum } from './enums.js';
import { ProjectRef } from './refs.js';
import { typedRelationshipFields } from './relationship-fields.js';
import { DateRangeInput, FloatRangeInput, rootConnection } from './root-connection.js';

ProjectRef.implement({
  description: 'A build-out programme, such as Stargate.',
  ...entityObjectOptions('Project'),
  fields: (t) => ({
    id: t.globalID({ resolve: (row) => ({ type: 'Project', id: row.id }) }),
    status: t.field({ type: ProjectStatusEnum, nullable: true, resolve: (row) => row.status }),
    announcedOn: t.field({ type: 'Date', nullable: true, resolve: (row) => row.announcedOn }),
    pledgedUsd: t.float({ nullable: true, description: 'Total money pledged, US dollars.', resolve: (row) => row.pledgedUsd }),
    firstYearUsd: t.float({
      nullable: true,
      description: 'Money planned for the first year, US dollars.',
      resolve: (row) => row.firstYearUsd,
    }),
    targetPowerMw: t.float({ nullable: true, description: 'Target power capacity, megawatts.', resolve: (row) => row.targetPowerMw }),
    ...typedRelationshipFields(t, 'Project'),
  }),
});

const ProjectFilter = builder.inputType('ProjectFilter', {
  fields: (t) => ({
    nameContains: t.string({ description: 'Case-insensitive substring of the name.' }),
    slugs: t.stringList(),
    statuses: t.field({ type: [ProjectStatusEnum] }),
    pledgedUsd: t.field({ type: FloatRangeInput }),
    announcedOn: t.field({ type: DateRangeInput }),
  }),
});

rootConnection({
  fieldName: 'projects',
  typeName: 'Project',
  nodeRef: ProjectRef,
  filterInput: ProjectFilter,
  description: 'Projects in the graph.',
  spec: ROOT_CONNECTIONS.Project,
});
