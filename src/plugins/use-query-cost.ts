import type { Plugin } from 'graphql-yoga';
import { type CostLimits, queryCostRefusal } from '../query-cost.js';

/**
 * Refuses an operation whose estimated cost or depth is over MAX_COMPLEXITY or MAX_DEPTH, or
 * whose cost cannot be measured (README, "Query cost"), before anything runs. The cost
 * (src/query-cost.ts) is measured with this request's variables coerced as execution will coerce
 * them, and on the document as the client sent it: the response cache later adds `__typename`
 * and `id` to every selection set, which must not make a page cost more. A subscription is priced
 * as a query with the same selection (its selection runs again for every event), and refused
 * before its stream opens.
 */
export function useQueryCost(limits: CostLimits): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = queryCostRefusal(args, limits);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = queryCostRefusal(args, limits);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}
