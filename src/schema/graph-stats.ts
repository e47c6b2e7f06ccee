import { ENTITY_LABELS } from '../graph/model.js';
import { builder } from './builder.js';

/** Counts per kind: the smallest real question the graph answers; also a smoke test. */
const LabelCount = builder.simpleObject('LabelCount', {
  fields: (t) => ({
    label: t.string(),
    count: t.int(),
  }),
});

builder.queryField('graphStats', (t) =>
  t.field({
    type: [LabelCount],
    description: 'How many entities (in all and of each kind) and sources the graph holds.',
    resolve: async (_root, _args, ctx) => {
      // One count per known label: answered from Neo4j's count store, not by scanning nodes.
      const labels = ['Entity', ...ENTITY_LABELS, 'Source'];
      const [row] = await ctx.db.read(`RETURN ${labels.map((l) => `COUNT { (:${l}) } AS ${l}`).join(', ')}`);
      return labels.map((label) => ({ label, count: Number(row?.[label] ?? 0) }));
    },
  }),
);
