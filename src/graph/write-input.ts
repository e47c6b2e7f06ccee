/**
 * What a write may contain, as zod schemas derived from model.ts: the GraphQL mutations (through
 * the Pothos validation plugin) and the import CLI (per row) check input with the same rules.
 */
import { z } from 'zod';
import {
  COMMON_PROPERTIES,
  COMPANY_KINDS,
  DATACENTER_STATUSES,
  DEAL_KINDS,
  ENTITY_RELATIONSHIP_TYPES,
  KIND_PROPERTIES,
  PROJECT_STATUSES,
  RELATIONSHIPS,
  isRelationshipType,
  type EntityLabel,
  type PropertyType,
  type RelationshipType,
} from './model.js';

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

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Enumerated string properties, by label and key. */
export const PROPERTY_ENUMS: Partial<Record<EntityLabel, Record<string, readonly [string, ...string[]]>>> = {
  Company: { kind: COMPANY_KINDS },
  Project: { status: PROJECT_STATUSES },
  Datacenter: { status: DATACENTER_STATUSES },
  Deal: { kind: DEAL_KINDS },
};

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
    ...optionalShape(KIND_PROPERTIES[label], PROPERTY_ENUMS[label]),
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
  errorMap: () => ({ message: `must be one of ${ENTITY_RELATIONSHIP_TYPES.join(', ')} (MENTIONS and CITES are written with addSource)` }),
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
  const parsed = relationshipPropertiesSchema(type)
    .passthrough()
    .safeParse(properties);
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
  const message = issue.code === z.ZodIssueCode.invalid_type ? `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}` : issue.message;
  return `${at} ${message}`;
}

/** Checks an endpoint's kind against RELATIONSHIPS[type].from / .to. */
export function endpointAllowed(type: RelationshipType, end: 'from' | 'to', label: string): boolean {
  return (RELATIONSHIPS[type][end] as readonly string[]).includes(label);
}

export const endpointProblem = (type: RelationshipType, end: 'from' | 'to', label: string) =>
  `${type} cannot ${end === 'from' ? 'start at' : 'end at'} a ${label} (allowed: ${(RELATIONSHIPS[type][end] as readonly string[]).join(', ')})`;
