/** Per-request loaders for entities and sources by id and slug (batched, cached per request). */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import { forEachParent, sourcesList } from '../plan/cypher.js';
import { entitiesBy, sourcesByIds, type EntityRow, type SourceRow } from './entities.js';

export const entityByIdLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'entityById',
    () => new DataLoader<string, EntityRow | null>((ids) => entitiesBy(ctx.db, 'id', ids)),
  );

export const entityBySlugLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'entityBySlug',
    () => new DataLoader<string, EntityRow | null>((slugs) => entitiesBy(ctx.db, 'slug', slugs)),
  );

export const sourceByIdLoader = (ctx: Context) =>
  requestLoader(ctx, 'sourceById', () => new DataLoader<string, SourceRow | null>((ids) => sourcesByIds(ctx.db, ids)));

/**
 * Sources that MENTION each entity, newest first, undated last: `Entity.sources`, in the
 * planner's order and from its builder (src/plan/cypher.ts).
 */
export const entitySourcesLoader = (ctx: Context) =>
  requestLoader(ctx, 'entitySources', () => {
    const cypher = forEachParent('Entity', (v) => sourcesList(v, { index: 0, node: 'all' }));
    return new DataLoader<string, SourceRow[]>(async (parentIds) => {
      const rows = await ctx.db.read(cypher, { parentIds });
      const byId = new Map(rows.map((r) => [r.pid as string, r.value as SourceRow[]]));
      return parentIds.map((id) => byId.get(id) ?? []);
    });
  });

/** Lets loaders reuse entities a traversal or list already fetched (no second round trip). */
export function primeEntities(ctx: Context, rows: Iterable<EntityRow>): void {
  const byId = entityByIdLoader(ctx);
  const bySlug = entityBySlugLoader(ctx);
  for (const row of rows) {
    byId.prime(row.id, row);
    bySlug.prime(row.slug, row);
  }
}

/** After a write: drop everything cached in this request so the response shows the new state. */
export function clearRequestCache(ctx: Context): void {
  ctx.loaders.clear();
}
