/**
 * `/reconcile`: the W3C Reconciliation Service API 0.2 (identity/reconcile-service.ts), which
 * OpenRefine uses to match a spreadsheet column against the graph.
 *
 * - `GET /reconcile`: the service manifest.
 * - `POST /reconcile` with `queries=<JSON>` form-encoded (what OpenRefine sends) or a JSON body
 *   (the batch, or `{"queries": batch}`), or `GET /reconcile?queries=<JSON>`: the candidates.
 * - `GET /reconcile/suggest/entity|type|property?prefix=…&cursor=…`: suggestions.
 * - `GET /reconcile/preview?id=<slug>`: an entity as a small HTML page.
 *
 * A read, with the rules of /export (plugins/read-endpoint.ts): with REQUIRE_AUTH_FOR_READS every
 * route needs a read token, but the manifest, which the spec lets clients fetch without one (it
 * says which credentials the rest needs) and which holds nothing of the graph; an invalid token is
 * 401 everywhere. All reads of a request share QUERY_TIMEOUT_MS. Errors answer
 * `{ "code", "message" }` with the codes GraphQL errors carry: 400 BAD_USER_INPUT, 413
 * LIMIT_EXCEEDED for a body over its bound or more than MAX_RECONCILE_QUERIES queries (the
 * spec's answer to a batch over `batchSize`), 404 NOT_FOUND, 401, 403, 504 TIMEOUT; never a 500
 * for anything a client sends. A `callback` parameter turns a JSON answer into JSONP. CORS is the
 * site's (plugins/use-cors.ts), the same on every route as the spec requires.
 */
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { AuthInfo } from '../context.js';
import { ErrorCode, StargraphError, badInput, notFound } from '../errors.js';
import { entitiesBy } from '../graph/entities.js';
import { searchEntities } from '../graph/search.js';
import { isKebabCase } from '../graph/write-input.js';
import type { EntityLabel } from '../graph/model.js';
import {
  MAX_RECONCILE_BODY_BYTES,
  MAX_SUGGEST_CURSOR,
  SUGGEST_PAGE,
  answerBatch,
  entitySuggestion,
  kindOfType,
  parseQueryBatch,
  serviceManifest,
  suggestProperties,
  suggestTypes,
} from '../identity/reconcile-service.js';
import type { Db, GraphDb } from '../neo4j/db.js';
import type { Logger } from '../logger.js';
import type { CorsPolicy } from './use-cors.js';
import { contentSecurityPolicy } from './use-content-security-policy.js';
import { reachedOverHttps } from './use-security-headers.js';
import { checkReadAccess, errorAnswer, jsonError, withinQueryTimeout } from './read-endpoint.js';
import { renderPreview, renderPreviewNotFound } from './reconcile-preview.js';
import { takeSlot, type InFlightSlots } from './use-overload.js';

export const RECONCILE_PATH = '/reconcile';

/**
 * A JSONP callback: a JavaScript name, or names joined by dots (`jQuery3510_17`, `cb.q0`), at most
 * 100 characters; nothing else can be written before the parenthesis.
 */
const CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/** Parameters of `/reconcile` (`_` is the cache-buster jQuery adds to JSONP requests). */
const ENDPOINT_PARAMETERS = new Set(['queries', 'callback', '_']);

type Route = 'endpoint' | 'suggest/entity' | 'suggest/type' | 'suggest/property' | 'preview';
const ROUTES = new Set<string>(['suggest/entity', 'suggest/type', 'suggest/property', 'preview']);

/** The server's fetch API, for building answers. */
type FetchAPI = { Response: typeof Response };

/** One request to a route, its caller known and, for a POST, its `queries` read from the body. */
interface RouteRequest {
  request: Request;
  url: URL;
  auth: AuthInfo;
  posted: string | null;
  /** Runs reads on a Db bound to the request's QUERY_TIMEOUT_MS (all of its reads together). */
  read<T>(work: (db: Db) => Promise<T>): Promise<T>;
}

const SERVICE = 'The reconciliation service';

export function useReconcile(deps: {
  config: Config;
  graph: GraphDb;
  logger: Logger;
  authenticate: (header: string | null) => Promise<AuthInfo>;
  /** MAX_IN_FLIGHT's slots, shared with GraphQL requests (plugins/use-overload.ts). */
  slots?: InFlightSlots;
}): Plugin {
  const { config, graph, logger, slots } = deps;
  const maxBody = Math.min(MAX_RECONCILE_BODY_BYTES, config.maxRequestBodyBytes);
  const bodyLimit = maxBody < MAX_RECONCILE_BODY_BYTES ? 'MAX_REQUEST_BODY_BYTES' : 'MAX_RECONCILE_BODY_BYTES';

  /** Where clients reach us: PUBLIC_URL, else the request's origin (HTTPS behind a trusted proxy that says so). */
  const baseOf = (request: Request, url: URL) =>
    config.publicUrl ??
    `${reachedOverHttps(request, { trustProxy: config.trustProxy }) ? 'https:' : url.protocol}//${url.host}`;

  /** A route's answer: a JSON value, or a whole Response (the preview). */
  async function answer(route: Route, r: RouteRequest, fetchAPI: FetchAPI): Promise<unknown> {
    const params = r.url.searchParams;
    if (route === 'endpoint') {
      let queries = r.posted;
      if (r.request.method !== 'POST') {
        for (const name of new Set(params.keys()))
          if (!ENDPOINT_PARAMETERS.has(name))
            throw badInput(
              `Unknown parameter "${name.slice(0, 50)}" (known: ${[...ENDPOINT_PARAMETERS].join(', ')}; POST the queries form-encoded)`,
              { argumentName: name.slice(0, 50) },
            );
        queries = single(params, 'queries');
        if (queries === null) {
          // The manifest, open to any caller without an invalid token: the spec lets clients
          // fetch it without credentials (it says which the rest needs), and it holds no data.
          if (r.auth.invalid) checkReadAccess(config, r.auth, SERVICE);
          return serviceManifest({ base: baseOf(r.request, r.url), authRequired: config.auth.requireAuthForReads });
        }
      }
      checkReadAccess(config, r.auth, SERVICE);
      const batch = parseQueryBatch(queries ?? '');
      return r.read((db) => answerBatch(db, batch));
    }
    checkReadAccess(config, r.auth, SERVICE);
    if (route === 'preview') return previewAnswer(r, fetchAPI);
    const prefix = required(params, 'prefix');
    const cursor = cursorOf(params);
    if (route === 'suggest/type') return { result: suggestTypes(prefix).slice(cursor, cursor + SUGGEST_PAGE) };
    if (route === 'suggest/property') return { result: suggestProperties(prefix).slice(cursor, cursor + SUGGEST_PAGE) };
    const labels = typesOf(params);
    const slug = prefix.trim();
    return r.read(async (db) => {
      // The entity whose slug the prefix is comes first (the spec: an id as prefix finds its entity).
      const [bySlug, hits] = await Promise.all([
        isKebabCase(slug) ? entitiesBy(db, 'slug', [slug]) : Promise.resolve([]),
        searchEntities(db, prefix, labels, cursor + SUGGEST_PAGE + 1, { prefix: true }),
      ]);
      const exact = bySlug.flatMap((e) => (e && (!labels || labels.includes(e.label)) ? [e] : []));
      const entities = [...exact, ...hits.map((h) => h.entity).filter((e) => e.slug !== exact[0]?.slug)];
      return { result: entities.slice(cursor, cursor + SUGGEST_PAGE).map(entitySuggestion) };
    });
  }

  /** The preview page (404 for a slug no entity has), under a policy of its own. */
  async function previewAnswer(r: RouteRequest, fetchAPI: FetchAPI): Promise<Response> {
    const id = required(r.url.searchParams, 'id').trim();
    const [entity] = isKebabCase(id) ? await r.read((db) => entitiesBy(db, 'slug', [id])) : [null];
    const nonce = randomBytes(18).toString('base64');
    const html = entity ? renderPreview(entity, nonce) : renderPreviewNotFound(id.slice(0, 200), nonce);
    return new fetchAPI.Response(r.request.method === 'HEAD' ? null : html, {
      status: entity ? 200 : 404,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        // The site's policy with this page's style nonce, framable by the origins CORS allows.
        'content-security-policy': contentSecurityPolicy({
          styleNonce: nonce,
          frameAncestors: frameAncestors(config.cors),
        }),
      },
    });
  }

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const path = url.pathname.replace(/\/+$/, '');
      if (path !== RECONCILE_PATH && !path.startsWith(`${RECONCILE_PATH}/`)) return;
      const rest = path.slice(RECONCILE_PATH.length + 1);
      const route: Route | null = rest === '' ? 'endpoint' : ROUTES.has(rest) ? (rest as Route) : null;
      const fail = (error: unknown) =>
        endResponse(
          errorAnswer(fetchAPI, error, {
            production: config.production,
            logger,
            what: 'Reconciliation',
            // The spec's answer to a batch over batchSize, and so to a body over its bound.
            status: { [ErrorCode.LIMIT_EXCEEDED]: 413 },
          }),
        );
      if (!route) {
        fail(
          notFound(
            `No reconciliation route "${url.pathname.slice(0, 100)}" (routes: ${RECONCILE_PATH}, ` +
              [...ROUTES].map((r) => `${RECONCILE_PATH}/${r}`).join(', ') +
              ')',
          ),
        );
        return;
      }
      const methods = route === 'endpoint' ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD'];
      if (!methods.includes(request.method)) {
        endResponse(
          jsonError(fetchAPI, 405, ErrorCode.BAD_USER_INPUT, `Use ${methods.join(' or ')}`, {
            allow: methods.join(', '),
          }),
        );
        return;
      }
      try {
        const callback = callbackOf(url.searchParams);
        const auth = await deps.authenticate(request.headers.get('authorization'));
        let posted: string | null = null;
        if (request.method === 'POST') {
          // The caller first: a body is read only for one who may read.
          checkReadAccess(config, auth, SERVICE);
          posted = await queriesOfBody(request, maxBody, bodyLimit);
        }
        const result = await answer(
          route,
          {
            request,
            url,
            auth,
            posted,
            // Database work counts against MAX_IN_FLIGHT as a GraphQL request does, once the
            // body has been read (a client trickling it in holds no slot).
            read: async (work) => {
              const release = takeSlot(slots);
              try {
                return await withinQueryTimeout(config.limits.queryTimeoutMs, (signal) =>
                  work(graph.db({ roundTrips: 0, dbTimeMs: 0 }, signal)),
                );
              } finally {
                release();
              }
            },
          },
          fetchAPI,
        );
        endResponse(
          result instanceof fetchAPI.Response
            ? result
            : jsonAnswer(fetchAPI, result, callback, request.method === 'HEAD'),
        );
      } catch (error) {
        fail(error);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parameters

/** A parameter given at most once (BAD_USER_INPUT when repeated); null when absent. */
function single(params: URLSearchParams, name: string): string | null {
  const all = params.getAll(name);
  if (all.length > 1) throw badInput(`Parameter "${name}" is given more than once`, { argumentName: name });
  return all[0] ?? null;
}

function required(params: URLSearchParams, name: string): string {
  const value = single(params, name);
  if (value === null) throw badInput(`Parameter "${name}" is required`, { argumentName: name });
  return value;
}

/** `cursor`: suggestions to skip, a whole number up to MAX_SUGGEST_CURSOR (default 0). */
function cursorOf(params: URLSearchParams): number {
  const raw = single(params, 'cursor');
  if (raw === null || raw === '') return 0;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_SUGGEST_CURSOR)
    throw badInput(`Parameter "cursor" must be a whole number from 0 to ${MAX_SUGGEST_CURSOR}`, {
      argumentName: 'cursor',
    });
  return Number(raw);
}

/** `type` of an entity suggestion: type ids (repeated, or comma-separated) as kinds; none: every kind. */
function typesOf(params: URLSearchParams): EntityLabel[] | null {
  const ids = params
    .getAll('type')
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  if (ids.length === 0) return null;
  return ids.map((id) => {
    const kind = kindOfType(id);
    if (!kind) throw badInput(`Parameter "type": unknown type "${id.slice(0, 50)}"`, { argumentName: 'type' });
    return kind;
  });
}

/** `callback`, checked against CALLBACK (BAD_USER_INPUT otherwise); null when absent. */
function callbackOf(params: URLSearchParams): string | null {
  const callback = single(params, 'callback');
  if (callback === null) return null;
  if (callback.length > 100 || !CALLBACK.test(callback))
    throw badInput('Parameter "callback" must be a JavaScript function name such as handle or jQuery351_1', {
      argumentName: 'callback',
    });
  return callback;
}

// ---------------------------------------------------------------------------------------------
// Bodies and answers

const tooLarge = (max: number, limit: string, got?: number) =>
  new StargraphError(
    ErrorCode.LIMIT_EXCEEDED,
    `The request body must be at most ${max} bytes (${limit})${got === undefined ? '' : `; got ${got}`}`,
    { limit, max, ...(got === undefined ? {} : { got }) },
  );

/**
 * The body as UTF-8 text, at most `max` bytes: judged by Content-Length when it has one, else
 * counted as it arrives and abandoned past `max` (LIMIT_EXCEEDED either way).
 */
async function readBody(request: Request, max: number, limit: string): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max)
    throw tooLarge(max, limit, Number(declared));
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max, limit);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badInput('The request body is not UTF-8 text');
  }
}

/**
 * The `queries` of a POST: a form field (application/x-www-form-urlencoded, what OpenRefine sends,
 * and the default when no type is given), or a JSON body that is the batch itself or
 * `{"queries": batch}` (the batch as an object or its JSON text).
 */
async function queriesOfBody(request: Request, max: number, limit: string): Promise<string> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== '' && type !== 'application/x-www-form-urlencoded' && type !== 'application/json')
    throw badInput(
      `Send the queries as application/x-www-form-urlencoded (queries=<JSON>) or application/json, not ${type.slice(0, 60)}`,
    );
  const text = await readBody(request, max, limit);
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw badInput(`The body is not JSON: ${(error as Error).message.slice(0, 200)}`);
    }
    const wrapped =
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      Object.keys(body).length === 1 &&
      'queries' in body
        ? (body as { queries: unknown }).queries
        : body;
    return typeof wrapped === 'string' ? wrapped : JSON.stringify(wrapped);
  }
  const queries = new URLSearchParams(text).getAll('queries');
  if (queries.length !== 1)
    throw badInput(
      queries.length === 0
        ? 'The form has no "queries" field (send queries=<JSON of the batch>)'
        : 'The form gives "queries" more than once',
      { argumentName: 'queries' },
    );
  return queries[0]!;
}

/**
 * A JSON answer; with a callback, JSONP: `/**\/name(…);` as text/javascript (the comment keeps the
 * body from starting with bytes the caller chose; U+2028 and U+2029 are escaped for older parsers).
 */
function jsonAnswer(fetchAPI: FetchAPI, value: unknown, callback: string | null, head: boolean): Response {
  const json = JSON.stringify(value);
  const body = callback
    ? `/**/${callback}(${json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')});`
    : json;
  return new fetchAPI.Response(head ? null : body, {
    status: 200,
    headers: {
      'content-type': callback ? 'text/javascript; charset=utf-8' : 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    },
  });
}

/** Who may frame the preview: the origins CORS lets call (any, with `*`). */
function frameAncestors(cors: CorsPolicy): string {
  return cors.origins === '*' ? '*' : ["'self'", ...cors.origins].join(' ');
}
