import { GraphQLError } from 'graphql';

/**
 * Stable `extensions.code` values. Clients branch on these, so they never change meaning;
 * new ones may be added.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** An HTTP request that is not a readable GraphQL request (yoga's code for its parse errors): HTTP 400. */
  BAD_REQUEST: 'BAD_REQUEST',
  INVALID_ID: 'INVALID_ID',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_CURSOR: 'INVALID_CURSOR',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  TIMEOUT: 'TIMEOUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** A subscriber fell too far behind and was closed (SUBSCRIPTION_QUEUE_MAX). */
  SUBSCRIBER_TOO_SLOW: 'SUBSCRIBER_TOO_SLOW',
  /** Opening one more subscription would pass MAX_SUBSCRIPTIONS or MAX_SUBSCRIPTIONS_PER_TOKEN. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** PERSISTED_OPERATIONS=only and the request sent a document, or no known hash. */
  PERSISTED_QUERY_ONLY: 'PERSISTED_QUERY_ONLY',
  /** A hash that the manifest (or the APQ store) does not know. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** More requests in flight than MAX_IN_FLIGHT: HTTP 503 with Retry-After. */
  OVERLOADED: 'OVERLOADED',
  /** An `x-stargraph-bookmark` header that is not one a response gave (or that Neo4j refuses). */
  INVALID_BOOKMARK: 'INVALID_BOOKMARK',
  /** The caller's budget of cost points for this window is spent: HTTP 429 with Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A change id older than the change log keeps (CHANGE_LOG_RETENTION_DAYS): refetch, then follow from the newest. */
  CHANGE_LOG_EXPIRED: 'CHANGE_LOG_EXPIRED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class StargraphError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'StargraphError';
  }
}

export const badInput = (message: string, extra?: Record<string, unknown>) =>
  new StargraphError(ErrorCode.BAD_USER_INPUT, message, extra);

export const notFound = (message: string, extra?: Record<string, unknown>) =>
  new StargraphError(ErrorCode.NOT_FOUND, message, extra);

/** A request over a configured bound; `limit` names the bound so clients can tell which. */
export const limitExceeded = (limit: string, max: number, got: number, what = limit) =>
  new StargraphError(ErrorCode.LIMIT_EXCEEDED, `${what} must be at most ${max} (got ${got})`, {
    limit,
    max,
    got,
  });

export const timedOut = (limit: string, ms: number) =>
  new StargraphError(ErrorCode.TIMEOUT, `The query ran past its time limit of ${ms} ms (${limit}) and was stopped`, {
    limit,
    ms,
  });
