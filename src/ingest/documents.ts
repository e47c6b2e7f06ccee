/**
 * Documents in, candidate claims out, and their review (SPEC section 2a, "Ingestion").
 *
 * `ingestDocument` writes the document as a `Source`, its text on a `(:SourceText {source})` node
 * beside it (kept out of the source's own properties, which every source read projects), and what
 * the extractor proposed as `(:CandidateClaim)` nodes: nothing else. No entity, relationship,
 * claim or MENTIONS link is written before a person accepts a candidate. Ingesting the same
 * document again proposes the same candidates (their ids are digests of what they say), and a
 * decided candidate keeps its decision.
 *
 * A candidate equal to a claim the graph asserts (same subject, field and value, or the same
 * relationship) is `KNOWN`; accepting any candidate writes it as a claim through the ordinary write
 * path, citing the document with the candidate's quote, so a KNOWN one adds the document to the
 * claim it equals (the write rules add citations to an overlapping claim of the same value).
 */
import { createHash } from 'node:crypto';
import type { ZodTypeAny } from 'zod';
import type { Db, Row, Run } from '../neo4j/db.js';
import { badInput, ErrorCode, notFound, StargraphError } from '../errors.js';
import { citationsOf, citeClaims, mentionCited, plainValue } from '../claims/store.js';
import { mergeCitations, sameValue, type Citation } from '../claims/rules.js';
import type { ClaimArgs } from '../claims/store.js';
import { sourcedProperties, sourcedRelationshipProperties } from '../claims/model.js';
import { writeEntityClaims, writeRelationshipClaims } from '../claims/write.js';
import {
  ENTITY_RELATIONSHIP_TYPES,
  isEntityLabel,
  type EntityLabel,
  type EntityRelationshipType,
} from '../graph/model.js';
import {
  endpointAllowed,
  valueProblem,
  entityPropertiesSchema,
  relationshipPropertiesSchema,
} from '../graph/write-input.js';
import { sourceIdFor } from '../graph/writes.js';
import { withoutNulls } from '../graph/import-input.js';
import { toGraphProperties, entitySpec, UPSERT_SOURCES } from '../graph/write-statements.js';
import { SOURCE_PROPERTIES, RELATIONSHIPS } from '../graph/model.js';
import { extract, type CandidateClaimDraft, type Extraction } from './extract.js';
import { gazetteerFor, type GazetteerEntity } from './gazetteer.js';
import { MAX_RECONCILE_QUERIES, reconcile, type ReconcileCandidate } from '../identity/reconcile.js';

export const CANDIDATE_STATUSES = ['PENDING', 'KNOWN', 'ACCEPTED', 'REJECTED'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** Longest document text taken (characters). */
export const MAX_DOCUMENT_CHARS = 200_000;
export const INGEST_LANGUAGES = ['fr', 'en'] as const;

export interface IngestDocumentInput {
  title: string;
  url?: string | null;
  publisher?: string | null;
  publishedOn: string;
  language: string;
  text: string;
}

/** A candidate as stored and read: its claim's parts, where it was found, and its review. */
export interface CandidateRow {
  id: string;
  source: string;
  status: CandidateStatus;
  kind: 'VALUE' | 'RELATIONSHIP';
  /** VALUE: the entity (id) or, for one not in the graph, its name. */
  subject: string | null;
  subjectName: string | null;
  field: string | null;
  value: unknown;
  /** RELATIONSHIP: its type and ends (ids, or names of entities not in the graph). */
  type: EntityRelationshipType | null;
  from: string | null;
  fromName: string | null;
  to: string | null;
  toName: string | null;
  properties: Record<string, unknown>;
  quote: string;
  quoteStart: number;
  quoteEnd: number;
  rule: string;
  confidence: number;
  createdAt: string;
  decidedAt: string | null;
  reason: string | null;
  claimId: string | null;
}

export interface IngestOutcome {
  sourceId: string;
  extraction: Extraction;
  candidates: CandidateRow[];
  /** Gazetteer entities by slug, for the mentions' entities. */
  entities: Map<string, GazetteerEntity>;
  /** Each name the text gives an entity the gazetteer lacks: what reconcile made of it. */
  reconciled: Map<string, ReconcileCandidate[]>;
  /** The slugs of the entities candidates name, by id. */
  entitySlugs: Map<string, string>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The input's problems as BAD_USER_INPUT, naming the field. */
function checkInput(input: IngestDocumentInput): void {
  const at = (field: string, message: string) => badInput(`input.${field} ${message}`, { path: ['input', field] });
  if (input.title.trim() === '' || input.title.length > 500) throw at('title', 'must have 1 to 500 characters');
  if (!ISO_DATE.test(input.publishedOn) || Number.isNaN(Date.parse(input.publishedOn)))
    throw at('publishedOn', 'must be a date as YYYY-MM-DD');
  if (!(INGEST_LANGUAGES as readonly string[]).includes(input.language))
    throw at('language', `must be one of ${INGEST_LANGUAGES.join(', ')} (the languages the extractor reads)`);
  if (input.text.trim() === '') throw at('text', 'must not be empty');
  if (input.text.length > MAX_DOCUMENT_CHARS) throw at('text', `must be at most ${MAX_DOCUMENT_CHARS} characters`);
  if (input.url && !/^https?:\/\/\S+$/i.test(input.url)) throw at('url', 'must be an http(s) URL');
}

/** A candidate's id: a digest of its source and what it claims, so a second ingest finds it again. */
function candidateId(sourceId: string, draft: CandidateClaimDraft): string {
  const { quote: _quote, rule: _rule, confidence: _confidence, ...claim } = draft;
  return `cand-${createHash('sha256')
    .update(`${sourceId}\u0000${JSON.stringify(claim)}\u0000${draft.quote.start}`)
    .digest('hex')
    .slice(0, 24)}`;
}

const nameOf = (end: string | { new: string }) => (typeof end === 'string' ? null : end.new);

/** The stored form of each draft, ends resolved from slugs to ids (unknown slugs kept as names). */
function candidateRows(sourceId: string, drafts: readonly CandidateClaimDraft[], bySlug: Map<string, GazetteerEntity>) {
  const idOf = (end: string | { new: string }) => (typeof end === 'string' ? (bySlug.get(end)?.id ?? null) : null);
  const unknownName = (end: string | { new: string }) =>
    typeof end === 'string' ? (bySlug.has(end) ? null : end) : end.new;
  return drafts.flatMap((d): Row[] => {
    const common = {
      id: candidateId(sourceId, d),
      source: sourceId,
      quote: d.quote.text,
      quoteStart: d.quote.start,
      quoteEnd: d.quote.end,
      rule: d.rule,
      confidence: d.confidence,
    };
    if ('field' in d) {
      return [
        {
          ...common,
          kind: 'VALUE',
          subject: idOf(d.subject),
          subjectName: unknownName(d.subject) ?? nameOf(d.subject),
          field: d.field,
          value: JSON.stringify(d.value ?? null),
        },
      ];
    }
    if (!(ENTITY_RELATIONSHIP_TYPES as readonly string[]).includes(d.relationship)) return [];
    return [
      {
        ...common,
        kind: 'RELATIONSHIP',
        type: d.relationship,
        from: idOf(d.from),
        fromName: unknownName(d.from),
        to: idOf(d.to),
        toName: unknownName(d.to),
        properties: JSON.stringify(d.properties ?? {}),
      },
    ];
  });
}

/** Of the candidate rows, the ones equal to a claim the graph asserts, with that claim's id. */
async function knownClaims(run: Run, rows: readonly Row[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  const values = rows.filter((r) => r.kind === 'VALUE' && r.subject);
  if (values.length > 0) {
    const found = await run(
      `UNWIND $rows AS row
       MATCH (c:Claim {subject: row.subject, field: row.field}) WHERE c.retractedAt IS NULL
       RETURN row.id AS candidate, c.id AS claim, c.value AS value ORDER BY c.recordedAt DESC`,
      { rows: values.map((r) => ({ id: r.id, subject: r.subject, field: r.field })) },
    );
    const byId = new Map(values.map((r) => [String(r.id), JSON.parse(String(r.value)) as unknown]));
    for (const f of found) {
      const id = String(f.candidate);
      if (!known.has(id) && sameValue(plainValue(f.value), byId.get(id))) known.set(id, String(f.claim));
    }
  }
  const relationships = rows.filter((r) => r.kind === 'RELATIONSHIP' && r.from && r.to);
  if (relationships.length > 0) {
    const found = await run(
      `UNWIND $rows AS row
       MATCH (c:Claim {subject: row.from}) WHERE c.kind = 'RELATIONSHIP' AND c.object = row.to AND c.type = row.type
         AND c.retractedAt IS NULL
       RETURN row.id AS candidate, c.id AS claim ORDER BY c.recordedAt DESC`,
      { rows: relationships.map((r) => ({ id: r.id, from: r.from, to: r.to, type: r.type })) },
    );
    for (const f of found) if (!known.has(String(f.candidate))) known.set(String(f.candidate), String(f.claim));
  }
  return known;
}

const CANDIDATE_PROJECTION = (c: string) =>
  `${c} { .*, createdAt: toString(${c}.createdAt), decidedAt: toString(${c}.decidedAt) }`;

export function toCandidateRow(row: Row): CandidateRow {
  return {
    id: String(row.id),
    source: String(row.source),
    status: row.status as CandidateStatus,
    kind: row.kind as CandidateRow['kind'],
    subject: (row.subject as string | null) ?? null,
    subjectName: (row.subjectName as string | null) ?? null,
    field: (row.field as string | null) ?? null,
    value: row.value == null ? null : JSON.parse(String(row.value)),
    type: (row.type as EntityRelationshipType | null) ?? null,
    from: (row.from as string | null) ?? null,
    fromName: (row.fromName as string | null) ?? null,
    to: (row.to as string | null) ?? null,
    toName: (row.toName as string | null) ?? null,
    properties: row.properties == null ? {} : (JSON.parse(String(row.properties)) as Record<string, unknown>),
    quote: String(row.quote),
    quoteStart: Number(row.quoteStart),
    quoteEnd: Number(row.quoteEnd),
    rule: String(row.rule),
    confidence: Number(row.confidence),
    createdAt: String(row.createdAt),
    decidedAt: (row.decidedAt as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
    claimId: (row.claimId as string | null) ?? null,
  };
}

/**
 * Stores the document and its candidates (one transaction) and returns what was found. The
 * extraction runs before the transaction, against the gazetteer of the graph as it is.
 */
export async function ingestDocument(db: Db, input: IngestDocumentInput): Promise<IngestOutcome> {
  checkInput(input);
  const gazetteer = await gazetteerFor(db, input.text);
  const found = extract({
    text: input.text,
    language: input.language as (typeof INGEST_LANGUAGES)[number],
    publishedOn: input.publishedOn,
    gazetteer: gazetteer.map((e) => ({ slug: e.slug, label: e.label, names: e.names })),
  });
  const bySlug = new Map(gazetteer.map((e) => [e.slug, e]));
  const { extraction, reconciled } = await reconcileNewNames(db, found, bySlug);
  const now = new Date().toISOString();
  const source = {
    title: input.title,
    url: input.url ?? null,
    publisher: input.publisher ?? null,
    publishedOn: input.publishedOn,
    language: input.language,
  };
  const sourceId = sourceIdFor({ ...source, id: null });
  const candidates = await db.writeTransaction(async (run) => {
    await run(UPSERT_SOURCES, {
      rows: [{ id: sourceId, props: toGraphProperties(SOURCE_PROPERTIES, withoutNulls(source)) }],
      now,
    });
    await run(
      `MERGE (t:SourceText {source: $source})
       SET t.text = $text, t.ingestedAt = datetime($now), t.mentions = $mentions, t.amounts = $amounts, t.dates = $dates`,
      {
        source: sourceId,
        text: input.text,
        now,
        mentions: JSON.stringify(extraction.mentions),
        amounts: JSON.stringify(extraction.amounts),
        dates: JSON.stringify(extraction.dates),
      },
    );
    const rows = candidateRows(sourceId, extraction.claims, bySlug);
    const known = await knownClaims(run, rows);
    const written = await run(
      `UNWIND $rows AS row
       MERGE (c:CandidateClaim {id: row.id})
       ON CREATE SET c = row.props, c.id = row.id, c.createdAt = datetime($now),
         c.status = CASE WHEN row.known IS NULL THEN 'PENDING' ELSE 'KNOWN' END, c.claimId = row.known
       // Undecided ones follow what the graph holds now; decided ones keep their decision.
       ON MATCH SET c.status = CASE WHEN c.status IN ['PENDING', 'KNOWN']
           THEN CASE WHEN row.known IS NULL THEN 'PENDING' ELSE 'KNOWN' END ELSE c.status END,
         c.claimId = CASE WHEN c.status IN ['PENDING', 'KNOWN'] THEN row.known ELSE c.claimId END
       RETURN ${CANDIDATE_PROJECTION('c')} AS candidate ORDER BY c.quoteStart, c.id`,
      { rows: rows.map((r) => ({ id: r.id, props: r, known: known.get(String(r.id)) ?? null })), now },
    );
    return written.map((w) => toCandidateRow(w.candidate as Row));
  });
  return {
    sourceId,
    extraction,
    reconciled,
    candidates,
    entities: bySlug,
    entitySlugs: new Map(gazetteer.map((e) => [e.id, e.slug])),
  };
}

/**
 * New names are reconciled before they are proposed as new entities: one the graph has under a
 * variant of its name (a typing slip, a legal form, an accent) and reconcile matches is that
 * entity, in the mentions and in the candidates; the others stay new, with their candidates shown.
 */
async function reconcileNewNames(db: Db, found: Extraction, bySlug: Map<string, GazetteerEntity>) {
  const kinds = new Map<string, string>();
  for (const m of found.mentions) if (m.newEntity) kinds.set(m.newEntity.name, m.newEntity.kind);
  const names = [...kinds.keys()].slice(0, MAX_RECONCILE_QUERIES);
  const reconciled = new Map<string, ReconcileCandidate[]>();
  if (names.length === 0) return { extraction: found, reconciled };
  const results = await reconcile(
    db,
    names.map((name) => {
      const kind = kinds.get(name);
      return { name, kinds: isEntityLabel(kind) ? [kind] : null, limit: 3 };
    }),
  );
  const matched = new Map<string, string>();
  results.forEach((r, i) => {
    reconciled.set(names[i]!, r.candidates);
    const top = r.candidates[0];
    if (!top?.match) return;
    const e = top.entity;
    bySlug.set(e.slug, { id: e.id, slug: e.slug, label: e.label, names: [e.name, ...e.aliases] });
    matched.set(names[i]!, e.slug);
  });
  const resolve = <T>(ref: T): T | string =>
    typeof ref === 'object' && ref !== null && 'new' in ref && matched.has(String(ref.new))
      ? matched.get(String(ref.new))!
      : ref;
  const extraction: Extraction = {
    ...found,
    mentions: found.mentions.map((m) => {
      const slug = m.newEntity ? matched.get(m.newEntity.name) : undefined;
      if (!slug) return m;
      const { newEntity: _newEntity, ...known } = m;
      return { ...known, entity: slug };
    }),
    claims: found.claims.map((c) =>
      'field' in c ? { ...c, subject: resolve(c.subject) } : { ...c, from: resolve(c.from), to: resolve(c.to) },
    ),
  };
  return { extraction, reconciled };
}

// ---------------------------------------------------------------------------------------------
// The review queue

export interface CandidatePage {
  rows: CandidateRow[];
  hasNextPage: boolean;
}

/** Candidates by status and source, oldest first (then by id): `after` is the last one's id. */
export async function listCandidates(
  db: Db,
  filter: { status?: CandidateStatus | null; source?: string | null; first: number; after?: string | null },
): Promise<CandidatePage> {
  const rows = await db.read(
    `OPTIONAL MATCH (last:CandidateClaim {id: $after})
     WITH last
     MATCH (c:CandidateClaim)
     WHERE ($status IS NULL OR c.status = $status) AND ($source IS NULL OR c.source = $source)
       AND ($after IS NULL OR (last IS NOT NULL AND (c.createdAt > last.createdAt
         OR (c.createdAt = last.createdAt AND (c.source > last.source
           OR (c.source = last.source AND (c.quoteStart > last.quoteStart
             OR (c.quoteStart = last.quoteStart AND c.id > last.id))))))))
     RETURN ${CANDIDATE_PROJECTION('c')} AS candidate
     ORDER BY c.createdAt, c.source, c.quoteStart, c.id LIMIT toInteger($first) + 1`,
    { status: filter.status ?? null, source: filter.source ?? null, after: filter.after ?? null, first: filter.first },
  );
  const page = rows.slice(0, filter.first).map((r) => toCandidateRow(r.candidate as Row));
  return { rows: page, hasNextPage: rows.length > filter.first };
}

/** How many candidates a status and source filter holds. */
export async function countCandidates(
  db: Db,
  filter: { status?: CandidateStatus | null; source?: string | null },
): Promise<number> {
  const [row] = await db.read(
    `MATCH (c:CandidateClaim) WHERE ($status IS NULL OR c.status = $status) AND ($source IS NULL OR c.source = $source)
     RETURN count(c) AS n`,
    { status: filter.status ?? null, source: filter.source ?? null },
  );
  return Number(row?.n ?? 0);
}

export async function candidateById(db: Pick<Db, 'read'>, id: string): Promise<CandidateRow | null> {
  const [row] = await db.read(`MATCH (c:CandidateClaim {id: $id}) RETURN ${CANDIDATE_PROJECTION('c')} AS candidate`, {
    id,
  });
  return row ? toCandidateRow(row.candidate as Row) : null;
}

/** What a reviewer may change before accepting: the entities (ids) it is about, its value, its validity. */
export interface CandidateEdits {
  subject?: string | null;
  from?: string | null;
  to?: string | null;
  value?: unknown;
  validFrom?: string | null;
  validTo?: string | null;
}

export interface AcceptOutcome {
  candidate: CandidateRow;
  claimId: string;
  /** The entities whose claims changed (ids). */
  touched: string[];
}

/**
 * Accepts a candidate: its claim is written through the ordinary write path (write rules,
 * materialisation, MENTIONS), citing the candidate's document with its quote and character
 * range, valid from `edits.validFrom`, else the document's publication date. Accepting an accepted
 * candidate again changes nothing; a rejected one is a CONFLICT.
 */
export async function acceptCandidate(db: Db, id: string, edits: CandidateEdits, by: string): Promise<AcceptOutcome> {
  const now = new Date().toISOString();
  return db.writeTransaction(async (run) => {
    const [locked] = await run(
      `MATCH (c:CandidateClaim {id: $id}) SET c._lock = true REMOVE c._lock
       WITH c MATCH (s:Source {id: c.source})
       RETURN ${CANDIDATE_PROJECTION('c')} AS candidate, toString(s.publishedOn) AS publishedOn`,
      { id },
    );
    if (!locked) throw notFound(`id: no candidate claim "${id.slice(0, 100)}"`, { path: ['id'] });
    const candidate = toCandidateRow(locked.candidate as Row);
    if (candidate.status === 'ACCEPTED') return { candidate, claimId: candidate.claimId!, touched: [] };
    if (candidate.status === 'REJECTED') {
      throw new StargraphError(ErrorCode.CONFLICT, `The candidate ${id} was rejected (${candidate.reason ?? ''})`, {
        path: ['id'],
      });
    }
    const args: ClaimArgs = {
      citations: [
        {
          source: candidate.source,
          quote: candidate.quote.slice(0, 500),
          locator: `characters ${candidate.quoteStart}-${candidate.quoteEnd}`,
        },
      ],
      validFrom: edits.validFrom !== undefined ? edits.validFrom : ((locked.publishedOn as string | null) ?? undefined),
      validTo: edits.validTo ?? null,
      confidence: candidate.confidence,
    };
    const unedited = Object.values(edits).every((v) => v === undefined);
    const written =
      candidate.status === 'KNOWN' && unedited && candidate.claimId
        ? await citeKnown(run, candidate.claimId, args)
        : candidate.kind === 'VALUE'
          ? await acceptValue(run, candidate, edits, args, now)
          : await acceptRelationship(run, candidate, edits, args, now);
    const [row] = await run(
      `MATCH (c:CandidateClaim {id: $id})
       SET c.status = 'ACCEPTED', c.claimId = $claimId, c.decidedAt = datetime($now), c.decidedBy = $by
       RETURN ${CANDIDATE_PROJECTION('c')} AS candidate`,
      { id, claimId: written.claimId, now, by },
    );
    return { candidate: toCandidateRow(row!.candidate as Row), ...written };
  });
}

/**
 * A KNOWN candidate, unedited: the document is added to the citations of the claim it equals, as
 * it stands (its validity is the claim's, not the document's date), and MENTIONS what it is about.
 */
async function citeKnown(run: Run, claimId: string, args: ClaimArgs) {
  const [claim] = await run(
    `MATCH (x:Claim {id: $id}) RETURN ${citationsOf('x')} AS citations, [x.subject, x.object] AS about`,
    { id: claimId },
  );
  if (!claim) throw new Error(`The claim ${claimId} a known candidate equals is missing`);
  await citeClaims(run, [{ id: claimId, citations: mergeCitations(claim.citations as Citation[], args.citations) }]);
  const about = (claim.about as Array<string | null>).filter((x): x is string => x !== null);
  await mentionCited(
    run,
    about.map((entity) => ({ source: args.citations[0]!.source, entity })),
  );
  return { claimId, touched: about };
}

/** Which entity (id) a candidate's end is, with the edit overriding; BAD_USER_INPUT when it is not in the graph. */
async function endEntity(
  run: Run,
  id: string | null,
  name: string | null,
  edit: string | null | undefined,
  what: string,
) {
  const chosen = edit ?? id;
  if (!chosen) {
    throw badInput(
      `edits.${what}: "${name ?? '?'}" is not in the graph; reconcile it or create it, then give its ID or slug`,
      { path: ['edits', what] },
    );
  }
  const [row] = await run(
    `MATCH (n:Entity) WHERE n.id = $ref OR n.slug = $ref
     RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label LIMIT 1`,
    { ref: chosen },
  );
  if (!row || !isEntityLabel(row.label))
    throw notFound(`edits.${what}: no entity "${chosen}"`, { path: ['edits', what] });
  return { id: String(row.id), label: row.label as EntityLabel };
}

async function acceptValue(run: Run, c: CandidateRow, edits: CandidateEdits, args: ClaimArgs, now: string) {
  const subject = await endEntity(run, c.subject, c.subjectName, edits.subject, 'subject');
  const field = c.field!;
  if (!Object.hasOwn(sourcedProperties(subject.label), field)) {
    throw badInput(`A ${subject.label} has no sourced field ${field}`, { path: ['edits', 'subject'] });
  }
  const value = edits.value !== undefined ? edits.value : c.value;
  const shape: Record<string, ZodTypeAny> = entityPropertiesSchema(subject.label).shape;
  const schema = shape[field];
  const problem = schema ? valueProblem(schema, value) : undefined;
  if (problem) throw badInput(`${field} ${problem}: give edits.value`, { path: ['edits', 'value'] });
  const values = toGraphProperties(entitySpec(subject.label), { [field]: value });
  await writeEntityClaims(run, [{ id: subject.id, label: subject.label, values, args }], now);
  const [claim] = await run(
    `MATCH (x:Claim {subject: $subject, field: $field}) WHERE x.retractedAt IS NULL AND $source IN x.citeSources
       AND x.value = $value
     RETURN x.id AS id ORDER BY x.recordedAt DESC LIMIT 1`,
    { subject: subject.id, field, source: c.source, value: values[field] },
  );
  if (!claim) throw new Error(`Accepted candidate ${c.id} left no claim citing its source`);
  return { claimId: String(claim.id), touched: [subject.id] };
}

async function acceptRelationship(run: Run, c: CandidateRow, edits: CandidateEdits, args: ClaimArgs, now: string) {
  const type = c.type!;
  const from = await endEntity(run, c.from, c.fromName, edits.from, 'from');
  const to = await endEntity(run, c.to, c.toName, edits.to, 'to');
  for (const [end, e] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!endpointAllowed(type, end, e.label))
      throw badInput(`${type} cannot ${end === 'from' ? 'start' : 'end'} at a ${e.label}`, { path: ['edits', end] });
  }
  const spec = RELATIONSHIPS[type];
  const properties = Object.fromEntries(
    Object.entries(c.properties).filter(([k]) => Object.hasOwn(sourcedRelationshipProperties(type), k)),
  );
  const problem = valueProblem(relationshipPropertiesSchema(type), properties);
  if (problem) throw badInput(`properties ${problem}`, { path: ['id'] });
  const [claimed] = await writeRelationshipClaims(
    run,
    type,
    'id',
    [{ from: from.id, to: to.id, values: toGraphProperties(spec.properties, properties), args }],
    now,
  );
  if (!claimed) throw new Error(`Accepted candidate ${c.id} left no relationship claim`);
  return { claimId: claimed.claimId, touched: [from.id, to.id] };
}

/** Rejects a candidate, saying why; rejecting it again changes nothing, an accepted one is a CONFLICT. */
export async function rejectCandidate(db: Db, id: string, reason: string, by: string): Promise<CandidateRow> {
  if (reason.trim() === '' || reason.length > 1000)
    throw badInput('reason must have 1 to 1000 characters', { path: ['reason'] });
  const now = new Date().toISOString();
  return db.writeTransaction(async (run) => {
    const [row] = await run(
      `MATCH (c:CandidateClaim {id: $id})
       SET c.status = CASE WHEN c.status = 'ACCEPTED' THEN c.status ELSE 'REJECTED' END,
         c.reason = CASE WHEN c.status = 'ACCEPTED' THEN c.reason ELSE coalesce(c.reason, $reason) END,
         c.decidedAt = coalesce(c.decidedAt, datetime($now)), c.decidedBy = coalesce(c.decidedBy, $by)
       RETURN ${CANDIDATE_PROJECTION('c')} AS candidate`,
      { id, reason, now, by },
    );
    if (!row) throw notFound(`id: no candidate claim "${id.slice(0, 100)}"`, { path: ['id'] });
    const candidate = toCandidateRow(row.candidate as Row);
    if (candidate.status === 'ACCEPTED')
      throw new StargraphError(ErrorCode.CONFLICT, `The candidate ${id} was accepted; retract its claim instead`, {
        path: ['id'],
        claimId: candidate.claimId,
      });
    return candidate;
  });
}
