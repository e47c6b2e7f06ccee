/**
 * `GET /export?around=stargate&depth=2&format=graphml|csv|ndjson`, optionally with
 * `&part=nodes|edges`, `&limit=200` and `&types=LEADS,PARTY_TO`: a neighbourhood as a file for
 * Gephi, pandas or networkx (src/export/). A read: the same auth rule as GraphQL reads (public
 * unless REQUIRE_AUTH_FOR_READS), the same bounds and timeout as `neighborhood`. Bad parameters
 * answer 400 with `{ "code", "message" }`, the codes GraphQL errors carry.
 */
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { AuthInfo, Context } from '../context.js';
import { ErrorCode, StargraphError, badInput } from '../errors.js';
import { exportNeighborhood, isExportFormat, EXPORT_FORMATS } from '../export/neighborhood-export.js';
import { CSV_PARTS, exportDocument, type CsvPart } from '../export/formats.js';
import type { GraphDb } from '../neo4j/db.js';
import type { Logger } from '../logger.js';

export const EXPORT_PATH = '/export';

const PARAMETERS = new Set(['around', 'depth', 'limit', 'types', 'format', 'part']);

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
  around: string;
  depth?: number;
  limit?: number;
  types?: string[];
  format: 'graphml' | 'csv' | 'ndjson';
  part?: CsvPart;
}

/** The query string, checked: unknown or repeated parameters, bad numbers and formats are BAD_USER_INPUT. */
export function parseExportParameters(params: URLSearchParams): ExportParameters {
  for (const name of new Set(params.keys())) {
    if (!PARAMETERS.has(name))
      throw badInput(`Unknown parameter "${name.slice(0, 50)}" (known: ${[...PARAMETERS].join(', ')})`, {
        argumentName: name.slice(0, 50),
      });
    if (params.getAll(name).length > 1 && name !== 'types')
      throw badInput(`Parameter "${name}" is given more than once`, { argumentName: name });
  }
  const around = params.get('around');
  if (!around)
    throw badInput('Parameter "around" (the center: a slug or global ID) is required', { argumentName: 'around' });
  const whole = (name: string): number | undefined => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    if (!/^\d{1,9}$/.test(raw))
      throw badInput(`Parameter "${name}" must be a whole number (got "${raw.slice(0, 20)}")`, { argumentName: name });
    return Number(raw);
  };
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
    part: (part ?? undefined) as CsvPart | undefined,
  };
}

function canRead(config: Config, auth: AuthInfo): boolean {
  return !config.auth.requireAuthForReads || auth.scopes.has('read') || auth.scopes.has('write');
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
        if (!canRead(config, auth)) {
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
        const data = await exportNeighborhood(ctx, params);
        const document = exportDocument(data, params.format, params.part);
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : document.body, {
            status: 200,
            headers: {
              'content-type': document.contentType,
              'content-disposition': `attachment; filename="${document.fileName}"`,
              'cache-control': 'no-store',
              'x-stargraph-nodes': String(data.nodes.length),
              'x-stargraph-relationships': String(data.relationships.length),
              'x-stargraph-truncated': String(data.truncated),
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
