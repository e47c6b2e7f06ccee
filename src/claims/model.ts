/**
 * Which facts are claims (SPEC section 2a), and the names the graph gives claims not in force
 * today. Sourced are the kind-specific properties of each entity kind (the writable ones and the
 * read-only ones only data files state), and every relationship property; `name`, `description`
 * and `aliases` are editorial.
 */
import {
  ENTITY_LABELS,
  KIND_PROPERTIES,
  READ_ONLY_PROPERTIES,
  RELATIONSHIPS,
  type EntityLabel,
  type EntityRelationshipType,
  type PropertyType,
  type RelationshipType,
} from '../graph/model.js';

export const CLAIM_KINDS = ['ENTITY', 'RELATIONSHIP', 'VALUE'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

const SOURCED_PROPERTIES = Object.fromEntries(
  ENTITY_LABELS.map((label) => [label, { ...KIND_PROPERTIES[label], ...READ_ONLY_PROPERTIES[label] }]),
) as Record<EntityLabel, Record<string, PropertyType>>;

/** The sourced properties of an entity kind, with their types. */
export const sourcedProperties = (label: EntityLabel): Record<string, PropertyType> => SOURCED_PROPERTIES[label];

/** The sourced properties of a relationship type (all of its properties). */
export const sourcedRelationshipProperties = (type: RelationshipType): Record<string, PropertyType> =>
  RELATIONSHIPS[type].properties;

/** True when `field` is a sourced property of `label`. */
export const isSourcedProperty = (label: EntityLabel, field: string): boolean =>
  Object.hasOwn(SOURCED_PROPERTIES[label], field);

/** A relationship claim not in force today is held back under this type (never read as `type`). */
export const heldType = (type: EntityRelationshipType): string => `H_${type}`;

/** An entity whose existence claim is not in force today carries these labels instead. */
export const HELD_ENTITY = 'HEntity';
export const heldLabel = (label: EntityLabel): string => `H${label}`;

/** Every sourced property of any entity kind (for validation of `claims(field:)`). */
export const ALL_SOURCED_FIELDS: ReadonlySet<string> = new Set(
  ENTITY_LABELS.flatMap((label) => Object.keys(SOURCED_PROPERTIES[label])),
);

/**
 * The copies of its own claim a node or relationship carries (claims-storage decision), and which
 * of its fields are settled (materialize.ts), and a relationship's span (held-degrees.ts):
 * bookkeeping, never one of its properties.
 */
export const CLAIM_COPY_KEYS = [
  'claimId',
  'validFrom',
  'validTo',
  'recordedAt',
  'retractedAt',
  'closedAt',
  'settled',
  'spanFrom',
  'spanTo',
  'spanned',
] as const;
