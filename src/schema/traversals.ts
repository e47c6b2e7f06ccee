/**
 * Analyst traversals (SPEC section 2): `shortestPath`, `paths`, `neighborhood`, `rank`,
 * `communities`, `commonNeighbors`, `moneyFlows`, and `Company.dealStats`, with the `Path`,
 * `Subgraph`, `Relationship`, `RankedEntity` and `Community` types they return.
 *
 * Entities a traversal returns prime the per-request loaders, so selecting more of them
 * (fields, relationships) costs batched round trips per level, never one per node.
 */
import DataLoader from 'dataloader';
import { registerSlice, sliceOf } from '../claims/row-time.js';
import { timeKey, timeSlice, type TimeSlice } from '../claims/time.js';
import { requestLoader, type Context } from '../context.js';
import { notFound } from '../errors.js';
import type { EntityRow } from '../graph/entities.js';
import { entityByIdLoader, entityBySlugLoader, primeEntities } from '../graph/entity-loaders.js';
import { ALL_RELATIONSHIP_PROPERTIES } from '../graph/model.js';
import type {
  CommunityRow,
  DealSideStats,
  DealStatsRow,
  PathRow,
  RankedRow,
  RelationshipRow,
  SubgraphRow,
} from '../graph/rows.js';
import {
  EMPTY_DEAL_STATS,
  type RANK_BY,
  TRAVERSAL_DEFAULTS,
  commonNeighbors,
  communities,
  dealStatsByCompanyIds,
  moneyFlows,
  neighborhood,
  rank,
  shortestPath,
  simplePaths,
} from '../graph/traversals.js';
import { builder } from './builder.js';
import { EntityKindEnum, RelationshipTypeEnum } from './enums.js';
import { CompanyRef, EntityRef } from './refs.js';
import { relationshipPropertyFields } from './relationship-fields.js';
import { resolveEntityArg } from './node.js';
import { timeArgs } from './time-args.js';

/** Two entity arguments (ID or slug each), resolved together (so their lookups batch) at `time`. */
function resolveEntityPair<K extends string>(
  ctx: Context,
  args: Record<K, unknown>,
  first: K,
  second: K,
  time: TimeSlice | null,
) {
  return Promise.all([
    resolveEntityArg(ctx, String(args[first]), first, time),
    resolveEntityArg(ctx, String(args[second]), second, time),
  ]);
}

/**
 * Entities a traversal returned prime the loaders of the slice they were read at (today's for a
 * plain read), so later fields, and the ends of returned relationships, reuse them.
 */
export function primeAt(ctx: Context, entities: Iterable<EntityRow>, time: TimeSlice | null): void {
  if (!time) {
    primeEntities(ctx, entities);
    return;
  }
  const byId = entityByIdLoader(ctx, time);
  const bySlug = entityBySlugLoader(ctx, time);
  for (const entity of entities) {
    byId.prime(entity.id, entity);
    bySlug.prime(entity.slug, entity);
  }
}

/** Path-shaped answers: their entities primed. */
function primed<T extends { nodes: EntityRow[] }>(ctx: Context, results: T[], time: TimeSlice | null): T[] {
  primeAt(
    ctx,
    results.flatMap((r) => r.nodes),
    time,
  );
  return results;
}

/**
 * An end of a returned relationship, by id, at the slice the relationship was read at (primed by
 * the traversal, so usually no round trip).
 */
export async function relationshipEndpoint(
  ctx: Context,
  id: string,
  relationship?: RelationshipRow,
): Promise<EntityRow> {
  const entity = await entityByIdLoader(ctx, sliceOf(relationship)).load(id);
  // Only when the entity was deleted between the traversal and this field.
  if (!entity) throw notFound(`Entity ${id} of a returned relationship no longer exists`, { id });
  return entity;
}

export const RelationshipRef = builder.objectRef<RelationshipRow>('Relationship').implement({
  description:
    'A relationship a traversal went through, in its own direction (`from` is where it starts). ' +
    'Properties that its type does not have are null.',
  fields: (t) => ({
    id: t.globalID({ resolve: (r) => ({ type: 'Relationship', id: r.id }) }),
    type: t.field({ type: RelationshipTypeEnum, resolve: (r) => r.type }),
    from: t.field({ type: EntityRef, resolve: (r, _args, ctx) => relationshipEndpoint(ctx, r.from, r) }),
    to: t.field({ type: EntityRef, resolve: (r, _args, ctx) => relationshipEndpoint(ctx, r.to, r) }),
    ...relationshipPropertyFields(t, ALL_RELATIONSHIP_PROPERTIES),
  }),
});

export const PathRef = builder.objectRef<PathRow>('Path').implement({
  description: 'A path between two entities: its entities in order and the relationships between them.',
  fields: (t) => ({
    length: t.int({ description: 'Number of relationships (hops).', resolve: (p) => p.length }),
    nodes: t.field({
      type: [EntityRef],
      description: 'From the start to the end, in path order.',
      resolve: (p) => p.nodes,
    }),
    relationships: t.field({
      type: [RelationshipRef],
      // As many as the nodes (less one): the parent's multiplier already counts them.
      complexity: { field: 1, multiplier: 1 },
      description: 'The i-th joins nodes i and i+1, in whichever direction it points.',
      resolve: (p) => p.relationships,
    }),
  }),
});

export const SubgraphRef = builder.objectRef<SubgraphRow>('Subgraph').implement({
  description: 'Entities around a center and the relationships among them.',
  fields: (t) => ({
    nodes: t.field({ type: [EntityRef], description: 'The center first, then by distance.', resolve: (s) => s.nodes }),
    relationships: t.field({
      type: [RelationshipRef],
      complexity: { field: 1, multiplier: 1 },
      resolve: (s) => s.relationships,
    }),
    truncated: t.boolean({
      description: 'True when `limit` cut the neighbourhood: more entities were within `depth`.',
      resolve: (s) => s.truncated,
    }),
  }),
});

export const RankByEnum = builder.enumType('RankBy', {
  description: 'What `rank` orders entities by.',
  values: {
    DEGREE: { value: 'DEGREE', description: 'Number of relationships to other entities (sources not counted).' },
    DEAL_VALUE: {
      value: 'DEAL_VALUE',
      description:
        "Summed valueUsd of the distinct deals linked to the entity (a company's deals, a project's deals, " +
        "the deals covering a datacenter); a deal's own value. Entities with no valued deal are left out.",
    },
    PAGERANK: {
      value: 'PAGERANK',
      description:
        'PageRank (damping 0.85) inside the neighbourhood of `within` (needed): relationships count in either ' +
        'direction, weighted by how many join two entities; the scores of the neighbourhood sum to 1.',
    },
    BETWEENNESS: {
      value: 'BETWEENNESS',
      description:
        'Betweenness centrality inside the neighbourhood of `within` (needed): the share of the shortest paths ' +
        'between other entities of the neighbourhood that pass through the entity, normalized to 0..1 ' +
        '(1: every shortest path does). Entities on no such path are left out.',
    },
  } satisfies Record<(typeof RANK_BY)[number], { value: (typeof RANK_BY)[number]; description: string }>,
});

const RankedEntityRef = builder.objectRef<RankedRow>('RankedEntity').implement({
  description: 'An entity and its score in a ranking (higher first).',
  fields: (t) => ({
    score: t.float({ resolve: (r) => r.score }),
    entity: t.field({ type: EntityRef, resolve: (r) => r.entity }),
  }),
});

const CommunityRef = builder.objectRef<CommunityRow>('Community').implement({
  description:
    'Entities more linked among themselves than to the rest of a neighbourhood (Louvain modularity, seeded: ' +
    'the same neighbourhood always gives the same communities).',
  fields: (t) => ({
    index: t.int({
      description:
        'Position in the answer, 0 for the largest community. Not an identity: another neighbourhood numbers its own.',
      resolve: (c) => c.index,
    }),
    size: t.int({ description: 'Number of entities.', resolve: (c) => c.entities.length }),
    entities: t.field({
      type: [EntityRef],
      // Every entity of the neighbourhood is in exactly one community: `communities` counts them all.
      complexity: { field: 1, multiplier: 1 },
      description: 'Most connected inside the neighbourhood first, then by name.',
      resolve: (c) => c.entities,
    }),
    internalRelationships: t.int({
      description: 'Relationships with both ends in this community.',
      resolve: (c) => c.internalRelationships,
    }),
  }),
});

const DealSideStatsRef = builder.objectRef<DealSideStats>('DealSideStats').implement({
  fields: (t) => ({
    count: t.int({ resolve: (s) => s.count }),
    totalValueUsd: t.float({ description: 'Deals of undisclosed value add nothing.', resolve: (s) => s.totalValueUsd }),
  }),
});

const DealStatsRef = builder.objectRef<DealStatsRow>('DealStats').implement({
  description:
    "A company's deals in numbers. Buyer side: roles buyer, customer, lessee, investor; seller side: " +
    'seller, provider, lessor, recipient. A deal counts once overall whatever roles the company has in it.',
  fields: (t) => ({
    count: t.int({ resolve: (s) => s.count }),
    totalValueUsd: t.float({ resolve: (s) => s.totalValueUsd }),
    valuedCount: t.int({ description: 'Deals whose value is known.', resolve: (s) => s.valuedCount }),
    asBuyer: t.field({ type: DealSideStatsRef, resolve: (s) => s.asBuyer }),
    asSeller: t.field({ type: DealSideStatsRef, resolve: (s) => s.asSeller }),
  }),
});

/** One loader per request and slice (the company's, read from its row). */
const dealStatsLoader = (ctx: Context, time: TimeSlice | null) =>
  requestLoader(
    ctx,
    `Company.dealStats${time ? `@${timeKey(time)}` : ''}`,
    () =>
      new DataLoader<string, DealStatsRow>(async (ids) => {
        const byId = await dealStatsByCompanyIds(ctx.db, ids, time);
        return ids.map((id) => byId.get(id) ?? EMPTY_DEAL_STATS);
      }),
  );

builder.objectField(CompanyRef, 'dealStats', (t) =>
  t.field({
    type: DealStatsRef,
    description:
      'Count and total value of deals, as buyer, as seller and overall (at the slice the company was read at).',
    resolve: (company, _args, ctx) => dealStatsLoader(ctx, sliceOf(company)).load(company.id),
  }),
);

/** The `types` argument of the traversals that may follow any entity relationship type. */
const relationshipTypesArg = () =>
  builder.args((t) => ({
    types: t.field({
      type: [RelationshipTypeEnum],
      required: false,
      description: 'Relationship types to follow (default: every relationship between entities).',
    }),
  }));

// Each traversal's defaults are stated once, in TRAVERSAL_DEFAULTS (src/graph/traversals.ts): the schema's
// defaultValue and the fallback for an explicit null.

builder.queryField('shortestPath', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.shortestPath;
  return t.field({
    type: PathRef,
    nullable: true,
    description:
      'One shortest path between two entities (ID or slug), relationships in either direction; ' +
      'null when none within maxHops.',
    args: {
      from: t.arg.id({ required: true }),
      to: t.arg.id({ required: true }),
      maxHops: t.arg.int({ defaultValue: defaults.maxHops }),
      ...relationshipTypesArg(),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const [from, to] = await resolveEntityPair(ctx, args, 'from', 'to', time);
      const path = await shortestPath(ctx.db, ctx.config.limits, {
        from,
        to,
        maxHops: args.maxHops ?? defaults.maxHops,
        types: args.types,
        time,
      });
      return path ? primed(ctx, [path], time)[0]! : null;
    },
  });
});

builder.queryField('paths', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.paths;
  return t.field({
    type: [PathRef],
    description: 'Simple paths (no entity twice) between two entities, shortest first.',
    args: {
      from: t.arg.id({ required: true }),
      to: t.arg.id({ required: true }),
      maxHops: t.arg.int({ defaultValue: defaults.maxHops }),
      first: t.arg.int({ defaultValue: defaults.first }),
      ...relationshipTypesArg(),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const [from, to] = await resolveEntityPair(ctx, args, 'from', 'to', time);
      return primed(
        ctx,
        await simplePaths(ctx.db, ctx.config.limits, {
          from,
          to,
          maxHops: args.maxHops ?? defaults.maxHops,
          first: args.first ?? defaults.first,
          types: args.types,
          time,
        }),
        time,
      );
    },
  });
});

builder.queryField('neighborhood', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.neighborhood;
  return t.field({
    type: SubgraphRef,
    description:
      'Entities within `depth` hops of one entity (breadth first, at most `limit` nodes) ' +
      'and the relationships among them.',
    args: {
      id: t.arg.id({ required: true }),
      depth: t.arg.int({ defaultValue: defaults.depth }),
      limit: t.arg.int({ defaultValue: defaults.limit }),
      ...relationshipTypesArg(),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const center = await resolveEntityArg(ctx, String(args.id), 'id', time);
      const depth = args.depth ?? defaults.depth;
      const limit = args.limit ?? defaults.limit;
      return primed(
        ctx,
        [await neighborhood(ctx.db, ctx.config.limits, { center, depth, limit, types: args.types, time })],
        time,
      )[0]!;
    },
  });
});

builder.queryField('commonNeighbors', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.commonNeighbors;
  return t.field({
    type: [EntityRef],
    description: 'Entities adjacent to both `a` and `b`, by name.',
    args: {
      a: t.arg.id({ required: true }),
      b: t.arg.id({ required: true }),
      first: t.arg.int({ defaultValue: defaults.first }),
      ...relationshipTypesArg(),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const [a, b] = await resolveEntityPair(ctx, args, 'a', 'b', time);
      const entities = await commonNeighbors(ctx.db, ctx.config.limits, {
        a,
        b,
        first: args.first ?? defaults.first,
        types: args.types,
        time,
      });
      primeAt(ctx, entities, time);
      return entities;
    },
  });
});

builder.queryField('rank', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.rank;
  return t.field({
    type: [RankedEntityRef],
    description: 'Entities (optionally of some kinds) ranked by a score, highest first; ties by name.',
    args: {
      by: t.arg({ type: RankByEnum, required: true }),
      kinds: t.arg({ type: [EntityKindEnum], required: false }),
      first: t.arg.int({ defaultValue: defaults.first }),
      within: t.arg.id({
        required: false,
        description:
          'Rank only this entity (ID or slug) and those within `depth` hops of it ' +
          '(needed by PAGERANK and BETWEENNESS).',
      }),
      depth: t.arg.int({ defaultValue: defaults.depth, description: 'Hops around `within` (ignored without it).' }),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const center = args.within == null ? null : await resolveEntityArg(ctx, String(args.within), 'within', time);
      const ranked = await rank(ctx.db, ctx.config.limits, {
        by: args.by,
        kinds: args.kinds,
        first: args.first ?? defaults.first,
        within: center ? { center, depth: args.depth ?? defaults.depth } : null,
        time,
      });
      primeAt(
        ctx,
        ranked.map((r) => r.entity),
        time,
      );
      return ranked;
    },
  });
});

builder.queryField('moneyFlows', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.moneyFlows;
  return t.field({
    type: [PathRef],
    description:
      "Where an entity's money goes: for each project and datacenter reached within maxHops, one shortest route, " +
      'nearest first. Money moves along INVESTS_IN (investor → company), PARTICIPATES_IN when the role is ' +
      'financier/investor/funder or committedUsd is set, PARTY_TO when the company pays (buyer, customer, lessee, ' +
      "investor), a deal's COVERS and PART_OF, and from a project to the datacenters PART_OF it.",
    args: {
      from: t.arg.id({ required: true }),
      maxHops: t.arg.int({ defaultValue: defaults.maxHops }),
      first: t.arg.int({ defaultValue: defaults.first }),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const from = await resolveEntityArg(ctx, String(args.from), 'from', time);
      return primed(
        ctx,
        await moneyFlows(ctx.db, ctx.config.limits, {
          from,
          maxHops: args.maxHops ?? defaults.maxHops,
          first: args.first ?? defaults.first,
          time,
        }),
        time,
      );
    },
  });
});

builder.queryField('communities', (t) => {
  const defaults = TRAVERSAL_DEFAULTS.communities;
  return t.field({
    type: [CommunityRef],
    description:
      'Communities (Louvain) among the entities within `depth` hops of one entity (ID or slug), largest first. ' +
      'Computed on the whole neighbourhood: one over MAX_NEIGHBORHOOD_LIMIT entities is refused (LIMIT_EXCEEDED).',
    args: {
      within: t.arg.id({ required: true }),
      depth: t.arg.int({ defaultValue: defaults.depth }),
      ...relationshipTypesArg(),
      ...timeArgs(t.arg),
    },
    // As many entities as a neighbourhood may hold, all in the answer (Community.entities adds nothing).
    complexity: (_args, ctx) => ({
      field: ctx.config.limits.maxNeighborhoodLimit,
      multiplier: ctx.config.limits.maxNeighborhoodLimit,
    }),
    resolve: async (_root, args, ctx, info) => {
      const time = timeSlice(args.asOf, args.knownAt);
      registerSlice(ctx, info, time);
      const center = await resolveEntityArg(ctx, String(args.within), 'within', time);
      const found = await communities(ctx.db, ctx.config.limits, {
        center,
        depth: args.depth ?? defaults.depth,
        types: args.types,
        time,
      });
      primeAt(ctx, found.nodes, time);
      return found.communities;
    },
  });
});
