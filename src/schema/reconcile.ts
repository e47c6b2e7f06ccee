/** `reconcile`: which entities a name as someone wrote it may be (identity/reconcile.ts). */
import { badInput, limitExceeded } from '../errors.js';
import { kindToLabel, type EntityKind } from '../graph/model.js';
import type { IdentifierInput } from '../graph/write-input.js';
import {
  MATCH_MARGIN,
  MATCH_SCORE,
  MAX_RECONCILE_CANDIDATES,
  MAX_RECONCILE_NAME_LENGTH,
  MAX_RECONCILE_QUERIES,
  MAX_RECONCILE_RELATED,
  reconcile,
  type ReconcileCandidate,
  type ReconcileReason,
  type ReconcileResult,
} from '../identity/reconcile.js';
import { checkIdentifiers } from '../identity/identifiers.js';
import { duplicateCandidates, type DuplicatePair } from '../identity/duplicates.js';
import { builder } from './builder.js';
import { EntityKindEnum } from './enums.js';
import { IdentifierInputRef } from './identity.js';
import { EntityRef } from './refs.js';

interface ReconcileQueryInput {
  name: string;
  kind?: EntityKind | null;
  country?: string | null;
  identifiers?: IdentifierInput[] | null;
  related?: string[] | null;
  limit?: number | null;
}

const ReconcileQueryRef = builder.inputRef<ReconcileQueryInput>('ReconcileQuery').implement({
  description: 'A name as someone wrote it, and what else they know of the entity it names.',
  fields: (t) => ({
    name: t.string({ required: true, description: `At most ${MAX_RECONCILE_NAME_LENGTH} characters.` }),
    kind: t.field({ type: EntityKindEnum, description: 'Only entities of this kind are candidates.' }),
    country: t.string({ description: "ISO country code, compared with a company's country." }),
    identifiers: t.field({ type: [IdentifierInputRef], description: 'Identifiers it is known by.' }),
    related: t.stringList({
      description: `Names of entities it is related to (a chief executive, a party to a deal): at most ${MAX_RECONCILE_RELATED}.`,
    }),
    limit: t.int({ description: `Most candidates to return, 1 to ${MAX_RECONCILE_CANDIDATES} (default 5).` }),
  }),
});

const ReconcileReasonKindEnum = builder.enumType('ReconcileReasonKind', {
  description: 'Why a candidate scored what it did.',
  values: {
    EXACT_NAME: { description: 'Its name, exactly (1.0).' },
    EXACT_ALIAS: { description: 'One of its aliases, exactly (1.0).' },
    FOLDED_NAME: { description: 'Its name or an alias, case, accents, punctuation and spacing aside (0.98).' },
    LEGAL_FORM: { description: 'Its name or an alias, legal forms such as Inc. or Corp. aside (0.96).' },
    REORDERED_WORDS: { description: 'The same words in another order (0.93).' },
    SIMILAR_SPELLING: { description: 'One or two letters apart in a long enough name (0.85 to 0.94).' },
    TOKEN_OVERLAP: { description: 'Some words in common (up to 0.8).' },
    SHARED_IDENTIFIER: { description: 'An identifier of the query is one of its own (at least 0.99).' },
    OTHER_IDENTIFIER: { description: 'It holds another value in a scheme the query gives (-0.3).' },
    SHARED_NEIGHBOURS: { description: 'Entities the query names are its neighbours (+0.05 each, +0.1 at most).' },
    SAME_COUNTRY: { description: 'Its country is the one the query gives (+0.03).' },
    OTHER_COUNTRY: { description: 'Its country is another one (-0.1).' },
  } as const,
});

const ReconcileReasonRef = builder.objectRef<ReconcileReason>('ReconcileReason').implement({
  fields: (t) => ({
    kind: t.field({ type: ReconcileReasonKindEnum, resolve: (r) => r.kind }),
    detail: t.exposeString('detail'),
    weight: t.exposeFloat('weight', { description: 'What it added to the score (negative: took away).' }),
  }),
});

export const ReconcileCandidateRef = builder.objectRef<ReconcileCandidate>('ReconcileCandidate').implement({
  fields: (t) => ({
    entity: t.field({ type: EntityRef, resolve: (c) => c.entity }),
    score: t.exposeFloat('score', { description: 'From 0 to 1; candidates come best first.' }),
    match: t.exposeBoolean('match', {
      description: `True for the top candidate only, when its score is at least ${MATCH_SCORE} and ${MATCH_MARGIN} above the second's.`,
    }),
    reasons: t.field({ type: [ReconcileReasonRef], resolve: (c) => c.reasons }),
  }),
});

const ReconcileResultRef = builder.objectRef<ReconcileResult>('ReconcileResult').implement({
  fields: (t) => ({
    name: t.string({ description: 'The name asked about.', resolve: (r) => r.query.name }),
    candidates: t.field({ type: [ReconcileCandidateRef], resolve: (r) => r.candidates }),
    match: t.field({
      type: EntityRef,
      nullable: true,
      description: 'The matched entity, when the top candidate is a match.',
      resolve: (r) => r.candidates.find((c) => c.match)?.entity ?? null,
    }),
  }),
});

builder.queryField('reconcile', (t) =>
  t.field({
    type: [ReconcileResultRef],
    description:
      'For each name as someone wrote it, the entities it may be, scored from 0 to 1 with the reasons, ' +
      `best first; \`match\` marks a top candidate sure enough to link without a look (OpenRefine's rule: at least ${MATCH_SCORE}, ${MATCH_MARGIN} ahead).`,
    args: { queries: t.arg({ type: [ReconcileQueryRef], required: true }) },
    // One result per query, each a few index lookups and a list of candidates (priced as a list).
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.queries.length) }),
    resolve: (_root, { queries }, ctx) => reconcile(ctx.db, checkQueries(queries)),
  }),
);

/** The queries as reconcile takes them, or BAD_USER_INPUT / LIMIT_EXCEEDED naming the first problem. */
function checkQueries(queries: readonly ReconcileQueryInput[]) {
  if (queries.length > MAX_RECONCILE_QUERIES)
    throw limitExceeded('MAX_RECONCILE_QUERIES', MAX_RECONCILE_QUERIES, queries.length, 'queries');
  return queries.map((q, i) => {
    const path = ['queries', i];
    if (q.name.trim() === '' || q.name.length > MAX_RECONCILE_NAME_LENGTH)
      throw badInput(`queries[${i}].name must have 1 to ${MAX_RECONCILE_NAME_LENGTH} characters`, {
        path: [...path, 'name'],
      });
    if (
      (q.related?.length ?? 0) > MAX_RECONCILE_RELATED ||
      q.related?.some((r) => r.length > MAX_RECONCILE_NAME_LENGTH)
    )
      throw badInput(
        `queries[${i}].related: at most ${MAX_RECONCILE_RELATED} names of at most ${MAX_RECONCILE_NAME_LENGTH} characters`,
        {
          path: [...path, 'related'],
        },
      );
    if (q.limit != null && (q.limit < 1 || q.limit > MAX_RECONCILE_CANDIDATES))
      throw badInput(`queries[${i}].limit must be from 1 to ${MAX_RECONCILE_CANDIDATES}`, { path: [...path, 'limit'] });
    return {
      name: q.name,
      kinds: q.kind ? [kindToLabel(q.kind)] : null,
      country: q.country?.slice(0, 10) ?? null,
      identifiers: q.identifiers ? checkIdentifiers(q.identifiers, [...path, 'identifiers']) : null,
      related: q.related ?? null,
      limit: q.limit ?? null,
    };
  });
}

const DuplicatePairRef = builder.objectRef<DuplicatePair>('DuplicatePair').implement({
  description: 'Two entities of one kind that are likely the same, and why (mergeEntities joins them).',
  fields: (t) => ({
    a: t.field({ type: EntityRef, resolve: (p) => p.a }),
    b: t.field({ type: EntityRef, resolve: (p) => p.b }),
    score: t.exposeFloat('score', { description: 'From 0 to 1, by the reconciliation rules; best first.' }),
    reasons: t.field({ type: [ReconcileReasonRef], resolve: (p) => p.reasons }),
  }),
});

builder.queryField('duplicateCandidates', (t) =>
  t.field({
    type: [DuplicatePairRef],
    description:
      'Pairs of entities of one kind likely to be the same (names or aliases alike by the reconciliation rules, ' +
      'neighbours in common), best first. Reads every entity of the kind: an analyst tool, priced as such.',
    args: {
      kind: t.arg({ type: EntityKindEnum, required: true }),
      first: t.arg.int({ defaultValue: 20, description: 'At most 100.' }),
    },
    // A scan of the whole kind, whatever `first` is.
    complexity: { field: 2_000, multiplier: 1 },
    resolve: (_root, { kind, first }, ctx) => {
      const size = first ?? 20;
      if (size < 1 || size > 100) throw badInput('first must be from 1 to 100', { path: ['first'] });
      return duplicateCandidates(ctx.db, kindToLabel(kind), size);
    },
  }),
);
