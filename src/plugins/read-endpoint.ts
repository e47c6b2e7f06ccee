/**
 * What the plain HTTP read endpoints (`/export`, `/reconcile`) share with each other and with
 * GraphQL reads: the reads' auth rule, QUERY_TIMEOUT_MS over all of a request's reads, and
 * errors answered as `{ "code", "message", ...fields }` with the codes GraphQL errors carry.
 */
import type { Config } from '../config.js';
import type { AuthInfo } from '../context.js';
import { mayRead } from '../auth.js';
import { ErrorCode, StargraphError, timedOut } from '../errors.js';
import type { Logger } from '../logger.js';

/** HTTP status for each error code a read endpoint can meet (anything else: 500). */
export const ERROR_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.INVALID_ID]: 400,
  [ErrorCode.LIMIT_EXCEEDED]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
  [ErrorCode.OVERLOADED]: 503,
};

/**
 * The reads' rule (`mayRead`): with REQUIRE_AUTH_FOR_READS, a token with the read (or write)
 * scope. UNAUTHENTICATED without a valid token, FORBIDDEN with one that may not read; `what`
 * names the endpoint in the message ("The export").
 */
export function checkReadAccess(config: Config, auth: AuthInfo, what: string): void {
  if (mayRead(config.auth, auth)) return;
  throw auth.authenticated
    ? new StargraphError(ErrorCode.FORBIDDEN, `${what} needs a token with the read scope`)
    : new StargraphError(
        ErrorCode.UNAUTHENTICATED,
        auth.invalid ? 'The Authorization token is not valid' : `${what} needs an Authorization: Bearer token`,
      );
}

/** A JSON answer `{ code, message, ...fields }` with `status`. */
export function jsonError(
  fetchAPI: { Response: typeof Response },
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  fields: Record<string, unknown> = {},
): Response {
  return new fetchAPI.Response(JSON.stringify({ code, message, ...fields }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/**
 * The answer to an error a read endpoint threw: a StargraphError with its code's status (`status`
 * overrides it per code) and its extensions as fields, 401s with `WWW-Authenticate: Bearer`;
 * anything else is logged and answered 500, its message masked in production.
 */
export function errorAnswer(
  fetchAPI: { Response: typeof Response },
  error: unknown,
  options: { production: boolean; logger: Logger; what: string; status?: Partial<Record<string, number>> },
): Response {
  if (error instanceof StargraphError) {
    const code = String(error.extensions.code);
    const headers: Record<string, string> =
      code === ErrorCode.UNAUTHENTICATED
        ? { 'www-authenticate': 'Bearer' }
        : code === ErrorCode.OVERLOADED
          ? { 'retry-after': '1' }
          : {};
    const { code: _code, ...fields } = error.extensions;
    const status = options.status?.[code] ?? ERROR_STATUS[code] ?? 500;
    return jsonError(fetchAPI, status, code, error.message, headers, fields);
  }
  options.logger.error(`${options.what} failed`, { error });
  return jsonError(
    fetchAPI,
    500,
    'INTERNAL_SERVER_ERROR',
    options.production ? 'Unexpected error.' : String((error as Error)?.message ?? error),
  );
}

/**
 * Runs `work` with a signal that aborts at `ms` (the reads of a Db made with it are abandoned
 * then); TIMEOUT naming QUERY_TIMEOUT_MS at that moment, whatever `work` is waiting on.
 */
export async function withinQueryTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = timedOut('QUERY_TIMEOUT_MS', ms);
      deadline.abort(error);
      reject(error);
    }, ms);
  });
  const running = work(deadline.signal);
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
    running.catch(() => {}); // an abandoned request's late error goes nowhere
  }
}
