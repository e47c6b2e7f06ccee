/** Per-request loaders for entities and sources by id and slug (batched, cached per request). */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import { entitiesBy, sourcesByIds, sourceProjection, type EntityRow, type SourceRow } from './entities.js';

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

/** Sources that MENTION each entity, newest first, undated last: `Entity.sources`. */
export const entitySourcesLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'entitySources',
    () =>
      new DataLoader<string, SourceRow[]>(async (ids) => {
        const rows = await ctx.db.read(
          `UNWIND $ids AS id
           MATCH (n:Entity {id: id})
           CALL (n) {
             MATCH (s:Source)-[:MENTIONS]->(n)
             WITH s ORDER BY s.publishedOn IS NULL, s.publishedOn DESC, s.id
             RETURN collect(${sourceProjection('s')}) AS sources
           }
           RETURN id, sources`,
          { ids },
        );
        const byId = new Map(rows.map((r) => [r.id as string, r.sources as SourceRow[]]));
        return ids.map((id) => byId.get(id) ?? []);
      }),
  );

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
