/** Relay object identification: opaque global IDs, `node`, `nodes`, and ID-or-slug arguments. */
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import { ErrorCode, StargraphError, notFound } from '../errors.js';
import type { EntityRow, SourceRow } from '../graph/entities.js';
import { entityByIdLoader, entityBySlugLoader, sourceByIdLoader } from '../graph/entity-loaders.js';
import { isEntityLabel } from '../graph/model.js';
import { builder } from './builder.js';
import { timeSlice, type TimeSlice } from '../claims/time.js';
import { registerSlice } from '../claims/row-time.js';
import { timeArgs } from './time-args.js';
import { redirectTarget } from '../identity/merge.js';

export const NodeRef = builder.nodeInterfaceRef();

export { encodeGlobalID };

/** Decodes a global ID, with a stable error code for anything that is not one of ours. */
export function parseGlobalId(globalId: string): { typename: string; id: string } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw new StargraphError(ErrorCode.INVALID_ID, `"${globalId.slice(0, 100)}" is not a valid ID`);
  }
  if (!isEntityLabel(decoded.typename) && decoded.typename !== 'Source' && decoded.typename !== 'Relationship') {
    throw new StargraphError(ErrorCode.INVALID_ID, `"${globalId.slice(0, 100)}" is not a valid ID`);
  }
  return decoded;
}

/** Resolves a global ID to its entity or source; null when it names nothing (Relay semantics). */
export async function loadNode(
  ctx: Context,
  globalId: string,
  slice: TimeSlice | null = null,
): Promise<EntityRow | SourceRow | null> {
  const { typename, id } = parseGlobalId(globalId);
  if (typename === 'Source') return sourceByIdLoader(ctx).load(id);
  if (typename === 'Relationship') {
    throw new StargraphError(
      ErrorCode.INVALID_ID,
      'Relationship IDs cannot be fetched with node; use the traversal that returned them',
    );
  }
  const entity = await entityByIdLoader(ctx, slice).load(id);
  if (entity) return entity.label === typename ? entity : null;
  // An entity merged away: its ID resolves to the one it was merged into (today's reads only).
  const target = slice ? null : await redirectTarget((c, p) => ctx.db.read(c, p), 'id', id);
  const kept = target ? await entityByIdLoader(ctx, null).load(target.id) : null;
  return kept ? { ...kept, redirectedFrom: globalId } : null;
}

/**
 * SPEC: "every argument naming an entity accepts a global ID or a slug"; at a slice, the entity
 * held then (a held-back one too).
 */
export async function resolveEntityArg(
  ctx: Context,
  idOrSlug: string,
  argName = 'id',
  slice: TimeSlice | null = null,
): Promise<EntityRow> {
  const looksLikeSlug = /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(idOrSlug);
  if (looksLikeSlug) {
    const bySlug = await entityBySlugLoader(ctx, slice).load(idOrSlug);
    if (bySlug) return bySlug;
    const target = slice ? null : await redirectTarget((c, p) => ctx.db.read(c, p), 'slug', idOrSlug);
    const kept = target ? await entityByIdLoader(ctx, null).load(target.id) : null;
    if (kept) return kept;
  }
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = parseGlobalId(idOrSlug);
  } catch (_error) {
    if (!looksLikeSlug) {
      throw new StargraphError(
        ErrorCode.INVALID_ID,
        `${argName}: "${idOrSlug.slice(0, 100)}" is neither a global ID nor a slug`,
        {
          argumentName: argName,
        },
      );
    }
  }
  if (decoded && isEntityLabel(decoded.typename)) {
    const entity = await entityByIdLoader(ctx, slice).load(decoded.id);
    if (entity && entity.label === decoded.typename) return entity;
    const target = entity || slice ? null : await redirectTarget((c, p) => ctx.db.read(c, p), 'id', decoded.id);
    const kept = target ? await entityByIdLoader(ctx, null).load(target.id) : null;
    if (kept) return kept;
  } else if (decoded) {
    throw new StargraphError(ErrorCode.INVALID_ID, `${argName}: a ${decoded.typename} ID does not name an entity`, {
      argumentName: argName,
    });
  }
  throw notFound(`${argName}: no entity "${idOrSlug.slice(0, 100)}"`, { argumentName: argName });
}

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    description: 'Fetches any object by its global ID (null when it no longer exists).',
    args: { id: t.arg.id({ required: true }), ...timeArgs(t.arg) },
    resolve: (_root, { id, asOf, knownAt }, ctx, info) => {
      const slice = timeSlice(asOf, knownAt);
      registerSlice(ctx, info, slice);
      return loadNode(ctx, String(id), slice);
    },
  }),
  nodes: t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    description: 'Fetches objects by global ID, in order; null for each that no longer exists.',
    args: { ids: t.arg.idList({ required: true }), ...timeArgs(t.arg) },
    resolve: async (_root, { ids, asOf, knownAt }, ctx, info) => {
      const slice = timeSlice(asOf, knownAt);
      registerSlice(ctx, info, slice);
      if (ids.length > ctx.config.limits.maxPageSize) {
        throw new StargraphError(
          ErrorCode.LIMIT_EXCEEDED,
          `ids must have at most ${ctx.config.limits.maxPageSize} items`,
          {
            limit: 'MAX_PAGE_SIZE',
            max: ctx.config.limits.maxPageSize,
            got: ids.length,
          },
        );
      }
      return Promise.all(ids.map((id) => loadNode(ctx, String(id), slice)));
    },
  }),
}));
