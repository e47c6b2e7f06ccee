/**
 * The `asOf`/`knownAt` arguments of the traversal, ranking, search and count root fields, and
 * how those fields resolve an entity argument at the slice they read.
 */
import { timeSlice, type TimeSlice } from '../claims/time.js';
import type { Context } from '../context.js';
import { ErrorCode, StargraphError, notFound } from '../errors.js';
import type { EntityRow } from '../graph/entities.js';
import { isEntityLabel } from '../graph/model.js';
import { entityAt } from '../graph/time-reads.js';
import { builder } from './builder.js';
import { parseGlobalId, resolveEntityArg } from './node.js';

/** `asOf: Date` and `knownAt: DateTime`, for a root field's `args`. */
export const timeSliceArgs = () =>
  builder.args((t) => ({
    asOf: t.field({
      type: 'Date',
      required: false,
      description: 'Read the graph as the claims describe the world on this day (default: today, UTC).',
    }),
    knownAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'Read only what the graph had recorded, and not retracted, by this instant (default: now).',
    }),
  }));

/** The slice a root field's arguments ask for; null: today, as known now (a plain read). */
export const sliceOfArgs = (args: { asOf?: string | null; knownAt?: string | null }): TimeSlice | null =>
  timeSlice(args.asOf, args.knownAt);

/**
 * An entity argument (global ID or slug) at a slice: the entity as it was then, whether it is live
 * or held back today; NOT_FOUND when it did not exist then (or was not known yet). A plain read
 * resolves it as every other argument does.
 */
export async function resolveEntityArgAt(
  ctx: Context,
  idOrSlug: string,
  argName: string,
  time: TimeSlice | null,
): Promise<EntityRow> {
  if (!time) return resolveEntityArg(ctx, idOrSlug, argName);
  const looksLikeSlug = /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(idOrSlug);
  if (looksLikeSlug) {
    const bySlug = await entityAt(ctx.db, 'slug', idOrSlug, time);
    if (bySlug) return bySlug;
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
  if (decoded && !isEntityLabel(decoded.typename)) {
    throw new StargraphError(ErrorCode.INVALID_ID, `${argName}: a ${decoded.typename} ID does not name an entity`, {
      argumentName: argName,
    });
  }
  if (decoded) {
    const entity = await entityAt(ctx.db, 'id', decoded.id, time);
    if (entity && entity.label === decoded.typename) return entity;
  }
  throw notFound(`${argName}: no entity "${idOrSlug.slice(0, 100)}" on ${time.asOf} as known at ${time.knownAt}`, {
    argumentName: argName,
  });
}
