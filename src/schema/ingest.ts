/**
 * Growing the graph from documents: `ingestDocument`, the review queue `candidateClaims`, and
 * `acceptCandidate` / `rejectCandidate` (src/ingest/documents.ts keeps the rules).
 */
import { badInput, limitExceeded } from '../errors.js';
import { claimByIdLoader } from '../claims/read.js';
import DataLoader from 'dataloader';
import { requestLoader } from '../context.js';
import { anyEntityByIdLoader, entityBySlugLoader, sourceByIdLoader } from '../graph/entity-loaders.js';
import { entityChange, importedChange } from '../live/changes.js';
import type { Extraction } from '../ingest/extract.js';
import {
  acceptCandidate,
  type CANDIDATE_STATUSES,
  ingestDocument,
  countCandidates,
  listCandidates,
  rejectCandidate,
  type CandidateEdits,
  type CandidateRow,
  type IngestDocumentInput,
  type IngestOutcome,
} from '../ingest/documents.js';
import type { GazetteerEntity } from '../ingest/gazetteer.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { ReconcileCandidateRef } from './reconcile.js';
import type { ReconcileCandidate } from '../identity/reconcile.js';
import { ClaimRef } from './claims.js';
import { RelationshipTypeEnum } from './enums.js';
import { actorOf, committed, rawSourceId } from './mutation-support.js';
import { EntityRef, SourceRef } from './refs.js';

const CandidateStatusEnum = builder.enumType('CandidateStatus', {
  description: 'Where a candidate claim is in review.',
  values: {
    PENDING: { description: 'Waiting for a person.' },
    KNOWN: { description: 'The graph already asserts it; accepting it adds the document to that claim.' },
    ACCEPTED: { description: 'Written as a claim citing the document.' },
    REJECTED: { description: 'Turned down, with a reason.' },
  } satisfies Record<(typeof CANDIDATE_STATUSES)[number], unknown>,
});

const CandidateKindEnum = builder.enumType('CandidateKind', {
  values: {
    VALUE: { description: 'A value of a sourced field.' },
    RELATIONSHIP: { description: 'A relationship between two entities.' },
  } as const,
});

/** A candidate's document: its source is written with it and only a purge of sources removes it. */
async function sourceOf(ctx: Context, id: string) {
  const source = await sourceByIdLoader(ctx).load(id);
  if (!source) throw new Error(`The source ${id} of an ingested document is missing`);
  return source;
}

const entityOrNull = (ctx: Context, id: string | null) => (id ? anyEntityByIdLoader(ctx).load(id) : null);

const CandidateClaimRef = builder.objectRef<CandidateRow>('CandidateClaim').implement({
  description:
    'What the extractor proposes a document says, waiting for review: a value of a field, or a ' +
    'relationship, with the quote that carries it. Nothing of it is in the graph until accepted.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'acceptCandidate and rejectCandidate take it.' }),
    status: t.field({ type: CandidateStatusEnum, resolve: (c) => c.status }),
    kind: t.field({ type: CandidateKindEnum, resolve: (c) => c.kind }),
    source: t.field({ type: SourceRef, resolve: (c, _a, ctx) => sourceOf(ctx, c.source) }),
    subject: t.field({
      type: EntityRef,
      nullable: true,
      description: 'VALUE: the entity, when the graph has it.',
      resolve: (c, _a, ctx) => entityOrNull(ctx, c.subject),
    }),
    subjectName: t.string({
      nullable: true,
      description: 'VALUE: the name of an entity the graph does not have yet.',
      resolve: (c) => c.subjectName,
    }),
    field: t.string({ nullable: true, resolve: (c) => c.field }),
    value: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.value }),
    type: t.field({ type: RelationshipTypeEnum, nullable: true, resolve: (c) => c.type }),
    from: t.field({ type: EntityRef, nullable: true, resolve: (c, _a, ctx) => entityOrNull(ctx, c.from) }),
    fromName: t.string({ nullable: true, resolve: (c) => c.fromName }),
    to: t.field({ type: EntityRef, nullable: true, resolve: (c, _a, ctx) => entityOrNull(ctx, c.to) }),
    toName: t.string({ nullable: true, resolve: (c) => c.toName }),
    properties: t.field({ type: 'JSON', resolve: (c) => c.properties }),
    quote: t.exposeString('quote', { description: 'The words of the document that carry it.' }),
    quoteStart: t.exposeInt('quoteStart', { description: "The quote's first character in the text (UTF-16 index)." }),
    quoteEnd: t.exposeInt('quoteEnd', { description: 'One past its last character.' }),
    rule: t.exposeString('rule', { description: 'The extraction rule that proposed it.' }),
    confidence: t.exposeFloat('confidence', { description: 'How sure the rule is, from 0 to 1.' }),
    reason: t.string({ nullable: true, description: 'Why it was rejected.', resolve: (c) => c.reason }),
    decidedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.decidedAt }),
    claim: t.field({
      type: ClaimRef,
      nullable: true,
      description: 'KNOWN: the claim it equals; ACCEPTED: the claim it became.',
      resolve: (c, _a, ctx) => (c.claimId ? claimByIdLoader(ctx, null).load(c.claimId) : null),
    }),
  }),
});

/**
 * A mention with how to find its entity: at ingestion, the gazetteer's entities by slug and what
 * reconcile made of new names; read back from a stored document (`entities: null`), the entity of
 * that slug now, and no reconciliation.
 */
type MentionRow = Extraction['mentions'][number] & {
  entities: Map<string, GazetteerEntity> | null;
  reconciled: Map<string, ReconcileCandidate[]> | null;
};
type AmountRow = Extraction['amounts'][number];
type DateRow = Extraction['dates'][number];

const MentionRef = builder.objectRef<MentionRow>('DocumentMention').implement({
  description: 'A name in the document: an entity of the graph, or one it does not have yet.',
  fields: (t) => ({
    start: t.exposeInt('start'),
    end: t.exposeInt('end'),
    text: t.exposeString('text'),
    entity: t.field({
      type: EntityRef,
      nullable: true,
      resolve: (m, _a, ctx) => {
        if (!m.entity) return null;
        if (!m.entities) return entityBySlugLoader(ctx).load(m.entity);
        const known = m.entities.get(m.entity);
        return known ? anyEntityByIdLoader(ctx).load(known.id) : null;
      },
    }),
    newEntityName: t.string({ nullable: true, resolve: (m) => m.newEntity?.name ?? null }),
    newEntityKind: t.string({ nullable: true, resolve: (m) => m.newEntity?.kind ?? null }),
    reconciled: t.field({
      type: [ReconcileCandidateRef],
      description:
        'For a name the graph lacks: what reconcile found for it (none matched, or it would be the entity). ' +
        'For a known entity, or a document read back later: empty.',
      resolve: (m) => (m.newEntity ? (m.reconciled?.get(m.newEntity.name) ?? []) : []),
    }),
  }),
});

const AmountKindEnum = builder.enumType('AmountKind', { values: ['MONEY', 'POWER'] as const });

const AmountRef = builder.objectRef<AmountRow>('DocumentAmount').implement({
  description: 'A money amount or a power figure in the document, as a number.',
  fields: (t) => ({
    start: t.exposeInt('start'),
    end: t.exposeInt('end'),
    text: t.exposeString('text'),
    kind: t.field({ type: AmountKindEnum, resolve: (a) => a.kind }),
    usd: t.float({ nullable: true, description: 'MONEY in US dollars.', resolve: (a) => a.usd ?? null }),
    currency: t.string({
      nullable: true,
      description: 'MONEY in another currency.',
      resolve: (a) => a.currency ?? null,
    }),
    mw: t.float({ nullable: true, description: 'POWER in megawatts.', resolve: (a) => a.mw ?? null }),
    approximate: t.exposeBoolean('approximate'),
  }),
});

const DatePeriodRef = builder.objectRef<DateRow>('DocumentDate').implement({
  description: 'A date or period in the document, resolved against its publication date (null: open).',
  fields: (t) => ({
    start: t.exposeInt('start'),
    end: t.exposeInt('end'),
    text: t.exposeString('text'),
    from: t.field({ type: 'Date', nullable: true, resolve: (d) => d.from }),
    to: t.field({ type: 'Date', nullable: true, resolve: (d) => d.to }),
  }),
});

/** A stored document: its text and what the extractor found in it when it was ingested. */
interface StoredDocument {
  text: string;
  ingestedAt: string | null;
  mentions: MentionRow[];
  amounts: AmountRow[];
  dates: DateRow[];
}

/** JSON a SourceText node holds, as an array (a node written before a field existed has none). */
const jsonList = <T>(value: unknown): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : []);

/** Each source's stored document by source id, batched per request (null: not an ingested document). */
const documentLoader = (ctx: Context) =>
  requestLoader(
    ctx,
    'sourceDocument',
    () =>
      new DataLoader<string, StoredDocument | null>(async (ids) => {
        const rows = await ctx.db.read(
          `UNWIND $ids AS id MATCH (t:SourceText {source: id})
           RETURN id, t.text AS text, toString(t.ingestedAt) AS ingestedAt, t.mentions AS mentions,
                  t.amounts AS amounts, t.dates AS dates`,
          { ids },
        );
        const byId = new Map(
          rows.map((r) => [
            String(r.id),
            {
              text: String(r.text ?? ''),
              ingestedAt: (r.ingestedAt as string | null) ?? null,
              mentions: jsonList<Extraction['mentions'][number]>(r.mentions).map((m) => ({
                ...m,
                entities: null,
                reconciled: null,
              })),
              amounts: jsonList<AmountRow>(r.amounts),
              dates: jsonList<DateRow>(r.dates),
            },
          ]),
        );
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );

const SourceDocumentRef = builder.objectRef<StoredDocument>('SourceDocument').implement({
  description:
    'An ingested document: its plain text and what the extractor found in it (character ranges into `text`).',
  fields: (t) => ({
    text: t.exposeString('text'),
    ingestedAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.ingestedAt }),
    mentions: t.field({ type: [MentionRef], resolve: (d) => d.mentions }),
    amounts: t.field({ type: [AmountRef], resolve: (d) => d.amounts }),
    dates: t.field({ type: [DatePeriodRef], resolve: (d) => d.dates }),
  }),
});

builder.objectField(SourceRef, 'document', (t) =>
  t.field({
    type: SourceDocumentRef,
    nullable: true,
    description: 'Its text and mentions when it came in through ingestDocument; null for any other source.',
    resolve: (source, _a, ctx) => documentLoader(ctx).load(source.id),
  }),
);

builder.queryField('documents', (t) =>
  t.field({
    type: [SourceRef],
    description: 'Sources that came in through ingestDocument, the latest ingested first.',
    args: { first: t.arg.int({ defaultValue: 20, description: 'At most MAX_PAGE_SIZE.' }) },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? 20;
      if (first < 0) throw badInput('first must not be negative', { path: ['first'] });
      if (first > ctx.config.limits.maxPageSize)
        throw limitExceeded('MAX_PAGE_SIZE', ctx.config.limits.maxPageSize, first, 'first');
      const rows = await ctx.db.read(
        `MATCH (t:SourceText) WITH t ORDER BY t.ingestedAt DESC, t.source LIMIT toInteger($first)
         MATCH (s:Source {id: t.source}) RETURN s.id AS id`,
        { first },
      );
      const sources = await Promise.all(rows.map((r) => sourceByIdLoader(ctx).load(String(r.id))));
      return sources.filter((s) => s !== null);
    },
  }),
);

const IngestDocumentPayload = builder.objectRef<IngestOutcome>('IngestDocumentPayload').implement({
  fields: (t) => ({
    source: t.field({ type: SourceRef, resolve: (o, _a, ctx) => sourceOf(ctx, o.sourceId) }),
    mentions: t.field({
      type: [MentionRef],
      resolve: (o) => o.extraction.mentions.map((m) => ({ ...m, entities: o.entities, reconciled: o.reconciled })),
    }),
    amounts: t.field({ type: [AmountRef], resolve: (o) => o.extraction.amounts }),
    dates: t.field({ type: [DatePeriodRef], resolve: (o) => o.extraction.dates }),
    candidates: t.field({ type: [CandidateClaimRef], resolve: (o) => o.candidates }),
  }),
});

const IngestDocumentInputRef = builder.inputRef<IngestDocumentInput>('IngestDocumentInput').implement({
  fields: (t) => ({
    title: t.string({ required: true }),
    url: t.string({ description: 'http(s); the same URL is the same source.' }),
    publisher: t.string(),
    publishedOn: t.field({ type: 'Date', required: true, description: 'Relative dates are read against it.' }),
    language: t.string({ required: true, description: '`fr` or `en`.' }),
    text: t.string({ required: true, description: 'The plain text, at most 200,000 characters.' }),
  }),
});

builder.mutationField('ingestDocument', (t) =>
  t.field({
    type: IngestDocumentPayload,
    description:
      'Stores a document as a Source with its text, and proposes what it says as candidate claims for ' +
      'review: entity mentions, amounts, dates and claims, found by rules. Writes nothing else.',
    args: { input: t.arg({ type: IngestDocumentInputRef, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const outcome = await ingestDocument(ctx.db, input);
      // A source alone is no entity change, but cached reads that show sources must go.
      await committed(ctx, sourcesChanged());
      return outcome;
    },
  }),
);

builder.queryField('candidateClaims', (t) =>
  t.connection({
    type: CandidateClaimRef,
    description: 'The review queue: candidate claims by status and document, oldest first.',
    args: {
      status: t.arg({ type: CandidateStatusEnum }),
      source: t.arg.id({ description: 'A Source (its ID or raw id).' }),
    },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? 20;
      if (first > ctx.config.limits.maxPageSize)
        throw limitExceeded('MAX_PAGE_SIZE', ctx.config.limits.maxPageSize, first, 'first');
      const filter = { status: args.status ?? null, source: args.source ? rawSourceId(String(args.source)) : null };
      const page = await listCandidates(ctx.db, { ...filter, first: Math.max(0, first), after: args.after ?? null });
      return {
        totalCount: () => countCandidates(ctx.db, filter),
        edges: page.rows.map((node) => ({ node, cursor: node.id })),
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: !!args.after,
          startCursor: page.rows[0]?.id ?? null,
          endCursor: page.rows.at(-1)?.id ?? null,
        },
      };
    },
  }),
);

const CandidateEditsRef = builder.inputType('CandidateEdits', {
  description: 'What a reviewer changes before accepting.',
  fields: (t) => ({
    subject: t.id({ description: 'VALUE: the entity (ID or slug) it is about.' }),
    from: t.id({ description: 'RELATIONSHIP: its start (ID or slug).' }),
    to: t.id({ description: 'RELATIONSHIP: its end (ID or slug).' }),
    value: t.field({ type: 'JSON', description: 'VALUE: the value to record instead.' }),
    validFrom: t.field({ type: 'Date', description: "Default: the document's publication date." }),
    validTo: t.field({ type: 'Date' }),
  }),
});

const AcceptCandidatePayload = builder
  .objectRef<{ candidate: CandidateRow; claimId: string }>('AcceptCandidatePayload')
  .implement({
    fields: (t) => ({
      candidate: t.field({ type: CandidateClaimRef, resolve: (o) => o.candidate }),
      claim: t.field({
        type: ClaimRef,
        resolve: async (o, _a, ctx) => (await claimByIdLoader(ctx, null).load(o.claimId))!,
      }),
    }),
  });

/** An event that drops cached reads showing sources or candidates, told to no subscriber. */
const sourcesChanged = () => {
  const none = { entities: 0, sources: 0, relationships: 0 };
  return [importedChange({ total: none, created: none, updated: none }, [], true), { notify: false }] as const;
};

builder.mutationFields((t) => ({
  acceptCandidate: t.field({
    type: AcceptCandidatePayload,
    description:
      'Writes a candidate as a claim citing its document with its quote (a KNOWN one adds the document ' +
      "to the claim it equals); valid from the document's publication date unless edited.",
    args: { id: t.arg.id({ required: true }), edits: t.arg({ type: CandidateEditsRef }) },
    resolve: async (_root, { id, edits }, ctx) => {
      const outcome = await acceptCandidate(ctx.db, String(id), (edits ?? {}) as CandidateEdits, actorOf(ctx));
      const touched = await Promise.all(outcome.touched.map((e) => anyEntityByIdLoader(ctx).load(e)));
      const [first, ...also] = touched.filter((e) => e !== null);
      await committed(ctx, ...(first ? [entityChange('UPDATED', first, { also, sources: true })] : []));
      return outcome;
    },
  }),
  rejectCandidate: t.field({
    type: CandidateClaimRef,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const candidate = await rejectCandidate(ctx.db, String(id), reason, actorOf(ctx));
      await committed(ctx, sourcesChanged());
      return candidate;
    },
  }),
}));
