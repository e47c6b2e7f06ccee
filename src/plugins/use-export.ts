/**
 * `GET /export?around=stargate&depth=2&format=graphml|csv|ndjson`, optionally with
 * `&part=nodes|edges`, `&limit=200`, `&types=LEADS,PARTY_TO` and `&asOf=2025-03-01` /
 * `&knownAt=2025-07-02T00:00:00Z` (the graph at that slice): a neighbourhood as a file for
 * Gephi, pandas or networkx, with the claims behind it (src/export/). `format=json`: the
 * neighbourhood's whole history as an import file (src/export/history-export.ts). A read: the
 * same auth rule as GraphQL reads (public unless REQUIRE_AUTH_FOR_READS), the same bounds and
 * timeout as `neighborhood`. Bad parameters answer 400 with `{ "code", "message" }`, the codes
 * GraphQL errors carry.
 */
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { AuthInfo, Context } from '../context.js';
import { mayRead } from '../auth.js';
import { ErrorCode, StargraphError, badInput } from '../errors.js';
import {
  exportNeighborhood,
  isExportFormat,
  EXPORT_FORMATS,
  type ExportFormat,
  type NeighborhoodExport,
} from '../export/neighborhood-export.js';
import { CSV_PARTS, exportDocument, type CsvPart, type ExportDocument } from '../export/formats.js';
import { exportHistory, historyJson } from '../export/history-export.js';
import type { GraphDb } from '../neo4j/db.js';
import type { Logger } from '../logger.js';

export const EXPORT_PATH = '/export';

const PARAMETERS = new Set(['around', 'depth', 'limit', 'types', 'format', 'part', 'asOf', 'knownAt']);

/** HTTP status for each error code an export can meet. */
const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.INVALID_ID]: 400,
  [ErrorCode.LIMIT_EXCEEDED]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
};

export interface ExportParameters {
  /** Required but in a whole-graph history export (the CLI's `--format json` without `--around`). */
  around?: string;
  depth?: number;
  limit?: number;
  types?: string[];
  format: ExportFormat;
  part?: CsvPart;
  asOf?: string;
  knownAt?: string;
}

/** `YYYY-MM-DD` naming a real day (as the GraphQL `Date` scalar takes it). */
const isRealDate = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** ISO 8601 date-time with its time zone (as the GraphQL `DateTime` scalar takes it), normalised to UTC. */
function parseInstant(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** `asOf` and `knownAt`, checked; absent when not given. */
function parseTimeParameters(params: URLSearchParams): Pick<ExportParameters, 'asOf' | 'knownAt'> {
  const asOf = params.get('asOf') ?? undefined;
  if (asOf !== undefined && !isRealDate(asOf))
    throw badInput(`Parameter "asOf" must be a date as YYYY-MM-DD (got "${asOf.slice(0, 30)}")`, {
      argumentName: 'asOf',
    });
  const rawKnownAt = params.get('knownAt');
  const knownAt = rawKnownAt === null ? undefined : parseInstant(rawKnownAt);
  if (knownAt === null)
    throw badInput(
      `Parameter "knownAt" must be an ISO 8601 date-time with a time zone, e.g. 2025-07-02T00:00:00Z ` +
        `(got "${String(rawKnownAt).slice(0, 40)}")`,
      { argumentName: 'knownAt' },
    );
  return { asOf, knownAt };
}

/** `format` and `part`, checked together. */
function parseFormat(params: URLSearchParams): Pick<ExportParameters, 'format' | 'part'> {
  const format = params.get('format') ?? 'graphml';
  if (!isExportFormat(format))
    throw badInput(`Parameter "format" must be one of ${EXPORT_FORMATS.join(', ')}`, { argumentName: 'format' });
  const part = params.get('part');
  if (format === 'csv' && part === null)
    throw badInput('A CSV export is two files: add part=nodes or part=edges', { argumentName: 'part' });
  if (part !== null && format !== 'csv')
    throw badInput('Parameter "part" goes with format=csv only', { argumentName: 'part' });
  if (part !== null && !(CSV_PARTS as readonly string[]).includes(part))
    throw badInput('Parameter "part" must be nodes or edges', { argumentName: 'part' });
  return { format, part: (part ?? undefined) as CsvPart | undefined };
}

/**
 * The query string, checked: unknown or repeated parameters, bad numbers, formats and dates are
 * BAD_USER_INPUT. `around` may be left out only with `wholeGraph` (the CLI) and format=json.
 */
export function parseExportParameters(
  params: URLSearchParams,
  options: { wholeGraph?: boolean } = {},
): ExportParameters {
  for (const name of new Set(params.keys())) {
    if (!PARAMETERS.has(name))
      throw badInput(`Unknown parameter "${name.slice(0, 50)}" (known: ${[...PARAMETERS].join(', ')})`, {
        argumentName: name.slice(0, 50),
      });
    if (params.getAll(name).length > 1 && name !== 'types')
      throw badInput(`Parameter "${name}" is given more than once`, { argumentName: name });
  }
  const { format, part } = parseFormat(params);
  const around = params.get('around') ?? undefined;
  if (!around && !(options.wholeGraph && format === 'json'))
    throw badInput('Parameter "around" (the center: a slug or global ID) is required', { argumentName: 'around' });
  const whole = (name: string): number | undefined => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    if (!/^\d{1,9}$/.test(raw))
      throw badInput(`Parameter "${name}" must be a whole number (got "${raw.slice(0, 20)}")`, { argumentName: name });
    return Number(raw);
  };
  const time = parseTimeParameters(params);
  if (format === 'json' && (time.asOf || time.knownAt))
    throw badInput('format=json exports every claim, at every time: drop asOf and knownAt', {
      argumentName: time.asOf ? 'asOf' : 'knownAt',
    });
  const types = params
    .getAll('types')
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    around,
    depth: whole('depth'),
    limit: whole('limit'),
    types: types.length ? types : undefined,
    format,
    part,
    ...time,
  };
}

/** What an export request answers: its document, and the counts its headers report. */
export interface ExportAnswer {
  document: ExportDocument;
  headers: Record<string, string>;
  /** The neighbourhood export (absent for a history export). */
  data?: NeighborhoodExport;
}

/** Runs the export `params` ask for (the endpoint's and the CLI's one way in). */
export async function runExportRequest(ctx: Context, params: ExportParameters): Promise<ExportAnswer> {
  if (params.format === 'json') {
    const { file, truncated } = await exportHistory(ctx, params);
    const base = (params.around ?? 'graph').replace(/[^a-z0-9-]/g, '') || 'graph';
    return {
      document: {
        body: historyJson(file),
        contentType: 'application/json; charset=utf-8',
        fileName: `${base}${params.around ? `-depth${params.depth ?? 1}` : ''}-history.json`,
      },
      headers: {
        'x-stargraph-nodes': String(file.entities.length),
        'x-stargraph-claims': String(file.claims.length),
        'x-stargraph-truncated': String(truncated),
      },
    };
  }
  const data = await exportNeighborhood(ctx, { ...params, around: params.around! });
  return {
    data,
    document: exportDocument(data, params.format, params.part),
    headers: {
      'x-stargraph-nodes': String(data.nodes.length),
      'x-stargraph-relationships': String(data.relationships.length),
      'x-stargraph-truncated': String(data.truncated),
      ...(data.time ? { 'x-stargraph-as-of': data.time.asOf, 'x-stargraph-known-at': data.time.knownAt } : {}),
    },
  };
}

export function useExport(deps: {
  config: Config;
  graph: GraphDb;
  logger: Logger;
  authenticate: (header: string | null) => Promise<AuthInfo>;
}): Plugin {
  const { config, graph, logger } = deps;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== EXPORT_PATH) return;
      const json = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
        new fetchAPI.Response(JSON.stringify({ code, message }), {
          status,
          headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        });
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(json(405, ErrorCode.BAD_USER_INPUT, 'Use GET', { allow: 'GET, HEAD' }));
        return;
      }
      try {
        const auth = await deps.authenticate(request.headers.get('authorization'));
        if (!mayRead(config.auth, auth)) {
          throw auth.authenticated
            ? new StargraphError(ErrorCode.FORBIDDEN, 'The export needs a token with the read scope')
            : new StargraphError(
                ErrorCode.UNAUTHENTICATED,
                auth.invalid
                  ? 'The Authorization token is not valid'
                  : 'The export needs an Authorization: Bearer token',
              );
        }
        const params = parseExportParameters(url.searchParams);
        const stats = { roundTrips: 0, dbTimeMs: 0 };
        const ctx: Context = { config, db: graph.db(stats), stats, auth, loaders: new Map() };
        const { document, headers } = await runExportRequest(ctx, params);
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : document.body, {
            status: 200,
            headers: {
              'content-type': document.contentType,
              'content-disposition': `attachment; filename="${document.fileName}"`,
              'cache-control': 'no-store',
              ...headers,
            },
          }),
        );
      } catch (error) {
        if (error instanceof StargraphError) {
          const code = String(error.extensions.code);
          const headers: Record<string, string> =
            code === ErrorCode.UNAUTHENTICATED ? { 'www-authenticate': 'Bearer' } : {};
          endResponse(json(STATUS[code] ?? 500, code, error.message, headers));
          return;
        }
        logger.error('Export failed', { error });
        endResponse(
          json(
            500,
            'INTERNAL_SERVER_ERROR',
            config.production ? 'Unexpected error.' : String((error as Error)?.message ?? error),
          ),
        );
      }
    },
  };
}
