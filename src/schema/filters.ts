/**
 * Filter inputs (README, "Analyst queries"), built from the table in src/graph/filters.ts so a
 * filter field is declared once: `XFilter` for each node type with `AND`/`OR`/`NOT`, one
 * `XFRelationFilter` (`some`/`none`/`all`/`count`) per typed relationship field `f`, and its
 * edge filter `XFEdgeFilter` (`node` and the relationship's properties).
 */
import type { ImplementableInputObjectRef, InputObjectRef } from '@pothos/core';
import {
  EDGE_FILTER_KIND,
  FILTER_FIELDS,
  FILTER_LABELS,
  relationFiltersOf,
  type FilterField,
  type FilterFieldKind,
  type FilterLabel,
} from '../graph/filters.js';
import { RELATIONSHIPS, type PropertyType, type TypedRelationship } from '../graph/model.js';
import { builder, type Types } from './builder.js';
import { RELATIONSHIP_PREDICATE } from '../query-cost.js';
import { CompanyKindEnum, DatacenterStatusEnum, DealKindEnum, EntityKindEnum, ProjectStatusEnum } from './enums.js';

type FilterInput = InputObjectRef<Types, Record<string, unknown>>;

export const FloatRangeInput = builder.inputType('FloatRange', {
  description: 'An inclusive range of numbers; either end may be left open.',
  fields: (t) => ({ gte: t.float(), lte: t.float() }),
});

export const DateRangeInput = builder.inputType('DateRange', {
  description: 'An inclusive range of dates; either end may be left open.',
  fields: (t) => ({ from: t.field({ type: 'Date' }), to: t.field({ type: 'Date' }) }),
});

export const IntRangeInput = builder.inputType('IntRange', {
  description: 'An inclusive range of whole numbers; either end may be left open.',
  fields: (t) => ({ gte: t.int(), lte: t.int() }),
});

export const StringMatchInput = builder.inputType('StringMatch', {
  description: 'Tests on a string; every one set must hold. `contains` and `startsWith` ignore case.',
  fields: (t) => ({
    eq: t.string(),
    in: t.stringList({ description: 'One of these values (at most MAX_PAGE_SIZE).' }),
    contains: t.string(),
    startsWith: t.string(),
  }),
});

const ENUMS = {
  CompanyKind: CompanyKindEnum,
  ProjectStatus: ProjectStatusEnum,
  DatacenterStatus: DatacenterStatusEnum,
  DealKind: DealKindEnum,
} as const;

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** `CompanyDeals`: the stem of a typed relationship field's input and output type names. */
export const relationshipTypeStem = (rel: TypedRelationship) => `${rel.parentType}${capitalize(rel.fieldName)}`;

/** Every filter input by node type; refs first, so the inputs can point at each other. */
export const filterInputs = Object.fromEntries(
  FILTER_LABELS.map((label) => [label, builder.inputRef<Record<string, unknown>>(`${label}Filter`)]),
) as unknown as Record<FilterLabel, ImplementableInputObjectRef<Types, Record<string, unknown>>>;

function fieldInput(
  t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>,
  kind: FilterFieldKind,
  field?: FilterField,
) {
  const description = field?.description;
  switch (kind) {
    case 'contains':
    case 'equals':
      return t.string({ description });
    case 'oneOf':
      return field?.enumName ? t.field({ type: [ENUMS[field.enumName]], description }) : t.stringList({ description });
    case 'kinds':
      return t.field({ type: [EntityKindEnum], description });
    case 'floatRange':
      return t.field({ type: FloatRangeInput, description });
    case 'dateRange':
      return t.field({ type: DateRangeInput, description });
    case 'stringMatch':
      return t.field({ type: StringMatchInput, description });
  }
}

function relationFilter(rel: TypedRelationship): FilterInput {
  const stem = relationshipTypeStem(rel);
  const farFilter = filterInputs[rel.nodeLabel];
  const edge = builder.inputType(`${stem}EdgeFilter`, {
    description: `Tests on one ${rel.fieldName} relationship: its far node and its properties.`,
    fields: (t) => ({
      node: t.field({ type: farFilter }),
      ...Object.fromEntries(
        Object.entries(RELATIONSHIPS[rel.type].properties).flatMap(([name, type]) => {
          const kind = EDGE_FILTER_KIND[type as PropertyType];
          return kind ? [[name, fieldInput(t, kind)]] : [];
        }),
      ),
    }),
  });
  return builder.inputType(`${stem}Filter`, {
    description: `Tests on the ${rel.fieldName} of a ${rel.parentType}: every one set must hold.`,
    // Each test reads every such relationship of the node tested (src/query-cost.ts).
    extensions: { [RELATIONSHIP_PREDICATE]: true },
    fields: (t) => ({
      some: t.field({ type: edge, description: 'At least one relationship passes.' }),
      none: t.field({ type: edge, description: 'No relationship passes.' }),
      all: t.field({ type: edge, description: 'Every relationship passes (true when there are none).' }),
      count: t.field({ type: IntRangeInput, description: 'How many relationships there are.' }),
    }),
  }) as FilterInput;
}

for (const label of FILTER_LABELS) {
  const self = filterInputs[label];
  const relations = relationFiltersOf(label).map((rel) => [rel.fieldName, relationFilter(rel)] as const);
  self.implement({
    description:
      `Tests on a ${label === 'Entity' ? 'entity of any kind' : label.toLowerCase()}: every one set must hold. ` +
      'AND, OR and NOT compose filters; a test on a property a node lacks is false.',
    fields: (t) => ({
      ...Object.fromEntries(
        Object.entries(FILTER_FIELDS[label]).map(([name, field]) => [name, fieldInput(t, field.kind, field)]),
      ),
      ...Object.fromEntries(relations.map(([name, input]) => [name, t.field({ type: input })])),
      AND: t.field({ type: [self], description: 'Every one of these passes (true when empty).' }),
      OR: t.field({ type: [self], description: 'At least one of these passes (false when empty).' }),
      NOT: t.field({ type: self, description: 'This does not pass.' }),
    }),
  });
}
