/**
 * Per-caller budgets priced by cost (README, "Rate limits"; src/rate-limit.ts holds the windows).
 *
 * - An operation is charged its estimated cost (src/query-cost.ts, measured by use-query-cost,
 *   which must come first), at least 1, before it runs; a subscription once, when it starts. A
 *   response served from the response cache is charged the same when it is served: a cost does
 *   not depend on what happens to be cached.
 * - Over budget: HTTP 429, `Retry-After` and a RATE_LIMITED error, and nothing runs. With
 *   RATE_LIMIT_MODE=measure it runs, and the refusal it would have been is logged.
 * - Every GraphQL response to a caller with a budget carries RateLimit-Limit, -Remaining and
 *   -Reset (seconds until the window ends); one refused before it ran (a document that does not
 *   parse, validate or fit the query limits) is charged nothing and carries them too.
 * - A query whose root selects `rateLimit(dryRun: true)` is priced, charged nothing, and only its
 *   root `rateLimit` fields (and `__typename`) run.
 */
import {
  type DocumentNode,
  execute,
  type FieldNode,
  getArgumentValues,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  Kind,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { sha256Hex, type ByteLru } from '../byte-lru.js';
import { clientAddressOf } from '../client-address.js';
import type { AuthInfo, Context, RateLimitReport } from '../context.js';
import { ErrorCode, StargraphError } from '../errors.js';
import type { Logger } from '../logger.js';
import { priceOperation, type CostLimits } from '../query-cost.js';
import { budgetOf, type Budget, type RateLimitStore, type WindowState } from '../rate-limit.js';
import type { ParseEntry } from './use-parse-cache.js';

export interface RateLimitOptions {
  store: RateLimitStore;
  /** RATE_LIMIT_POINTS: the budget of a caller without its own; undefined for none. */
  points: number | undefined;
  /** Whether any caller has a budget (RATE_LIMIT_POINTS, or an API key's own): else only dry runs. */
  anyBudget: boolean;
  mode: 'enforce' | 'measure';
  trustProxy: boolean;
  /** The request's caller (memoized per request: the context's own). */
  authFor: (request: Request) => Promise<AuthInfo>;
  /** For pricing a cached response: the parsed documents, and the limits a document is priced under. */
  parseCache: ByteLru<ParseEntry>;
  limits: CostLimits & { maxTokens: number };
  schema: GraphQLSchema;
  logger: Logger;
}

/** What the server context holds besides the request (node:http's peer). */
interface ServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

const SERVED_FROM_CACHE = Symbol.for('servedFromResponseCache');

/** Root fields a dry run answers: the price, and what costs nothing to say. */
const DRY_RUN_FIELDS = new Set(['rateLimit', '__typename']);

/** Does the operation's root select `rateLimit(dryRun: true)` (not skipped)? */
function isDryRun(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): boolean {
  const fields = operation.selectionSet.selections.filter(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'rateLimit' && (s.arguments?.length ?? 0) > 0,
  );
  if (operation.operation !== 'query' || fields.length === 0) return false;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return false; // execution answers the bad variables and runs nothing
  const field = schema.getQueryType()!.getFields().rateLimit!;
  return fields.some((node) => {
    if (getDirectiveValues(GraphQLSkipDirective, node, coerced.coerced)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, node, coerced.coerced)?.if === false) return false;
    return getArgumentValues(field, node, coerced.coerced).dryRun === true;
  });
}

/** The document with only the operation's root `rateLimit` and `__typename` fields. */
function dryRunDocument(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const selections = operation.selectionSet.selections.filter(
    (s) => s.kind === Kind.FIELD && DRY_RUN_FIELDS.has(s.name.value),
  );
  return {
    ...document,
    definitions: document.definitions.map((d) =>
      d === operation ? { ...operation, selectionSet: { ...operation.selectionSet, selections } } : d,
    ),
  };
}

const report = (budget: Budget, window: WindowState, cost: number): RateLimitReport => ({
  cost,
  limit: budget.points,
  used: window.used,
  remaining: Math.max(0, budget.points - window.used),
  resetAt: window.resetAt,
});

const secondsUntil = (at: number) => Math.max(0, Math.ceil((at - Date.now()) / 1000));

function rateLimited(budget: Budget, window: WindowState, cost: number): StargraphError {
  const remaining = Math.max(0, budget.points - window.used);
  const retryAfter = Math.max(1, secondsUntil(window.resetAt));
  const why =
    cost > budget.points
      ? `costs ${cost} points, more than the whole budget of ${budget.points} per window`
      : `costs ${cost} points and ${remaining} of ${budget.points} are left in this window`;
  return new StargraphError(ErrorCode.RATE_LIMITED, `Rate limit: this request ${why}; retry in ${retryAfter} s`, {
    cost,
    budget: budget.points,
    remaining,
    resetAt: new Date(window.resetAt).toISOString(),
    http: { status: 429, headers: { 'retry-after': String(retryAfter) } },
  });
}

export function useRateLimit(options: RateLimitOptions): Plugin {
  const { store, mode, logger } = options;
  /** Each request's budget after its charge (or a look), for its headers. */
  const reports = new WeakMap<Request, RateLimitReport>();
  /** Each request's parameters as they will run (after trusted documents), to price a cached answer. */
  const paramsOf = new WeakMap<Request, GraphQLParams>();

  /** Charges `cost` (0: looks): the report, and the refusal when the charge is refused and enforced. */
  const charge = async (request: Request, budget: Budget, cost: number) => {
    const window = await store.charge(budget.caller, cost, budget.points, mode === 'measure');
    if (!window) return { refusal: undefined, report: undefined };
    const over = cost > 0 && (!window.allowed || window.used > budget.points);
    const result = report(budget, window, cost);
    reports.set(request, result);
    if (over && mode === 'measure') {
      logger.warn('Rate limit would refuse this request (RATE_LIMIT_MODE=measure)', {
        caller: budget.caller,
        cost,
        budget: budget.points,
        used: window.used,
      });
    }
    return { refusal: window.allowed ? undefined : rateLimited(budget, window, cost), report: result };
  };

  const budgetFor = (ctx: Context & { request: Request }) => budgetOf(ctx.auth, ctx.clientAddress, options.points);

  /** The caller of a request that built no context (cached, or refused before it ran). */
  const budgetOutsideContext = async (request: Request, serverContext: ServerContext) =>
    budgetOf(
      await options.authFor(request),
      clientAddressOf(request, serverContext.req?.socket?.remoteAddress, options),
      options.points,
    );

  /** The estimated cost of a cached answer's operation. */
  const priceOfCached = (params: GraphQLParams): number => {
    const text = params.query ?? '';
    let document = options.parseCache.get(sha256Hex(text))?.document;
    try {
      document ??= parse(text, { maxTokens: options.limits.maxTokens });
    } catch {
      return 1;
    }
    const { cost } = priceOperation(
      { schema: options.schema, document, operationName: params.operationName, variableValues: params.variables },
      options.limits,
    );
    return Math.max(1, cost ?? 1);
  };

  return {
    onParams({ params, request }) {
      paramsOf.set(request, params);
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as unknown as Context & { request: Request };
      const budget = budgetFor(ctx);
      const cost = Math.max(1, ctx.queryCost ?? 1);
      const operation = getOperationAST(args.document, args.operationName);
      if (operation && isDryRun(args.schema, operation, args.variableValues as Record<string, unknown>)) {
        const looked = budget ? (await charge(ctx.request, budget, 0)).report : undefined;
        if (looked) ctx.rateLimit = { ...looked, cost };
        setResultAndStopExecution(await execute({ ...args, document: dryRunDocument(args.document, operation) }));
        return;
      }
      if (!budget) return;
      const { refusal, report } = await charge(ctx.request, budget, cost);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
      else ctx.rateLimit = report;
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as unknown as Context & { request: Request };
      const budget = budgetFor(ctx);
      if (!budget) return;
      const { refusal, report } = await charge(ctx.request, budget, Math.max(1, ctx.queryCost ?? 1));
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
      else ctx.rateLimit = report;
    },
    async onExecutionResult({ result, request, context, setResult }) {
      if (!options.anyBudget || reports.has(request)) return;
      const budget = await budgetOutsideContext(request, context as ServerContext);
      if (!budget) return;
      const params = paramsOf.get(request);
      const cached = params && (result as Record<symbol, unknown> | undefined)?.[SERVED_FROM_CACHE] === true;
      const { refusal } = await charge(request, budget, cached ? priceOfCached(params) : 0);
      if (refusal) setResult({ errors: [refusal] });
    },
    onResponse({ request, response }) {
      const state = reports.get(request);
      if (!state) return;
      response.headers.set('ratelimit-limit', String(state.limit));
      response.headers.set('ratelimit-remaining', String(state.remaining));
      response.headers.set('ratelimit-reset', String(secondsUntil(state.resetAt)));
    },
  };
}
