/**
 * `rateLimit` (README, "Rate limits"), as GitHub's GraphQL API has it: this request's cost and
 * the caller's budget after it. The values come from src/plugins/use-rate-limit.ts, which also
 * reads `dryRun` (price the operation, charge nothing, run nothing else). Selecting it costs
 * nothing: its complexity is 0.
 */
import type { RateLimitReport } from '../context.js';
import { builder } from './builder.js';

const RateLimitRef = builder.objectRef<RateLimitReport>('RateLimit').implement({
  description: "This request's cost and the caller's budget of cost points for the current window.",
  fields: (t) => ({
    cost: t.exposeInt('cost', {
      description:
        'Points this request is charged: its estimated cost (at least 1). With `dryRun`, what it would be charged.',
    }),
    limit: t.exposeInt('limit', { description: 'Points the caller may spend per window.' }),
    used: t.exposeInt('used', { description: 'Points spent in this window, this request included.' }),
    remaining: t.exposeInt('remaining', { description: 'Points left in this window, after this request.' }),
    resetAt: t.field({
      type: 'DateTime',
      description: 'When the window ends and the budget is whole again.',
      resolve: (report) => new Date(report.resetAt).toISOString(),
    }),
  }),
});

builder.queryField('rateLimit', (t) =>
  t.field({
    type: RateLimitRef,
    nullable: true,
    description:
      "This request's cost and the caller's budget (RATE_LIMIT_POINTS per RATE_LIMIT_WINDOW_S, or an API key's own); " +
      'null when no budget applies. `dryRun: true` prices the operation without charging it or running its other ' +
      'root fields: only `rateLimit` (and `__typename`) is answered.',
    args: { dryRun: t.arg.boolean({ required: false, defaultValue: false }) },
    complexity: { field: 0, multiplier: 0 },
    resolve: (_root, _args, ctx) => ctx.rateLimit ?? null,
  }),
);
