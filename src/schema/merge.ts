/** `mergeEntities` and `unmergeEntities` (src/identity/merge.ts keeps the rules). */
import { anyEntityByIdLoader } from '../graph/entity-loaders.js';
import { entityChange } from '../live/changes.js';
import DataLoader from 'dataloader';
import { MERGE_ROW, mergeEntities, unmergeEntities, type MergeRow } from '../identity/merge.js';
import { requestLoader, type Context } from '../context.js';
import { badInput } from '../errors.js';
import { builder } from './builder.js';
import { actorOf, committed, entityAt } from './mutation-support.js';
import { EntityRef } from './refs.js';

const EntityMergeRef = builder.objectRef<MergeRow>('EntityMerge').implement({
  description: 'A merge of two entities that were one: who did it, when, why, and whether it was undone.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'unmergeEntities takes it.' }),
    keep: t.field({
      type: EntityRef,
      nullable: true,
      description: 'The entity kept (null once purged).',
      resolve: (m, _a, ctx) => anyEntityByIdLoader(ctx).load(m.keep),
    }),
    merged: t.field({
      type: EntityRef,
      nullable: true,
      description: 'The entity merged into it: a redirect until the merge is undone (null once purged).',
      resolve: (m, _a, ctx) => anyEntityByIdLoader(ctx).load(m.merged),
    }),
    keepSlug: t.exposeString('keepSlug'),
    mergedSlug: t.exposeString('mergedSlug', { description: 'Resolves to the kept entity while merged.' }),
    reason: t.string({ nullable: true, resolve: (m) => m.reason }),
    by: t.exposeString('by', { description: 'Who merged (the token subject or key).' }),
    at: t.field({ type: 'DateTime', resolve: (m) => m.at }),
    undoneAt: t.field({ type: 'DateTime', nullable: true, resolve: (m) => m.undoneAt }),
    undoneBy: t.string({ nullable: true, resolve: (m) => m.undoneBy }),
  }),
});

/** The merges each entity (by id) took part in, kept or merged, newest first, batched per request. */
const mergesLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'entityMerges',
    () =>
      new DataLoader<string, MergeRow[]>(async (ids) => {
        const rows = await ctx.db.read(
          `UNWIND $ids AS id
           CALL (id) {
             CALL (id) {
               MATCH (x:EntityMerge {keep: id}) RETURN x
               UNION MATCH (x:EntityMerge {merged: id}) RETURN x
             }
             WITH x ORDER BY x.at DESC LIMIT 20
             RETURN collect(${MERGE_ROW('x')}) AS merges
           }
           RETURN id, merges`,
          { ids },
        );
        const byId = new Map(rows.map((r) => [String(r.id), r.merges as MergeRow[]]));
        return ids.map((id) => byId.get(id) ?? []);
      }),
  );

builder.interfaceField(EntityRef, 'merges', (t) =>
  t.field({
    type: [EntityMergeRef],
    description:
      'The merges it took part in, as the entity kept or the one merged into it, newest first (at most 20); ' +
      'undone ones too (`undoneAt`).',
    resolve: (entity, _a, ctx) => mergesLoader(ctx).load(entity.id),
  }),
);

/** After a merge or its undo: both entities changed, and every cached read of either goes. */
async function announce(ctx: Context, merge: MergeRow) {
  const [keep, merged] = await Promise.all([
    anyEntityByIdLoader(ctx).load(merge.keep),
    anyEntityByIdLoader(ctx).load(merge.merged),
  ]);
  const changed = [keep, merged].filter((e) => e !== null);
  await committed(ctx, ...changed.map((e) => entityChange('UPDATED', e, { also: changed, sources: true })));
}

builder.mutationFields((t) => ({
  mergeEntities: t.field({
    type: EntityMergeRef,
    description:
      'Merges an entity into another that is the same: every claim, citation, relationship, alias, identifier ' +
      'and MENTIONS moves to `keep` in one transaction; `merge` becomes a redirect (its slug and ID resolve to ' +
      '`keep`, with `redirectedFrom`). History keeps both sides: a read `knownAt` before the merge sees two entities.',
    args: {
      keep: t.arg.id({ required: true, description: 'The entity that stays (global ID or slug).' }),
      merge: t.arg.id({ required: true, description: 'The duplicate (global ID or slug).' }),
      reason: t.arg.string({ description: 'Why they are one, for the record (at most 1000 characters).' }),
    },
    resolve: async (_root, args, ctx) => {
      if ((args.reason?.length ?? 0) > 1000)
        throw badInput('reason must be at most 1000 characters', { path: ['reason'] });
      const [keep, merge] = await Promise.all([
        entityAt(ctx, String(args.keep), ['keep']),
        entityAt(ctx, String(args.merge), ['merge']),
      ]);
      const now = new Date().toISOString();
      const record = await ctx.db.writeTransaction(
        (run) => mergeEntities(run, keep.id, merge.id, args.reason ?? null, actorOf(ctx), now),
        { timeoutMs: 120_000 },
      );
      await announce(ctx, record);
      return record;
    },
  }),
  unmergeEntities: t.field({
    type: EntityMergeRef,
    description:
      'Undoes a merge: both entities are as they were before it (their claims stated again), and the merge and ' +
      'its undo stay in the history.',
    args: { mergeId: t.arg.id({ required: true }) },
    resolve: async (_root, { mergeId }, ctx) => {
      const now = new Date().toISOString();
      const record = await ctx.db.writeTransaction((run) => unmergeEntities(run, String(mergeId), actorOf(ctx), now), {
        timeoutMs: 120_000,
      });
      await announce(ctx, record);
      return record;
    },
  }),
}));
