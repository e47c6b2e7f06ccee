/**
 * Reconciliation (SPEC section 2a, "Identity"): for a name as someone wrote it, plus what they
 * know of it (a kind, a country, identifiers, names of related entities), the graph's entities it
 * may be, each scored from 0 to 1 with the reasons for its score.
 *
 * Two steps, one round trip for a whole batch of queries:
 * 1. candidates: the entities holding one of the query's identifiers; those whose folded name or
 *    alias equals one of the query's name variants (`entity_keys`); and the best full-text hits of
 *    its words over names and aliases, typo-tolerant (`entity_search`, fuzzy terms);
 * 2. scoring, here, from the name rules below and the evidence the query brings.
 * `match` is true for the top candidate only, when its score is at least MATCH_SCORE and at least
 * MATCH_MARGIN above the second's: a decision a caller may take without a person looking.
 */
import type { Db } from '../neo4j/db.js';
import { entityProjection, toEntityRow, type EntityRow } from '../graph/entities.js';
import { foldSearchKey, keyTerm } from '../graph/search.js';
import type { EntityLabel } from '../graph/model.js';
import { canonicalIdentifier, identifierKey, identifiersOfRow, type Identifier } from './identifiers.js';

export const MATCH_SCORE = 0.9;
export const MATCH_MARGIN = 0.2;
/** Most queries in one batch (OpenRefine sends 10 at a time by default). */
export const MAX_RECONCILE_QUERIES = 100;
/** Most candidates a query answers with. */
export const MAX_RECONCILE_CANDIDATES = 25;
/** Longest name a query may give. */
export const MAX_RECONCILE_NAME_LENGTH = 300;
/** Most names of related entities one query may give. */
export const MAX_RECONCILE_RELATED = 20;
/** Full-text hits read per query before scoring. */
const TEXT_CANDIDATES = 30;

export type ReconcileReasonKind =
  | 'EXACT_NAME'
  | 'EXACT_ALIAS'
  | 'FOLDED_NAME'
  | 'LEGAL_FORM'
  | 'REORDERED_WORDS'
  | 'SIMILAR_SPELLING'
  | 'TOKEN_OVERLAP'
  | 'SHARED_IDENTIFIER'
  | 'OTHER_IDENTIFIER'
  | 'SHARED_NEIGHBOURS'
  | 'SAME_COUNTRY'
  | 'OTHER_COUNTRY';

export interface ReconcileReason {
  kind: ReconcileReasonKind;
  /** What matched, in words (`alias "Open AI"`, `DOMAIN openai.com`, `neighbours: Sam Altman`). */
  detail: string;
  /** What it added to (or took from) the score. */
  weight: number;
}

export interface ReconcileQuery {
  name: string;
  /** Only entities of these kinds are candidates (none: every kind). */
  kinds?: readonly EntityLabel[] | null;
  /** ISO country code, compared with a company's `country`. */
  country?: string | null;
  identifiers?: ReadonlyArray<{ scheme: string; value: string }> | null;
  /** Names of entities the one sought is related to (its chief executive, a deal's party...). */
  related?: readonly string[] | null;
  /** Most candidates to return (default 5). */
  limit?: number | null;
}

export interface ReconcileCandidate {
  entity: EntityRow;
  score: number;
  match: boolean;
  reasons: ReconcileReason[];
}

export interface ReconcileResult {
  query: ReconcileQuery;
  candidates: ReconcileCandidate[];
}

// ---------------------------------------------------------------------------------------------
// Names

/** Legal forms that say nothing about which company it is ("Oracle Corp" is Oracle). */
const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'sa',
  'sas',
  'sarl',
  'ag',
  'se',
  'gmbh',
  'nv',
  'bv',
  'spa',
  'kk',
  'pte',
  'pty',
]);

/** Folded (case, accents), `&` read as "and", punctuation as spaces, spaces collapsed. */
export function normalizeName(name: string): string {
  return foldSearchKey(name)
    .replace(/&/g, ' and ')
    .replace(/['’`]s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The name's words without trailing legal forms and a leading "the". */
export function coreTokens(name: string): string[] {
  const tokens = normalizeName(name).split(' ').filter(Boolean);
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  while (tokens.length > 1 && LEGAL_FORMS.has(tokens.at(-1)!)) tokens.pop();
  return tokens;
}

/** Damerau-Levenshtein distance (adjacent transpositions count one), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The name rules, strongest first: each is a score and the reason given for it. */
interface NameMatch {
  score: number;
  kind: ReconcileReasonKind;
  detail: string;
}

/**
 * How well `query` names an entity known as `known` (its name or one alias):
 * - EXACT_NAME / EXACT_ALIAS 1.0: the same text, trimmed;
 * - FOLDED_NAME 0.98: the same once case, accents, punctuation and spacing are folded
 *   ("open-ai" and "Open AI", "Elysee" and "Élysée");
 * - LEGAL_FORM 0.96: the same once legal forms are dropped ("openai inc", "Oracle Corp");
 * - REORDERED_WORDS 0.93: the same words in another order;
 * - SIMILAR_SPELLING: one or two typing slips in a long enough name ("Sam Altmann"), 0.94 for one
 *   slip in 8 letters or more, 0.9 for one in 5 to 7, 0.85 for two in 12 or more;
 * - TOKEN_OVERLAP up to 0.8: some words shared (the Dice coefficient of the two word sets,
 *   words a slip apart counting as shared), times 0.8.
 */
export function nameMatch(query: string, known: string, isAlias: boolean): NameMatch | null {
  const what = isAlias ? `alias "${known}"` : `name "${known}"`;
  if (query.trim() === known.trim()) return { score: 1, kind: isAlias ? 'EXACT_ALIAS' : 'EXACT_NAME', detail: what };
  const [q, k] = [normalizeName(query), normalizeName(known)];
  if (q === '' || k === '') return null;
  if (q === k || q.replaceAll(' ', '') === k.replaceAll(' ', ''))
    return { score: 0.98, kind: 'FOLDED_NAME', detail: `${what}, case, accents or spacing aside` };
  const [qt, kt] = [coreTokens(query), coreTokens(known)];
  const [qc, kc] = [qt.join(' '), kt.join(' ')];
  if (qc === kc || qc.replaceAll(' ', '') === kc.replaceAll(' ', ''))
    return { score: 0.96, kind: 'LEGAL_FORM', detail: `${what}, legal form aside` };
  if (qt.length > 1 && [...qt].sort().join(' ') === [...kt].sort().join(' '))
    return { score: 0.93, kind: 'REORDERED_WORDS', detail: `${what}, words reordered` };
  const length = Math.max(qc.length, kc.length);
  const slips = editDistance(qc, kc, 2);
  if (slips === 1 && length >= 8) return { score: 0.94, kind: 'SIMILAR_SPELLING', detail: `${what}, one letter apart` };
  if (slips === 1 && length >= 5) return { score: 0.9, kind: 'SIMILAR_SPELLING', detail: `${what}, one letter apart` };
  if (slips === 2 && length >= 12)
    return { score: 0.85, kind: 'SIMILAR_SPELLING', detail: `${what}, two letters apart` };
  const shared = qt.filter((w) => kt.some((v) => v === w || (w.length >= 5 && editDistance(w, v, 1) <= 1))).length;
  if (shared === 0) return null;
  const dice = (2 * shared) / (qt.length + kt.length);
  return { score: Math.min(0.8, 0.8 * dice), kind: 'TOKEN_OVERLAP', detail: `${what}, ${shared} word(s) shared` };
}

// ---------------------------------------------------------------------------------------------
// Scoring

/** What the database gives of a candidate: the entity, and the names of its neighbours the query named. */
export interface CandidateRow {
  entity: EntityRow;
  neighbours: string[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const clamp = (x: number) => Math.min(1, Math.max(0, x));

/** A candidate's score and reasons for one query; null when nothing of its name matches. */
export function scoreCandidate(
  query: ReconcileQuery,
  identifiers: readonly Identifier[],
  candidate: CandidateRow,
): Omit<ReconcileCandidate, 'match'> | null {
  const { entity } = candidate;
  const names: Array<[string, boolean]> = [
    [entity.name, false],
    ...entity.aliases.map((a): [string, boolean] => [a, true]),
  ];
  let best: NameMatch | null = null;
  for (const [known, isAlias] of names) {
    const m = nameMatch(query.name, known, isAlias);
    if (m && (!best || m.score > best.score)) best = m;
  }
  const reasons: ReconcileReason[] = [];
  let score = 0;
  if (best) {
    score = best.score;
    reasons.push({ kind: best.kind, detail: best.detail, weight: best.score });
  }
  // Identifiers: one in common all but settles it; another value in a scheme both have counts against.
  const held = identifiersOfRow(entity.identifiers);
  const heldKeys = new Set(held.map(identifierKey));
  const shared = identifiers.filter((i) => heldKeys.has(identifierKey(i)));
  if (shared.length > 0) {
    const lift = Math.max(0, 0.99 - score);
    score = Math.max(score, 0.99);
    reasons.push({
      kind: 'SHARED_IDENTIFIER',
      detail: shared.map((i) => `${i.scheme} ${i.value}`).join(', '),
      weight: round(lift),
    });
  } else {
    const other = identifiers.filter((i) => held.some((h) => h.scheme === i.scheme && h.value !== i.value));
    if (other.length > 0) {
      score -= 0.3;
      reasons.push({
        kind: 'OTHER_IDENTIFIER',
        detail: other.map((i) => `${i.scheme} differs`).join(', '),
        weight: -0.3,
      });
    }
  }
  if (!best && shared.length === 0) return null;
  const country = typeof entity.country === 'string' ? entity.country : null;
  if (query.country && country) {
    const same = query.country.trim().toUpperCase() === country.toUpperCase();
    score += same ? 0.03 : -0.1;
    reasons.push(
      same
        ? { kind: 'SAME_COUNTRY', detail: country, weight: 0.03 }
        : { kind: 'OTHER_COUNTRY', detail: `${country}, not ${query.country}`, weight: -0.1 },
    );
  }
  // Neighbours the query named (found by the statement among the entity's own neighbours).
  if (candidate.neighbours.length > 0) {
    const lift = Math.min(0.1, 0.05 * candidate.neighbours.length);
    score += lift;
    reasons.push({ kind: 'SHARED_NEIGHBOURS', detail: candidate.neighbours.join(', '), weight: lift });
  }
  return { entity, score: round(clamp(score)), reasons };
}

/** Best first (then by name and slug, so equal scores keep one order); `match` on the top one only. */
export function rank(scored: Array<Omit<ReconcileCandidate, 'match'>>, limit: number): ReconcileCandidate[] {
  const sorted = [...scored].sort(
    (a, b) =>
      b.score - a.score || a.entity.name.localeCompare(b.entity.name) || a.entity.slug.localeCompare(b.entity.slug),
  );
  const [top, second] = sorted;
  const decided = !!top && top.score >= MATCH_SCORE && (!second || top.score - second.score >= MATCH_MARGIN);
  return sorted.slice(0, limit).map((c, i) => ({ ...c, match: decided && i === 0 }));
}

// ---------------------------------------------------------------------------------------------
// Candidates

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/**
 * The full-text query of a name: each word against names and aliases, fuzzy when long enough
 * for a slip to be told from another word (one edit from 4 letters, two from 8).
 */
export function fuzzyQuery(name: string): string | null {
  const words = normalizeName(name)
    .split(' ')
    .filter((w) => w.length > 1)
    .slice(0, 8)
    .map((w) => w.replace(LUCENE_SPECIAL, (c) => `\\${c}`));
  if (words.length === 0) return null;
  const terms = words.map((w) => (w.length >= 8 ? `${w}~2` : w.length >= 4 ? `${w}~1` : w)).join(' ');
  return `name:(${terms}) OR aliases:(${terms})`;
}

/** The keys (folded names and aliases) a name may equal: as written, without punctuation, without legal forms. */
export function nameKeys(name: string): string[] {
  const core = coreTokens(name);
  const keys = new Set([foldSearchKey(name), normalizeName(name), core.join(' '), core.join('')]);
  keys.delete('');
  return [...keys];
}

const CANDIDATES = `
UNWIND $queries AS q
CALL (q) {
  MATCH (i:Identifier) WHERE i.key IN q.identifierKeys
  MATCH (node:Entity {id: i.entity})
  RETURN node
UNION
  WITH q WHERE q.keys IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_keys', q.keys, {limit: 20}) YIELD node
  RETURN node
UNION
  WITH q WHERE q.text IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_search', q.text, {limit: $textCandidates}) YIELD node
  RETURN node
}
WITH q, node WHERE q.labels IS NULL OR any(l IN labels(node) WHERE l IN q.labels)
RETURN q.index AS query, ${entityProjection('node')} AS entity,
  CASE WHEN q.related IS NULL THEN [] ELSE COLLECT {
    CALL db.index.fulltext.queryNodes('entity_keys', q.related, {limit: 50}) YIELD node AS r
    WITH r WHERE EXISTS { (node)--(r) }
    RETURN DISTINCT r.name
  } END AS neighbours`;

/** The keys of related names, as one keyword query (null when none). */
function relatedTerms(related: readonly string[] | null | undefined): string | null {
  const keys = [...new Set((related ?? []).slice(0, 20).flatMap(nameKeys))];
  return keys.length ? keys.map(keyTerm).join(' OR ') : null;
}

/** Answers a batch of queries: candidates for all in one statement, then each query's scoring. */
export async function reconcile(db: Db, queries: readonly ReconcileQuery[]): Promise<ReconcileResult[]> {
  const identifiers = queries.map((q) =>
    (q.identifiers ?? []).flatMap((i) => {
      const id = canonicalIdentifier(i);
      return typeof id === 'string' ? [] : [id];
    }),
  );
  const rows = await db.read(CANDIDATES, {
    queries: queries.map((q, index) => {
      const keys = nameKeys(q.name);
      return {
        index,
        identifierKeys: identifiers[index]!.map(identifierKey),
        keys: keys.length ? keys.map(keyTerm).join(' OR ') : null,
        text: fuzzyQuery(q.name),
        labels: q.kinds?.length ? [...q.kinds] : null,
        related: relatedTerms(q.related),
      };
    }),
    textCandidates: TEXT_CANDIDATES,
  });
  const byQuery = queries.map((): CandidateRow[] => []);
  for (const r of rows) {
    byQuery[Number(r.query)]!.push({ entity: toEntityRow(r.entity), neighbours: (r.neighbours as string[]) ?? [] });
  }
  return queries.map((query, i) => {
    const scored = byQuery[i]!.flatMap((c) => scoreCandidate(query, identifiers[i]!, c) ?? []);
    const limit = Math.min(MAX_RECONCILE_CANDIDATES, Math.max(1, query.limit ?? 5));
    return { query, candidates: rank(scored, limit) };
  });
}
