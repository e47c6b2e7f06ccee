/** Per-request loaders for entities and sources by id and slug (batched, cached per request). */
import DataLoader from 'dataloader';
import { requestLoader, type Context } from '../context.js';
import { forEachParent, sourcesList, wholeEntity } from '../plan/cypher.js';
import { entitiesBy, entityProjection, sourcesByIds, toEntityRow, type EntityRow, type SourceRow } from './entities.js';
import { heldAt, labelAt, timeKey, timeParams, type TimeSlice } from '../claims/time.js';
import { toEntityRowAt } from './time-reads.js';
import { HELD_ENTITY } from '../claims/model.js';

/** Entities by id or slug as held at `slice`: held-back ones too, with their values then. */
async function entitiesAt(
  ctx: Context,
  key: 'id' | 'slug',
  values: readonly string[],
  slice: TimeSlice,
): Promise<(EntityRow | null)[]> {
  const rows = await ctx.db.read(
    `UNWIND $values AS value
     CALL (value) {
       MATCH (n:${labelAt('Entity', true)} {${key}: value}) WHERE ${heldAt('n')}
       RETURN n LIMIT 1
     }
     RETURN value, ${wholeEntity('n', true)} AS entity`,
    { values, ...timeParams(slice) },
  );
  const found = new Map(rows.map((r) => [r.value as string, toEntityRowAt(r.entity, slice)]));
  return values.map((v) => found.get(v) ?? null);
}

/** Entities by id (at a slice when given: a time read's loader is its own). */
export const entityByIdLoader = (ctx: Context, slice: TimeSlice | null = null) =>
  requestLoader(
    ctx,
    slice ? `entityById:${timeKey(slice)}` : 'entityById',
    () =>
      new DataLoader<string, EntityRow | null>((ids) =>
        slice ? entitiesAt(ctx, 'id', ids, slice) : entitiesBy(ctx.db, 'id', ids),
      ),
  );

/** Entities by slug (at a slice when given). */
export const entityBySlugLoader = (ctx: Context, slice: TimeSlice | null = null) =>
  requestLoader(
    ctx,
    slice ? `entityBySlug:${timeKey(slice)}` : 'entityBySlug',
    () =>
      new DataLoader<string, EntityRow | null>((slugs) =>
        slice ? entitiesAt(ctx, 'slug', slugs, slice) : entitiesBy(ctx.db, 'slug', slugs),
      ),
  );

/** Entities by id whether live or held back (what a claim is about, even once retracted). */
export const anyEntityByIdLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'anyEntityById',
    () =>
      new DataLoader<string, EntityRow | null>(async (ids) => {
        const rows = await ctx.db.read(
          `UNWIND $ids AS id MATCH (n:${labelAt('Entity', true)} {id: id})
           RETURN id, ${wholeEntity('n', false)} AS entity, [l IN labels(n) WHERE NOT l IN ['Entity', 'HEntity']][0] AS kind`,
          { ids },
        );
        // A held-back node's kind is its H<Kind> label (labels come in no set order, so never the first).
        const found = new Map(rows.map((r) => [String(r.id), { ...(r.entity as EntityRow), label: r.kind }]));
        return ids.map((id) => {
          const row = found.get(id);
          return row ? { ...row, label: String(row.label).replace(/^H/, '') as EntityRow['label'] } : null;
        });
      }),
  );

/** An entity named by its id or by its slug: what a federation reference carries (`@key`). */
export interface EntityReference {
  key: 'id' | 'slug';
  value: string;
}

/** What a reference names: a live entity, or none and whether a merge left a redirect under it. */
export interface ReferencedEntity {
  entity: EntityRow | null;
  /** No live entity, but a merged-away one (held back, with `redirectTo`) has this key. */
  redirected: boolean;
}

/**
 * Entities by reference, whatever their kind and whichever key names them: every reference a
 * request resolves in one tick (a gateway's `_entities` call) costs one statement, misses
 * included (they also say whether a merge left a redirect, so only those look further). A key
 * that does not apply to a reference is null, and `{id: null}` matches nothing.
 */
export const entityReferenceLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'entityReference',
    () =>
      new DataLoader<EntityReference, ReferencedEntity, string>(
        async (refs) => {
          const rows = await ctx.db.read(
            `UNWIND range(0, size($refs) - 1) AS i
             WITH i, $refs[i] AS ref
             OPTIONAL MATCH (byId:Entity {id: ref.id})
             OPTIONAL MATCH (bySlug:Entity {slug: ref.slug})
             WITH i, ref, coalesce(byId, bySlug) AS n
             OPTIONAL MATCH (heldById:${HELD_ENTITY} {id: ref.id}) WHERE n IS NULL
             OPTIONAL MATCH (heldBySlug:${HELD_ENTITY} {slug: ref.slug}) WHERE n IS NULL
             WITH i, n, count(heldById.redirectTo) + count(heldBySlug.redirectTo) > 0 AS redirected
             WHERE n IS NOT NULL OR redirected
             RETURN i, CASE WHEN n IS NULL THEN null ELSE ${entityProjection('n')} END AS entity, redirected`,
            {
              refs: refs.map((r) => ({ id: r.key === 'id' ? r.value : null, slug: r.key === 'slug' ? r.value : null })),
            },
          );
          const found = new Map(
            rows.map((r) => [
              Number(r.i),
              { entity: r.entity ? toEntityRow(r.entity) : null, redirected: r.redirected === true },
            ]),
          );
          return refs.map((_ref, i) => found.get(i) ?? { entity: null, redirected: false });
        },
        { cacheKeyFn: (ref) => `${ref.key}:${ref.value}` },
      ),
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
