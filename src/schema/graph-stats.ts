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
    description: 'How many nodes the graph holds for each label.',
    resolve: async (_root, _args, ctx) => {
      const rows = await ctx.db.read(
        'MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count ORDER BY label',
      );
      return rows.map((r) => ({ label: String(r.label), count: Number(r.count) }));
    },
  }),
);
