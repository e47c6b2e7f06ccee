/**
 * Writes (SPEC section 2): upserts by slug, connect/disconnect, deleteEntity, addSource and
 * importGraph. Every field needs the `write` scope (also set on the Mutation type in builder.ts);
 * input is checked by zod schemas from graph/write-input.ts (errors: BAD_USER_INPUT with the path).
 */
import { z } from 'zod';
import type { Context } from '../context.js';
import { ErrorCode, StargraphError, badInput, limitExceeded } from '../errors.js';
import type { EntityRecord, GraphData, RelationshipRecord, SourceRecord } from '../graph/bulk-load.js';
import type { EntityRow } from '../graph/entities.js';
import { clearRequestCache } from '../graph/entity-loaders.js';
import { ALL_RELATIONSHIP_PROPERTIES, ENTITY_RELATIONSHIP_TYPES, RELATIONSHIPS, labelToKind, type EntityLabel, type RelationshipType } from '../graph/model.js';
import {
  checkRelationshipProperties,
  connectableTypeSchema,
  endpointAllowed,
  endpointProblem,
  entityPropertiesSchema,
  slugSchema,
  sourceIdSchema,
  sourcePropertiesSchema,
} from '../graph/write-input.js';
import {
  addSource,
  connectEntities,
  deleteEntity,
  disconnectEntities,
  importGraph,
  sourceIdFor,
  upsertEntity,
  type Provenance,
  type SourceInput,
} from '../graph/writes.js';
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import { entityChange, importedChange, importedLabels, relationshipChange } from '../live/changes.js';
import { builder, requiringScope, type Types } from './builder.js';
import { CompanyKindEnum, DatacenterStatusEnum, DealKindEnum, EntityKindEnum, ProjectStatusEnum, RelationshipTypeEnum } from './enums.js';
import { encodeGlobalID, parseGlobalId, resolveEntityArg } from './node.js';
import { CompanyRef, DatacenterRef, DealRef, EntityRef, PersonRef, ProjectRef, SourceRef } from './refs.js';

/** Rows one importGraph request may carry; the CLI is for anything bigger. */
export const MAX_IMPORT_ITEMS = 10_000;

const WRITE = { write: true } as const;

// ---------------------------------------------------------------------------------------------
// Input types

const SourceInputRef = builder.inputType('SourceInput', {
  description:
    'A source to create or update. Without `id`, the id is derived from `url` (the same URL is the same source), else random.',
  fields: (t) => ({
    id: t.string({ description: 'Stable id of your choosing (letters, digits, ".", "_", ":", "-").' }),
    title: t.string({ required: true }),
    publisher: t.string(),
    url: t.string({ description: 'http(s) URL.' }),
    publishedOn: t.field({ type: 'Date' }),
    language: t.string({ description: 'ISO 639-1 code, e.g. `fr`.' }),
  }),
});

const provenanceDescription = 'The source supporting this write (MENTIONS): an existing one by `sourceId` (its ID or raw id), or `source` to create.';

const UpsertPersonInput = builder.inputType('UpsertPersonInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lower-case kebab-case; the upsert key.' }),
    name: t.string({ required: true }),
    description: t.string(),
    aliases: t.stringList(),
    sourceId: t.id({ description: provenanceDescription }),
    source: t.field({ type: SourceInputRef }),
  }),
});

const UpsertCompanyInput = builder.inputType('UpsertCompanyInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lower-case kebab-case; the upsert key.' }),
    name: t.string({ required: true }),
    description: t.string(),
    aliases: t.stringList(),
    kind: t.field({ type: CompanyKindEnum }),
    country: t.string(),
    sourceId: t.id({ description: provenanceDescription }),
    source: t.field({ type: SourceInputRef }),
  }),
});

const UpsertProjectInput = builder.inputType('UpsertProjectInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lower-case kebab-case; the upsert key.' }),
    name: t.string({ required: true }),
    description: t.string(),
    aliases: t.stringList(),
    status: t.field({ type: ProjectStatusEnum }),
    announcedOn: t.field({ type: 'Date' }),
    pledgedUsd: t.float({ description: 'US dollars, not negative.' }),
    targetPowerMw: t.float(),
    sourceId: t.id({ description: provenanceDescription }),
    source: t.field({ type: SourceInputRef }),
  }),
});

const UpsertDatacenterInput = builder.inputType('UpsertDatacenterInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lower-case kebab-case; the upsert key.' }),
    name: t.string({ required: true }),
    description: t.string(),
    aliases: t.stringList(),
    status: t.field({ type: DatacenterStatusEnum }),
    location: t.string(),
    powerMw: t.float(),
    targetDate: t.field({ type: 'Date' }),
    sourceId: t.id({ description: provenanceDescription }),
    source: t.field({ type: SourceInputRef }),
  }),
});

const DealPartyInput = builder.inputType('DealPartyInput', {
  fields: (t) => ({
    company: t.id({ required: true, description: 'The company: its global ID or slug (in importGraph: its slug).' }),
    role: t.string({ required: true, description: 'buyer, seller, investor, recipient, lessee, lessor...' }),
  }),
});

const UpsertDealInput = builder.inputType('UpsertDealInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lower-case kebab-case; the upsert key.' }),
    name: t.string({ required: true }),
    description: t.string(),
    aliases: t.stringList(),
    kind: t.field({ type: DealKindEnum }),
    valueUsd: t.float({ description: 'US dollars, not negative.' }),
    announcedOn: t.field({ type: 'Date' }),
    startsOn: t.field({ type: 'Date' }),
    endsOn: t.field({ type: 'Date' }),
    parties: t.field({
      type: [DealPartyInput],
      description: 'When given, exactly these companies are the parties (PARTY_TO with their role); others are removed.',
    }),
    sourceId: t.id({ description: provenanceDescription }),
    source: t.field({ type: SourceInputRef }),
  }),
});

/** Every relationship property of the model, typed, in one input (each type accepts its own). */
const RelationshipPropertiesInput = builder.inputType('RelationshipPropertiesInput', {
  description: `Relationship properties; each type takes only its own: ${ENTITY_RELATIONSHIP_TYPES.map(
    (type) => `${type} (${Object.keys(RELATIONSHIPS[type].properties).join(', ') || 'none'})`,
  ).join(', ')}.`,
  fields: (t) =>
    Object.fromEntries(
      Object.entries(ALL_RELATIONSHIP_PROPERTIES).map(([name, type]) => [
        name,
        type === 'number' ? t.float() : type === 'date' ? t.field({ type: 'Date' }) : t.string(),
      ]),
    ) as Record<string, ReturnType<typeof t.string>>,
});

const ConnectInput = builder.inputType('ConnectInput', {
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, required: true }),
    from: t.id({ required: true, description: 'Global ID or slug of the start entity.' }),
    to: t.id({ required: true, description: 'Global ID or slug of the end entity.' }),
    properties: t.field({ type: RelationshipPropertiesInput }),
    sourceId: t.id({ description: provenanceDescription }),
    source: t.field({ type: SourceInputRef }),
  }),
});

const DisconnectInput = builder.inputType('DisconnectInput', {
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, required: true }),
    from: t.id({ required: true, description: 'Global ID or slug of the start entity.' }),
    to: t.id({ required: true, description: 'Global ID or slug of the end entity.' }),
  }),
});

const AddSourceInput = builder.inputType('AddSourceInput', {
  fields: (t) => ({
    id: t.string({ description: 'Stable id of your choosing; without it, derived from `url`.' }),
    title: t.string({ required: true }),
    publisher: t.string(),
    url: t.string({ description: 'http(s) URL.' }),
    publishedOn: t.field({ type: 'Date' }),
    language: t.string({ description: 'ISO 639-1 code, e.g. `fr`.' }),
    mentions: t.idList({ description: 'Entities it supports facts about (global IDs or slugs; in importGraph: slugs).' }),
    cites: t.stringList({ description: 'Ids of sources it relies on (CITES).' }),
  }),
});

const ImportRelationshipInput = builder.inputType('ImportRelationshipInput', {
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, required: true }),
    from: t.string({ required: true, description: 'Slug of the start entity (in this batch or already in the graph).' }),
    to: t.string({ required: true, description: 'Slug of the end entity.' }),
    properties: t.field({ type: RelationshipPropertiesInput }),
  }),
});

const ImportGraphInput = builder.inputType('ImportGraphInput', {
  description: `A batch written in one transaction (all or nothing), at most ${MAX_IMPORT_ITEMS} items. References are slugs.`,
  fields: (t) => ({
    people: t.field({ type: [UpsertPersonInput] }),
    companies: t.field({ type: [UpsertCompanyInput] }),
    projects: t.field({ type: [UpsertProjectInput] }),
    datacenters: t.field({ type: [UpsertDatacenterInput] }),
    deals: t.field({ type: [UpsertDealInput] }),
    sources: t.field({ type: [AddSourceInput] }),
    relationships: t.field({ type: [ImportRelationshipInput] }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Validation (zod): paths start at the argument, e.g. `input.slug`.

const provenanceShape = { sourceId: z.string().min(1).max(300).nullish(), source: sourcePropertiesSchema.nullish() };
const partySchema = z.object({ company: z.string().min(1).max(300), role: z.string().trim().min(1).max(100) });

const upsertSchema = (label: EntityLabel) => {
  const base = entityPropertiesSchema(label).extend(provenanceShape);
  return label === 'Deal'
    ? base
        .extend({ parties: z.array(partySchema).max(100, 'must have at most 100 items').nullish() })
        .superRefine((input, ctx) => {
          const seen = new Set<string>();
          input.parties?.forEach((p, i) => {
            if (seen.has(p.company)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['parties', i, 'company'], message: 'is listed twice' });
            seen.add(p.company);
          });
        })
    : base;
};

const relationshipInputSchema = (refSchema: z.ZodTypeAny) =>
  z
    .object({ type: connectableTypeSchema, from: refSchema, to: refSchema, properties: z.record(z.unknown()).nullish() })
    .passthrough()
    .superRefine((input, ctx) => checkRelationshipProperties(input.type, input.properties, ctx, ['properties']));

const entityRefSchema = z.string().min(1).max(300);

const addSourceSchema = (refSchema: z.ZodTypeAny) =>
  sourcePropertiesSchema.extend({
    mentions: z.array(refSchema).max(1_000, 'must have at most 1000 items').nullish(),
    cites: z.array(sourceIdSchema).max(1_000).nullish(),
  });

const importSchema = z
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
    input.deals?.forEach((deal, i) =>
      (deal as { parties?: Array<{ company: string }> | null }).parties?.forEach((p, j) => {
        if (!slugSchema.safeParse(p.company).success) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['deals', i, 'parties', j, 'company'], message: 'must be a slug in importGraph' });
        }
      }),
    );
  });

const argsSchema = (input: z.ZodTypeAny) => requiringScope('write', z.object({ input }).passthrough());

// ---------------------------------------------------------------------------------------------
// Helpers

/** `sourceId` may be a Source global ID or its raw id. */
function rawSourceId(value: string): string {
  try {
    const decoded = parseGlobalId(value);
    if (decoded.typename === 'Source') return decoded.id;
  } catch {
    // not a global ID: a raw id
  }
  return value;
}

function provenanceOf(input: { sourceId?: string | null; source?: SourceInput | null }): Provenance {
  return { sourceId: input.sourceId ? rawSourceId(String(input.sourceId)) : undefined, source: input.source ?? undefined };
}

/** An entity argument (ID or slug), with the input path in errors. */
async function entityAt(ctx: Context, value: string, path: (string | number)[]): Promise<EntityRow> {
  try {
    return await resolveEntityArg(ctx, value, path.join('.'));
  } catch (error) {
    if (error instanceof StargraphError) {
      throw new StargraphError(error.extensions.code as ErrorCode, error.message, { ...error.extensions, path });
    }
    throw error;
  }
}

/** Entity properties of an upsert input (everything but provenance and parties). */
function entityProperties(input: Record<string, unknown>): Record<string, unknown> & { slug: string } {
  const { sourceId: _s, source: _src, parties: _p, ...props } = input;
  return props as Record<string, unknown> & { slug: string };
}

async function runUpsert(ctx: Context, label: EntityLabel, input: Record<string, unknown>) {
  let parties: Array<{ companyId: string; role: string; company: EntityRow }> | undefined;
  if (label === 'Deal' && Array.isArray(input.parties)) {
    // All at once, so the entity loaders resolve them in one batch.
    parties = await Promise.all(
      (input.parties as Array<{ company: string; role: string }>).map(async (party, i) => {
        const path = ['input', 'parties', i, 'company'];
        const company = await entityAt(ctx, String(party.company), path);
        if (company.label !== 'Company') throw badInput(`${path.join('.')}: a deal's party must be a Company, not a ${company.label}`, { path });
        return { companyId: company.id, role: party.role, company };
      }),
    );
  }
  const provenance = provenanceOf(input as Provenance);
  const outcome = await upsertEntity(ctx.db, {
    label,
    properties: entityProperties(input),
    provenance,
    parties: parties?.map(({ companyId, role }) => ({ companyId, role })),
  });
  clearRequestCache(ctx);
  // Committed: announce it. (Parties that were removed are not known here; the derived types
  // the change invalidates cover their deal connections.)
  await ctx.live?.publish(
    entityChange(outcome.created ? 'CREATED' : 'UPDATED', outcome.value, {
      also: parties?.map((p) => p.company),
      sources: Boolean(provenance.source || provenance.sourceId),
    }),
  );
  return outcome.value;
}

// ---------------------------------------------------------------------------------------------
// Payloads

interface ConnectResult {
  type: RelationshipType;
  from: EntityRow;
  to: EntityRow;
  created: boolean;
  changed: boolean;
}

const ConnectPayload = builder.objectRef<ConnectResult>('ConnectPayload').implement({
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, resolve: (r) => r.type }),
    from: t.field({ type: EntityRef, resolve: (r) => r.from }),
    to: t.field({ type: EntityRef, resolve: (r) => r.to }),
    created: t.boolean({ description: 'The relationship did not exist before.', resolve: (r) => r.created }),
    changed: t.boolean({ description: 'Created, or a property value changed.', resolve: (r) => r.changed }),
  }),
});

interface DisconnectResult {
  type: RelationshipType;
  from: EntityRow;
  to: EntityRow;
  removed: boolean;
}

const DisconnectPayload = builder.objectRef<DisconnectResult>('DisconnectPayload').implement({
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, resolve: (r) => r.type }),
    from: t.field({ type: EntityRef, resolve: (r) => r.from }),
    to: t.field({ type: EntityRef, resolve: (r) => r.to }),
    removed: t.boolean({ description: 'False when there was no such relationship (nothing to do).', resolve: (r) => r.removed }),
  }),
});

interface DeleteResult {
  entity: EntityRow;
  relationships: number;
}

const DeleteEntityPayload = builder.objectRef<DeleteResult>('DeleteEntityPayload').implement({
  fields: (t) => ({
    deletedId: t.id({ description: 'The global ID the entity had.', resolve: (r) => encodeGlobalID(r.entity.label, r.entity.id) }),
    slug: t.string({ resolve: (r) => r.entity.slug }),
    entityKind: t.field({ type: EntityKindEnum, resolve: (r) => labelToKind(r.entity.label) }),
    relationshipsRemoved: t.int({ resolve: (r) => r.relationships }),
  }),
});

interface Counts {
  entities: number;
  sources: number;
  relationships: number;
}

const ImportCounts = builder.objectRef<Counts>('ImportCounts').implement({
  fields: (t) => ({
    entities: t.exposeInt('entities'),
    sources: t.exposeInt('sources'),
    relationships: t.exposeInt('relationships', { description: 'MENTIONS and CITES included.' }),
  }),
});

export const ImportGraphPayload = builder.objectRef<{ total: Counts; created: Counts; updated: Counts }>('ImportGraphPayload').implement({
  fields: (t) => ({
    total: t.field({ type: ImportCounts, description: 'Rows in the batch.', resolve: (r) => r.total }),
    created: t.field({ type: ImportCounts, resolve: (r) => r.created }),
    updated: t.field({ type: ImportCounts, description: 'Already there, with a property value changed.', resolve: (r) => r.updated }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Mutation fields

/** One upsert mutation per kind: the same auth, validation and write, only the types differ. */
function upsertField(
  t: PothosSchemaTypes.MutationFieldBuilder<Types, object>,
  label: EntityLabel,
  ref: ObjectRef<Types, EntityRow>,
  input: InputObjectRef<Types, Record<string, unknown>>,
  description = `Creates or updates a ${label.toLowerCase()} by slug. Omitted fields keep their value; null clears one.`,
) {
  return t.field({
    type: ref,
    authScopes: WRITE,
    description,
    args: { input: t.arg({ type: input, required: true }) },
    validate: argsSchema(upsertSchema(label)),
    resolve: (_root, { input: value }, ctx) => runUpsert(ctx, label, value as never),
  });
}

builder.mutationFields((t) => ({
  upsertPerson: upsertField(t, 'Person', PersonRef, UpsertPersonInput),
  upsertCompany: upsertField(t, 'Company', CompanyRef, UpsertCompanyInput),
  upsertProject: upsertField(t, 'Project', ProjectRef, UpsertProjectInput),
  upsertDatacenter: upsertField(t, 'Datacenter', DatacenterRef, UpsertDatacenterInput),
  upsertDeal: upsertField(t, 'Deal', DealRef, UpsertDealInput, 'Creates or updates a deal by slug, with its parties and their roles.'),
  connect: t.field({
    type: ConnectPayload,
    authScopes: WRITE,
    description: 'Creates (or updates the properties of) a typed relationship between two entities.',
    args: { input: t.arg({ type: ConnectInput, required: true }) },
    validate: argsSchema(relationshipInputSchema(entityRefSchema)),
    resolve: async (_root, { input }, ctx) => {
      const type = input.type as RelationshipType;
      const [from, to] = await Promise.all([entityAt(ctx, String(input.from), ['input', 'from']), entityAt(ctx, String(input.to), ['input', 'to'])]);
      if (!endpointAllowed(type, 'from', from.label)) throw badInput(`input.from: ${endpointProblem(type, 'from', from.label)}`, { path: ['input', 'from'] });
      if (!endpointAllowed(type, 'to', to.label)) throw badInput(`input.to: ${endpointProblem(type, 'to', to.label)}`, { path: ['input', 'to'] });
      const outcome = await connectEntities(ctx.db, {
        type,
        fromId: from.id,
        toId: to.id,
        properties: (input.properties ?? {}) as Record<string, unknown>,
        provenance: provenanceOf(input as Provenance),
      });
      clearRequestCache(ctx);
      await ctx.live?.publish(
        relationshipChange('CONNECTED', { id: outcome.relationshipId, type, from: from.id, to: to.id, properties: outcome.properties }, from, to, {
          sources: outcome.sourceId !== undefined,
        }),
      );
      return { type, from, to, created: outcome.created, changed: outcome.changed };
    },
  }),
  disconnect: t.field({
    type: DisconnectPayload,
    authScopes: WRITE,
    description: 'Removes a typed relationship between two entities (removed: false when there was none).',
    args: { input: t.arg({ type: DisconnectInput, required: true }) },
    validate: argsSchema(z.object({ type: connectableTypeSchema, from: entityRefSchema, to: entityRefSchema })),
    resolve: async (_root, { input }, ctx) => {
      const type = input.type as RelationshipType;
      const [from, to] = await Promise.all([entityAt(ctx, String(input.from), ['input', 'from']), entityAt(ctx, String(input.to), ['input', 'to'])]);
      const removed = await disconnectEntities(ctx.db, type, from.id, to.id);
      clearRequestCache(ctx);
      if (removed) {
        await ctx.live?.publish(
          relationshipChange('DISCONNECTED', { id: removed.relationshipId, type, from: from.id, to: to.id, properties: removed.properties }, from, to),
        );
      }
      return { type, from, to, removed: removed !== null };
    },
  }),
  deleteEntity: t.field({
    type: DeleteEntityPayload,
    authScopes: WRITE,
    description: 'Deletes an entity (by global ID or slug) and every relationship it has.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const entity = await entityAt(ctx, String(id), ['id']);
      const deleted = await deleteEntity(ctx.db, entity.id);
      clearRequestCache(ctx);
      if (!deleted) throw new StargraphError(ErrorCode.NOT_FOUND, `id: no entity "${String(id).slice(0, 100)}"`, { path: ['id'] });
      await ctx.live?.publish(entityChange('DELETED', entity));
      return { entity, relationships: deleted.relationships };
    },
  }),
  addSource: t.field({
    type: SourceRef,
    authScopes: WRITE,
    description: 'Creates or updates a source with the entities it MENTIONS and the sources it CITES (links are added, never removed).',
    args: { input: t.arg({ type: AddSourceInput, required: true }) },
    validate: argsSchema(addSourceSchema(entityRefSchema)),
    resolve: async (_root, { input }, ctx) => {
      const mentioned = await Promise.all((input.mentions ?? []).map((ref, i) => entityAt(ctx, String(ref), ['input', 'mentions', i])));
      const mentionIds = mentioned.map((entity) => entity.id);
      const { mentions: _m, cites, ...source } = input;
      const outcome = await addSource(ctx.db, { source: source as SourceInput, mentionIds, citeIds: cites ?? [] });
      clearRequestCache(ctx);
      // The mentioned entities gained a source: each is UPDATED. A source alone is no entity
      // change, but cached reads that show sources must still go.
      const distinct = [...new Map(mentioned.map((e) => [e.id, e])).values()];
      for (const entity of distinct) await ctx.live?.publish(entityChange('UPDATED', entity, { sources: true }));
      if (distinct.length === 0) await ctx.live?.publish(importedChange(noCounts(), [], true), { notify: false });
      return outcome.value;
    },
  }),
  importGraph: t.field({
    type: ImportGraphPayload,
    authScopes: WRITE,
    description: 'Writes a batch of entities, sources and relationships in ONE transaction: all of it, or nothing and an error.',
    args: { input: t.arg({ type: ImportGraphInput, required: true }) },
    validate: argsSchema(importSchema),
    resolve: async (_root, { input }, ctx) => {
      const data = importInputToGraphData(input as ImportInput);
      const items = data.entities.length + data.sources.length + data.relationships.length + data.mentions.length;
      if (items > MAX_IMPORT_ITEMS) throw limitExceeded('MAX_IMPORT_ITEMS', MAX_IMPORT_ITEMS, items, 'importGraph items');
      const result = await importGraph(ctx.db, data);
      clearRequestCache(ctx);
      await ctx.live?.publish(importedChange(result, importedLabels(data), data.sources.length > 0));
      return result;
    },
  }),
}));

const noCounts = () => {
  const zero = { entities: 0, sources: 0, relationships: 0 };
  return { total: zero, created: zero, updated: zero };
};

// ---------------------------------------------------------------------------------------------
// importGraph input → the bulk loader's GraphData

type Upsert = Record<string, unknown> & { slug: string; name: string; sourceId?: string | null; source?: SourceInput | null };
interface ImportInput {
  people?: Upsert[] | null;
  companies?: Upsert[] | null;
  projects?: Upsert[] | null;
  datacenters?: Upsert[] | null;
  deals?: Array<Upsert & { parties?: Array<{ company: string; role: string }> | null }> | null;
  sources?: Array<SourceInput & { mentions?: string[] | null; cites?: string[] | null }> | null;
  relationships?: Array<{ type: RelationshipType; from: string; to: string; properties?: Record<string, unknown> | null }> | null;
}

const withoutNulls = (props: Record<string, unknown>) => Object.fromEntries(Object.entries(props).filter(([, v]) => v != null));

export function importInputToGraphData(input: ImportInput): GraphData {
  const entities: EntityRecord[] = [];
  const relationships: RelationshipRecord[] = [];
  const sources = new Map<string, SourceRecord>();
  const mentions = new Map<string, Set<string>>();
  const addMention = (sourceId: string, slug: string) => {
    if (!mentions.has(sourceId)) mentions.set(sourceId, new Set());
    mentions.get(sourceId)!.add(slug);
  };
  const addSourceRecord = (source: SourceInput & { cites?: string[] | null }) => {
    const id = sourceIdFor(source);
    const { id: _id, cites, ...props } = source as SourceInput & { cites?: string[] | null; mentions?: unknown };
    delete (props as Record<string, unknown>).mentions;
    sources.set(id, { id, ...(withoutNulls(props) as { title: string }), ...(cites?.length ? { cites } : {}) });
    return id;
  };
  for (const source of input.sources ?? []) {
    const id = addSourceRecord(source);
    for (const slug of source.mentions ?? []) addMention(id, slug);
  }
  const groups: Array<[EntityLabel, Upsert[] | null | undefined]> = [
    ['Person', input.people],
    ['Company', input.companies],
    ['Project', input.projects],
    ['Datacenter', input.datacenters],
    ['Deal', input.deals],
  ];
  for (const [label, rows] of groups) {
    for (const row of rows ?? []) {
      entities.push({ ...(withoutNulls(entityProperties(row)) as { slug: string; name: string }), id: crypto.randomUUID(), label });
      if (row.source) addMention(addSourceRecord(row.source), row.slug);
      else if (row.sourceId) addMention(rawSourceId(String(row.sourceId)), row.slug);
      for (const party of (row.parties as Array<{ company: string; role: string }> | null | undefined) ?? []) {
        relationships.push({ type: 'PARTY_TO', from: party.company, to: row.slug, properties: { role: party.role } });
      }
    }
  }
  for (const r of input.relationships ?? []) {
    relationships.push({ type: r.type, from: r.from, to: r.to, properties: withoutNulls(r.properties ?? {}) as never });
  }
  return {
    entities,
    relationships,
    sources: [...sources.values()],
    mentions: [...mentions].map(([source, slugs]) => ({ source, entities: [...slugs] })),
  };
}
