/**
 * Object type references, declared before any type is implemented so that type files can point
 * at each other (Company.deals → Deal, Deal.parties → Company) without import cycles.
 */
import type { EntityRow, SourceRow } from '../graph/entities.js';
import { builder } from './builder.js';

export const EntityRef = builder.interfaceRef<EntityRow>('Entity');
export const PersonRef = builder.objectRef<EntityRow>('Person');
export const CompanyRef = builder.objectRef<EntityRow>('Company');
export const ProjectRef = builder.objectRef<EntityRow>('Project');
export const DatacenterRef = builder.objectRef<EntityRow>('Datacenter');
export const DealRef = builder.objectRef<EntityRow>('Deal');
export const SourceRef = builder.objectRef<SourceRow>('Source');
