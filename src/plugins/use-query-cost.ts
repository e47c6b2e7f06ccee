import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { type CostLimits, type OperationToPrice, priceOperation } from '../query-cost.js';

/**
 * Refuses an operation whose estimated cost or depth is over MAX_COMPLEXITY or MAX_DEPTH, or
 * whose cost cannot be measured (README, "Query cost"), before anything runs. The cost
 * (src/query-cost.ts) is measured with this request's variables coerced as execution will coerce
 * them, and on the document as the client sent it: the response cache later adds `__typename`
 * and `id` to every selection set, which must not make a page cost more. A subscription is priced
 * as a query with the same selection (its selection runs again for every event), and refused
 * before its stream opens. The cost it measured is left on the context (`queryCost`) for what
 * charges it (src/plugins/use-rate-limit.ts).
 */
export function useQueryCost(limits: CostLimits): Plugin {
  const check = (args: OperationToPrice, stop: (result: { errors: unknown[] }) => void) => {
    const { cost, refusal } = priceOperation(args, limits);
    if (refusal) stop({ errors: [refusal] });
    else if (cost !== undefined && args.contextValue) (args.contextValue as Context).queryCost = cost;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution as never);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution as never);
    },
  };
}
