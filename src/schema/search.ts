import { registerSlice } from '../claims/row-time.js';
import { timeSlice } from '../claims/time.js';

import { kindToLabel } from '../graph/model.js';
import { SEARCH_DEFAULTS, searchEntities, type SearchHitRow } from '../graph/search.js';
import { badInput, limitExceeded } from '../errors.js';
import { builder } from './builder.js';
import { EntityKindEnum } from './enums.js';
import { EntityRef } from './refs.js';
import { timeArgs } from './time-args.js';
import { primeAt } from './traversals.js';

const SearchMatchEnum = builder.enumType('SearchMatch', {
  description: 'How a search hit matched; hits come in this order.',
  values: {
    EXACT: { description: 'The name or an alias equals the text (case and accents folded).' },
    PREFIX: { description: 'The name or an alias starts with the text (case and accents folded).' },
    TEXT: { description: 'Full-text relevance over names, aliases and descriptions.' },
  } as const,
});

const SearchHit = builder.objectRef<SearchHitRow>('SearchHit').implement({
  description: 'One search hit: the entity, how it matched and how well (higher is better).',
  fields: (t) => ({
    score: t.exposeFloat('score', {
      description:
        'Never higher than the hit before it: EXACT 2; PREFIX in [1, 2), higher the more of the name ' +
        'the text covers; TEXT in [0, 1), full-text relevance r as r / (1 + r).',
    }),
    match: t.field({ type: SearchMatchEnum, resolve: (hit) => hit.match }),
    entity: t.field({ type: EntityRef, resolve: (hit) => hit.entity }),
  }),
});

builder.queryField('search', (t) =>
  t.field({
    type: [SearchHit],
    description:
      'Entities for what a person typed: exact name or alias first (case and accents folded), ' +
      'then names or aliases starting with it (shortest first), ' +
      'then full-text relevance over names, aliases and descriptions. ' +
      '`prefix: true` keeps only the first two, for suggestions as you type.',
    args: {
      text: t.arg.string({ required: true }),
      kinds: t.arg({ type: [EntityKindEnum] }),
      first: t.arg.int({ defaultValue: SEARCH_DEFAULTS.first }),
      prefix: t.arg.boolean({
        defaultValue: SEARCH_DEFAULTS.prefix,
        description: 'Suggestions: only entities whose name or an alias equals or starts with the text.',
      }),
      ...timeArgs(t.arg),
    },
    resolve: async (_root, { text, kinds, first, prefix, asOf, knownAt }, ctx, info) => {
      const size = first ?? SEARCH_DEFAULTS.first;
      if (size < 0) throw badInput('first must not be negative');
      if (size > ctx.config.limits.maxPageSize)
        throw limitExceeded('MAX_PAGE_SIZE', ctx.config.limits.maxPageSize, size, 'first');
      if (text.length > 500) throw badInput('text must be at most 500 characters');
      const labels = kinds && kinds.length > 0 ? kinds.map(kindToLabel) : null;
      const time = timeSlice(asOf, knownAt);
      registerSlice(ctx, info, time);
      const hits = await searchEntities(ctx.db, text, labels, size, { prefix: prefix ?? SEARCH_DEFAULTS.prefix, time });
      primeAt(
        ctx,
        hits.map((h) => h.entity),
        time,
      );
      return hits;
    },
  }),
);
