import { primeEntities } from '../graph/entity-loaders.js';
import { kindToLabel } from '../graph/model.js';
import { searchEntities, type SearchHitRow } from '../graph/search.js';
import { badInput, limitExceeded } from '../errors.js';
import { builder } from './builder.js';
import { EntityKindEnum } from './enums.js';
import { EntityRef } from './refs.js';

const SearchHit = builder.objectRef<SearchHitRow>('SearchHit').implement({
  description: 'One full-text match: the entity and how well it matched (higher is better).',
  fields: (t) => ({
    score: t.exposeFloat('score'),
    entity: t.field({ type: EntityRef, resolve: (hit) => hit.entity }),
  }),
});

builder.queryField('search', (t) =>
  t.field({
    type: [SearchHit],
    description: 'Full-text search over entity names, aliases and descriptions, best first.',
    args: {
      text: t.arg.string({ required: true }),
      kinds: t.arg({ type: [EntityKindEnum] }),
      first: t.arg.int({ defaultValue: 10 }),
    },
    resolve: async (_root, { text, kinds, first }, ctx) => {
      const size = first ?? 10;
      if (size < 0) throw badInput('first must not be negative');
      if (size > ctx.config.limits.maxPageSize) throw limitExceeded('MAX_PAGE_SIZE', ctx.config.limits.maxPageSize, size, 'first');
      if (text.length > 500) throw badInput('text must be at most 500 characters');
      const labels = kinds && kinds.length > 0 ? kinds.map(kindToLabel) : null;
      const hits = await searchEntities(ctx.db, text, labels, size);
      primeEntities(ctx, hits.map((h) => h.entity));
      return hits;
    },
  }),
);
