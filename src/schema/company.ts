import { COMMON_ENTITY_FILTERS, COMMON_ENTITY_ORDERINGS } from '../graph/root-connections.js';
import { builder } from './builder.js';
import { entityObjectOptions } from './entity.js';
import { CompanyKindEnum } from './enums.js';
import { CompanyRef, DatacenterRef, DealRef, PersonRef, ProjectRef } from './refs.js';
import { typedRelationshipField } from './relationship-fields.js';
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
    leaders: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'leaders',
      type: 'LEADS',
      direction: 'IN',
      nodeRef: PersonRef,
      nodeLabel: 'Person',
      description: 'People who lead this company, with their title.',
    }),
    deals: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'deals',
      type: 'PARTY_TO',
      direction: 'OUT',
      nodeRef: DealRef,
      nodeLabel: 'Deal',
      description: 'Deals this company is a party to, with its role in each.',
    }),
    projects: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'projects',
      type: 'PARTICIPATES_IN',
      direction: 'OUT',
      nodeRef: ProjectRef,
      nodeLabel: 'Project',
      description: 'Projects this company takes part in, with its role and commitment.',
    }),
    datacenters: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'datacenters',
      type: 'OPERATES',
      direction: 'OUT',
      nodeRef: DatacenterRef,
      nodeLabel: 'Datacenter',
      description: 'Datacenters this company builds or runs.',
    }),
    announced: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'announced',
      type: 'ANNOUNCED',
      direction: 'OUT',
      nodeRef: ProjectRef,
      nodeLabel: 'Project',
      description: 'Projects this company announced.',
    }),
    investments: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'investments',
      type: 'INVESTS_IN',
      direction: 'OUT',
      nodeRef: CompanyRef,
      nodeLabel: 'Company',
      description: 'Companies this company invests in.',
    }),
    investors: typedRelationshipField(t, {
      parentType: 'Company',
      fieldName: 'investors',
      type: 'INVESTS_IN',
      direction: 'IN',
      nodeRef: CompanyRef,
      nodeLabel: 'Company',
      description: 'Companies that invest in this company.',
    }),
  }),
});

const CompanyFilter = builder.inputType('CompanyFilter', {
  fields: (t) => ({
    nameContains: t.string({ description: 'Case-insensitive substring of the name.' }),
    slugs: t.stringList(),
    kinds: t.field({ type: [CompanyKindEnum] }),
    country: t.string(),
  }),
});

rootConnection({
  fieldName: 'companies',
  typeName: 'Company',
  nodeRef: CompanyRef,
  filterInput: CompanyFilter,
  description: 'Companies in the graph.',
  spec: {
    label: 'Company',
    orderings: COMMON_ENTITY_ORDERINGS,
    filters: [
      ...COMMON_ENTITY_FILTERS,
      { path: ['kinds'], cypher: 'n.kind IN $value' },
      { path: ['country'], cypher: 'n.country = $value' },
    ],
  },
});
