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
/** Relationship types between entities (MENTIONS and CITES start at a source). */
export type EntityRelationshipType = Exclude<RelationshipType, 'MENTIONS' | 'CITES'>;
export const ENTITY_RELATIONSHIP_TYPES = RELATIONSHIP_TYPES.filter((t) => t !== 'MENTIONS' && t !== 'CITES');

export const isRelationshipType = (value: unknown): value is RelationshipType =>
  typeof value === 'string' && Object.hasOwn(RELATIONSHIPS, value);

/**
 * True when the model guarantees the far node's label (writes check endpoints against it), so a
 * count can leave the far node unlabelled and Neo4j reads it from the degree store.
 */
export function farLabelImplied(rel: { type: RelationshipType; direction: 'OUT' | 'IN'; nodeLabel: string }): boolean {
  const far: readonly string[] = rel.direction === 'OUT' ? RELATIONSHIPS[rel.type].to : RELATIONSHIPS[rel.type].from;
  return rel.nodeLabel === 'Entity' ? !far.includes('Source') : far.length === 1 && far[0] === rel.nodeLabel;
}

/** Deal party roles that count as "buyer" / "seller" side for money statistics. */
export const BUYER_ROLES = ['buyer', 'customer', 'lessee', 'investor'] as const;
export const SELLER_ROLES = ['seller', 'provider', 'lessor', 'recipient'] as const;

/** A GraphQL type that has typed relationship connections: the five entity kinds and Source. */
export type ParentType = EntityLabel | 'Source';

/**
 * Typed relationship connections (`Company.deals`, `Deal.parties`, ...): each declared once here.
 * The schema builds its connection fields from this table, the read planner folds them into
 * planned statements, and the loaders batch them when a field is not planned.
 */
export interface TypedRelationship {
  parentType: ParentType;
  fieldName: string;
  type: RelationshipType;
  /** OUT: the relationship starts at the parent; IN: it ends there. */
  direction: 'OUT' | 'IN';
  /** The far node's label (`Entity` for any kind); its GraphQL type is the type of that name. */
  nodeLabel: EntityLabel | 'Entity' | 'Source';
  description: string;
}

const rel = (
  parentType: ParentType,
  fieldName: string,
  type: RelationshipType,
  direction: 'OUT' | 'IN',
  nodeLabel: TypedRelationship['nodeLabel'],
  description: string,
): TypedRelationship => ({ parentType, fieldName, type, direction, nodeLabel, description });

export const TYPED_RELATIONSHIPS: readonly TypedRelationship[] = [
  rel('Person', 'leads', 'LEADS', 'OUT', 'Company', 'Companies this person leads, with their title.'),
  rel('Person', 'announced', 'ANNOUNCED', 'OUT', 'Project', 'Projects this person announced.'),
  rel('Company', 'leaders', 'LEADS', 'IN', 'Person', 'People who lead this company, with their title.'),
  rel('Company', 'deals', 'PARTY_TO', 'OUT', 'Deal', 'Deals this company is a party to, with its role in each.'),
  rel(
    'Company',
    'projects',
    'PARTICIPATES_IN',
    'OUT',
    'Project',
    'Projects this company takes part in, with its role and commitment.',
  ),
  rel('Company', 'datacenters', 'OPERATES', 'OUT', 'Datacenter', 'Datacenters this company builds or runs.'),
  rel('Company', 'announced', 'ANNOUNCED', 'OUT', 'Project', 'Projects this company announced.'),
  rel('Company', 'investments', 'INVESTS_IN', 'OUT', 'Company', 'Companies this company invests in.'),
  rel('Company', 'investors', 'INVESTS_IN', 'IN', 'Company', 'Companies that invest in this company.'),
  rel(
    'Project',
    'participants',
    'PARTICIPATES_IN',
    'IN',
    'Company',
    'Companies taking part, with their role (lead, financier, ...) and commitment.',
  ),
  rel('Project', 'announcedBy', 'ANNOUNCED', 'IN', 'Entity', 'People and companies that announced the project.'),
  rel('Project', 'datacenters', 'PART_OF', 'IN', 'Datacenter', 'Datacenters built for the project.'),
  rel('Project', 'deals', 'PART_OF', 'IN', 'Deal', 'Deals made under the project.'),
  rel('Datacenter', 'operators', 'OPERATES', 'IN', 'Company', 'Companies that build or run it.'),
  rel('Datacenter', 'projects', 'PART_OF', 'OUT', 'Project', 'Projects it belongs to.'),
  rel('Datacenter', 'deals', 'COVERS', 'IN', 'Deal', 'Deals that cover it.'),
  rel(
    'Deal',
    'parties',
    'PARTY_TO',
    'IN',
    'Company',
    'Companies party to the deal, with their role (buyer, seller, ...).',
  ),
  rel('Deal', 'projects', 'PART_OF', 'OUT', 'Project', 'Projects the deal belongs to.'),
  rel('Deal', 'datacenters', 'COVERS', 'OUT', 'Datacenter', 'Datacenters the deal covers.'),
  rel('Source', 'mentions', 'MENTIONS', 'OUT', 'Entity', 'Entities this source supports facts about.'),
  rel('Source', 'cites', 'CITES', 'OUT', 'Source', 'Sources this one relies on.'),
  rel('Source', 'citedBy', 'CITES', 'IN', 'Source', 'Sources that rely on this one.'),
];

/** The typed relationship fields of one GraphQL type, in declaration order. */
export const typedRelationshipsOf = (parentType: ParentType) =>
  TYPED_RELATIONSHIPS.filter((r) => r.parentType === parentType);

/**
 * Sourced properties beyond SPEC section 1 that the upserts do not take (read-only in GraphQL):
 * only claims in data files state them (the seed's, the import CLI's), with citations and
 * validity like any sourced value (src/claims/model.ts), so the write inputs stay SPEC section 1's.
 * The read planner knows them as properties of their kind.
 */
export const READ_ONLY_PROPERTIES = {
  Person: {},
  Company: {},
  Project: { firstYearUsd: 'number' },
  Datacenter: {},
  Deal: { excludes: 'stringList' },
} as const satisfies Record<EntityLabel, Record<string, PropertyType>>;

/**
 * Kind properties that hold one of a fixed list of values: their GraphQL enums, zod rules and
 * TypeScript types are all made from these lists.
 */
export const KIND_ENUMS = {
  Person: {},
  Company: { kind: COMPANY_KINDS },
  Project: { status: PROJECT_STATUSES },
  Datacenter: { status: DATACENTER_STATUSES },
  Deal: { kind: DEAL_KINDS },
} as const satisfies Record<EntityLabel, Record<string, readonly [string, ...string[]]>>;

/** A property's value in TypeScript, by its PropertyType (dates are ISO `YYYY-MM-DD` text). */
export type PropertyValueOf<T> = T extends 'number' ? number : T extends 'stringList' ? string[] : string;

type EnumsOf<L extends EntityLabel> = (typeof KIND_ENUMS)[L];

/**
 * One kind's own properties as TypeScript sees them, from the tables above: enumerated ones as the
 * union of their values, the rest by PropertyType. Optional and nullable: absent or removed.
 */
export type KindValues<L extends EntityLabel, Spec = (typeof KIND_PROPERTIES)[L]> = {
  -readonly [K in keyof Spec]?:
    | (K extends keyof EnumsOf<L> ? (EnumsOf<L>[K] extends readonly (infer V)[] ? V : never) : PropertyValueOf<Spec[K]>)
    | null;
};
