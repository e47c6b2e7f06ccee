/** `asOf` and `knownAt`: the two arguments every root read takes (SPEC section 2a). */
import type { ArgBuilder } from '@pothos/core';
import type { Types } from './builder.js';

/** The arguments' descriptions, stated once. */
export const TIME_ARG_DESCRIPTIONS = {
  asOf: 'Read the graph as the claims describe the world on this day (valid time). Absent: today (UTC).',
  knownAt: 'Read what the graph held at this instant (transaction time): later corrections are not seen. Absent: now.',
} as const;

/** `asOf: Date` and `knownAt: DateTime` for a root field's `args` (pass the field builder's `t.arg`). */
export function timeArgs(arg: ArgBuilder<Types>) {
  return {
    asOf: arg({ type: 'Date', description: TIME_ARG_DESCRIPTIONS.asOf }),
    knownAt: arg({ type: 'DateTime', description: TIME_ARG_DESCRIPTIONS.knownAt }),
  };
}
