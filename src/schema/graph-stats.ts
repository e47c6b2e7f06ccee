import { countByLabel } from '../graph/graph-stats.js';
import { builder } from './builder.js';
import { timeSlice } from '../claims/time.js';
import { timeArgs } from './time-args.js';

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
    args: timeArgs(t.arg),
    resolve: (_root, { asOf, knownAt }, ctx) => countByLabel(ctx.db, timeSlice(asOf, knownAt)),
  }),
);
