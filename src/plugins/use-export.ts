/**
 * `GET /export?around=stargate&depth=2&format=graphml|csv|ndjson`, optionally with
 * `&part=nodes|edges`, `&limit=200`, `&types=LEADS,PARTY_TO` and `&asOf=2025-03-01` /
 * `&knownAt=2025-07-02T00:00:00Z` (the graph at that slice): a neighbourhood as a file for
 * Gephi, pandas or networkx, with the claims behind it (src/export/). `format=json`: the
 * neighbourhood's whole history as an import file (src/export/history-export.ts). A read with
 * GraphQL's rules: the same auth (public unless REQUIRE_AUTH_FOR_READS), the bounds and timeout of
 * `neighborhood`, a cost checked against MAX_COMPLEXITY before anything runs (`exportCost`), and
 * QUERY_TIMEOUT_MS for all of its reads together (past it: 504 TIMEOUT, the statement running
 * then abandoned). The document is streamed: written as the response is read, never held whole.
 * Bad parameters answer 400 with `{ "code", "message" }` and the error's other fields, the codes
 * GraphQL errors carry.
 */
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { AuthInfo, Context } from '../context.js';
import { ErrorCode, StargraphError, badInput, limitExceeded } from '../errors.js';
import {
  exportNeighborhood,
  isExportFormat,
  EXPORT_FORMATS,
  type ExportFormat,
  type NeighborhoodExport,
} from '../export/neighborhood-export.js';
import { CSV_PARTS, batched, exportDocument, type CsvPart, type ExportDocument } from '../export/formats.js';
import { exportHistory, historyJsonLines } from '../export/history-export.js';
import { TRAVERSAL_DEFAULTS, checkBound } from '../graph/traversals.js';
import type { GraphDb } from '../neo4j/db.js';
import { schema } from '../schema/index.js';
import type { Logger } from '../logger.js';
import { checkReadAccess, errorAnswer, jsonError, withinQueryTimeout } from './read-endpoint.js';
import { takeSlot, type InFlightSlots } from './use-overload.js';

export const EXPORT_PATH = '/export';

const PARAMETERS = new Set(['around', 'depth', 'limit', 'types', 'format', 'part', 'asOf', 'knownAt']);

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

/** What an export of a neighbourhood is priced as: the GraphQL read of the same entities and relationships. */
const PRICED_AS = parse(
  'query($limit: Int) { neighborhood(id: "", limit: $limit) { nodes { id } relationships { id } } }',
);

/**
 * An export's cost: what GraphQL charges for `neighborhood(limit:) { nodes relationships }` over
 * the same entities (README, "Query cost"); their sources and claims come with each entity and
 * relationship, one statement each, as plain fields do.
 */
export function exportCost(ctx: Context, limit: number): number {
  return complexityFromQuery(PRICED_AS, { schema, variables: { limit }, ctx }).complexity;
}

/**
 * A neighbourhood export's bounds before anything runs: `depth` and `limit` as `neighborhood`
 * takes them, `types` within MAX_LIST_ITEMS, and the cost within MAX_COMPLEXITY.
 */
function checkExportBounds(ctx: Context, params: ExportParameters): void {
  const { limits } = ctx.config;
  if (params.depth !== undefined)
    checkBound('depth', params.depth, limits.maxNeighborhoodDepth, 'MAX_NEIGHBORHOOD_DEPTH');
  const limit = checkBound(
    'limit',
    params.limit ?? TRAVERSAL_DEFAULTS.neighborhood.limit,
    limits.maxNeighborhoodLimit,
    'MAX_NEIGHBORHOOD_LIMIT',
  );
  const types = params.types?.length ?? 0;
  if (types > limits.maxListItems) throw limitExceeded('MAX_LIST_ITEMS', limits.maxListItems, types, 'types');
  const cost = exportCost(ctx, limit);
  if (cost > limits.maxComplexity)
    throw new StargraphError(
      ErrorCode.LIMIT_EXCEEDED,
      `Export complexity ${cost} is over the limit of ${limits.maxComplexity} (MAX_COMPLEXITY): lower "limit"`,
      { limit: 'MAX_COMPLEXITY', max: limits.maxComplexity, got: cost },
    );
}

/** Runs the export `params` ask for (the endpoint's and the CLI's one way in). */
export async function runExportRequest(ctx: Context, params: ExportParameters): Promise<ExportAnswer> {
  if (params.around) checkExportBounds(ctx, params);
  if (params.format === 'json') {
    const { file, truncated } = await exportHistory(ctx, params);
    const base = (params.around ?? 'graph').replace(/[^a-z0-9-]/g, '') || 'graph';
    return {
      document: {
        chunks: () => historyJsonLines(file),
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
  /** MAX_IN_FLIGHT's slots, shared with GraphQL requests (plugins/use-overload.ts). */
  slots?: InFlightSlots;
}): Plugin {
  const { config, graph, logger, slots } = deps;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== EXPORT_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(jsonError(fetchAPI, 405, ErrorCode.BAD_USER_INPUT, 'Use GET', { allow: 'GET, HEAD' }));
        return;
      }
      // An export counts against MAX_IN_FLIGHT as a GraphQL request does, from its start until its
      // document is ready (its reads are done then; streaming it out only serializes).
      let release = () => {};
      try {
        release = takeSlot(slots);
        const auth = await deps.authenticate(request.headers.get('authorization'));
        checkReadAccess(config, auth, 'The export');
        const params = parseExportParameters(url.searchParams);
        const { document, headers } = await withinQueryTimeout(config.limits.queryTimeoutMs, (signal) => {
          const stats = { roundTrips: 0, dbTimeMs: 0 };
          const ctx: Context = { config, db: graph.db(stats, signal), stats, auth, loaders: new Map() };
          return runExportRequest(ctx, params);
        });
        const body = request.method === 'HEAD' ? null : streamOf(document, fetchAPI.ReadableStream, logger);
        endResponse(
          new fetchAPI.Response(body, {
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
        endResponse(errorAnswer(fetchAPI, error, { production: config.production, logger, what: 'Export' }));
      } finally {
        release();
      }
    },
  };
}

/**
 * The document as a byte stream made as it is read: each pull serializes the next chunk (about
 * 64 KB), so the response never holds the whole text and a slow reader slows the writing.
 */
function streamOf(
  document: ExportDocument,
  ReadableStreamImpl: typeof ReadableStream,
  logger: Logger,
): ReadableStream<Uint8Array> {
  const chunks = batched(document.chunks());
  const encoder = new TextEncoder();
  return new ReadableStreamImpl<Uint8Array>({
    pull(controller) {
      try {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        logger.error('Export failed while streaming', { error });
        controller.error(error);
      }
    },
    cancel() {
      chunks.return(undefined);
    },
  });
}
