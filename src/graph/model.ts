/**
 * The graph model (SPEC section 1) as data: labels, properties, relationship types and the
 * kinds each relationship may join. Cypher builders, validation and the GraphQL enums all read
 * from here, so a label or type name is written once.
 */

export const ENTITY_LABELS = ['Person', 'Company', 'Project', 'Datacenter', 'Deal'] as const;
export type EntityLabel = (typeof ENTITY_LABELS)[number];

/** GraphQL `EntityKind` values, in the same order as ENTITY_LABELS. */
export const ENTITY_KINDS = ['PERSON', 'COMPANY', 'PROJECT', 'DATACENTER', 'DEAL'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const kindToLabel = (kind: EntityKind): EntityLabel => ENTITY_LABELS[ENTITY_KINDS.indexOf(kind)]!;
export const labelToKind = (label: EntityLabel): EntityKind => ENTITY_KINDS[ENTITY_LABELS.indexOf(label)]!;
export const isEntityLabel = (value: unknown): value is EntityLabel =>
  typeof value === 'string' && (ENTITY_LABELS as readonly string[]).includes(value);

export const COMPANY_KINDS = ['AI_LAB', 'CLOUD_PROVIDER', 'INVESTOR', 'CHIPMAKER', 'ENERGY', 'MEDIA', 'OTHER'] as const;
export const PROJECT_STATUSES = ['ANNOUNCED', 'IN_PROGRESS', 'STALLED', 'OPERATIONAL', 'CANCELLED'] as const;
export const DATACENTER_STATUSES = ['PLANNED', 'UNDER_CONSTRUCTION', 'OPERATIONAL'] as const;
export const DEAL_KINDS = ['COMPUTE_LEASE', 'CLOUD_CONTRACT', 'INVESTMENT', 'PARTNERSHIP', 'OTHER'] as const;

export type PropertyType = 'string' | 'number' | 'date' | 'stringList';

/** Properties every entity has; `id`, `createdAt`, `updatedAt` are set by the server. */
export const COMMON_PROPERTIES = {
  slug: 'string',
  name: 'string',
  description: 'string',
  aliases: 'stringList',
} as const satisfies Record<string, PropertyType>;

/** Kind-specific properties (dates are Neo4j `date` values, money is US dollars as a float). */
export const KIND_PROPERTIES = {
  Person: {},
  Company: { kind: 'string', country: 'string' },
  Project: { status: 'string', announcedOn: 'date', pledgedUsd: 'number', targetPowerMw: 'number' },
  Datacenter: { status: 'string', location: 'string', powerMw: 'number', targetDate: 'date' },
  Deal: { kind: 'string', valueUsd: 'number', announcedOn: 'date', startsOn: 'date', endsOn: 'date' },
} as const satisfies Record<EntityLabel, Record<string, PropertyType>>;

export const SOURCE_PROPERTIES = {
  title: 'string',
  publisher: 'string',
  url: 'string',
  publishedOn: 'date',
  language: 'string',
} as const satisfies Record<string, PropertyType>;

type Endpoint = EntityLabel | 'Source';

export interface RelationshipSpec {
  from: readonly Endpoint[];
  to: readonly Endpoint[];
  properties: Record<string, PropertyType>;
  description: string;
}

/** Relationship types: the only strings ever placed in Cypher as a type (never from a request). */
export const RELATIONSHIPS = {
  LEADS: {
    from: ['Person'],
    to: ['Company'],
    properties: { title: 'string', since: 'date' },
    description: 'A person leads a company (chief executive, chair, founder...).',
  },
  ANNOUNCED: {
    from: ['Person', 'Company'],
    to: ['Project'],
    properties: { on: 'date' },
    description: 'A person or company announced a project.',
  },
  PARTICIPATES_IN: {
    from: ['Company'],
    to: ['Project'],
    properties: { role: 'string', committedUsd: 'number' },
    description: 'A company takes part in a project (lead, financier, technology, operator...).',
  },
  PARTY_TO: {
    from: ['Company'],
    to: ['Deal'],
    properties: { role: 'string' },
    description: 'A company is a party to a deal (buyer, seller, investor, recipient...).',
  },
  PART_OF: {
    from: ['Datacenter', 'Deal'],
    to: ['Project'],
    properties: {},
    description: 'A datacenter or deal belongs to a project.',
  },
  COVERS: {
    from: ['Deal'],
    to: ['Datacenter'],
    properties: {},
    description: 'A deal covers a datacenter (its capacity, construction or lease).',
  },
  OPERATES: {
    from: ['Company'],
    to: ['Datacenter'],
    properties: {},
    description: 'A company builds or runs a datacenter.',
  },
  INVESTS_IN: {
    from: ['Company'],
    to: ['Company'],
    properties: { amountUsd: 'number', on: 'date' },
    description: 'A company invests in another.',
  },
  MENTIONS: {
    from: ['Source'],
    to: ['Person', 'Company', 'Project', 'Datacenter', 'Deal'],
    properties: {},
    description: 'A source supports facts about an entity.',
  },
  CITES: {
    from: ['Source'],
    to: ['Source'],
    properties: {},
    description: 'A source relies on another source.',
  },
} as const satisfies Record<string, RelationshipSpec>;

export type RelationshipType = keyof typeof RELATIONSHIPS;

/** Every relationship property name with its type (for fields that may show any relationship). */
export const ALL_RELATIONSHIP_PROPERTIES: Record<string, PropertyType> = Object.assign(
  {},
  ...Object.values(RELATIONSHIPS).map((r: RelationshipSpec) => r.properties),
);
export const RELATIONSHIP_TYPES = Object.keys(RELATIONSHIPS) as RelationshipType[];
/** Relationship types between entities (not involving a Source). */
export const ENTITY_RELATIONSHIP_TYPES = RELATIONSHIP_TYPES.filter((t) => t !== 'MENTIONS' && t !== 'CITES');

export const isRelationshipType = (value: unknown): value is RelationshipType =>
  typeof value === 'string' && Object.hasOwn(RELATIONSHIPS, value);

/** Deal party roles that count as "buyer" / "seller" side for money statistics. */
export const BUYER_ROLES = ['buyer', 'customer', 'lessee', 'investor'] as const;
export const SELLER_ROLES = ['seller', 'provider', 'lessor', 'recipient'] as const;
