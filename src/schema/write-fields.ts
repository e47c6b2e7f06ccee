/**
 * GraphQL input fields of writes, generated from the model tables (graph/model.ts) like the
 * TypeScript types and zod rules in graph/write-input.ts, and checked against those types (each
 * input is a `builder.inputRef<Shape>`): a property added to model.ts appears in every upsert
 * input, rule and type at once.
 */
import { IdentifierInputRef } from './identity.js';
import type { EnumRef, InputFieldRef, InputFieldsFromShape } from '@pothos/core';
import {
  ALL_RELATIONSHIP_PROPERTIES,
  COMMON_PROPERTIES,
  ENTITY_RELATIONSHIP_TYPES,
  type KIND_ENUMS,
  KIND_PROPERTIES,
  RELATIONSHIPS,
  type EntityLabel,
  type PropertyType,
  type PropertyValueOf,
} from '../graph/model.js';
import type {
  CitationInput,
  EntityProperties,
  Identified,
  Provenance,
  RelationshipPropertiesInput,
  SourceInput,
} from '../graph/write-input.js';
import { builder, type Types } from './builder.js';
import { CompanyKindEnum, DatacenterStatusEnum, DealKindEnum, ProjectStatusEnum } from './enums.js';

type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;
type KindEnumRef = EnumRef<Types, string, string>;
/** What a generated property field takes: any PropertyType's value, or null (remove it). */
type PropertyFieldRef = InputFieldRef<Types, PropertyValueOf<PropertyType> | null | undefined>;

/** The GraphQL enum of each enumerated kind property (KIND_ENUMS in model.ts). */
const KIND_ENUM_TYPES: { [L in EntityLabel]: Record<keyof (typeof KIND_ENUMS)[L], KindEnumRef> } = {
  Person: {},
  Company: { kind: CompanyKindEnum },
  Project: { status: ProjectStatusEnum },
  Datacenter: { status: DatacenterStatusEnum },
  Deal: { kind: DealKindEnum },
};

/** Descriptions of input fields that need one, by property name. */
const DESCRIPTIONS: Record<string, string> = {
  slug: 'Lower-case kebab-case; the upsert key.',
  pledgedUsd: 'US dollars, not negative.',
  valueUsd: 'US dollars, not negative.',
};

/** One optional input field for a property of the given type (an enum when `enumType` is given). */
function propertyField(
  t: InputFieldBuilder,
  name: string,
  type: PropertyType,
  enumType?: KindEnumRef,
): PropertyFieldRef {
  const description = DESCRIPTIONS[name];
  if (enumType) return t.field({ type: enumType, description });
  switch (type) {
    case 'number':
      return t.float({ description });
    case 'date':
      return t.field({ type: 'Date', description });
    case 'stringList':
      return t.stringList({ description });
    case 'string':
      return t.string({ description });
  }
}

const fieldsOf = (
  t: InputFieldBuilder,
  propertyTypes: Record<string, PropertyType>,
  enums: Record<string, KindEnumRef> = {},
) =>
  Object.fromEntries(
    Object.entries(propertyTypes).map(([name, type]) => [name, propertyField(t, name, type, enums[name])]),
  ) as Record<string, PropertyFieldRef>;

export const SourceInputRef = builder.inputRef<SourceInput>('SourceInput').implement({
  description:
    'A source to create or update. ' +
    'Without `id`, the id is derived from `url` (the same URL is the same source), else random.',
  fields: (t) => ({
    id: t.string({ description: 'Stable id of your choosing (letters, digits, ".", "_", ":", "-").' }),
    title: t.string({ required: true }),
    publisher: t.string(),
    url: t.string({ description: 'http(s) URL.' }),
    publishedOn: t.field({ type: 'Date' }),
    language: t.string({ description: 'ISO 639-1 code, e.g. `fr`.' }),
  }),
});

const provenanceDescription =
  'The source supporting this write (MENTIONS): ' +
  'an existing one by `sourceId` (its ID or raw id), or `source` to create.';

export const CitationInputRef = builder.inputRef<CitationInput>('CitationInput').implement({
  description: "A source supporting a claim: the quote that carries it, in the source's language, and where it is.",
  fields: (t) => ({
    source: t.id({ required: true, description: 'The Source (its ID or raw id).' }),
    quote: t.string({ description: "At most 500 characters, in the source's own language." }),
    locator: t.string({ description: 'Where in the source: a paragraph number, a page, a character range.' }),
  }),
});

/**
 * Which source supports a write and when what it says holds (connect and every upsert take them):
 * they apply to every claim the write makes.
 */
export const provenanceFields = (t: InputFieldBuilder): InputFieldsFromShape<Types, Provenance, 'InputObject'> => ({
  sourceId: t.id({ description: provenanceDescription }),
  source: t.field({ type: SourceInputRef }),
  citations: t.field({
    type: [CitationInputRef],
    description: 'Citations for every claim this write makes (a same value again gains them).',
  }),
  validFrom: t.field({
    type: 'Date',
    description: 'When what this write says began to hold. Absent: the day of the write; null: always.',
  }),
  validTo: t.field({ type: 'Date', description: 'When it stopped holding (exclusive); absent: still holds.' }),
  confidence: t.float({ description: 'How sure the source is, from 0 to 1.' }),
});

/**
 * The fields every upsert input has, for one kind: slug and name (required), description,
 * aliases, the kind's own properties from model.ts, and provenance. Generated from the tables,
 * so the one cast here states what the generation guarantees: a field per key of EntityProperties<L>.
 */
export function entityInputFields<L extends EntityLabel>(
  t: InputFieldBuilder,
  label: L,
): InputFieldsFromShape<Types, EntityProperties<L> & Provenance & Identified, 'InputObject'> {
  const generated = {
    ...fieldsOf(t, COMMON_PROPERTIES),
    slug: t.string({ required: true, description: DESCRIPTIONS.slug }),
    name: t.string({ required: true }),
    ...fieldsOf(t, KIND_PROPERTIES[label], KIND_ENUM_TYPES[label]),
    identifiers: t.field({
      type: [IdentifierInputRef],
      description: 'When given, exactly these external identifiers (null or [] drops them all).',
    }),
    ...provenanceFields(t),
  };
  return generated as unknown as InputFieldsFromShape<
    Types,
    EntityProperties<L> & Provenance & Identified,
    'InputObject'
  >;
}

/** Every relationship property of the model, typed, in one input (each type accepts its own). */
export const RelationshipPropertiesInputRef = builder
  .inputRef<RelationshipPropertiesInput>('RelationshipPropertiesInput')
  .implement({
    description: `Relationship properties; each type takes only its own: ${ENTITY_RELATIONSHIP_TYPES.map(
      (type) => `${type} (${Object.keys(RELATIONSHIPS[type].properties).join(', ') || 'none'})`,
    ).join(', ')}.`,
    fields: (t) => fieldsOf(t, ALL_RELATIONSHIP_PROPERTIES),
  });
