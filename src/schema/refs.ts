/**
 * Object type references, declared before any type is implemented so that type files can point
 * at each other (Company.deals → Deal, Deal.parties → Company) without import cycles.
 */
import type {
  CompanyRow,
  DatacenterRow,
  DealRow,
  EntityRow,
  PersonRow,
  ProjectRow,
  SourceRow,
} from '../graph/entities.js';
import { builder } from './builder.js';

export const EntityRef = builder.interfaceRef<EntityRow>('Entity');
export const PersonRef = builder.objectRef<PersonRow>('Person');
export const CompanyRef = builder.objectRef<CompanyRow>('Company');
export const ProjectRef = builder.objectRef<ProjectRow>('Project');
export const DatacenterRef = builder.objectRef<DatacenterRow>('Datacenter');
export const DealRef = builder.objectRef<DealRow>('Deal');
export const SourceRef = builder.objectRef<SourceRow>('Source');
