/**
 * What every mutation shares: argument validation, entity arguments with the input path in
 * errors, provenance, what each kind's upsert does, and what follows a committed write. The
 * `write` scope is required by the Mutation type itself (builder.ts), so fields do not repeat it.
 */
import { checkIdentifiers } from '../identity/identifiers.js';
import { z } from 'zod';
import type { Context } from '../context.js';
import { type ErrorCode, StargraphError, badInput } from '../errors.js';
import type { EntityRow, KindRow } from '../graph/entities.js';
import { clearRequestCache } from '../graph/entity-loaders.js';
import type { EntityLabel } from '../graph/model.js';
import { entityPropertiesOf, type DealPartyInput, type Provenance, type UpsertInput } from '../graph/write-input.js';
import { upsertEntity } from '../graph/writes.js';
import { entityChange, type GraphChangeEvent } from '../live/changes.js';
import { takeClaimChanges, type ClaimChangeNote } from '../claims/journal.js';
import { appendChangeLog } from '../claims/change-log.js';
import { requiringScope } from './builder.js';
import { parseGlobalId, resolveEntityArg } from './node.js';

/** Rules for a mutation's `input` argument; a caller without `write` hears about the token first. */
export const inputArgsSchema = (input: z.ZodTypeAny) => requiringScope('write', z.object({ input }).passthrough());

/** `sourceId` may be a Source global ID or its raw id. */
export function rawSourceId(value: string): string {
  try {
    const decoded = parseGlobalId(value);
    if (decoded.typename === 'Source') return decoded.id;
  } catch {
    // not a global ID: a raw id
  }
  return value;
}

/** A write's provenance with every source named by its raw id; absent validity stays absent. */
export function provenanceOf(input: Provenance): Provenance {
  const provenance: Provenance = {
    sourceId: input.sourceId ? rawSourceId(input.sourceId) : undefined,
    source: input.source ?? undefined,
    citations: (input.citations ?? []).map((c) => ({ ...c, source: rawSourceId(c.source) })),
    validTo: input.validTo ?? null,
    confidence: input.confidence ?? null,
  };
  if (input.validFrom !== undefined) provenance.validFrom = input.validFrom;
  return provenance;
}

/** An entity argument (ID or slug), with the input path in errors. */
export async function entityAt(ctx: Context, value: string, path: (string | number)[]): Promise<EntityRow> {
  try {
    return await resolveEntityArg(ctx, value, path.join('.'));
  } catch (error) {
    if (error instanceof StargraphError) {
      throw new StargraphError(error.extensions.code as ErrorCode, error.message, { ...error.extensions, path });
    }
    throw error;
  }
}

/**
 * After a write commits: this request's loaders forget what they read (later fields see the
 * write), then subscribers and the response cache hear of each change.
 */
export async function committed(
  ctx: Context,
  ...changes: Array<GraphChangeEvent | readonly [GraphChangeEvent, { notify: boolean }]>
): Promise<void> {
  clearRequestCache(ctx);
  // The write's claim changes ride on its first event (every write publishes at least one).
  const claimChanges = await numbered(ctx, takeClaimChanges());
  const last = claimChanges.at(-1)?.seq;
  for (const [i, change] of changes.entries()) {
    const [event, options] = 'change' in change ? [change, undefined] : change;
    const first = i === 0 ? { ...event, claimChanges, ...(last !== undefined ? { id: String(last) } : {}) } : event;
    await ctx.live?.publish(first, options);
  }
}

/**
 * Notes as the change log numbered them. Statements run outside a write transaction (an import
 * batch's, each its own commit) leave their notes unnumbered: they are appended now, in a
 * transaction of their own.
 */
async function numbered(ctx: Context, notes: ClaimChangeNote[]): Promise<ClaimChangeNote[]> {
  const loose = notes.filter((n) => n.seq === undefined);
  if (loose.length === 0) return notes;
  const appended = await ctx.db.writeTransaction((run) => appendChangeLog(run, loose));
  return [...notes.filter((n) => n.seq !== undefined), ...appended].sort((a, b) => a.seq! - b.seq!);
}

/** A deal's parties resolved to companies, all at once (the entity loaders batch them). */
async function dealParties(ctx: Context, parties: DealPartyInput[]) {
  return Promise.all(
    parties.map(async (party, i) => {
      const path = ['input', 'parties', i, 'company'];
      const company = await entityAt(ctx, party.company, path);
      if (company.label !== 'Company')
        throw badInput(`${path.join('.')}: a deal's party must be a Company, not a ${company.label}`, { path });
      return { companyId: company.id, role: party.role, company };
    }),
  );
}

/** What every `upsert<Kind>` mutation does (each kind's file declares its own, beside its type). */
export async function runUpsert<L extends EntityLabel>(
  ctx: Context,
  label: L,
  input: UpsertInput<L>,
): Promise<KindRow<L>> {
  const given = 'parties' in input ? (input.parties as DealPartyInput[] | null | undefined) : undefined;
  const parties = label === 'Deal' && given ? await dealParties(ctx, given) : undefined;
  const provenance = provenanceOf(input);
  const outcome = await upsertEntity(ctx.db, {
    label,
    properties: entityPropertiesOf(input),
    provenance,
    parties: parties?.map(({ companyId, role }) => ({ companyId, role })),
    // null drops them all, as null clears any other field.
    ...(input.identifiers !== undefined
      ? { identifiers: checkIdentifiers(input.identifiers ?? [], ['input', 'identifiers']) }
      : {}),
  });
  // (Parties that were removed are not known here; the derived types the change invalidates
  // cover their deal connections.)
  await committed(
    ctx,
    entityChange(outcome.created ? 'CREATED' : 'UPDATED', outcome.value, {
      also: parties?.map((p) => p.company),
      sources: Boolean(provenance.source || provenance.sourceId),
    }),
  );
  return outcome.value;
}

/** The usual description of `upsert<Kind>`. */
export const upsertDescription = (label: EntityLabel) =>
  `Creates or updates a ${label.toLowerCase()} by slug. Omitted fields keep their value; null clears one.`;

/** Who made a write, for the records that keep it (merges, reviews): the token's subject, else its key's digest. */
export const actorOf = (ctx: Context) => ctx.auth.subject ?? ctx.auth.identity ?? 'anonymous';
