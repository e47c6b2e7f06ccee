/**
 * The history export: the graph as an import file (the seed's JSON shape, src/graph/bulk-load.ts)
 * with a `claims` section holding every claim verbatim, closed and retracted ones included (ids,
 * validity, `recordedAt`, `retractedAt`, confidence, citations), so importing it into an empty
 * graph and exporting again gives the same file.
 *
 * Entity records carry only what is not a claim (`id`, `slug`, `label`, `name`, `description`,
 * `aliases` and the seed's read-only figures); relationships and sourced values are claims. A
 * relationship or sourced value stored without a claim (written before claims, or by hand) is
 * written flat on its record instead, as import files without claims hold them.
 *
 * Scope: the whole graph, or every entity within `depth` hops of `around` through relationships
 * of any time (held back or not), with the sources that mention those entities or that their
 * claims cite, and the sources those cite in turn.
 */
import type { Context } from '../context.js';
import type {
  EntityRecord,
  MentionsRecord,
  PropertyValue,
  RelationshipRecord,
  SourceRecord,
} from '../graph/bulk-load.js';
import { ENTITY_RELATIONSHIP_TYPES, RELATIONSHIPS, SOURCE_PROPERTIES } from '../graph/model.js';
import type { EntityRow } from '../graph/entities.js';
import type { RelationshipRow } from '../graph/rows.js';
import { TRAVERSAL_DEFAULTS } from '../graph/traversals.js';
import { sourcedProperties } from '../claims/model.js';
import { labelAt } from '../claims/time.js';
import type { Row } from '../neo4j/db.js';
import { CLAIM_PROJECTION, citationsOf } from './claims.js';
import { KIND_LABELS, neighborhoodAt, resolveCenterAnyTime, toEntityRowAt } from './neighborhood-at.js';
import { parseTypes } from './neighborhood-export.js';

/** A citation in an import file: absent quote or locator = none. */
import type { CitationRecord } from '../graph/bulk-load.js';
import type { ClaimRecord } from '../claims/records.js';

export type { CitationRecord, ClaimRecord };

/** The import file the history export writes. */
export interface HistoryFile {
  entities: EntityRecord[];
  sources: SourceRecord[];
  relationships: RelationshipRecord[];
  mentions: MentionsRecord[];
  claims: ClaimRecord[];
}

export interface HistoryRequest {
  /** Global ID or slug of the center; absent: the whole graph. */
  around?: string | null;
  depth?: number;
  limit?: number;
  types?: readonly string[] | null;
}

const ANY_ENTITY = labelAt('Entity', true);

/**
 * Claims in the file: existence first, then relationships, then values, each kind by id, so a
 * value claim on a relationship comes after the relationship's claim in any batch of an import.
 */
const KIND_ORDER: readonly ClaimRecord['kind'][] = ['ENTITY', 'RELATIONSHIP', 'VALUE'];

/** Entities and claims are read in pages of this many, in id order. */
const PAGE = 5_000;

/** The history of `request`'s scope as an import file; `truncated` when `limit` cut the neighbourhood. */
export async function exportHistory(
  ctx: Context,
  request: HistoryRequest,
): Promise<{ file: HistoryFile; truncated: boolean }> {
  const scope = request.around ? await neighborhoodScope(ctx, request, request.around) : await wholeGraph(ctx);
  const relationshipClaims = new Set(scope.claims.filter((c) => c.kind === 'RELATIONSHIP').map((c) => String(c.id)));
  const claims = scope.claims
    .map((c) => claimRecord(c, scope.slugOf, relationshipClaims))
    .filter((c): c is ClaimRecord => c !== null)
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || cmp(a.id, b.id));
  const claimedValues = new Set(claims.filter((c) => c.kind === 'VALUE').map((c) => `${c.subject}\u0000${c.field}`));
  const entities = scope.entities.map((e) => entityRecord(e, claimedValues)).sort((a, b) => cmp(a.id, b.id));
  const relationships = scope.relationships
    .filter((r) => typeof r.properties.claimId !== 'string')
    .map((r) => relationshipRecord(r, scope.slugOf))
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.from, b.from) || cmp(a.to, b.to));
  const sourceIds = [...new Set([...scope.mentions.map((m) => m.source), ...claims.flatMap(citedSources)])];
  const sources = await sourcesWithCited(ctx, request.around ? sourceIds : null);
  const mentions = groupMentions(scope.mentions, scope.slugOf);
  return { file: { entities, sources, relationships, mentions, claims }, truncated: scope.truncated };
}

interface Scope {
  truncated: boolean;
  entities: EntityRow[];
  relationships: RelationshipRow[];
  claims: Row[];
  mentions: Array<{ source: string; entity: string }>;
  /** Entity id → slug. */
  slugOf: Map<string, string>;
}

async function neighborhoodScope(ctx: Context, request: HistoryRequest, around: string): Promise<Scope> {
  const center = await resolveCenterAnyTime(ctx, around);
  const subgraph = await neighborhoodAt(ctx, {
    centerId: center.id,
    depth: request.depth ?? TRAVERSAL_DEFAULTS.neighborhood.depth,
    limit: request.limit ?? TRAVERSAL_DEFAULTS.neighborhood.limit,
    types: parseTypes(request.types),
    time: 'all',
  });
  const entities = subgraph?.nodes ?? [];
  const relationships = subgraph?.relationships ?? [];
  const ids = entities.map((e) => e.id);
  const claimIds = [...entities, ...relationships.map((r) => r.properties)].flatMap((p) =>
    typeof p.claimId === 'string' ? [p.claimId] : [],
  );
  const relationshipClaims = relationships.flatMap((r) =>
    typeof r.properties.claimId === 'string' ? [r.properties.claimId] : [],
  );
  const [row] = await ctx.db.read(
    `CALL () {
       UNWIND $claimIds AS claimId MATCH (c:Claim {id: claimId}) RETURN collect(c { ${CLAIM_PROJECTION} }) AS own
     }
     CALL () {
       UNWIND $subjects AS subject MATCH (vc:Claim {subject: subject}) WHERE vc.field IS NOT NULL
       RETURN collect(vc { ${CLAIM_PROJECTION} }) AS values
     }
     CALL () {
       UNWIND $ids AS id MATCH (s:Source)-[:MENTIONS]->(:${ANY_ENTITY} {id: id})
       RETURN collect({ source: s.id, entity: id }) AS mentions
     }
     RETURN own + values AS claims, mentions`,
    { claimIds, subjects: [...ids, ...relationshipClaims], ids },
  );
  return {
    truncated: subgraph?.truncated ?? false,
    entities,
    relationships,
    claims: (row?.claims as Row[]) ?? [],
    mentions: (row?.mentions as Scope['mentions']) ?? [],
    slugOf: new Map(entities.map((e) => [e.id, e.slug])),
  };
}

/** Every row of `cypher` (which takes `$after` and `$page` and returns `key` in order), page by page. */
async function paged(ctx: Context, cypher: string, key: string): Promise<Row[]> {
  const all: Row[] = [];
  let after = '';
  for (;;) {
    const rows = await ctx.db.read(cypher, { after, page: PAGE, kindLabels: KIND_LABELS });
    all.push(...rows);
    if (rows.length < PAGE) return all;
    after = String(rows[rows.length - 1]![key]);
  }
}

async function wholeGraph(ctx: Context): Promise<Scope> {
  const entityRows = await paged(
    ctx,
    `MATCH (n:${ANY_ENTITY}) WHERE n.id > $after
     WITH n ORDER BY n.id LIMIT toInteger($page)
     RETURN n.id AS id, n { .*, label: head([l IN labels(n) WHERE l IN $kindLabels]) } AS entity`,
    'id',
  );
  const entities = entityRows.map((r) => toEntityRowAt(r.entity as Row));
  const claims = await paged(
    ctx,
    `MATCH (c:Claim) WHERE c.id > $after
     WITH c ORDER BY c.id LIMIT toInteger($page)
     RETURN c.id AS id, c { ${CLAIM_PROJECTION} } AS claim`,
    'id',
  );
  const unclaimed = await ctx.db.read(
    `MATCH (a)-[r:${ENTITY_RELATIONSHIP_TYPES.join('|')}]->(b) WHERE r.claimId IS NULL
     RETURN { id: elementId(r), type: type(r), from: a.id, to: b.id, properties: properties(r) } AS r`,
  );
  const mentions = await ctx.db.read(
    `MATCH (s:Source)-[:MENTIONS]->(n:${ANY_ENTITY}) RETURN s.id AS source, n.id AS entity`,
  );
  return {
    truncated: false,
    entities,
    relationships: unclaimed.map((r) => r.r as RelationshipRow),
    claims: claims.map((r) => r.claim as Row),
    mentions: mentions as Scope['mentions'],
    slugOf: new Map(entities.map((e) => [e.id, e.slug])),
  };
}

/** Sources with the ids (null: every source), and those they cite, transitively; `cites` kept. */
async function sourcesWithCited(ctx: Context, ids: readonly string[] | null): Promise<SourceRecord[]> {
  const rows = await ctx.db.read(
    ids === null
      ? 'MATCH (t:Source) RETURN t AS source, [(t)-[:CITES]->(c:Source) | c.id] AS cites'
      : `UNWIND $ids AS id MATCH (:Source {id: id})-[:CITES*0..]->(t:Source)
         WITH DISTINCT t RETURN t AS source, [(t)-[:CITES]->(c:Source) | c.id] AS cites`,
    { ids: ids ?? [] },
  );
  return rows
    .map((r) => {
      const source = r.source as Row;
      const record: SourceRecord = { id: String(source.id), title: String(source.title) };
      for (const key of Object.keys(SOURCE_PROPERTIES)) {
        const value = source[key];
        if (key !== 'title' && value !== null && value !== undefined) record[key] = value as PropertyValue;
      }
      const cites = [...(r.cites as string[])].sort();
      return cites.length ? { ...record, cites } : record;
    })
    .sort((a, b) => cmp(a.id, b.id));
}

/** An entity record: what is not a claim, and any sourced value stored without one. */
function entityRecord(e: EntityRow, claimedValues: ReadonlySet<string>): EntityRecord {
  const record: EntityRecord = { id: e.id, slug: e.slug, label: e.label, name: e.name };
  if (e.description) record.description = e.description;
  if (e.aliases?.length) record.aliases = [...e.aliases];
  if (Array.isArray(e.identifiers) && e.identifiers.length) record.identifiers = e.identifiers.map(String);
  const flat = Object.keys(sourcedProperties(e.label)).filter((field) => !claimedValues.has(`${e.slug}\u0000${field}`));
  for (const field of flat) {
    const value = e[field];
    if (value !== null && value !== undefined) record[field] = value as PropertyValue;
  }
  return record;
}

function relationshipRecord(r: RelationshipRow, slugOf: Map<string, string>): RelationshipRecord {
  const properties = Object.fromEntries(
    Object.keys(RELATIONSHIPS[r.type].properties)
      .filter((key) => r.properties[key] !== null && r.properties[key] !== undefined)
      .map((key) => [key, r.properties[key] as PropertyValue]),
  );
  const record: RelationshipRecord = { type: r.type, from: slugOf.get(r.from) ?? r.from, to: slugOf.get(r.to) ?? r.to };
  return Object.keys(properties).length ? { ...record, properties } : record;
}

/**
 * A stored claim as its import record: entities named by slug, a relationship's value by the
 * relationship claim's id. Null for a claim about an entity outside the export.
 */
function claimRecord(c: Row, slugOf: Map<string, string>, relationshipClaims: ReadonlySet<string>): ClaimRecord | null {
  const kind = c.kind as ClaimRecord['kind'];
  const subjectId = String(c.subject);
  const subject = slugOf.get(subjectId) ?? (kind === 'VALUE' && relationshipClaims.has(subjectId) ? subjectId : null);
  if (subject === null) return null;
  const record: ClaimRecord = { id: String(c.id), kind, subject, validFrom: null, recordedAt: '', citations: [] };
  if (kind === 'RELATIONSHIP') {
    const object = slugOf.get(String(c.object));
    if (!object) return null;
    Object.assign(record, { type: String(c.type), object });
  }
  if (kind === 'VALUE') Object.assign(record, { field: String(c.field), value: c.value as PropertyValue });
  const optional: Partial<ClaimRecord> = {
    validFrom: (c.validFrom as string | null) ?? null,
    validTo: (c.validTo as string | null) ?? undefined,
    recordedAt: String(c.recordedAt),
    retractedAt: (c.retractedAt as string | null) ?? undefined,
    closedAt: (c.closedAt as string | null) ?? undefined,
    retractReason: (c.retractReason as string | null) ?? undefined,
    confidence: typeof c.confidence === 'number' ? c.confidence : undefined,
    citations: citationsOf(c).map(({ source, quote, locator }) => ({
      source,
      ...(quote ? { quote } : {}),
      ...(locator ? { locator } : {}),
    })),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(record, { [key]: value });
  return record;
}

const citedSources = (c: ClaimRecord): string[] => (c.citations ?? []).map((x) => x.source);

function groupMentions(pairs: Scope['mentions'], slugOf: Map<string, string>): MentionsRecord[] {
  const bySource = new Map<string, Set<string>>();
  for (const { source, entity } of pairs) {
    const slug = slugOf.get(entity);
    if (!slug) continue;
    if (!bySource.has(source)) bySource.set(source, new Set());
    bySource.get(source)!.add(slug);
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([source, slugs]) => ({ source, entities: [...slugs].sort() }));
}

/** The file's text: one record a line inside each section, so files diff line by line. */
export const historyJson = (file: HistoryFile): string => [...historyJsonLines(file)].join('');

/** The same, a record at a time. */
export function* historyJsonLines(file: HistoryFile): Generator<string> {
  const names: Array<keyof HistoryFile> = ['entities', 'sources', 'relationships', 'mentions', 'claims'];
  yield '{\n';
  for (const [i, name] of names.entries()) {
    const records = file[name] as unknown[];
    const comma = i > 0 ? ',\n' : '';
    if (records.length === 0) {
      yield `${comma}  "${name}": []`;
      continue;
    }
    yield `${comma}  "${name}": [\n`;
    for (const [j, r] of records.entries()) yield `${j > 0 ? ',\n' : ''}    ${JSON.stringify(r)}`;
    yield '\n  ]';
  }
  yield '\n}\n';
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
