import { countByLabel } from '../graph/graph-stats.js';
import { builder } from './builder.js';
import { sliceOfArgs, timeSliceArgs } from './time-args.js';

const LabelCount = builder.simpleObject('LabelCount', {
  fields: (t) => ({
    label: t.string(),
    count: t.int(),
  }),
});

builder.queryField('graphStats', (t) =>
  t.field({
    type: [LabelCount],
    description: 'How many entities (in all and of each kind) and sources the graph holds (at `asOf`/`knownAt`).',
    args: timeSliceArgs(),
    resolve: (_root, args, ctx) => countByLabel(ctx.db, sliceOfArgs(args)),
  }),
);
