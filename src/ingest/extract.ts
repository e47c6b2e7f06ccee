/**
 * The extractor behind `ingestDocument`: from a news item's text, its language, its publication
 * day and the gazetteer of known entities, the mentions, money and power amounts, dates and
 * candidate claims it holds, each with its character range. Pure: no database, no clock, no
 * network; the same input gives the same extraction.
 */
import { type Amount, findAmounts } from './amounts.js';
import { findClaims } from './claims.js';
import { type DateSpan, findDates } from './dates.js';
import { overlaps } from './fold.js';
import { findMentions, type Mention } from './mentions.js';

export interface GazetteerEntry {
  slug: string;
  label: 'Person' | 'Company' | 'Project' | 'Datacenter' | 'Deal';
  /** The name first, then the aliases. */
  names: string[];
}

export interface ExtractInput {
  text: string;
  language: 'fr' | 'en';
  /** `YYYY-MM-DD`: relative dates resolve against it. */
  publishedOn: string;
  gazetteer: GazetteerEntry[];
}

/** An entity of a claim: a known entity's slug, or a new entity mentioned in the same text. */
export type EntityRef = string | { new: string };

/** A field claim or a relationship claim, as the gold set's claims are, plus how it was found. */
export type CandidateClaimDraft = (
  | { subject: EntityRef; field: string; value: unknown }
  | { relationship: string; from: EntityRef; to: EntityRef; properties?: Record<string, unknown> }
) & { quote: { start: number; end: number; text: string }; rule: string; confidence: number; approximate?: boolean };

export interface Extraction {
  mentions: Mention[];
  amounts: Amount[];
  dates: DateSpan[];
  claims: CandidateClaimDraft[];
}

export function extract(input: ExtractInput): Extraction {
  const mentions = findMentions(input.text, input.gazetteer, input.language);
  const amounts = findAmounts(input.text, input.language);
  const dates = findDates(input.text, input.publishedOn).filter((d) => !amounts.some((a) => overlaps(a, d)));
  const claims = findClaims(
    input.text,
    input.language,
    input.publishedOn,
    { mentions, amounts, dates },
    input.gazetteer,
  );
  return { mentions, amounts, dates, claims };
}
