/**
 * Scoring an extraction against gold annotations, per category. A mention matches on its exact
 * range and the same entity (a seed slug, or a new entity's folded name and kind); an amount on
 * its exact range, kind and value (dollars, or the other currency, or megawatts); a date on its
 * exact range and both resolved ends; a claim on the fact alone (subject, field and value, or
 * relationship and both ends), whatever its quote. Each gold item matches at most one proposal.
 */
import type { CandidateClaimDraft, EntityRef, Extraction } from './extract.js';
import { fold } from './fold.js';
import type { GoldAnnotations, GoldClaim } from './gold-set.js';

export const CATEGORIES = ['mentions', 'amounts', 'dates', 'claims'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Counts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface Score extends Counts {
  precision: number;
  recall: number;
}

/** One category of one document: the counts and the items on either side that did not match. */
export interface CategoryResult extends Counts {
  missed: string[];
  spurious: string[];
}

export type DocumentEvaluation = Record<Category, CategoryResult>;

const ref = (r: EntityRef) => (typeof r === 'string' ? r : `new:${fold(r.new)}`);

/** A value with object keys sorted and lists of slugs sorted, so equal facts print equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) => {
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...v].sort();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });

/** The key each category matches on. */
const KEYS = {
  mentions: (m: GoldAnnotations['mentions'][number]) =>
    `${m.start}-${m.end} ${m.text} → ${m.entity ?? `new:${fold(m.newEntity?.name ?? '')}:${m.newEntity?.kind}`}`,
  amounts: (a: GoldAnnotations['amounts'][number]) =>
    `${a.start}-${a.end} ${a.text} → ${a.kind} ${a.kind === 'POWER' ? `${a.mw} MW` : (a.usd ?? a.currency)}`,
  dates: (d: GoldAnnotations['dates'][number]) => `${d.start}-${d.end} ${d.text} → ${d.from}..${d.to}`,
  claims: (c: GoldClaim | CandidateClaimDraft) =>
    'relationship' in c
      ? `${c.relationship}(${ref(c.from)} → ${ref(c.to)})`
      : `${ref(c.subject)}.${c.field} = ${canonical(c.value)}`,
};

/** Matches two lists of keys as multisets. */
function compare(gold: string[], found: string[]): CategoryResult {
  const left = [...found];
  const missed: string[] = [];
  for (const key of gold) {
    const at = left.indexOf(key);
    if (at >= 0) left.splice(at, 1);
    else missed.push(key);
  }
  const truePositives = gold.length - missed.length;
  return { truePositives, falsePositives: left.length, falseNegatives: missed.length, missed, spurious: left };
}

/** One document's extraction against its gold annotations. */
export function evaluate(gold: GoldAnnotations, extraction: Extraction): DocumentEvaluation {
  return {
    mentions: compare(gold.mentions.map(KEYS.mentions), extraction.mentions.map(KEYS.mentions)),
    amounts: compare(gold.amounts.map(KEYS.amounts), extraction.amounts.map(KEYS.amounts)),
    dates: compare(gold.dates.map(KEYS.dates), extraction.dates.map(KEYS.dates)),
    claims: compare(gold.claims.map(KEYS.claims), extraction.claims.map(KEYS.claims)),
  };
}

/** Precision and recall of counts; an empty side scores 1 (nothing wrong was proposed, or missed). */
export function score(c: Counts): Score {
  const proposed = c.truePositives + c.falsePositives;
  const expected = c.truePositives + c.falseNegatives;
  return {
    ...c,
    precision: proposed === 0 ? 1 : c.truePositives / proposed,
    recall: expected === 0 ? 1 : c.truePositives / expected,
  };
}

/** Micro-averaged scores over documents: counts summed per category, then precision and recall. */
export function summarize(docs: DocumentEvaluation[]): Record<Category, Score> {
  const total = (category: Category): Counts => ({
    truePositives: docs.reduce((n, d) => n + d[category].truePositives, 0),
    falsePositives: docs.reduce((n, d) => n + d[category].falsePositives, 0),
    falseNegatives: docs.reduce((n, d) => n + d[category].falseNegatives, 0),
  });
  return Object.fromEntries(CATEGORIES.map((c) => [c, score(total(c))])) as Record<Category, Score>;
}
