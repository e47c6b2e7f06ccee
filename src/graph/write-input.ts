/**
 * What a write may contain, derived from the model tables in model.ts: the TypeScript types of
 * write input and the zod rules that check it. The GraphQL input types are generated from the same
 * tables (schema/write-fields.ts) and checked against these types, so a new property is added once,
 * in model.ts. The mutations (through the Pothos validation plugin), importGraph and the import
 * CLI (per row) check input with the same rules.
 */
import { z } from 'zod';
import { canonicalIdentifier, MAX_IDENTIFIERS } from '../identity/identifiers.js';
import {
  COMMON_PROPERTIES,
  ENTITY_RELATIONSHIP_TYPES,
  KIND_ENUMS,
  KIND_PROPERTIES,
  RELATIONSHIPS,
  type SOURCE_PROPERTIES,
  isRelationshipType,
  type EntityLabel,
  type KindValues,
  type PropertyType,
  type PropertyValueOf,
  type RelationshipType,
} from './model.js';

// ---------------------------------------------------------------------------------------------
// Types of write input, from the model tables

/** Optional, nullable values of a property table: absent leaves a value alone, null removes it. */
type Values<Spec> = { -readonly [K in keyof Spec]?: PropertyValueOf<Spec[K]> | null };

/** An entity's own properties as a write gives them: slug and name required. */
export type EntityProperties<L extends EntityLabel> = Values<typeof COMMON_PROPERTIES> & {
  slug: string;
  name: string;
} & KindValues<L>;

/** A source as a write gives it; `id` optional (derived from the URL, else random). */
export type SourceInput = Values<typeof SOURCE_PROPERTIES> & { id?: string | null; title: string };

/** Which source supports a write: an existing one by `sourceId` (its global ID or raw id), or `source` to upsert. */
/** A citation as a write gives it: a Source (ID or raw id), the quote and where it is. */
export interface CitationInput {
  source: string;
  quote?: string | null;
  locator?: string | null;
}

/**
 * What supports a write and when it holds (SPEC 2a), applying to every claim the write makes:
 * a source (`sourceId`, or `source` to create) cited without a quote, `citations`, the validity
 * (`validFrom` absent: the write's UTC date; null: always) and a confidence.
 */
export interface Provenance {
  sourceId?: string | null;
  source?: SourceInput | null;
  citations?: CitationInput[] | null;
  validFrom?: string | null;
  validTo?: string | null;
  confidence?: number | null;
}

/** An identifier as a write gives it (checked and made canonical by identity/identifiers.ts). */
export interface IdentifierInput {
  scheme: string;
  value: string;
}

/** An upsert's external identifiers: when given, exactly these (an empty list drops them all). */
export interface Identified {
  identifiers?: IdentifierInput[] | null;
}

/** A deal's party: a company (global ID or slug; in importGraph its slug) and its role. */
export interface DealPartyInput {
  company: string;
  role: string;
}

/** An upsert mutation's input (also one row of importGraph): properties, provenance, a deal's parties. */
export type UpsertInput<L extends EntityLabel> = EntityProperties<L> &
  Provenance &
  Identified &
  (L extends 'Deal' ? { parties?: DealPartyInput[] | null } : unknown);

/** Relationship properties as a write gives them; which keys a type takes is checked by checkRelationshipProperties. */
export type RelationshipPropertiesInput = Partial<Record<string, PropertyValueOf<PropertyType> | null>>;

/** A typed relationship between two entities, named by `refSchema` (ID or slug; in importGraph a slug). */
export interface RelationshipInput {
  type: RelationshipType;
  from: string;
  to: string;
  properties?: RelationshipPropertiesInput | null;
}

/** addSource's input (also one source row of importGraph). */
export type AddSourceInput = SourceInput & { mentions?: string[] | null; cites?: string[] | null };

/** importGraph's input: one batch, references by slug. */
export interface ImportInput {
  people?: UpsertInput<'Person'>[] | null;
  companies?: UpsertInput<'Company'>[] | null;
  projects?: UpsertInput<'Project'>[] | null;
  datacenters?: UpsertInput<'Datacenter'>[] | null;
  deals?: UpsertInput<'Deal'>[] | null;
  sources?: AddSourceInput[] | null;
  relationships?: RelationshipInput[] | null;
}

/** An upsert input's entity properties: everything but provenance and a deal's parties. */
export function entityPropertiesOf<L extends EntityLabel>(input: UpsertInput<L>): EntityProperties<L> {
  const properties: UpsertInput<L> = { ...input };
  delete properties.sourceId;
  delete properties.source;
  Reflect.deleteProperty(properties, 'parties');
  Reflect.deleteProperty(properties, 'identifiers');
  // How the write's claims hold (citations, validity, confidence) is not a property of the entity.
  for (const key of Object.keys(claimArgsShape)) Reflect.deleteProperty(properties, key);
  return properties;
}

// ---------------------------------------------------------------------------------------------
// Rules (zod)

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isKebabCase = (value: string) => KEBAB.test(value);

/** `YYYY-MM-DD` naming a day that exists (2025-02-30 does not: it would round-trip to March). */
export function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const slugSchema = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(KEBAB, 'must be lower-case kebab-case, e.g. sam-altman');

export const dateSchema = z
  .string()
  .regex(ISO_DATE, 'must be an ISO date (YYYY-MM-DD)')
  .refine((v) => !ISO_DATE.test(v) || isCalendarDate(v), 'is not a calendar date');

/** Money (US dollars) and power (MW): finite and not negative. */
export const amountSchema = z.number().finite('must be a finite number').nonnegative('must not be negative');

export const urlSchema = z
  .string()
  .url('must be an absolute URL')
  .refine((v) => /^https?:\/\//i.test(v), 'must be an http(s) URL');

/** Source ids are ours to choose (seed: `src-...`); keep them printable and bounded. */
export const sourceIdSchema = z
  .string()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may hold letters, digits, ".", "_", ":" and "-"');

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

function propertySchema(type: PropertyType, values?: readonly [string, ...string[]]): z.ZodTypeAny {
  if (values) return z.enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) });
  switch (type) {
    case 'date':
      return dateSchema;
    case 'number':
      return amountSchema;
    case 'stringList':
      return z.array(text(500)).max(100, 'must have at most 100 items');
    case 'string':
      return text(10_000);
  }
}

/** Optional properties: absent leaves the stored value alone, null removes it. */
function optionalShape(spec: Record<string, PropertyType>, enums: Record<string, readonly [string, ...string[]]> = {}) {
  return Object.fromEntries(Object.entries(spec).map(([k, type]) => [k, propertySchema(type, enums[k]).nullish()]));
}

/** An entity's own properties (slug and name required), for one kind. */
export function entityPropertiesSchema(label: EntityLabel) {
  return z.object({
    slug: slugSchema,
    name: text(500),
    ...optionalShape({ description: COMMON_PROPERTIES.description, aliases: COMMON_PROPERTIES.aliases }),
    ...optionalShape(KIND_PROPERTIES[label], KIND_ENUMS[label]),
  });
}

export const sourcePropertiesSchema = z.object({
  id: sourceIdSchema.optional(),
  title: text(1_000),
  publisher: text(500).nullish(),
  url: urlSchema.nullish(),
  publishedOn: dateSchema.nullish(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'must be an ISO 639-1 code such as fr or en-US')
    .nullish(),
});

/** Types that `connect` and imports may create between entities (MENTIONS/CITES belong to sources). */
export const connectableTypeSchema = z.enum(ENTITY_RELATIONSHIP_TYPES as [RelationshipType, ...RelationshipType[]], {
  errorMap: () => ({
    message: `must be one of ${ENTITY_RELATIONSHIP_TYPES.join(', ')} (MENTIONS and CITES are written with addSource)`,
  }),
});

const relationshipSchemas = new Map<RelationshipType, z.ZodTypeAny>();

/** Properties of one relationship type: only the keys model.ts gives that type (built once per type). */
export function relationshipPropertiesSchema(type: RelationshipType): z.ZodObject<z.ZodRawShape> {
  let schema = relationshipSchemas.get(type);
  if (!schema) {
    schema = z.object(optionalShape(RELATIONSHIPS[type].properties)).strict();
    relationshipSchemas.set(type, schema);
  }
  return schema as z.ZodObject<z.ZodRawShape>;
}

/** Checks `properties` against its `type` (a superRefine helper for inputs that carry both). */
export function checkRelationshipProperties(
  type: unknown,
  properties: unknown,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  if (!isRelationshipType(type) || properties == null) return;
  const allowed = Object.keys(RELATIONSHIPS[type].properties);
  for (const [key, value] of Object.entries(properties as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [...path, key],
        message: `${type} has ${allowed.length ? `only the properties ${allowed.join(', ')}` : 'no properties'}`,
      });
    }
  }
  const parsed = relationshipPropertiesSchema(type).passthrough().safeParse(properties);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [...path, ...issue.path] } as z.IssueData);
  }
}

/**
 * What is wrong with one property value under its schema, as text to follow the key (e.g.
 * ` must be one of AI_LAB, ...`, `[2] must not be empty`), or undefined when it is valid. For
 * checkers that report plain lines rather than zod issues (the bulk loader).
 */
export function valueProblem(schema: z.ZodTypeAny, value: unknown): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.map((p) => `[${String(p)}]`).join('');
  const message =
    issue.code === z.ZodIssueCode.invalid_type
      ? `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`
      : issue.message;
  return `${at} ${message}`;
}

/** Checks an endpoint's kind against RELATIONSHIPS[type].from / .to. */
export function endpointAllowed(type: RelationshipType, end: 'from' | 'to', label: string): boolean {
  return (RELATIONSHIPS[type][end] as readonly string[]).includes(label);
}

export const endpointProblem = (type: RelationshipType, end: 'from' | 'to', label: string) => {
  const allowed = (RELATIONSHIPS[type][end] as readonly string[]).join(', ');
  return `${type} cannot ${end === 'from' ? 'start at' : 'end at'} a ${label} (allowed: ${allowed})`;
};

// ---------------------------------------------------------------------------------------------
// Rules of whole write inputs (paths start at the argument, e.g. `input.slug`)

/** An entity argument: a global ID or a slug (resolved by the mutation, which reports a miss). */
export const entityRefSchema = z.string().min(1).max(300);

/** A citation: a source (ID or raw id), the quote in the source's language, and where it is. */
export const citationSchema = z
  .object({
    source: z.string().min(1).max(300),
    quote: z.string().max(500, 'must be at most 500 characters').nullish(),
    locator: z.string().max(200, 'must be at most 200 characters').nullish(),
  })
  .strict();

/** What every write may say of the claims it makes (SPEC 2a). */
export const claimArgsShape = {
  citations: z.array(citationSchema).max(100, 'must have at most 100 items').nullish(),
  validFrom: dateSchema.nullish(),
  validTo: dateSchema.nullish(),
  confidence: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').nullish(),
};

/** validTo, when given with validFrom, comes after it. */
export function checkValidity(input: { validFrom?: string | null; validTo?: string | null }, ctx: z.RefinementCtx) {
  if (input.validFrom && input.validTo && input.validTo <= input.validFrom)
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['validTo'], message: 'must be after validFrom' });
}

const provenanceShape = {
  sourceId: z.string().min(1).max(300).nullish(),
  source: sourcePropertiesSchema.nullish(),
  ...claimArgsShape,
};
/** One identifier of an upsert (GraphQL objects): its scheme's rule, from identity/identifiers.ts. */
const identifierInputSchema = z.object({ scheme: z.string(), value: z.string().max(300) }).superRefine((id, ctx) => {
  const checked = canonicalIdentifier(id);
  if (typeof checked === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked });
});

/** An upsert's identifiers, at most MAX_IDENTIFIERS. */
const identifiersShape = {
  identifiers: z
    .array(identifierInputSchema)
    .max(MAX_IDENTIFIERS, `must have at most ${MAX_IDENTIFIERS} items`)
    .nullish(),
};

/** An entity record's identifiers (data files): keys `SCHEME:value`, as `identifiers` stores them. */
export const identifierKeysSchema = z
  .array(
    z
      .string()
      .max(320)
      .superRefine((key, ctx) => {
        const colon = key.indexOf(':');
        const checked =
          colon < 0
            ? 'must be SCHEME:value (DOMAIN:openai.com)'
            : canonicalIdentifier({ scheme: key.slice(0, colon), value: key.slice(colon + 1) });
        if (typeof checked === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked });
      }),
  )
  .max(MAX_IDENTIFIERS, `must have at most ${MAX_IDENTIFIERS} items`);

const partySchema = z.object({ company: entityRefSchema, role: z.string().trim().min(1).max(100) });

/** An upsert's input for one kind: its properties, provenance, and a deal's parties (each company once). */
export function upsertSchema(label: EntityLabel) {
  const base = entityPropertiesSchema(label)
    .extend(provenanceShape)
    .extend(identifiersShape)
    .superRefine(checkValidity);
  return label === 'Deal'
    ? entityPropertiesSchema(label)
        .extend(provenanceShape)
        .extend(identifiersShape)
        .extend({ parties: z.array(partySchema).max(100, 'must have at most 100 items').nullish() })
        .superRefine((input, ctx) => {
          checkValidity(input, ctx);
          const seen = new Set<string>();
          input.parties?.forEach((p, i) => {
            if (seen.has(p.company))
              ctx.addIssue({
                code: z.ZodIssueCode.custom,
                path: ['parties', i, 'company'],
                message: 'is listed twice',
              });
            seen.add(p.company);
          });
        })
    : base;
}

/** A relationship input whose endpoints `refSchema` names; its properties checked against its type. */
export const relationshipInputSchema = (refSchema: z.ZodTypeAny) =>
  z
    .object({
      type: connectableTypeSchema,
      from: refSchema,
      to: refSchema,
      properties: z.record(z.unknown()).nullish(),
    })
    .extend(claimArgsShape)
    .passthrough()
    .superRefine((input, ctx) => {
      checkValidity(input, ctx);
      checkRelationshipProperties(input.type, input.properties, ctx, ['properties']);
    });

/** A source with the entities it mentions (named by `refSchema`) and the source ids it cites. */
export const addSourceSchema = (refSchema: z.ZodTypeAny) =>
  sourcePropertiesSchema.extend({
    mentions: z.array(refSchema).max(1_000, 'must have at most 1000 items').nullish(),
    cites: z.array(sourceIdSchema).max(1_000).nullish(),
  });

/** importGraph's batch: every reference is a slug (deal parties included). */
export const importSchema = z
  .object({
    people: z.array(upsertSchema('Person')).nullish(),
    companies: z.array(upsertSchema('Company')).nullish(),
    projects: z.array(upsertSchema('Project')).nullish(),
    datacenters: z.array(upsertSchema('Datacenter')).nullish(),
    deals: z.array(upsertSchema('Deal')).nullish(),
    sources: z.array(addSourceSchema(slugSchema)).nullish(),
    relationships: z.array(relationshipInputSchema(slugSchema)).nullish(),
  })
  .superRefine((input, ctx) => {
    for (const [i, deal] of (input.deals ?? []).entries()) {
      for (const [j, p] of ((deal as { parties?: DealPartyInput[] | null }).parties ?? []).entries()) {
        if (!slugSchema.safeParse(p.company).success) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['deals', i, 'parties', j, 'company'],
            message: 'must be a slug in importGraph',
          });
        }
      }
    }
  });
