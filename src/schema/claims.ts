/**
 * Claims in GraphQL (SPEC section 2a): `Claim` and `Citation`, every entity's `claims(field:)` and
 * `existence`, the claim copies on typed edges and `Relationship`, `claim(id:)`, `changesBetween`,
 * and the `retractClaim` and `purgeEntity` mutations.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { badInput, limitExceeded, notFound } from '../errors.js';
import { countChangeLog, parseChangeId, readChangeLog } from '../claims/change-log.js';
import { CLAIM_KINDS, sourcedProperties, sourcedRelationshipProperties } from '../claims/model.js';
import {
  asKnownAt,
  claimByIdLoader,
  conflictsOf,
  relationshipByClaimLoader,
  subjectClaimsLoader,
  type ClaimRow,
} from '../claims/read.js';
import { sliceFor } from '../claims/row-time.js';
import type { ClaimChangeNote } from '../claims/journal.js';
import { CHANGE_KINDS, changesBetween, type ClaimChangeRow } from '../claims/changes.js';
import type { Citation } from '../claims/rules.js';
import { timeSlice, type TimeSlice } from '../claims/time.js';
import { purgeEntity, retractClaimById } from '../graph/writes.js';
import { committed } from './mutation-support.js';
import { entityChange } from '../live/changes.js';
import { resolveEntityArg } from './node.js';
import { TIME_ARG_DESCRIPTIONS } from './time-args.js';
import type { EntityRow } from '../graph/entities.js';
import { anyEntityByIdLoader, sourceByIdLoader } from '../graph/entity-loaders.js';
import { isEntityLabel, type EntityRelationshipType } from '../graph/model.js';
import type { RelationshipRow } from '../graph/rows.js';
import { builder, type Types } from './builder.js';
import { EntityRef, SourceRef } from './refs.js';
import { RelationshipRef } from './traversals.js';

export const ClaimKindEnum = builder.enumType('ClaimKind', {
  description: "What a claim states: an entity's existence, a relationship, or one value of one property.",
  values: CLAIM_KINDS,
});

export const CitationRef = builder.objectRef<Citation>('Citation').implement({
  description: 'A source supporting a claim, with the quote that carries it and where it is.',
  fields: (t) => ({
    source: t.field({
      type: SourceRef,
      resolve: async (c, _args, ctx) => {
        const source = await sourceByIdLoader(ctx).load(c.source);
        if (!source) throw notFound(`The cited source "${c.source.slice(0, 100)}" no longer exists`);
        return source;
      },
    }),
    quote: t.string({ nullable: true, description: "In the source's own language.", resolve: (c) => c.quote }),
    locator: t.string({ nullable: true, description: 'Where in the source.', resolve: (c) => c.locator }),
  }),
});

/** An instant as GraphQL serves it (the graph's text may carry nanoseconds). */
export const isoInstant = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(String(value)).toISOString();

/** A claim with the slice it was read at (conflicts and `knownAt` follow it). */
type ClaimAt = ClaimRow & { slice?: TimeSlice | null };

/** The claims on the same subject and field as `claim`, as known at its slice. */
async function sameField(ctx: Context, claim: ClaimAt): Promise<ClaimRow[]> {
  const all = await subjectClaimsLoader(ctx, claim.slice ?? null).load(claim.subject);
  return all.filter((c) => c.field === claim.field);
}

export const ClaimRef = builder.objectRef<ClaimAt>('Claim');

ClaimRef.implement({
  description:
    'One statement the graph makes, with who says so and when: an entity exists, two entities are ' +
    'related, or a property holds a value. Never overwritten: a later value closes it, a retraction marks it.',
  fields: (t) => ({
    id: t.id({ description: 'The claim id (retractClaim takes it).', resolve: (c) => c.id }),
    kind: t.field({ type: ClaimKindEnum, resolve: (c) => c.kind }),
    field: t.string({ nullable: true, description: 'The property, for a VALUE claim.', resolve: (c) => c.field }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value, for a VALUE claim.',
      resolve: (c) => c.value,
    }),
    validFrom: t.field({
      type: 'Date',
      nullable: true,
      description: 'First day it held in the world (null: always).',
      resolve: (c) => c.validFrom,
    }),
    validTo: t.field({
      type: 'Date',
      nullable: true,
      description: 'First day it no longer held (null: still holds).',
      resolve: (c) => c.validTo,
    }),
    recordedAt: t.field({
      type: 'DateTime',
      description: 'When the graph learned it.',
      resolve: (c) => isoInstant(c.recordedAt)!,
    }),
    retractedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the graph stopped asserting it (a mistake, not an end in the world).',
      resolve: (c) => isoInstant(c.retractedAt),
    }),
    retractReason: t.string({ nullable: true, resolve: (c) => c.retractReason }),
    confidence: t.float({ nullable: true, description: 'From 0 to 1.', resolve: (c) => c.confidence }),
    citations: t.field({ type: [CitationRef], resolve: (c) => c.citations }),
    conflicts: t.field({
      type: [ClaimRef],
      description: 'Other claims on the same field, still asserted, whose validity overlaps with a different value.',
      resolve: async (c, _args, ctx) =>
        conflictsOf(c, await sameField(ctx, c)).map((x) => ({ ...x, slice: c.slice ?? null })),
    }),
    entity: t.field({
      type: EntityRef,
      nullable: true,
      description: 'The entity the claim is about (a relationship claim: its start).',
      resolve: (c, _args, ctx) => claimEntity(ctx, c),
    }),
    relationship: t.field({
      type: RelationshipRef,
      nullable: true,
      description: 'The relationship, for a RELATIONSHIP claim or a value of one.',
      resolve: async (c, _args, ctx) => {
        const id = c.kind === 'RELATIONSHIP' ? c.id : c.subject;
        return (await relationshipByClaimLoader(ctx).load(id)) as RelationshipRow | null;
      },
    }),
  }),
});

/** The entity a claim is about: its subject, or a relationship value's relationship's start. */
async function claimEntity(ctx: Context, c: ClaimRow): Promise<EntityRow | null> {
  const direct = await anyEntityByIdLoader(ctx).load(c.subject);
  if (direct || c.kind !== 'VALUE') return direct;
  const relationship = await relationshipByClaimLoader(ctx).load(c.subject);
  return relationship ? anyEntityByIdLoader(ctx).load(String(relationship.from)) : null;
}

/** A field argument: one of `allowed`, or BAD_USER_INPUT naming them. */
function checkField(field: string | null | undefined, allowed: readonly string[], what: string): void {
  if (field != null && !allowed.includes(field))
    throw badInput(
      `field: ${what} has no sourced property "${field.slice(0, 100)}" (it has: ${allowed.join(', ') || 'none'})`,
      {
        argumentName: 'field',
      },
    );
}

/** A subject's claims (of one field, when given), newest recorded first, at the field's slice. */
async function claimsOf(
  ctx: Context,
  info: GraphQLResolveInfo,
  parent: unknown,
  subject: string,
  field: string | null | undefined,
): Promise<ClaimAt[]> {
  const slice = sliceFor(ctx, info, parent);
  const all = await subjectClaimsLoader(ctx, slice).load(subject);
  return all.filter((c) => field == null || c.field === field).map((c) => ({ ...c, slice }));
}

builder.interfaceFields(EntityRef, (t) => ({
  claims: t.field({
    type: [ClaimRef],
    description:
      'Every claim about this entity (its existence and its values), or every value one field has had, ' +
      'newest recorded first, with validity, citations, and recorded and retracted times.',
    args: { field: t.arg.string({ description: 'A sourced property of this kind (e.g. status, valueUsd).' }) },
    resolve: async (row, { field }, ctx, info) => {
      checkField(field, isEntityLabel(row.label) ? Object.keys(sourcedProperties(row.label)) : [], row.label);
      // Its relationships' claims are on the relationships (Relationship.claims, edge citations).
      return (await claimsOf(ctx, info, row, row.id, field)).filter((c) => c.kind !== 'RELATIONSHIP');
    },
  }),
  existence: t.field({
    type: ClaimRef,
    nullable: true,
    description: 'The claim that this entity exists: from when, who says so.',
    resolve: async (row, _args, ctx, info) => {
      const claimId = (row as EntityRow & { claimId?: string }).claimId;
      if (!claimId) return null;
      const slice = sliceFor(ctx, info, row);
      const claim = await claimByIdLoader(ctx, slice).load(claimId);
      return claim && { ...claim, slice };
    },
  }),
}));

/** An edge or relationship row: its properties hold the copies of its claim. */
type WithClaim = { properties?: Record<string, unknown> };

/** `claimId`, `citations`, `validFrom`, `validTo`, `recordedAt` on an edge or `Relationship`. */
export function edgeClaimFields<Shape extends WithClaim>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>) {
  const copy = (edge: Shape, key: string) => (edge.properties?.[key] as string | null | undefined) ?? null;
  return {
    claimId: t.id({
      description: "The relationship's claim (retractClaim takes it).",
      resolve: (e) => copy(e, 'claimId') ?? '',
    }),
    citations: t.field({
      type: [CitationRef],
      description: 'Sources supporting the relationship.',
      resolve: async (e, _args, ctx) => {
        const claimId = copy(e, 'claimId');
        return claimId ? ((await claimByIdLoader(ctx, null).load(claimId))?.citations ?? []) : [];
      },
    }),
    validFrom: t.field({ type: 'Date', nullable: true, resolve: (e) => copy(e, 'validFrom')?.slice(0, 10) ?? null }),
    validTo: t.field({ type: 'Date', nullable: true, resolve: (e) => copy(e, 'validTo')?.slice(0, 10) ?? null }),
    recordedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (e) => isoInstant(copy(e, 'recordedAt')),
    }),
  };
}

builder.objectFields(RelationshipRef, (t) => ({
  ...edgeClaimFields(t),
  claims: t.field({
    type: [ClaimRef],
    description: "Every value this relationship's properties have had, newest recorded first.",
    args: { field: t.arg.string({ description: 'One of its properties (e.g. role).' }) },
    resolve: (r, { field }, ctx, info) => {
      checkField(field, Object.keys(sourcedRelationshipProperties(r.type as EntityRelationshipType)), r.type);
      const claimId = r.properties?.claimId as string | undefined;
      return claimId ? claimsOf(ctx, info, r, claimId, field) : [];
    },
  }),
}));

builder.queryField('claim', (t) =>
  t.field({
    type: ClaimRef,
    nullable: true,
    description: 'One claim by its id (null when there is none).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const claim = await claimByIdLoader(ctx, null).load(String(id));
      return claim && { ...claim, slice: null };
    },
  }),
);

export const ClaimChangeKindEnum = builder.enumType('ClaimChangeKind', {
  description:
    'STARTED/ENDED: it began or stopped holding in the world; RECORDED/RETRACTED: the graph learned or withdrew it.',
  values: CHANGE_KINDS,
});

export const ClaimChangeRef = builder.objectRef<ClaimChangeRow & { slice: TimeSlice | null }>('ClaimChange').implement({
  description: 'One entry of the change log: a claim and what happened to it, on which day.',
  fields: (t) => ({
    id: t.string({
      nullable: true,
      description:
        'Its id in the change log, increasing in commit order (from `changes` and `graphChanged`; ' +
        'null from `changesBetween`, which reads the claims themselves).',
      resolve: (c) => (c.seq === undefined ? null : String(c.seq)),
    }),
    claim: t.field({
      type: ClaimRef,
      resolve: (c) => ({ ...asKnownAt(c.claim, c.slice?.knownAt ?? null)!, slice: c.slice }),
    }),
    change: t.field({ type: ClaimChangeKindEnum, resolve: (c) => c.change }),
    on: t.field({ type: 'Date', resolve: (c) => c.on.slice(0, 10) }),
    at: t.field({ type: 'DateTime', nullable: true, resolve: (c) => isoInstant(c.at) }),
    entity: t.field({
      type: EntityRef,
      nullable: true,
      description: 'The entity the claim is about (a relationship: its start).',
      resolve: (c, _args, ctx) => claimEntity(ctx, c.claim),
    }),
  }),
});

builder.queryField('changesBetween', (t) =>
  t.field({
    type: [ClaimChangeRef],
    description:
      'What changed between two days (both included), oldest first: claims that started or ended in the world, ' +
      'and claims the graph recorded or retracted. About one entity (ID or slug: its claims, its relationships ' +
      "and their values) or the whole graph. The explorer's timeline reads it; live events carry the same entries.",
    args: {
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      within: t.arg.id({ description: 'An entity (global ID or slug); absent: the whole graph.' }),
      first: t.arg.int({ defaultValue: 100 }),
      knownAt: t.arg({ type: 'DateTime', description: TIME_ARG_DESCRIPTIONS.knownAt }),
    },
    resolve: async (_root, args, ctx) => {
      if (args.to < args.from) throw badInput('to: must not be before from', { argumentName: 'to' });
      const first = args.first ?? 100;
      if (first < 0 || first > ctx.config.limits.maxPageSize)
        throw badInput(`first: must be between 0 and ${ctx.config.limits.maxPageSize}`, { argumentName: 'first' });
      const slice = args.knownAt ? timeSlice(null, args.knownAt) : null;
      const within = args.within ? (await resolveEntityArg(ctx, args.within, 'within', slice)).id : null;
      const rows = await changesBetween(ctx.db, {
        from: args.from,
        to: args.to,
        within,
        first,
        knownAt: args.knownAt ?? null,
      });
      return rows.map((r) => ({ ...r, slice }));
    },
  }),
);

builder.queryField('changes', (t) =>
  t.connection({
    type: ClaimChangeRef,
    description:
      'The change log: every claim change a write committed, oldest first, each with an id that grows in ' +
      'commit order. Page on with `after` (a change id or an endCursor); a consumer that keeps its last id ' +
      'misses nothing and sees nothing twice. Kept CHANGE_LOG_RETENTION_DAYS: an older `after` answers ' +
      'CHANGE_LOG_EXPIRED. Changes of claims purged since are left out.',
    resolve: async (_root, args, ctx) => {
      if (args.last != null || args.before != null)
        throw badInput('changes pages forward only: use first and after', { argumentName: 'last' });
      const first = args.first ?? 100;
      if (first < 0 || first > ctx.config.limits.maxPageSize)
        throw limitExceeded('MAX_PAGE_SIZE', ctx.config.limits.maxPageSize, first, 'first');
      const after = args.after == null ? 0 : parseChangeId(args.after, 'after');
      const entries = await readChangeLog(ctx.db, after, first + 1);
      const page = entries.slice(0, first);
      const edges = page.flatMap((e) =>
        e.claim
          ? [
              {
                cursor: String(e.seq),
                node: { claim: e.claim, change: e.change, on: e.on, at: e.at, seq: e.seq, slice: null },
              },
            ]
          : [],
      );
      return {
        totalCount: () => countChangeLog(ctx.db, after),
        edges,
        pageInfo: {
          hasNextPage: entries.length > first,
          hasPreviousPage: after > 0,
          startCursor: page[0] ? String(page[0].seq) : null,
          // The last entry read, even one whose claim was purged: the next page starts after it.
          endCursor: page.at(-1) ? String(page.at(-1)!.seq) : (args.after ?? null),
        },
      };
    },
  }),
);

const RetractClaimPayload = builder.simpleObject('RetractClaimPayload', {
  fields: (t) => ({ claim: t.field({ type: ClaimRef, nullable: true }) }),
});

const PurgeEntityPayload = builder.simpleObject('PurgeEntityPayload', {
  fields: (t) => ({
    id: t.id({ description: 'The purged entity id.' }),
    claimsDeleted: t.int(),
  }),
});

builder.mutationFields((t) => ({
  retractClaim: t.field({
    type: RetractClaimPayload,
    description:
      'Withdraws a claim that should never have been made: it stays, with retractedAt, so a read ' +
      'knownAt an earlier instant still shows it; no asOf does from now on. Ending a fact in the world is disconnect or validTo.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_root, { id, reason }, ctx) => {
      if (reason.trim().length === 0 || reason.length > 500)
        throw badInput('reason: must be 1 to 500 characters', { argumentName: 'reason' });
      const row = await retractClaimById(ctx.db, String(id), reason);
      if (!row) throw notFound(`No claim "${String(id).slice(0, 100)}"`, { argumentName: 'id' });
      const claim = await claimByIdLoader(ctx, null).load(String(id));
      const about = claim && (await claimEntity(ctx, claim));
      await committed(ctx, ...(about ? [entityChange('UPDATED', about)] : []));
      return { claim: claim && { ...claim, slice: null } };
    },
  }),
  purgeEntity: t.field({
    type: PurgeEntityPayload,
    description:
      'Deletes an entity, its relationships and every claim about them, for data that must go. ' +
      'Everything else retracts (deleteEntity, retractClaim); this is the one real delete.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const entity = await resolveEntityArg(ctx, String(id), 'id', timeSlice(null, new Date().toISOString()));
      const purged = await purgeEntity(ctx.db, entity.id);
      if (!purged) throw notFound(`No entity "${String(id).slice(0, 100)}"`, { argumentName: 'id' });
      await committed(ctx, entityChange('DELETED', entity));
      return { id: entity.id, claimsDeleted: purged.claims };
    },
  }),
}));

/** What a change event's claim notes are, as `ClaimChange`s (a purged claim is left out). */
export async function claimChangesOf(ctx: Context, notes: readonly ClaimChangeNote[]) {
  const claims = await Promise.all(notes.map((n) => claimByIdLoader(ctx, null).load(n.claimId)));
  return notes.flatMap((n, i) => {
    const claim = claims[i];
    return claim ? [{ claim, change: n.change, on: n.on, at: n.at, seq: n.seq, slice: null }] : [];
  });
}
